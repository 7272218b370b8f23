"""Delivers stored requests to the clinic's webhook, through the outbox.

When ``HANDOFF_WEBHOOK_URL`` is set, every new request (and every
cancellation) is POSTed to it as JSON. Delivery is at least once and never
after an acknowledgement:

- the outbox row is written in the same transaction as the request, so a
  crash or restart loses nothing;
- a deliverer leases the rows it sends, so two deliverers (the action server's
  immediate attempt and the worker) never send a row at the same time;
- a 2xx answer marks the row delivered and it is never sent again; anything
  else is retried with exponential backoff, without limit;
- every POST carries ``Idempotency-Key: <reference>-<event>`` so the receiver
  can drop the rare duplicate (a crash between its 2xx and our bookkeeping),
  and, when ``HANDOFF_WEBHOOK_SECRET`` is set, an HMAC-SHA256 signature.

Logs name references and events only, never personal details.
"""

import asyncio
import hashlib
import hmac
import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, Set

import aiohttp

from bot.store import OutboxItem, RequestStore, utc_now

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Signature-SHA256"
# outbox items claimed and sent (one by one) per round
BATCH = 20


@dataclass(frozen=True)
class HandoffSettings:
    """Where and how to deliver; read from the environment when needed."""

    url: str | None = None
    secret: str | None = None
    timeout_seconds: float = 10.0
    retry_base_seconds: float = 30.0
    retry_max_seconds: float = 3600.0

    @classmethod
    def from_env(cls) -> "HandoffSettings":
        """``HANDOFF_WEBHOOK_URL``, ``HANDOFF_WEBHOOK_SECRET`` and retry timing."""
        return cls(
            url=os.environ.get("HANDOFF_WEBHOOK_URL") or None,
            secret=os.environ.get("HANDOFF_WEBHOOK_SECRET") or None,
            retry_base_seconds=float(os.environ.get("HANDOFF_RETRY_BASE_SECONDS", 30)),
        )

    @property
    def enabled(self) -> bool:
        """True when a webhook is configured."""
        return bool(self.url)


@dataclass(frozen=True)
class DeliveryReport:
    """What one delivery round did."""

    delivered: int = 0
    failed: int = 0


def retry_delay(attempts: int, settings: HandoffSettings) -> timedelta:
    """Exponential backoff: base, 2x base, 4x base, ... capped at the maximum."""
    seconds = settings.retry_base_seconds * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, settings.retry_max_seconds))


def payload(item: OutboxItem) -> Dict[str, Any]:
    """The JSON body sent to the clinic for one outbox item: the event and
    every stored field (``for_whom`` and ``outside_hours`` included) but the
    conversation id."""
    request = asdict(item.request)
    request.pop("conversation_id")  # internal to the assistant
    return {"event": f"request.{item.event}", **request}


def signature(body: bytes, secret: str) -> str:
    """Hex HMAC-SHA256 of the body, for the receiver to check it came from us."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def _send(
    session: aiohttp.ClientSession, item: OutboxItem, settings: HandoffSettings
) -> str | None:
    """POSTs one item; returns None on success, or what went wrong."""
    body = json.dumps(payload(item), ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": f"{item.request.reference}-{item.event}",
    }
    if settings.secret:
        headers[SIGNATURE_HEADER] = signature(body, settings.secret)
    try:
        async with session.post(settings.url, data=body, headers=headers) as response:
            if 200 <= response.status < 300:
                return None
            return f"HTTP {response.status}"
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        return type(error).__name__


async def deliver_due(
    store: RequestStore,
    settings: HandoffSettings | None = None,
    now: datetime | None = None,
) -> DeliveryReport:
    """Sends every outbox item that is due, once each.

    Args:
        store: Where the outbox is.
        settings: Webhook settings; read from the environment by default.
        now: The current time (for tests).

    Returns:
        How many items were delivered and how many failed this round.
    """
    settings = settings or HandoffSettings.from_env()
    if not settings.enabled:
        return DeliveryReport()
    delivered = failed = 0
    timeout = aiohttp.ClientTimeout(total=settings.timeout_seconds)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        # rounds until nothing more is delivered: a request's next event is
        # claimed only once the one before it has arrived
        while True:
            report = await _deliver_round(store, session, settings, now)
            delivered += report.delivered
            failed += report.failed
            if report.delivered == 0:
                break
    return DeliveryReport(delivered=delivered, failed=failed)


async def _deliver_round(
    store: RequestStore,
    session: aiohttp.ClientSession,
    settings: HandoffSettings,
    now: datetime | None,
) -> DeliveryReport:
    """Claims a batch and sends it, one by one, while the lease lasts."""
    # the lease covers the whole batch sent one by one, each up to the timeout
    lease = timedelta(seconds=settings.timeout_seconds * (BATCH + 1))
    items = await store.claim_due(limit=BATCH, lease=lease, now=now)
    delivered = failed = 0
    for item in items:
        left = datetime.fromisoformat(item.lease_until) - (now or utc_now())
        if left.total_seconds() < settings.timeout_seconds:
            await store.release(item)  # never sent after the lease ends
            continue
        problem = await _send(session, item, settings)
        if problem is None:
            if await store.mark_delivered(item, now=now):
                delivered += 1
                logger.info("delivered %s %s", item.request.reference, item.event)
            continue
        retry_at = (now or utc_now()) + retry_delay(item.attempts + 1, settings)
        await store.mark_failed(item, problem, retry_at)
        failed += 1
        logger.warning(
            "delivery of %s %s failed (%s); retry at %s",
            item.request.reference,
            item.event,
            problem,
            retry_at.isoformat(timespec="seconds"),
        )
    return DeliveryReport(delivered=delivered, failed=failed)


# background deliveries started by the action server, kept until done
_pending: Set["asyncio.Task[DeliveryReport]"] = set()


async def _deliver_logged(
    store: RequestStore, settings: HandoffSettings
) -> DeliveryReport:
    try:
        return await deliver_due(store, settings)
    except Exception:
        logger.exception("immediate delivery failed; the outbox keeps the request")
        return DeliveryReport()


def deliver_soon(
    store: RequestStore, settings: HandoffSettings | None = None
) -> "asyncio.Task[DeliveryReport] | None":
    """Starts delivering due items in the background, if a webhook is set.

    The patient's reply does not wait for the clinic's webhook; whatever this
    attempt does not deliver stays in the outbox for the worker to retry.
    """
    settings = settings or HandoffSettings.from_env()
    if not settings.enabled:
        return None
    task = asyncio.get_running_loop().create_task(_deliver_logged(store, settings))
    _pending.add(task)
    task.add_done_callback(_pending.discard)
    return task


async def run_worker(
    store: RequestStore,
    settings: HandoffSettings | None = None,
    interval_seconds: float = 5.0,
    stop: asyncio.Event | None = None,
) -> None:
    """Delivers due items every ``interval_seconds`` until ``stop`` is set.

    A database or network problem in one round is logged and the next round
    tries again; nothing pending is lost.
    """
    stop = stop or asyncio.Event()
    while not stop.is_set():
        try:
            await deliver_due(store, settings)
        except Exception:
            logger.exception("delivery round failed")
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
        except asyncio.TimeoutError:
            pass
