"""The cached SQL tracker store: same conversations as Rasa's, cheaper turns."""

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.paths import PROJECT_ROOT
from rasa_stores import availability
from rasa_stores.cached_sql_tracker import CachedSQLTrackerStore


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(PROJECT_ROOT / "domain"))


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "tracker.db")


def cached(domain, db, keep=10):
    return CachedSQLTrackerStore(domain, keep_events=keep, dialect="sqlite", db=db)


def plain(domain, db):
    return SQLTrackerStore(domain, dialect="sqlite", db=db)


def turn(i):
    return [
        UserUttered(f"question {i}", {"name": "ask_risks", "confidence": 1.0}),
        ActionExecuted("action_answer_question"),
        BotUttered(f"answer {i}"),
        SlotSet("last_topic", f"topic-{i}"),
        ActionExecuted("action_listen"),
    ]


async def converse(store, sender, turns, start=0):
    """Retrieves, adds a turn and saves, like the Rasa server does per message."""
    for i in range(start, start + turns):
        tracker = await store.retrieve(sender)
        if tracker is None:
            tracker = await store.create_tracker(sender)
        for event in turn(i):
            tracker.update(event)
        await store.save(tracker)


async def test_every_event_is_stored_once_and_in_order(domain, db):
    store = cached(domain, db, keep=10)
    await converse(store, "c1", 30)  # 150 events, far more than the 10 kept
    full = await plain(domain, db).retrieve("c1")
    texts = [e.text for e in full.events if isinstance(e, UserUttered)]
    assert texts == [f"question {i}" for i in range(30)]
    assert len([e for e in full.events if isinstance(e, BotUttered)]) == 30


async def test_a_short_tracker_still_has_the_exact_state(domain, db):
    store = cached(domain, db, keep=6)
    tracker = await store.create_tracker("c2")
    tracker.update(SlotSet("full_name", "Ann Lee"))
    tracker.update(ActiveLoop("request_form"))
    await store.save(tracker)
    await converse(store, "c2", 10)
    again = await cached(domain, db, keep=6).retrieve("c2")  # a fresh store reads all
    # the session's first event, a snapshot of the state, then the last 6
    snapshot = list(again.events)[1:-6]
    assert {e.key: e.value for e in snapshot if isinstance(e, SlotSet)} == {
        "full_name": "Ann Lee",
        "last_topic": "topic-8",
    }
    assert [e.name for e in snapshot if isinstance(e, ActiveLoop)] == ["request_form"]
    assert again.get_slot("full_name") == "Ann Lee"  # set 50 events ago
    assert again.active_loop_name == "request_form"
    assert again.get_slot("last_topic") == "topic-9"
    assert again.latest_message.text == "question 9"


async def test_replaying_a_short_tracker_gives_the_same_state(domain, db):
    """Rasa's rules and forms rebuild state from ``tracker.events``."""
    store = cached(domain, db, keep=6)
    tracker = await store.create_tracker("c2b")
    tracker.update(SlotSet("full_name", "Ann Lee"))
    tracker.update(ActiveLoop("request_form"))
    tracker.update(SlotSet("requested_slot", "details_confirmed"))
    await store.save(tracker)
    await converse(store, "c2b", 10)
    again = await store.retrieve("c2b")
    replayed = DialogueStateTracker.from_events("c2b", list(again.events), domain.slots)
    assert replayed.active_loop_name == "request_form"
    assert replayed.current_slot_values() == again.current_slot_values()
    assert replayed.get_slot("requested_slot") == "details_confirmed"
    # the snapshot is not stored again: the database has each event once
    await store.save(again)
    full = await plain(domain, db).retrieve("c2b")
    names = [e.key for e in full.events if isinstance(e, SlotSet)]
    assert names.count("full_name") == 1


async def test_it_matches_rasas_own_store(domain, db):
    store = cached(domain, db, keep=500)
    await converse(store, "c3", 12)
    ours = await store.retrieve("c3")
    theirs = await plain(domain, db).retrieve("c3")
    assert [e.as_dict() for e in ours.events] == [e.as_dict() for e in theirs.events]
    assert ours.current_slot_values() == theirs.current_slot_values()


async def test_events_written_by_another_server_are_read(domain, db):
    first, second = cached(domain, db), cached(domain, db)
    await converse(first, "c4", 3)
    await converse(second, "c4", 2, start=3)  # a second Rasa server
    tracker = await first.retrieve("c4")
    assert tracker.latest_message.text == "question 4"
    await converse(first, "c4", 1, start=5)
    texts = [
        e.text
        for e in (await plain(domain, db).retrieve("c4")).events
        if isinstance(e, UserUttered)
    ]
    assert texts == [f"question {i}" for i in range(6)]


async def test_only_the_latest_session_is_read(domain, db):
    store = cached(domain, db)
    await converse(store, "c5", 2)
    tracker = await store.retrieve("c5")
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    await converse(store, "c5", 1, start=7)
    events = (await store.retrieve("c5")).events
    assert isinstance(events[0], SessionStarted)
    assert [e.text for e in events if isinstance(e, UserUttered)] == ["question 7"]


async def test_a_deleted_conversation_is_not_resurrected(domain, db):
    store = cached(domain, db)
    await converse(store, "c6", 2)
    with store.session_scope() as session:
        session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == "c6").delete()
        session.commit()
    assert await store.retrieve("c6") is None
    assert await store.retrieve("never-seen") is None


async def test_the_cache_is_bounded(domain, db):
    store = CachedSQLTrackerStore(
        domain, cached_conversations=3, dialect="sqlite", db=db
    )
    for sender in ("a", "b", "c", "d", "e"):
        await converse(store, sender, 1)
        await store.retrieve(sender)
    assert list(store._cache) == ["c", "d", "e"]
    assert (await store.retrieve("a")).latest_message.text == "question 0"


async def test_a_tracker_made_elsewhere_is_saved_once(domain, db):
    tracker = DialogueStateTracker("c7", domain.slots)
    for event in turn(0):
        tracker.update(event)
    store = cached(domain, db)
    await store.save(tracker)
    await store.save(tracker)  # nothing new: nothing stored twice
    stored = (await plain(domain, db).retrieve("c7")).events
    assert [type(e).__name__ for e in stored] == [type(e).__name__ for e in turn(0)]


def locked_exclusively(db):
    """Another process's hold on the file: no other connection reads or writes."""
    import sqlite3

    holder = sqlite3.connect(db)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    return holder


async def test_a_database_that_cannot_be_read_is_reported_not_replaced(domain, db):
    store = CachedSQLTrackerStore(
        domain, dialect="sqlite", db=db, sqlite_wait_seconds=0.2
    )
    tracker = await store.create_tracker("patient")
    tracker.update(ActiveLoop("request_form"))
    tracker.update(SlotSet("requested_slot", "contact"))
    await store.save(tracker)
    store.engine.dispose()
    other = CachedSQLTrackerStore(
        domain, dialect="sqlite", db=db, sqlite_wait_seconds=0.2
    )
    holder = locked_exclusively(db)
    handling = availability.start_message()
    try:
        # what Rasa does on a failed read: a new conversation, saved
        assert await other.retrieve("patient") is None
        assert availability.failed() == availability.READ
        await other.save(await other.create_tracker("patient"))
    finally:
        availability.end_message(handling)
        holder.rollback()
        holder.close()
    # the fresh conversation was not written over the one in progress
    kept = await CachedSQLTrackerStore(domain, dialect="sqlite", db=db).retrieve(
        "patient"
    )
    assert kept.active_loop_name == "request_form"
    assert kept.get_slot("requested_slot") == "contact"
    assert availability.failed() is None  # the next message starts clean


async def test_a_failed_write_is_reported_and_not_raised(domain, db, caplog):
    store = CachedSQLTrackerStore(
        domain, dialect="sqlite", db=db, sqlite_wait_seconds=0.2
    )
    await converse(store, "patient", 1)
    tracker = await store.retrieve("patient")
    tracker.update(UserUttered("Jane Example, 07700 900123"))
    store.engine.dispose()
    holder = locked_exclusively(db)
    handling = availability.start_message()
    try:
        await store.save(tracker)  # Rasa would log the events if it raised
        assert availability.failed() == availability.WRITE
    finally:
        availability.end_message(handling)
        holder.rollback()
        holder.close()
    assert "Jane" not in caplog.text
    assert "07700" not in caplog.text
    assert "could not be written" in caplog.text
