"""End to end: both real servers, real HTTP, the REST channel, then both stopped.

Needs the trained model (``make train``); ``make test`` runs it after training.
"""

import json
import os
import signal
import sqlite3
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.launcher import ServerConfig, free_port, port_in_use, running
from bot.paths import PROJECT_ROOT
from bot.settings import load_clinic
from tests.conftest import Conversation, listed_requests

pytestmark = pytest.mark.e2e

MODEL = PROJECT_ROOT / "models" / "vertebroplasty.tar.gz"


RECEIVED = []  # what the clinic's webhook received, in order


class Webhook(BaseHTTPRequestHandler):
    """The clinic's webhook: records what it receives."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        RECEIVED.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def webhook():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Webhook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/requests"
    server.shutdown()


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    return tmp_path_factory.mktemp("db") / "requests.db"


@pytest.fixture(scope="module")
def servers(tmp_path_factory, webhook, database):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    config = ServerConfig.isolated(
        tmp_path_factory.mktemp("e2e"),
        model=MODEL,
        BOT_DB=str(database),
        HANDOFF_WEBHOOK_URL=webhook,
    )
    with running(config) as started:
        yield started
    # both stopped: nothing listens on their ports any more
    assert not port_in_use(config.rasa_port)
    assert not port_in_use(config.actions_port)


@pytest.fixture
def chat(servers):
    return Conversation(servers.config.rasa_url)


def test_first_message_gets_the_disclaimer_then_the_answer(chat):
    replies = chat.say("hello")
    assert "not personal medical advice" in replies[0]["text"]
    assert "999" in replies[0]["text"]
    assert "What would you like to know?" in replies[1]["text"]
    assert replies[1]["buttons"]


def test_a_question_gets_a_sourced_answer_with_follow_ups(chat, kb):
    replies = chat.say("how long does the procedure take?")
    answer = replies[-1]
    assert answer["text"].startswith(kb.topics["duration"].answer)
    assert "Sources: hospital information page; overview" in answer["text"]
    assert {"title": "Tell me more", "payload": "/tell_more"} in answer["buttons"]


def test_a_named_complication_leads_the_answer(chat):
    assert chat.texts("what is the risk of infection?")[-1].startswith(
        "The risk of infection"
    )


def test_tell_me_more_and_context_follow_up(chat, kb):
    chat.say("what is the recovery like after vertebroplasty?")
    assert chat.texts("tell me more")[-1].startswith(kb.topics["recovery"].detail)
    assert "6-8 hours" in chat.texts("how long does that take?")[-1]


def test_a_button_payload_is_answered(chat, kb):
    assert chat.texts("/ask_cement")[-1].startswith(kb.topics["cement"].answer)


def test_an_emergency_interrupts_and_names_the_emergency_number(chat):
    chat.say("what are the risks?")
    replies = chat.texts("my legs have gone numb since the procedure yesterday")
    assert len(replies) == 1
    assert "emergency" in replies[0]
    assert "999" in replies[0]


def test_out_of_scope_is_refused_honestly(chat):
    chat.say("hi")
    replies = chat.say("how much does it cost in pounds?")
    assert "don't cover that" in replies[-1]["text"]
    assert "/book_consultation" in [b["payload"] for b in replies[-1]["buttons"]]


@pytest.mark.parametrize("message", ["", "   ", "\n\t"])
def test_an_empty_message_is_asked_for_again(chat, message):
    chat.say("hello")
    assert chat.texts(message) == [
        "I didn't receive a question. Please type what you would like to know, "
        "or choose a topic."
    ]


@pytest.mark.parametrize(
    "message",
    ["x" * 20000, "<img src=x onerror=alert(1)>", "'; DROP TABLE x; --"],
)
def test_bad_input_gets_an_answer_and_the_server_stays_up(chat, message):
    chat.say("hello")
    replies = chat.say(message)
    assert replies
    assert all(r.get("text") for r in replies)
    assert chat.texts("what is vertebroplasty?")[-1]


def test_personal_details_never_reach_the_logs(servers):
    chat = Conversation(servers.config.rasa_url)
    chat.say("my name is Zebedee Quartermain, call me on 07700 900123")
    # the failure paths: payloads typed by hand (valid, broken, unknown), a
    # refused message, the form's "change something" read-back
    for message in (
        '/inform{"full_name": "Zebedee Quartermain", "contact": "07700 900123"}',
        '/inform{"full_name": "Zebedee Quartermain", 07700 900123',
        '/no_such_intent{"x": "Zebedee Quartermain 07700 900123"}',
        "Zebedee Quartermain 07700 900123 " * 100,
        "I would like to book a consultation",
        "Zebedee Quartermain",
        "07700 900123",
        "/change_detail",
    ):
        chat.say(message)
    log_dir = Path(servers.config.log_dir)
    if not log_dir.is_absolute():
        log_dir = PROJECT_ROOT / log_dir
    logs = " ".join(p.read_text(errors="ignore") for p in log_dir.glob("*.log"))
    assert "Quartermain" not in logs
    assert "900123" not in logs


def test_a_full_booking_is_stored_listed_and_delivered_once(servers, database):
    chat = Conversation(servers.config.rasa_url)
    steps = [
        ("I would like to book a consultation please", "full name"),
        ("my name is Zara Okafor", "phone number or email"),
        ("12", "7 to 15 digits"),
        ("07700 900461", "days or times"),
        ("is it painful?", "local anaesthetic"),
        ("next Tuesday morning", "what would you like to discuss"),
        ("my GP suggested it after my MRI", "Do you agree"),
        ("yes", "Please check your details"),
        ("change the phone number", "phone number or email"),
        ("zara.okafor@example.org", "Contact: zara.okafor@example.org"),
        ("yes, send it", "Your reference is"),
    ]
    for message, expected in steps:
        texts = " ".join(chat.texts(message))
        assert expected in texts, (message, texts)
    reference = texts.split("Your reference is ")[1][:8]

    (row,) = [r for r in listed_requests(database) if r["reference"] == reference]
    assert row["full_name"] == "Zara Okafor"
    assert row["contact"] == "zara.okafor@example.org"
    assert row["contact_type"] == "email"
    assert row["preferred_time"] == "next Tuesday morning"
    assert row["reason"] == "my GP suggested it after my MRI"
    assert row["status"] == "pending"

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not _delivered(reference):
        time.sleep(0.5)
    time.sleep(6)  # one more worker round: it must not send it again
    assert len(_delivered(reference)) == 1


def test_a_form_with_25_questions_in_the_middle_keeps_every_answer(servers, database):
    # each question adds about 8 events: the store hands actions the last 50
    chat = Conversation(servers.config.rasa_url)
    assert "full name" in chat.reply("I would like to book a consultation please")
    assert "phone number or email" in chat.reply("Ottilie Brackenbury")
    questions = [
        "is it painful?",
        "how long does the procedure take?",
        "what is vertebroplasty?",
        "what are the risks?",
        "how long is the recovery?",
    ]
    for question in questions * 5:
        texts = chat.texts(question)
        assert len(texts) >= 2, (question, texts)  # an answer, then the question
        assert "phone number or email" in texts[-1], (question, texts)
    assert "days or times" in chat.reply("07700 900463")
    assert "what would you like to discuss" in chat.reply("Friday afternoon")
    assert "Do you agree" in chat.reply("back pain since my fall")
    readback = chat.reply("yes")
    assert "Name: Ottilie Brackenbury" in readback
    assert "Your reference is" in chat.reply("yes, send it")
    (row,) = [
        r for r in listed_requests(database) if r["full_name"] == "Ottilie Brackenbury"
    ]
    assert row["contact"] == "07700900463"
    assert row["preferred_time"] == "Friday afternoon"
    assert row["reason"] == "back pain since my fall"


def test_a_name_that_sounds_like_stop_is_the_name_and_stop_still_stops(chat):
    chat.say("I would like to book a consultation please")
    assert "phone number or email" in chat.reply("Carla Cancel")
    assert "days or times" in chat.reply("07700 900462")
    assert "Nothing has been saved" in chat.reply("stop")


def _delivered(reference):
    return [b for b in RECEIVED if b.get("reference") == reference]


def test_status_and_cancel_in_the_same_conversation_only(servers):
    mine = Conversation(servers.config.rasa_url)
    for message in [
        "book a consultation",
        "Ann Lee",
        "07700 900462",
        "any morning",
        "skip",
        "yes",
        "yes",
    ]:
        texts = " ".join(mine.texts(message))
    reference = texts.split("Your reference is ")[1][:8]
    assert "waiting for the clinic" in " ".join(mine.texts(f"status of {reference}?"))
    other = Conversation(servers.config.rasa_url)
    assert "can't find a request" in " ".join(
        other.texts(f"cancel my booking {reference}")
    )
    assert "has been cancelled" in " ".join(
        mine.texts(f"cancel my booking {reference}")
    )


def test_a_channel_without_buttons_numbers_the_options(servers):
    url = f"{servers.config.rasa_url}/webhooks/numbered/webhook"
    sender = uuid.uuid4().hex

    def say(message):
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            replies = json.loads(response.read())
        assert all("buttons" not in reply for reply in replies)
        return " ".join(reply["text"] for reply in replies)

    answer = say("what are the risks?")
    assert (
        "Reply with a number:\n1. Tell me more\n2. Can it cause new fractures?"
        in answer
    )
    assert "Any procedure through the skin" in say("1")  # 1 = Tell me more
    assert "10% of patients" in say("option 1")  # its first follow-up, new fractures


# ---- the deployment guards (channels/guarded.py, bot/launcher.py)


def post_raw(url: str, body: bytes, method: str = "POST", **headers: str):
    """(status, body) of a request typed by hand."""
    request = urllib.request.Request(
        url,
        data=body if method != "GET" else None,
        method=method,
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.parametrize(
    "text",
    ["(" * 100_000, "[]" * 50_000, "a" * 2_001, "my back hurts. " * 1_000 + "end"],
    ids=["100KB of (", "100KB of []", "2001 chars", "a long story"],
)
def test_a_message_over_the_limit_gets_a_polite_answer_before_nlu(chat, kb, text):
    replies = chat.texts(text)
    expected = kb.ui["message_too_long"].split("{")[0]
    assert len(replies) == 1
    assert replies[0].startswith(expected)
    assert "999" in replies[0]  # the emergency number, in case
    assert f"{len(text):,} characters" in replies[0]
    # nothing of it reached the conversation: the next question is answered
    assert chat.texts("what is vertebroplasty?")[-1]


def test_five_megabytes_are_refused_politely_and_quickly(servers):
    sender = uuid.uuid4().hex
    body = json.dumps({"sender": sender, "message": "[" * 5_000_000}).encode()
    status, answer = post_raw(f"{servers.config.rasa_url}/webhooks/rest/webhook", body)
    assert status == 200
    assert "too long" in json.loads(answer)[0]["text"]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"null",
        b"[]",
        b"123",
        b'"hello"',
        b"{not json",
        b'{"message": "hello"}',  # no sender: no shared "default" conversation
        b'{"sender": "", "message": "hello"}',
        b'{"sender": 5, "message": "hello"}',
        b'{"sender": "me", "message": 5}',
        b'{"sender": "me", "message": ["a"]}',
        json.dumps({"sender": "x" * 200, "message": "hi"}).encode(),
    ],
)
def test_a_malformed_body_is_refused_with_400_never_500(servers, body):
    for channel in ("rest", "numbered"):
        url = f"{servers.config.rasa_url}/webhooks/{channel}/webhook"
        status, _ = post_raw(url, body)
        assert status == 400, (channel, body)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/status"),
        ("GET", "/conversations/someone/tracker"),
        ("POST", "/conversations/someone/tracker/events"),
        ("POST", "/conversations/someone/execute"),
        ("POST", "/model/parse"),
        ("DELETE", "/model"),
        ("PUT", "/model"),
    ],
)
def test_the_http_api_is_off_on_the_patients_port(servers, method, path):
    status, _ = post_raw(f"{servers.config.rasa_url}{path}", b"{}", method=method)
    assert status in (404, 405)


def test_a_patients_details_cannot_be_read_over_http(servers):
    chat = Conversation(servers.config.rasa_url)
    chat.say("I would like to book a consultation please")
    chat.say("my name is Ottoline Brackenbury")
    for path in (f"/conversations/{chat.sender}/tracker", "/conversations"):
        status, body = post_raw(f"{servers.config.rasa_url}{path}", b"", "GET")
        assert status == 404
        assert b"Brackenbury" not in body
    assert chat.texts("stop")  # the form is left; nothing stored


def test_readiness_names_the_model(servers):
    status, body = post_raw(servers.config.ready_url, b"", "GET")
    assert status == 200
    assert json.loads(body)["model_id"]


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [("http://evil.example", False), (None, True)],
)
def test_the_widget_socket_accepts_only_allowed_origins(servers, origin, accepted):
    url = f"{servers.config.rasa_url}/socket.io/?EIO=4&transport=polling"
    headers = {"Origin": origin} if origin else {}
    status, _ = post_raw(url, b"", "GET", **headers)
    assert (status == 200) is accepted


def test_a_locked_conversation_database_asks_again_and_keeps_the_form(servers, kb):
    chat = Conversation(servers.config.rasa_url)
    chat.say("I would like to book a consultation")
    # another program holds the write lock longer than the server waits (5 s)
    holder = sqlite3.connect(servers.config.store_dir / "tracker.db", timeout=30)
    holder.execute("BEGIN IMMEDIATE")
    try:
        replies = chat.texts("Philippa Lockhart-Yeo")
    finally:
        holder.rollback()
        holder.close()
    not_saved = kb.ui["conversation_not_saved"].format(
        **load_clinic().template_values()
    )
    assert replies == [not_saved]  # not an answer that was never stored
    # sent again: the form goes on from where it was
    assert "phone number or email" in chat.reply("Philippa Lockhart-Yeo")
    logs = " ".join(
        p.read_text(errors="ignore") for p in Path(servers.config.log_dir).glob("*.log")
    )
    assert "could not be written" in logs
    assert "Lockhart" not in logs


def test_a_crashed_action_server_gets_an_apology_then_is_restarted(servers, kb):
    # runs last in this module: it kills a server of the shared fixture
    chat = Conversation(servers.config.rasa_url)
    chat.say("hello")
    os.kill(servers.pids()["actions"], signal.SIGKILL)
    deadline = time.monotonic() + 10
    while servers.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not servers.alive()
    replies = chat.texts("what is vertebroplasty?")
    assert replies == [
        kb.ui["no_reply"].format(**load_clinic().template_values())
    ]  # not silence
    assert servers.restart_stopped() == ["actions"]
    assert servers.alive()
    assert chat.texts("what is vertebroplasty?")[-1].startswith(
        kb.topics["what_is"].answer[:40]
    )
