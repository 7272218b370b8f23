"""The request store on real SQLite files: durable, exactly once, never a crash."""

import asyncio
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from bot.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    NewRequest,
    RequestStore,
    StoredRequest,
    StoreUnavailable,
)

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)


def request(key="k1", conversation="conv-1", **changes):
    values = {
        "kind": "consultation",
        "full_name": "Margaret Hill",
        "contact": "07700900123",
        "contact_type": "phone",
        "preferred_time": "Tuesday morning",
        "preferred_date": "2026-11-24",
        "reason": "back pain since a fall",
        "conversation_id": conversation,
        "submission_key": key,
    }
    values.update(changes)
    return NewRequest(**values)


def stored_request(**changes) -> StoredRequest:
    """A callback request as stored at version 1 (no relative, no hours mark)."""
    stamp = "2026-11-22T10:00:00+00:00"
    fields = dict(
        reference="KMX4TRQ7",
        kind="callback",
        status="pending",
        full_name="Margaret Hill",
        contact="07700900123",
        contact_type="phone",
        preferred_time="Sunday",
        preferred_date=None,
        reason=None,
        conversation_id="conv-1",
        consent_at=stamp,
        created_at=stamp,
        updated_at=stamp,
    )
    return StoredRequest(**{**fields, **changes})


@pytest.fixture
def store(tmp_path):
    return RequestStore(tmp_path / "requests.db")


async def test_an_empty_file_is_migrated_to_the_current_schema(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    store = RequestStore(path)
    assert await store.schema_version() == SCHEMA_VERSION
    with sqlite3.connect(path) as raw:
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"requests", "outbox"} <= tables
    assert await store.schema_version() == SCHEMA_VERSION  # idempotent


def version_1_database(path):
    """A database as schema version 1 left it, with one request queued."""
    with sqlite3.connect(path) as raw:
        for statement in MIGRATIONS[1]:
            raw.execute(statement)
        raw.execute("PRAGMA user_version = 1")
        raw.execute(
            "INSERT INTO requests (reference, submission_key, conversation_id, kind,"
            " full_name, contact, contact_type, preferred_time, preferred_date,"
            " reason, consent_at, created_at, updated_at) VALUES ('KMX4TRQ7',"
            " 'old-key', 'conv-1', 'callback', 'Margaret Hill', '07700900123',"
            " 'phone', 'Tuesday morning', '2026-11-24', NULL, ?, ?, ?)",
            ("2026-11-22T10:00:00+00:00",) * 3,
        )
        raw.execute(
            "INSERT INTO outbox (request_id, event, next_attempt_at, created_at)"
            " VALUES (1, 'created', ?, ?)",
            ("2026-11-22T10:00:00+00:00",) * 2,
        )
    raw.close()


async def test_a_version_1_database_is_migrated_and_keeps_its_requests(tmp_path):
    path = tmp_path / "v1.db"
    version_1_database(path)
    store = RequestStore(path, create=False)  # as the servers open it
    assert await store.schema_version() == SCHEMA_VERSION
    assert await store.get("KMX4TRQ7") == stored_request(
        preferred_time="Tuesday morning", preferred_date="2026-11-24"
    )
    (item,) = await store.claim_due(now=NOW)  # its delivery is still queued
    assert item.request.reference == "KMX4TRQ7"
    assert item.request.outside_hours is False
    new, _ = await store.submit(request(key="new", for_whom="father"))
    assert new.for_whom == "father"
    assert [r.reference for r in await store.list()] == ["KMX4TRQ7", new.reference]


async def test_migrating_twice_at_once_adds_the_columns_once(tmp_path):
    path = tmp_path / "v1.db"
    version_1_database(path)
    versions = await asyncio.gather(
        RequestStore(path).schema_version(), RequestStore(path).schema_version()
    )
    assert versions == [SCHEMA_VERSION, SCHEMA_VERSION]
    with sqlite3.connect(path) as raw:
        columns = [row[1] for row in raw.execute("PRAGMA table_info(requests)")]
    raw.close()
    assert columns.count("for_whom") == columns.count("outside_hours") == 1


async def test_who_it_is_for_and_the_outside_hours_mark_are_stored(store):
    stored, _ = await store.submit(
        request(key="a", for_whom="father", outside_hours=True)
    )
    assert (stored.for_whom, stored.outside_hours) == ("father", True)
    plain, _ = await store.submit(request(key="b"))
    assert (plain.for_whom, plain.outside_hours) == (None, False)
    listed = await store.list()
    assert [(r.for_whom, r.outside_hours) for r in listed] == [
        ("father", True),
        (None, False),
    ]
    assert all(type(r.outside_hours) is bool for r in listed)
    (item, _) = await store.claim_due()
    assert item.request == stored


async def test_the_outside_hours_column_holds_only_0_or_1(store, tmp_path):
    await store.schema_version()
    with sqlite3.connect(store.path) as raw, pytest.raises(sqlite3.IntegrityError):
        raw.execute(
            "INSERT INTO requests (reference, submission_key, conversation_id, kind,"
            " full_name, contact, contact_type, preferred_time, consent_at,"
            " created_at, updated_at, outside_hours)"
            " VALUES ('R', 'k', 'c', 'callback', 'n', 'c', 'phone', 't', 'x', 'x',"
            " 'x', 2)"
        )
    raw.close()


async def test_a_missing_directory_is_created(tmp_path):
    store = RequestStore(tmp_path / "new" / "dir" / "requests.db")
    _, created = await store.submit(request())
    assert created
    assert (tmp_path / "new" / "dir" / "requests.db").is_file()


async def test_submit_stores_the_request_and_queues_its_delivery(store):
    stored, created = await store.submit(request(), now=NOW)
    assert created
    assert stored.status == "pending"
    assert stored.full_name == "Margaret Hill"
    assert stored.created_at == "2026-11-22T10:00:00+00:00"
    assert len(stored.reference) == 8
    assert await store.get(stored.reference) == stored
    assert await store.outbox_counts() == {"delivered": 0, "waiting": 1}


async def test_the_same_submission_twice_is_stored_once(store):
    first, created_first = await store.submit(request(key="same"))
    second, created_second = await store.submit(request(key="same"))
    assert (created_first, created_second) == (True, False)
    assert second.reference == first.reference
    assert len(await store.list()) == 1
    assert await store.outbox_counts() == {"delivered": 0, "waiting": 1}


async def test_50_concurrent_submissions_are_each_stored_exactly_once(store):
    results = await asyncio.gather(
        *(
            store.submit(request(key=f"key-{i}", conversation=f"c{i}"))
            for i in range(50)
        )
    )
    stored = await store.list()
    assert len(stored) == 50
    assert len({r.reference for r in stored}) == 50
    assert sorted(r.conversation_id for r in stored) == sorted(
        f"c{i}" for i in range(50)
    )
    assert all(created for _, created in results)
    assert await store.outbox_counts() == {"delivered": 0, "waiting": 50}


async def test_50_concurrent_retries_of_one_submission_store_one_request(store):
    results = await asyncio.gather(
        *(store.submit(request(key="retried")) for _ in range(50))
    )
    assert len(await store.list()) == 1
    assert sum(created for _, created in results) == 1
    assert len({stored.reference for stored, _ in results}) == 1


@pytest.mark.parametrize(
    "text",
    [
        "'; DROP TABLE requests; --",
        "<script>alert('x')</script>",
        'Robert"); DELETE FROM outbox; --',
        "名字 O'Brien",
    ],
)
async def test_sql_and_html_in_free_text_are_stored_verbatim(store, text):
    stored, _ = await store.submit(
        request(full_name=text, reason=text, preferred_time=text)
    )
    again = await store.get(stored.reference)
    assert (again.full_name, again.reason, again.preferred_time) == (text, text, text)
    assert len(await store.list()) == 1


async def test_a_locked_database_raises_store_unavailable_and_loses_nothing(tmp_path):
    path = tmp_path / "locked.db"
    store = RequestStore(path, busy_timeout=0.2)
    kept, _ = await store.submit(request(key="before"))
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreUnavailable, match="locked"):
            await store.submit(request(key="during"))
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert [r.reference for r in await store.list()] == [kept.reference]
    _, created = await store.submit(request(key="during"))
    assert created


async def test_an_unusable_path_raises_store_unavailable(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where a directory should be")
    store = RequestStore(blocker / "requests.db")
    with pytest.raises(StoreUnavailable):
        await store.submit(request())


async def test_a_deleted_database_is_reported_never_silently_replaced(tmp_path):
    path = tmp_path / "requests.db"
    await RequestStore(path).submit(request(key="a"))  # `bot db migrate` made it
    store = RequestStore(path, create=False)  # as the servers open it
    assert len(await store.list()) == 1
    path.unlink()
    for leftover in tmp_path.glob("requests.db-*"):
        leftover.unlink()
    with pytest.raises(StoreUnavailable):
        await store.submit(request(key="b"))
    assert not path.exists()


async def test_lookups_are_limited_to_the_conversation(store):
    stored, _ = await store.submit(request(conversation="mine"))
    assert await store.get(stored.reference, conversation_id="mine") == stored
    assert await store.get(stored.reference, conversation_id="someone-else") is None
    assert await store.set_status(stored.reference, "cancelled", "someone-else") is None
    assert (await store.get(stored.reference)).status == "pending"


async def test_cancelling_queues_a_cancellation_for_delivery(store):
    stored, _ = await store.submit(request())
    cancelled = await store.set_status(stored.reference, "cancelled", "conv-1")
    assert cancelled.status == "cancelled"
    assert await store.outbox_counts() == {"delivered": 0, "waiting": 2}
    with pytest.raises(ValueError, match="unknown status"):
        await store.set_status(stored.reference, "lost")


async def test_purge_deletes_only_old_requests(store):
    await store.submit(request(key="old"), now=NOW - timedelta(days=40))
    recent, _ = await store.submit(request(key="new"), now=NOW - timedelta(days=5))
    assert await store.purge(timedelta(days=30), now=NOW) == 1
    assert [r.reference for r in await store.list()] == [recent.reference]
    assert await store.outbox_counts() == {"delivered": 0, "waiting": 1}


async def test_claimed_items_are_leased_and_delivered_items_never_return(store):
    await store.submit(request(), now=NOW)
    first = await store.claim_due(now=NOW)
    assert [item.event for item in first] == ["created"]
    assert await store.claim_due(now=NOW + timedelta(seconds=30)) == []
    assert len(await store.claim_due(now=NOW + timedelta(seconds=61))) == 1
    assert not await store.mark_delivered(first[0], now=NOW)  # its lease was lost
    (second,) = await store.claim_due(now=NOW + timedelta(seconds=122))
    assert await store.mark_delivered(second, now=NOW)
    assert not await store.mark_delivered(second, now=NOW)  # never twice
    assert await store.claim_due(now=NOW + timedelta(days=1)) == []
    assert await store.outbox_counts() == {"delivered": 1, "waiting": 0}


async def test_failed_items_wait_until_their_retry_time(store):
    await store.submit(request(), now=NOW)
    (item,) = await store.claim_due(now=NOW)
    await store.mark_failed(item, "HTTP 503", retry_at=NOW + timedelta(seconds=10))
    assert await store.claim_due(now=NOW + timedelta(seconds=5)) == []
    (again,) = await store.claim_due(now=NOW + timedelta(seconds=10))
    assert again.attempts == 1


async def test_a_later_event_waits_for_the_earlier_one_of_its_request(store):
    stored, _ = await store.submit(request(), now=NOW)
    await store.set_status(stored.reference, "cancelled", "conv-1", now=NOW)
    (created,) = await store.claim_due(now=NOW)
    assert created.event == "created"
    await store.mark_failed(created, "HTTP 503", retry_at=NOW + timedelta(minutes=5))
    # the cancellation is due, but the request itself has not arrived yet
    assert await store.claim_due(now=NOW + timedelta(minutes=1)) == []
    (again,) = await store.claim_due(now=NOW + timedelta(minutes=5))
    assert again.event == "created"
    assert await store.mark_delivered(again, now=NOW)
    (cancelled,) = await store.claim_due(now=NOW + timedelta(minutes=5))
    assert cancelled.event == "cancelled"


async def test_a_released_item_is_due_again_at_once(store):
    await store.submit(request(), now=NOW)
    (item,) = await store.claim_due(now=NOW)
    assert await store.release(item)
    assert [i.id for i in await store.claim_due(now=NOW)] == [item.id]


async def test_unknown_kinds_are_refused(store):
    with pytest.raises(ValueError, match="unknown request kind"):
        await store.submit(request(kind="surgery"))
