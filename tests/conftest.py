"""Shared fixtures: the knowledge base, the domain analyser, tracker builders,
and a REST client for the end-to-end tests."""

import asyncio
import json
import os
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa_sdk import Tracker

from bot import knowledge, spacy_pipeline
from bot.language import DomainAnalyser
from bot.paths import PROJECT_ROOT


@pytest.fixture(scope="session")
def kb() -> knowledge.KnowledgeBase:
    """The project's knowledge base."""
    return knowledge.load()


@pytest.fixture(scope="session")
def analyser() -> DomainAnalyser:
    """The domain analyser on a freshly built spaCy pipeline."""
    return DomainAnalyser(spacy_pipeline.build())


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    """The domain (every file in domain/, merged by Rasa) as data."""
    from rasa.shared.core.domain import Domain

    return Domain.load(str(PROJECT_ROOT / "domain")).as_dict()


@pytest.fixture
def clinic_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clinic settings file of the test's own, used by the actions."""
    path = tmp_path / "clinic.yml"
    path.write_text(
        "name: Test Spine Clinic\n"
        "phone: '020 7946 0000'\n"
        "email: desk@test-clinic.example\n"
        "opening_hours: weekdays 8 to 6\n"
        "emergency_number: '112'\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CLINIC_SETTINGS", str(path))
    return path


@pytest.fixture
def request_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clinic_file: Path):
    """A request database of the test's own (BOT_DB), with no webhook set."""
    from bot.store import RequestStore

    path = tmp_path / "requests.db"
    monkeypatch.setenv("BOT_DB", str(path))
    monkeypatch.delenv("HANDOFF_WEBHOOK_URL", raising=False)
    store = RequestStore(path)
    asyncio.run(store.schema_version())  # created, as `bot db migrate` does
    return store


def user_event(intent: str, text: str = "", **parse: Any) -> Dict[str, Any]:
    """A user event as the Rasa server sends it to the action server."""
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent, "confidence": 0.9}, **parse},
    }


def make_tracker(
    intent: str,
    text: str = "",
    entities: List[Dict[str, Any]] | None = None,
    slots: Dict[str, Any] | None = None,
    earlier: List[Dict[str, Any]] | None = None,
    active_loop: str | None = None,
    **parse: Any,
) -> Tracker:
    """A tracker whose latest message has ``intent``, ``text`` and ``entities``."""
    latest = {
        "intent": {"name": intent, "confidence": 0.9},
        "text": text,
        "entities": entities or [],
        **parse,
    }
    events = list(earlier or []) + [user_event(intent, text, **parse)]
    return Tracker(
        sender_id="test",
        slots=slots or {},
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


class Conversation:
    """One conversation with a running Rasa server over the REST channel."""

    def __init__(self, url: str) -> None:
        self.url = f"{url}/webhooks/rest/webhook"
        self.sender = uuid.uuid4().hex

    def say(self, message: str) -> List[Dict[str, Any]]:
        """Sends ``message``; the replies as the channel returns them."""
        body = json.dumps({"sender": self.sender, "message": message}).encode()
        request = urllib.request.Request(
            self.url, data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def texts(self, message: str) -> List[str]:
        """Sends ``message``; the texts of the replies."""
        return [r.get("text", "") for r in self.say(message)]

    def reply(self, message: str) -> str:
        """Sends ``message``; all reply texts as one string."""
        return " ".join(self.texts(message))


def listed_requests(database: Path | str) -> List[Dict[str, Any]]:
    """The stored requests, as staff list them (``bot requests list --json``)."""
    listed = subprocess.run(
        [sys.executable, "-m", "bot", "requests", "list", "--json"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "BOT_DB": str(database)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(listed.stdout)
