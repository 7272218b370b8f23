"""Delivery to the clinic's webhook through the outbox, against a real HTTP server."""

import asyncio
import json
from datetime import datetime, timedelta, timezone

import pytest
from aiohttp import web

from bot import handoff
from bot.handoff import HandoffSettings, deliver_due, run_worker
from bot.store import OutboxItem, RequestStore
from tests.test_store import request, stored_request

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)


class Receiver:
    """A local webhook that fails a given number of times, then accepts."""

    def __init__(self, failures: int = 0):
        self.failures = failures
        self.received = []
        self.headers = []
        self.delay = 0.0  # seconds before each answer (a slow receiver)

    async def handle(self, http_request):
        body = await http_request.read()
        await asyncio.sleep(self.delay)
        if self.failures > 0:
            self.failures -= 1
            return web.Response(status=503)
        self.received.append(json.loads(body))
        self.headers.append(dict(http_request.headers))
        return web.Response(status=200)


@pytest.fixture
async def receiver_url(unused_tcp_port_factory):
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = unused_tcp_port_factory()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield receiver, f"http://127.0.0.1:{port}/hook"
    await runner.cleanup()


@pytest.fixture
def store(tmp_path):
    return RequestStore(tmp_path / "requests.db")


def settings(url, **changes):
    return HandoffSettings(url=url, retry_base_seconds=10, **changes)


async def test_a_receiver_failing_twice_gets_each_request_exactly_once(
    store, receiver_url
):
    receiver, url = receiver_url
    receiver.failures = 2 * 3  # every request fails twice
    stored = [(await store.submit(request(key=f"k{i}"), now=NOW))[0] for i in range(3)]

    first = await deliver_due(store, settings(url), now=NOW)
    assert (first.delivered, first.failed) == (0, 3)
    early = await deliver_due(store, settings(url), now=NOW + timedelta(seconds=5))
    assert (early.delivered, early.failed) == (0, 0)  # backoff: not yet due
    second = await deliver_due(store, settings(url), now=NOW + timedelta(seconds=10))
    assert (second.delivered, second.failed) == (0, 3)
    third = await deliver_due(store, settings(url), now=NOW + timedelta(seconds=30))
    assert (third.delivered, third.failed) == (3, 0)
    later = await deliver_due(store, settings(url), now=NOW + timedelta(days=1))
    assert (later.delivered, later.failed) == (0, 0)

    refs = [body["reference"] for body in receiver.received]
    assert sorted(refs) == sorted(r.reference for r in stored)
    assert all(body["event"] == "request.created" for body in receiver.received)
    assert await store.outbox_counts() == {"delivered": 3, "waiting": 0}


async def test_payload_has_the_details_and_not_the_conversation(store, receiver_url):
    receiver, url = receiver_url
    stored, _ = await store.submit(request(reason="<b>verbatim</b>"), now=NOW)
    await deliver_due(store, settings(url, secret="s3cret"), now=NOW)
    (body,) = receiver.received
    assert body["full_name"] == "Margaret Hill"
    assert body["reason"] == "<b>verbatim</b>"
    assert body["kind"] == "consultation"
    assert "conversation_id" not in body
    assert (body["for_whom"], body["outside_hours"]) == (None, False)
    headers = receiver.headers[0]
    assert headers["Idempotency-Key"] == f"{stored.reference}-created"
    raw = json.dumps(body, ensure_ascii=False).encode()
    assert headers[handoff.SIGNATURE_HEADER] == handoff.signature(raw, "s3cret")


async def test_payload_says_who_it_is_for_and_marks_outside_hours(store, receiver_url):
    receiver, url = receiver_url
    await store.submit(request(for_whom="father", outside_hours=True), now=NOW)
    await deliver_due(store, settings(url), now=NOW)
    (body,) = receiver.received
    assert (body["for_whom"], body["outside_hours"]) == ("father", True)


def test_payload_has_every_field_but_the_conversation():
    stored = stored_request(for_whom="mother", outside_hours=True)
    body = handoff.payload(OutboxItem(1, "created", 0, stored))
    assert set(body) == {
        "event",
        "reference",
        "kind",
        "status",
        "full_name",
        "contact",
        "contact_type",
        "preferred_time",
        "preferred_date",
        "reason",
        "consent_at",
        "created_at",
        "updated_at",
        "for_whom",
        "outside_hours",
    }
    assert (body["event"], body["for_whom"], body["outside_hours"]) == (
        "request.created",
        "mother",
        True,
    )


async def test_a_cancellation_is_delivered_too(store, receiver_url):
    receiver, url = receiver_url
    stored, _ = await store.submit(request(), now=NOW)
    await store.set_status(stored.reference, "cancelled", "conv-1", now=NOW)
    await deliver_due(store, settings(url), now=NOW)
    assert [b["event"] for b in receiver.received] == [
        "request.created",
        "request.cancelled",
    ]


async def test_nothing_is_lost_when_the_deliverer_restarts(tmp_path, receiver_url):
    receiver, url = receiver_url
    path = tmp_path / "requests.db"
    await RequestStore(path).submit(request(), now=NOW)
    # a deliverer claims the item and dies before sending it
    await RequestStore(path).claim_due(now=NOW, lease=timedelta(seconds=60))
    restarted = RequestStore(path)
    assert (await deliver_due(restarted, settings(url), now=NOW)).delivered == 0
    later = NOW + timedelta(seconds=61)
    assert (await deliver_due(restarted, settings(url), now=later)).delivered == 1
    assert len(receiver.received) == 1


async def test_an_unreachable_webhook_is_retried(store, unused_tcp_port):
    await store.submit(request(), now=NOW)
    url = f"http://127.0.0.1:{unused_tcp_port}/nobody-listens"
    report = await deliver_due(store, settings(url, timeout_seconds=2), now=NOW)
    assert (report.delivered, report.failed) == (0, 1)
    assert await store.outbox_counts() == {"delivered": 0, "waiting": 1}


async def test_without_a_webhook_nothing_is_sent(store):
    await store.submit(request(), now=NOW)
    assert (
        await deliver_due(store, HandoffSettings(url=None)) == handoff.DeliveryReport()
    )
    assert await store.outbox_counts() == {"delivered": 0, "waiting": 1}


def test_backoff_doubles_and_is_capped():
    s = HandoffSettings(url="x", retry_base_seconds=30, retry_max_seconds=3600)
    delays = [handoff.retry_delay(n, s).total_seconds() for n in (1, 2, 3, 4, 10)]
    assert delays == [30, 60, 120, 240, 3600]


async def test_the_worker_delivers_until_stopped(store, receiver_url):
    receiver, url = receiver_url
    receiver.failures = 1
    await store.submit(request())
    stop = asyncio.Event()
    worker = asyncio.create_task(
        run_worker(store, HandoffSettings(url=url, retry_base_seconds=0.1), 0.05, stop)
    )
    for _ in range(100):
        if receiver.received:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(worker, timeout=5)
    assert len(receiver.received) == 1


async def test_a_slow_receiver_and_two_deliverers_get_each_event_once_in_order(
    tmp_path, receiver_url
):
    receiver, url = receiver_url
    receiver.delay = 0.2
    path = tmp_path / "requests.db"
    store = RequestStore(path)
    references = []
    for number in range(6):
        stored, _ = await store.submit(request(key=f"k{number}"))
        references.append(stored.reference)
        if number % 2 == 0:
            await store.set_status(stored.reference, "cancelled", "conv-1")
    # two deliverers at once (the action server and the worker), wall clock
    reports = await asyncio.gather(
        deliver_due(RequestStore(path), settings(url, timeout_seconds=2)),
        deliver_due(RequestStore(path), settings(url, timeout_seconds=2)),
    )
    assert sum(r.delivered for r in reports) == 9
    events = [(b["reference"], b["event"]) for b in receiver.received]
    assert len(events) == len(set(events)) == 9  # each exactly once
    for reference in references[::2]:
        mine = [event for ref, event in events if ref == reference]
        assert mine == ["request.created", "request.cancelled"]
    assert await store.outbox_counts() == {"delivered": 9, "waiting": 0}
