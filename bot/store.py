"""Durable storage of consultation and callback requests (SQLite, aiosqlite).

One database file (``BOT_DB``, default ``var/requests.db``) holds the requests
and a delivery outbox. The schema carries a version (``PRAGMA user_version``)
and is migrated whenever a connection finds it behind. Every write is one
transaction; SQL is parameterised only; the journal is WAL so the staff's
command line can read while the assistant writes.

Errors that the patient should hear about (a locked, missing or unwritable
database) surface as ``StoreUnavailable``; their messages hold no personal
data.
"""

import asyncio
import contextlib
import os
import sqlite3
from dataclasses import dataclass, fields
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, AsyncIterator, Dict, List, Sequence, Tuple, Union

import aiosqlite

from bot.paths import PROJECT_ROOT
from bot.references import new_reference

DEFAULT_DB = PROJECT_ROOT / "var" / "requests.db"
BUSY_TIMEOUT_SECONDS = 5.0

KINDS = ("consultation", "callback")
STATUSES = ("pending", "handled", "cancelled")

# version -> statements that bring the schema from version - 1 to version
MIGRATIONS: Dict[int, Sequence[str]] = {
    1: (
        """
        CREATE TABLE requests (
            id              INTEGER PRIMARY KEY,
            reference       TEXT NOT NULL UNIQUE,
            submission_key  TEXT NOT NULL UNIQUE,
            conversation_id TEXT NOT NULL,
            kind            TEXT NOT NULL CHECK (kind IN ('consultation', 'callback')),
            status          TEXT NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'handled', 'cancelled')),
            full_name       TEXT NOT NULL,
            contact         TEXT NOT NULL,
            contact_type    TEXT NOT NULL CHECK (contact_type IN ('phone', 'email')),
            preferred_time  TEXT NOT NULL,
            preferred_date  TEXT,
            reason          TEXT,
            consent_at      TEXT NOT NULL,
            created_at      TEXT NOT NULL,
            updated_at      TEXT NOT NULL
        )
        """,
        "CREATE INDEX requests_by_conversation ON requests (conversation_id)",
        "CREATE INDEX requests_by_status ON requests (status, created_at)",
        """
        CREATE TABLE outbox (
            id              INTEGER PRIMARY KEY,
            request_id      INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
            event           TEXT NOT NULL,
            attempts        INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            lease_until     TEXT,
            delivered_at    TEXT,
            last_error      TEXT,
            created_at      TEXT NOT NULL,
            UNIQUE (request_id, event)
        )
        """,
        "CREATE INDEX outbox_due ON outbox (delivered_at, next_attempt_at)",
    ),
    2: (
        # who the request is for when someone books for a relative ("father")
        "ALTER TABLE requests ADD COLUMN for_whom TEXT",
        # 1: the preferred time is outside the clinic's opening hours (for staff)
        "ALTER TABLE requests ADD COLUMN outside_hours INTEGER NOT NULL DEFAULT 0"
        " CHECK (outside_hours IN (0, 1))",
    ),
}
SCHEMA_VERSION = max(MIGRATIONS)


class StoreUnavailable(Exception):
    """The database cannot be used now (locked, missing, unwritable, damaged)."""


@dataclass(frozen=True)
class NewRequest:
    """What a patient confirmed, ready to store."""

    kind: str
    full_name: str
    contact: str
    contact_type: str
    preferred_time: str
    conversation_id: str
    submission_key: str
    preferred_date: str | None = None
    reason: str | None = None
    # who the request is for when someone books for a relative ("father")
    for_whom: str | None = None
    # the preferred time is outside the clinic's opening hours
    outside_hours: bool = False


@dataclass(frozen=True)
class StoredRequest:
    """A request as stored."""

    reference: str
    kind: str
    status: str
    full_name: str
    contact: str
    contact_type: str
    preferred_time: str
    preferred_date: str | None
    reason: str | None
    conversation_id: str
    consent_at: str
    created_at: str
    updated_at: str
    for_whom: str | None = None
    outside_hours: bool = False


@dataclass(frozen=True)
class OutboxItem:
    """One pending delivery of a request event to the clinic's webhook."""

    id: int
    event: str
    attempts: int
    request: StoredRequest
    # the claim's lease end: the deliverer's token for marking the item
    lease_until: str = ""


_REQUEST_FIELDS = tuple(f.name for f in fields(StoredRequest))
_REQUEST_COLUMNS = ", ".join(f"r.{name}" for name in _REQUEST_FIELDS)


@contextlib.asynccontextmanager
async def _transaction(db: aiosqlite.Connection) -> AsyncIterator[None]:
    """One write transaction, taken at once (BEGIN IMMEDIATE): all or nothing."""
    await db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        await db.rollback()
        raise
    await db.commit()


def _select(columns: str, rest: str) -> str:
    """A SELECT of constant column names; every value is bound with ``?``."""
    return f"SELECT {columns} {rest}"  # constants only: no value is formatted in


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


async def _user_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cursor:
        (version,) = await cursor.fetchone()
    return version


async def _enable_wal(db: aiosqlite.Connection, attempts: int = 50) -> None:
    """Switches the file to WAL; retried, as the switch does not wait for locks."""
    for attempt in range(attempts):
        try:
            await db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(0.05)


def _request(row: Sequence) -> StoredRequest:
    """The request in a row that starts with ``_REQUEST_COLUMNS``."""
    values = dict(zip(_REQUEST_FIELDS, row[: len(_REQUEST_FIELDS)], strict=True))
    values["outside_hours"] = bool(values["outside_hours"])  # stored as 0 or 1
    return StoredRequest(**values)


class RequestStore:
    """Requests and their delivery outbox in one SQLite file."""

    def __init__(
        self,
        path: Union[str, Path],
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
        create: bool = True,
    ):
        """Points the store at ``path`` (nothing is opened yet); ``create``:
        make the file if it is missing (else a missing file is an error)."""
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.create = create
        self._migration_lock = asyncio.Lock()

    @classmethod
    def from_env(cls, create: bool = False) -> "RequestStore":
        """The store at ``$BOT_DB``, or ``var/requests.db`` in the project.

        A missing file is an error (``StoreUnavailable``) unless ``create``:
        only ``python -m bot db migrate`` (which the launcher runs first)
        makes it, so a deleted database is reported, never silently replaced
        by an empty one."""
        return cls(os.environ.get("BOT_DB") or DEFAULT_DB, create=create)

    @contextlib.asynccontextmanager
    async def connect(self) -> AsyncIterator[aiosqlite.Connection]:
        """An open, migrated connection; database errors become StoreUnavailable."""
        if not self.create and not self.path.exists():
            # checked first: a failed aiosqlite connect leaves its thread to
            # answer a loop that may be closed by then
            raise StoreUnavailable(
                "request database unavailable: the file does not exist "
                "(`python -m bot db migrate` creates it)"
            )
        try:
            if self.create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            target = str(self.path) if self.create else f"file:{self.path}?mode=rw"
            async with aiosqlite.connect(
                target,
                timeout=self.busy_timeout,
                isolation_level=None,
                uri=not self.create,
            ) as db:
                await db.execute(
                    f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}"
                )
                await db.execute("PRAGMA foreign_keys = ON")
                await self._migrate(db)
                yield db
        except (sqlite3.Error, OSError) as error:
            raise StoreUnavailable(
                f"request database unavailable: {type(error).__name__}: {error}"
            ) from error

    async def _migrate(self, db: aiosqlite.Connection) -> None:
        """Brings the schema up to date; cheap when it already is."""
        if await _user_version(db) >= SCHEMA_VERSION:
            return
        async with self._migration_lock:  # one migrating connection per process
            if await _user_version(db) >= SCHEMA_VERSION:
                return
            await _enable_wal(db)
            async with _transaction(db):  # and one across processes
                for target in range(await _user_version(db) + 1, SCHEMA_VERSION + 1):
                    for statement in MIGRATIONS[target]:
                        await db.execute(statement)
                    await db.execute(f"PRAGMA user_version = {target}")

    async def schema_version(self) -> int:
        """The schema version of the database file (migrating it first)."""
        async with self.connect() as db:
            return await _user_version(db)

    async def submit(
        self, request: NewRequest, now: datetime | None = None
    ) -> Tuple[StoredRequest, bool]:
        """Stores a confirmed request and queues it for delivery, atomically.

        Submitting the same ``submission_key`` again (a retried webhook call)
        returns the request already stored instead of storing a second one.

        Returns:
            The stored request, and True if it was stored by this call.

        Raises:
            ValueError: for an unknown kind or contact type.
            StoreUnavailable: if the database cannot be written.
        """
        if request.kind not in KINDS or request.contact_type not in ("phone", "email"):
            raise ValueError("unknown request kind or contact type")
        stamp = _iso(now or utc_now())
        async with self.connect() as db:
            async with _transaction(db):
                existing = await self._by_submission(db, request.submission_key)
                if existing is None:
                    request_id = await self._insert(db, request, stamp)
                    await db.execute(
                        "INSERT INTO outbox (request_id, event, next_attempt_at,"
                        " created_at) VALUES (?, 'created', ?, ?)",
                        (request_id, stamp, stamp),
                    )
            if existing is not None:
                return existing, False
            return await self._by_submission(db, request.submission_key), True

    @staticmethod
    async def _insert(db: aiosqlite.Connection, request: NewRequest, stamp: str) -> int:
        while True:
            try:
                cursor = await db.execute(
                    "INSERT INTO requests (reference, submission_key, conversation_id,"
                    " kind, full_name, contact, contact_type, preferred_time,"
                    " preferred_date, reason, for_whom, outside_hours, consent_at,"
                    " created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        new_reference(),
                        request.submission_key,
                        request.conversation_id,
                        request.kind,
                        request.full_name,
                        request.contact,
                        request.contact_type,
                        request.preferred_time,
                        request.preferred_date,
                        request.reason,
                        request.for_whom,
                        int(bool(request.outside_hours)),
                        stamp,
                        stamp,
                        stamp,
                    ),
                )
                return cursor.lastrowid
            except sqlite3.IntegrityError as error:
                if "requests.reference" not in str(error):
                    raise  # the other unique key (submission) is checked first

    @staticmethod
    async def _by_submission(
        db: aiosqlite.Connection, key: str
    ) -> StoredRequest | None:
        async with db.execute(
            _select(_REQUEST_COLUMNS, "FROM requests r WHERE r.submission_key = ?"),
            (key,),
        ) as cursor:
            row = await cursor.fetchone()
        return _request(row) if row else None

    async def get(
        self, reference: str, conversation_id: str | None = None
    ) -> StoredRequest | None:
        """The request with ``reference`` (only within ``conversation_id`` if given)."""
        query = _select(_REQUEST_COLUMNS, "FROM requests r WHERE r.reference = ?")
        params: Tuple = (reference,)
        if conversation_id is not None:
            query += " AND r.conversation_id = ?"
            params += (conversation_id,)
        async with self.connect() as db, db.execute(query, params) as cursor:
            row = await cursor.fetchone()
        return _request(row) if row else None

    async def list(
        self, status: str | None = None, conversation_id: str | None = None
    ) -> List[StoredRequest]:
        """Requests, oldest first, optionally by status or conversation."""
        query = _select(_REQUEST_COLUMNS, "FROM requests r WHERE 1 = 1")
        params: Tuple = ()
        if status is not None:
            query += " AND r.status = ?"
            params += (status,)
        if conversation_id is not None:
            query += " AND r.conversation_id = ?"
            params += (conversation_id,)
        async with self.connect() as db, db.execute(
            query + " ORDER BY r.id", params
        ) as cursor:
            return [_request(row) for row in await cursor.fetchall()]

    async def set_status(
        self,
        reference: str,
        status: str,
        conversation_id: str | None = None,
        now: datetime | None = None,
    ) -> StoredRequest | None:
        """Changes a request's status; a cancellation is queued for delivery too.

        Returns:
            The updated request, or None if there is no such request (within
            ``conversation_id`` when given).
        """
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        stamp = _iso(now or utc_now())
        request = await self.get(reference, conversation_id)
        if request is None:
            return None
        async with self.connect() as db:
            async with _transaction(db):
                await db.execute(
                    "UPDATE requests SET status = ?, updated_at = ?"
                    " WHERE reference = ?",
                    (status, stamp, reference),
                )
                if status == "cancelled":
                    await db.execute(
                        "INSERT OR IGNORE INTO outbox (request_id, event,"
                        " next_attempt_at, created_at)"
                        " SELECT id, 'cancelled', ?, ? FROM requests"
                        " WHERE reference = ?",
                        (stamp, stamp, reference),
                    )
        return await self.get(reference)

    async def purge(self, older_than: timedelta, now: datetime | None = None) -> int:
        """Deletes requests (and their outbox rows) created before the cut-off.

        Returns:
            How many requests were deleted.
        """
        cutoff = _iso((now or utc_now()) - older_than)
        async with self.connect() as db:
            cursor = await db.execute(
                "DELETE FROM requests WHERE created_at < ?", (cutoff,)
            )
            await db.commit()
            return cursor.rowcount

    async def claim_due(
        self,
        limit: int = 20,
        lease: timedelta = timedelta(seconds=60),
        now: datetime | None = None,
    ) -> List[OutboxItem]:
        """Claims undelivered outbox items that are due, for ``lease``.

        A claimed item is not handed to another deliverer until its lease runs
        out, so two deliverers never send the same item at the same time. An
        item waits while an earlier one of the same request is undelivered:
        the clinic gets a request's events in order (never a cancellation
        before the request).
        """
        moment = now or utc_now()
        stamp, until = _iso(moment), _iso(moment + lease)
        async with self.connect() as db:
            async with _transaction(db):
                async with db.execute(
                    _select(
                        f"o.id, o.event, o.attempts, {_REQUEST_COLUMNS}",
                        "FROM outbox o JOIN requests r ON r.id = o.request_id"
                        " WHERE o.delivered_at IS NULL AND o.next_attempt_at <= ?"
                        " AND (o.lease_until IS NULL OR o.lease_until <= ?)"
                        " AND NOT EXISTS (SELECT 1 FROM outbox e"
                        "  WHERE e.request_id = o.request_id AND e.id < o.id"
                        "  AND e.delivered_at IS NULL)"
                        " ORDER BY o.id LIMIT ?",
                    ),
                    (stamp, stamp, limit),
                ) as cursor:
                    rows = await cursor.fetchall()
                await db.executemany(
                    "UPDATE outbox SET lease_until = ? WHERE id = ?",
                    [(until, row[0]) for row in rows],
                )
        return [
            OutboxItem(row[0], row[1], row[2], _request(row[3:]), until) for row in rows
        ]

    async def mark_delivered(
        self, item: OutboxItem, now: datetime | None = None
    ) -> bool:
        """Records that the webhook acknowledged an item: it is never sent
        again. False if the claim was no longer this deliverer's (its lease
        ran out and another deliverer took the item) or it was delivered."""
        return await self._update_claimed(
            item,
            "delivered_at = ?, lease_until = NULL, attempts = attempts + 1,"
            " last_error = NULL",
            (_iso(now or utc_now()),),
        )

    async def mark_failed(
        self, item: OutboxItem, error: str, retry_at: datetime
    ) -> bool:
        """Records a failed attempt; the item is due again at ``retry_at``.
        False if the claim was no longer this deliverer's."""
        return await self._update_claimed(
            item,
            "attempts = attempts + 1, last_error = ?, next_attempt_at = ?,"
            " lease_until = NULL",
            (error[:500], _iso(retry_at)),
        )

    async def release(self, item: OutboxItem) -> bool:
        """Gives a claimed item back unsent (due again at once)."""
        return await self._update_claimed(item, "lease_until = NULL", ())

    async def _update_claimed(
        self, item: OutboxItem, assignments: str, values: Tuple[Any, ...]
    ) -> bool:
        async with self.connect() as db:
            cursor = await db.execute(
                f"UPDATE outbox SET {assignments} WHERE id = ?"  # noqa: S608
                " AND lease_until = ? AND delivered_at IS NULL",
                (*values, item.id, item.lease_until),
            )
            await db.commit()
            return cursor.rowcount == 1

    async def outbox_counts(self) -> Dict[str, int]:
        """How many outbox items are delivered and how many are waiting."""
        async with self.connect() as db, db.execute(
            "SELECT delivered_at IS NOT NULL, COUNT(*) FROM outbox GROUP BY 1"
        ) as cursor:
            counts = {bool(done): n for done, n in await cursor.fetchall()}
        return {"delivered": counts.get(True, 0), "waiting": counts.get(False, 0)}
