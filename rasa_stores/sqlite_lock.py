"""A lock store on a local SQLite file, so the Rasa server can run several workers.

Rasa handles the messages of one conversation one at a time, with a ticket
lock per conversation. Its default lock store lives in memory, so Rasa refuses
to start more than one Sanic worker with it; its other lock store needs Redis.
On one machine, a SQLite file shared by the worker processes does the same job:
every read-modify-write of a lock runs in one ``BEGIN IMMEDIATE`` transaction,
so two workers never issue the same ticket or lose each other's update.

Rasa calls lock stores synchronously from its event loop. Each call here is a
single indexed statement or two on a local file (well under a millisecond);
``timeout`` bounds the wait when another worker holds the write lock.
"""

import contextlib
import json
import logging
import os
import sqlite3
from pathlib import Path
from typing import Any, Callable, Iterator

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from rasa_stores.sqlite_wal import use_write_ahead_log

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversation_locks (
    conversation_id TEXT PRIMARY KEY,
    lock TEXT NOT NULL
)
"""


class SQLiteLockStore(LockStore):
    """Ticket locks in a SQLite table, shared by every process on the machine."""

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        db: str = "var/locks.db",
        timeout: float = 10.0,
    ) -> None:
        """Creates the store; the file is opened on first use.

        Args:
            endpoint_config: The ``lock_store`` block of endpoints.yml (its
                ``db`` and ``timeout`` keys override the arguments).
            db: Path of the SQLite file.
            timeout: Seconds to wait for another process's write to finish.
        """
        settings = endpoint_config.kwargs if endpoint_config else {}
        self.path = Path(settings.get("db", db))
        self.timeout = float(settings.get("timeout", timeout))
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    def _connect(self) -> sqlite3.Connection:
        # one connection per process: Sanic forks its workers
        if self._connection is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(
                self.path, timeout=self.timeout, isolation_level=None
            )
            use_write_ahead_log(connection, self.timeout)
            connection.execute(SCHEMA)
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        connection = self._connect()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    @staticmethod
    def _read(
        connection: sqlite3.Connection, conversation_id: str
    ) -> TicketLock | None:
        row = connection.execute(
            "SELECT lock FROM conversation_locks WHERE conversation_id = ?",
            (conversation_id,),
        ).fetchone()
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    @staticmethod
    def _write(connection: sqlite3.Connection, lock: TicketLock) -> None:
        connection.execute(
            "INSERT INTO conversation_locks (conversation_id, lock) VALUES (?, ?) "
            "ON CONFLICT (conversation_id) DO UPDATE SET lock = excluded.lock",
            (lock.conversation_id, lock.dumps()),
        )

    @staticmethod
    def _delete(connection: sqlite3.Connection, conversation_id: str) -> None:
        connection.execute(
            "DELETE FROM conversation_locks WHERE conversation_id = ?",
            (conversation_id,),
        )

    def _modify(self, conversation_id: str, change: Callable[[TicketLock], Any]) -> Any:
        """Applies ``change`` to the stored lock (if any) atomically; saves it."""
        with self._transaction() as connection:
            lock = self._read(connection, conversation_id)
            if lock is None:
                return None
            result = change(lock)
            self._write(connection, lock)
            return result

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        """The stored lock of ``conversation_id``, if any."""
        return self._read(self._connect(), conversation_id)

    def delete_lock(self, conversation_id: str) -> None:
        """Removes the lock of ``conversation_id``."""
        with self._transaction() as connection:
            self._delete(connection, conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        """Stores ``lock``, replacing the conversation's previous one."""
        with self._transaction() as connection:
            self._write(connection, lock)

    def issue_ticket(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME
    ) -> int:
        """A new ticket for ``conversation_id``, issued atomically across processes."""
        try:
            with self._transaction() as connection:
                lock = self._read(connection, conversation_id)
                lock = lock or self.create_lock(conversation_id)
                ticket = lock.issue_ticket(lock_lifetime)
                self._write(connection, lock)
                return ticket
        except sqlite3.Error as error:
            raise LockError(f"could not issue a ticket: {error}") from error

    def update_lock(self, conversation_id: str) -> None:
        """Drops the expired tickets of the conversation's lock."""
        self._modify(conversation_id, lambda lock: lock.remove_expired_tickets())

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Removes a served ticket from the conversation's lock."""
        self._modify(
            conversation_id, lambda lock: lock.remove_ticket_for(ticket_number)
        )

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Removes a served ticket, and the lock when nobody else waits for it."""
        with self._transaction() as connection:
            lock = self._read(connection, conversation_id)
            if lock is None:
                return
            lock.remove_ticket_for(ticket_number)
            if lock.is_someone_waiting():
                self._write(connection, lock)
            else:
                self._delete(connection, conversation_id)
