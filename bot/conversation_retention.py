"""Retention for the conversations: old ones are deleted with old requests.

The Rasa server keeps every conversation's events (what patients typed,
names and phone numbers included) in the SQL tracker store. ``purge``
deletes the conversations whose last event is older than the cut-off; the
staff command ``requests purge`` calls it with the requests' own retention.
"""

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import aiosqlite
import yaml

from bot.paths import PROJECT_ROOT

ENDPOINTS_FILE = PROJECT_ROOT / "endpoints.yml"
# the conversations whose last event is before the cut-off (a timestamp)
COUNT_OLD = (
    "SELECT COUNT(*) FROM (SELECT sender_id FROM events GROUP BY sender_id "
    "HAVING MAX(timestamp) < ?)"
)
DELETE_OLD = (
    "DELETE FROM events WHERE sender_id IN (SELECT sender_id FROM events "
    "GROUP BY sender_id HAVING MAX(timestamp) < ?)"
)


class NoConversationStore(RuntimeError):
    """There is no SQLite conversation database to purge."""


def tracker_database(environ: dict, endpoints: Path = ENDPOINTS_FILE) -> Path:
    """``$TRACKER_DB``, or the SQLite file ``endpoints.yml`` names.

    Raises:
        NoConversationStore: if the tracker store is not a SQLite file.
    """
    if environ.get("TRACKER_DB"):
        return Path(environ["TRACKER_DB"])
    store = (yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}).get(
        "tracker_store"
    ) or {}
    if store.get("dialect") != "sqlite" or not store.get("db"):
        raise NoConversationStore("the tracker store is not a SQLite file")
    path = Path(store["db"])
    return path if path.is_absolute() else PROJECT_ROOT / path


async def purge(path: Path, older_than: timedelta, now: datetime) -> int:
    """Deletes every conversation whose last event is before ``now -
    older_than``; how many were deleted.

    Raises:
        NoConversationStore: if ``path`` does not exist (never created here).
    """
    if not await asyncio.to_thread(path.is_file):
        raise NoConversationStore(f"no conversation database at {path}")
    cutoff = (now - older_than).timestamp()
    async with aiosqlite.connect(f"file:{path}?mode=rw", uri=True) as db:
        await db.execute("BEGIN IMMEDIATE")
        async with db.execute(COUNT_OLD, (cutoff,)) as rows:
            (count,) = await rows.fetchone()
        await db.execute(DELETE_OLD, (cutoff,))
        await db.commit()
    return int(count)
