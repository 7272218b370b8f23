"""One round trip through the real action server over HTTP."""

import json
import urllib.request

import pytest

from bot.launcher import ServerConfig, Servers, free_port


@pytest.fixture(scope="module")
def action_server(tmp_path_factory):
    config = ServerConfig(
        actions_port=free_port(), log_dir=tmp_path_factory.mktemp("logs")
    )
    servers = Servers(config)
    servers.start_actions()
    yield config
    servers.stop()


def post(url, body):
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def webhook_call(action, intent, text, slots=None):
    latest = {
        "intent": {"name": intent, "confidence": 1.0},
        "text": text,
        "entities": [],
    }
    return {
        "next_action": action,
        "sender_id": "round-trip",
        "version": "3.6.2",
        "domain": {},
        "tracker": {
            "sender_id": "round-trip",
            "slots": slots or {},
            "latest_message": latest,
            "events": [{"event": "user", "text": text, "parse_data": latest}],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


def test_answer_question_over_http(action_server, kb):
    result = post(
        f"{action_server.actions_url}/webhook",
        webhook_call("action_answer_question", "ask_levels", "how many at once?"),
    )
    assert result["events"][0]["event"] == "slot"
    assert result["events"][0]["value"] == "levels"
    assert result["responses"][0]["text"].startswith(kb.topics["levels"].answer)


def test_health(action_server):
    with urllib.request.urlopen(f"{action_server.actions_url}/health") as r:
        assert json.loads(r.read())["status"] == "ok"
