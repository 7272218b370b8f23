"""Switching a SQLite file to write-ahead logging, safely when several
processes open a new file at the same moment.

SQLite does not wait for locks while it switches the journal mode: when two
Rasa workers opened a new lock or tracker file together (their first
messages at once, just after start-up), one of them got "database is locked"
at once and its patient an apology. The switch is retried here instead, for
as long as the store would wait for any other lock. Once a file is in WAL
mode it stays so, and the switch is a read.
"""

import sqlite3
import time
from typing import Any

RETRY_PAUSE_SECONDS = 0.02


def use_write_ahead_log(connection: Any, wait_seconds: float) -> None:
    """Puts the file of ``connection`` (a ``sqlite3`` connection) in WAL mode.

    Raises:
        sqlite3.OperationalError: if the file is still locked after
            ``wait_seconds``.
    """
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(RETRY_PAUSE_SECONDS)
