"""The staff's command line: list, show, mark, export, purge, deliver, migrate."""

import asyncio
import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from dataclasses import fields
from datetime import timedelta

import pytest

from bot.__main__ import build_parser
from bot.paths import PROJECT_ROOT
from bot.staff_cli import run
from bot.store import SCHEMA_VERSION, RequestStore, StoredRequest, utc_now
from tests.test_store import request


@pytest.fixture
def store(tmp_path, monkeypatch, conversations):
    path = tmp_path / "requests.db"
    monkeypatch.setenv("BOT_DB", str(path))
    monkeypatch.delenv("HANDOFF_WEBHOOK_URL", raising=False)
    store = RequestStore(path)
    asyncio.run(store.schema_version())  # created, as `bot db migrate` does
    return store


@pytest.fixture
def conversations(tmp_path, monkeypatch):
    """A real SQL tracker store file (Rasa's), named by ``TRACKER_DB``."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    path = tmp_path / "tracker.db"
    monkeypatch.setenv("TRACKER_DB", str(path))
    return path, SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))


def save_conversation(tracker_store, sender, text, days_ago):
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    moment = (utc_now() - timedelta(days=days_ago)).timestamp()
    tracker = DialogueStateTracker.from_events(
        sender, [UserUttered(text, timestamp=moment)]
    )
    asyncio.run(tracker_store.save(tracker))


def cli(*argv):
    out = io.StringIO()
    status = run(build_parser().parse_args(list(argv)), out)
    return status, out.getvalue()


def submit(store, **changes):
    stored, _ = asyncio.run(store.submit(request(**changes)))
    return stored


def test_list_shows_pending_requests(store):
    first = submit(store, key="a")
    second = submit(store, key="b", full_name="Raj Patel")
    asyncio.run(store.set_status(second.reference, "handled"))
    status, out = cli("requests", "list", "--status", "pending")
    assert status == 0
    assert first.reference in out
    assert second.reference not in out
    assert "Margaret Hill" in out


def test_list_json_has_every_field(store):
    stored = submit(store, reason="<b>verbatim</b>")
    _, out = cli("requests", "list", "--json")
    (row,) = json.loads(out)
    assert row["reference"] == stored.reference
    assert row["reason"] == "<b>verbatim</b>"
    assert row["status"] == "pending"
    assert set(row) == {f.name for f in fields(StoredRequest)}
    assert (row["for_whom"], row["outside_hours"]) == (None, False)


def test_list_json_shows_who_it_is_for_and_the_outside_hours_mark(store):
    submit(store, key="a", for_whom="father", outside_hours=True)
    submit(store, key="b")
    _, out = cli("requests", "list", "--json")
    rows = json.loads(out)
    assert [(r["for_whom"], r["outside_hours"]) for r in rows] == [
        ("father", True),
        (None, False),
    ]


def test_show_has_who_it_is_for_and_the_outside_hours_mark(store):
    marked = submit(store, key="a", for_whom="father", outside_hours=True)
    plain = submit(store, key="b")
    status, out = cli("requests", "show", marked.reference)
    assert status == 0
    assert re.search(r"^for_whom +father$", out, re.MULTILINE)
    assert re.search(r"^outside_hours +True$", out, re.MULTILINE)
    _, out = cli("requests", "show", plain.reference)
    assert re.search(r"^for_whom *$", out, re.MULTILINE)
    assert re.search(r"^outside_hours +False$", out, re.MULTILINE)


def test_show_and_mark_handled(store):
    stored = submit(store)
    status, out = cli("requests", "show", stored.reference.lower())
    assert status == 0
    assert "Tuesday morning" in out
    assert cli("requests", "mark", stored.reference, "handled")[0] == 0
    assert asyncio.run(store.get(stored.reference)).status == "handled"


def test_unknown_references_fail_clearly(store, capsys):
    assert cli("requests", "show", "KMX4TRQ7")[0] == 1
    assert cli("requests", "mark", "KMX4TRQ7", "handled")[0] == 1
    assert "No request KMX4TRQ7" in capsys.readouterr().err


def test_export_csv_neutralises_spreadsheet_formulas(store, tmp_path):
    submit(store, key="a", full_name='=HYPERLINK("http://x")', reason="+1 plus")
    submit(store, key="b")
    target = tmp_path / "out.csv"
    status, out = cli("requests", "export", "--csv", str(target))
    assert status == 0
    assert "Exported 2 requests" in out
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert rows[0]["full_name"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["reason"] == "'+1 plus"
    assert rows[1]["full_name"] == "Margaret Hill"


def test_export_csv_has_who_it_is_for_and_the_outside_hours_mark(store, tmp_path):
    submit(store, key="a", for_whom="=father", outside_hours=True)
    submit(store, key="b")
    target = tmp_path / "out.csv"
    assert cli("requests", "export", "--csv", str(target))[0] == 0
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert set(rows[0]) == {f.name for f in fields(StoredRequest)}
    assert (rows[0]["for_whom"], rows[0]["outside_hours"]) == ("'=father", "True")
    assert (rows[1]["for_whom"], rows[1]["outside_hours"]) == ("", "False")


def test_a_formula_after_a_separator_is_neutralised_too(store, tmp_path):
    submit(store, key="a", reason="back pain;=cmd|' /C calc'!A0,@SUM(1)")
    target = tmp_path / "out.csv"
    assert cli("requests", "export", "--csv", str(target))[0] == 0
    (row,) = csv.DictReader(target.open(encoding="utf-8"))
    assert row["reason"] == "back pain;'=cmd|' /C calc'!A0,'@SUM(1)"
    for part in re.split(r"[;,|]", row["reason"]):
        assert not part.startswith(("=", "+", "-", "@"))


def test_escape_codes_in_a_name_are_shown_not_run(store):
    stored = submit(store, key="a", full_name="Ann\x1b[2J\x1b]0;owned\x07 Lee\rX")
    for argv in (("requests", "list"), ("requests", "show", stored.reference)):
        status, out = cli(*argv)
        assert status == 0
        assert "\x1b" not in out
        assert "\r" not in out
        assert "\x07" not in out
        assert "Ann\\x1b[2J" in out


def test_purge_deletes_old_requests(store):
    asyncio.run(store.submit(request(key="old"), now=utc_now() - timedelta(days=400)))
    recent = submit(store, key="new")
    status, out = cli("requests", "purge", "--older-than", "365")
    assert status == 0
    assert "Deleted 1 requests" in out
    assert [r.reference for r in asyncio.run(store.list())] == [recent.reference]


def test_purge_deletes_old_conversations_too(store, conversations):
    path, tracker_store = conversations
    save_conversation(tracker_store, "old-one", "my name is Ada Oldfield", 400)
    save_conversation(tracker_store, "new-one", "my name is Bea Newman", 2)
    status, out = cli("requests", "purge", "--older-than", "365")
    assert status == 0
    assert "Deleted 1 conversations" in out
    with sqlite3.connect(path) as db:
        senders = {row[0] for row in db.execute("SELECT sender_id FROM events")}
        texts = " ".join(str(row[0]) for row in db.execute("SELECT data FROM events"))
    assert senders == {"new-one"}
    assert "Oldfield" not in texts


def test_purge_without_a_conversation_database_says_so_and_creates_none(
    store, tmp_path, monkeypatch, capsys
):
    missing = tmp_path / "nowhere" / "tracker.db"
    monkeypatch.setenv("TRACKER_DB", str(missing))
    assert cli("requests", "purge", "--older-than", "30")[0] == 3
    assert "no conversation database" in capsys.readouterr().err
    assert not missing.exists()


def test_deliver_without_a_webhook_says_so(store, capsys):
    assert cli("handoff", "deliver")[0] == 1
    assert "HANDOFF_WEBHOOK_URL is not set" in capsys.readouterr().err


def test_an_unusable_database_is_reported(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("BOT_DB", str(blocker / "requests.db"))
    assert cli("requests", "list")[0] == 3
    assert "Database problem" in capsys.readouterr().err


def test_migrate_and_list_as_real_commands(tmp_path):
    env = {**os.environ, "BOT_DB": str(tmp_path / "cli.db")}

    def command(*argv):
        return subprocess.run(
            [sys.executable, "-m", "bot", *argv],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    assert f"schema version {SCHEMA_VERSION}." in command("db", "migrate")
    assert "No requests." in command("requests", "list")


def test_a_missing_database_is_reported_not_created(tmp_path, monkeypatch, capsys):
    missing = tmp_path / "gone.db"
    monkeypatch.setenv("BOT_DB", str(missing))
    assert cli("requests", "list")[0] == 3
    assert "Database problem" in capsys.readouterr().err
    assert not missing.exists()
    assert cli("db", "migrate")[0] == 0  # the one command that creates it
    assert missing.exists()
