"""The SQLite lock store: a conversation's messages one at a time, across processes."""

import asyncio
import multiprocessing
import os

import pytest
from rasa.core.utils import number_of_sanic_workers
from rasa.utils.endpoints import EndpointConfig

from rasa_stores.sqlite_lock import SQLiteLockStore


def issue_many(db: str, count: int, queue) -> None:
    store = SQLiteLockStore(db=db)
    queue.put([store.issue_ticket("shared", 60) for _ in range(count)])


def test_tickets_are_unique_across_processes(tmp_path):
    db = str(tmp_path / "locks.db")
    SQLiteLockStore(db=db).get_lock("warm-up")  # create the file and table
    queue = multiprocessing.get_context("fork").Queue()
    workers = [
        multiprocessing.get_context("fork").Process(
            target=issue_many, args=(db, 50, queue)
        )
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    tickets = [t for _ in workers for t in queue.get(timeout=60)]
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(tickets) == list(range(200))


def first_ticket(db: str, start, queue) -> None:
    store = SQLiteLockStore(db=db)
    start.wait()
    try:
        queue.put(store.issue_ticket(f"conversation-{os.getpid()}", 60))
    except Exception as error:  # reported to the test, which fails on it
        queue.put(repr(error))


def test_workers_opening_a_new_file_at_the_same_moment_both_get_tickets(tmp_path):
    # the first messages after start-up, one in each Rasa worker: SQLite does
    # not wait while it switches a new file to WAL (before, about half of
    # these pairs had one "database is locked")
    fork = multiprocessing.get_context("fork")
    results = []
    for attempt in range(20):
        db, start, queue = (
            str(tmp_path / f"locks-{attempt}.db"),
            fork.Barrier(2),
            fork.Queue(),
        )
        workers = [
            fork.Process(target=first_ticket, args=(db, start, queue)) for _ in range(2)
        ]
        for worker in workers:
            worker.start()
        results += [queue.get(timeout=60) for _ in workers]
        for worker in workers:
            worker.join(timeout=60)
    assert results == [0] * 40


async def test_one_message_at_a_time_per_conversation(tmp_path):
    store = SQLiteLockStore(db=str(tmp_path / "locks.db"))
    order = []

    async def handle(name: str, conversation: str) -> None:
        async with store.lock(conversation, wait_time_in_seconds=0.01):
            order.append(f"{name} start")
            await asyncio.sleep(0.05)
            order.append(f"{name} end")

    await asyncio.gather(handle("a", "c1"), handle("b", "c1"))
    assert order in (
        ["a start", "a end", "b start", "b end"],
        ["b start", "b end", "a start", "a end"],
    )


async def test_other_conversations_are_not_blocked(tmp_path):
    store = SQLiteLockStore(db=str(tmp_path / "locks.db"))
    async with store.lock("c1"):
        async with store.lock("c2", wait_time_in_seconds=0.01):
            assert store.get_lock("c2") is not None


async def test_lock_is_removed_when_nobody_waits(tmp_path):
    store = SQLiteLockStore(db=str(tmp_path / "locks.db"))
    async with store.lock("c1"):
        assert store.get_lock("c1").tickets
    assert store.get_lock("c1") is None


def test_expired_tickets_are_dropped(tmp_path):
    store = SQLiteLockStore(db=str(tmp_path / "locks.db"))
    store.issue_ticket("c1", lock_lifetime=-1)  # a worker that died mid-message
    store.update_lock("c1")
    assert not store.get_lock("c1").tickets


def test_settings_come_from_endpoints(tmp_path):
    config = EndpointConfig(
        type="rasa_stores.sqlite_lock.SQLiteLockStore",
        db=str(tmp_path / "x.db"),
        timeout=2,
    )
    store = SQLiteLockStore(endpoint_config=config)
    assert (store.path, store.timeout) == (tmp_path / "x.db", 2.0)


def test_rasa_runs_several_workers_with_it(monkeypatch):
    monkeypatch.setenv("SANIC_WORKERS", "2")
    config = EndpointConfig(type="rasa_stores.sqlite_lock.SQLiteLockStore")
    assert number_of_sanic_workers(config) == 2
    assert number_of_sanic_workers(EndpointConfig(type="in_memory")) == 1


def test_unusable_database_is_a_lock_error(tmp_path):
    from rasa.core.lock_store import LockError

    (tmp_path / "dir.db").mkdir()  # a directory where the file should be
    store = SQLiteLockStore(db=str(tmp_path / "dir.db"))
    with pytest.raises(LockError):
        store.issue_ticket("c1")
