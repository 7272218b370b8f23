"""A SQL tracker store whose cost per turn does not grow with the conversation.

Rasa's ``SQLTrackerStore`` re-reads and re-deserialises every event of the
session on every turn (170 ms at 1,800 events, measured), then hands the whole
history to the policies and to the action server (a 900 KB payload). This
store, configured in ``endpoints.yml``, keeps the same table and semantics and
changes three things:

- It remembers the deserialised events of recent conversations and reads only
  the rows added since (``id`` greater than the last one seen). It checks the
  stored maximum id first, so events written by another Rasa server are picked
  up and a deleted conversation is read afresh.
- The tracker it returns holds the most recent ``keep_events`` events, which
  is all the rules and the actions ever look at, after a snapshot of the state
  at the cut: one ``SlotSet`` per slot that is set and the active form. Rasa
  replays a tracker's events in several places (the rules' states, the form's
  validation), so the snapshot keeps slots and the active form exact there too,
  however long the conversation.
- Saving stores exactly the events added since the tracker was read. They are
  found by identity, because Rasa's count-based way would lose events of a
  shortened tracker.
- A database that cannot be read or written (locked past SQLite's wait, gone,
  unreachable) is reported (``availability``), never replaced by memory: a
  failed read does not start the conversation afresh in the database, and
  the channel asks the patient to send the message again.
"""

import json
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Iterator, List

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, Event, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_stores import availability, response_validation
from rasa_stores.sqlite_wal import use_write_ahead_log

logger = logging.getLogger(__name__)

# set on each tracker this store returns: the last of its events that is stored
_STORED_UP_TO = "_stored_up_to"


@dataclass
class _Conversation:
    """Deserialised events of the current session, and the last row read."""

    last_row_id: int = 0
    events: List[Event] = field(default_factory=list)


def _sqlite_write_ahead_log(connection: Any, wait_seconds: float) -> None:
    """WAL: readers never wait for a writer, and a commit does not wait for a
    full sync of the file (a power cut may lose the last turns, a crash not)."""
    use_write_ahead_log(connection, wait_seconds)
    connection.execute("PRAGMA synchronous=NORMAL")


class CachedSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that reads only new rows and keeps trackers short."""

    def __init__(
        self,
        domain: Domain | None = None,
        keep_events: int = 50,
        cached_conversations: int = 1000,
        sqlite_wait_seconds: float = 5.0,
        **kwargs: Any,
    ) -> None:
        """Creates the store (see ``SQLTrackerStore`` for the database options).

        Args:
            domain: The assistant's domain.
            keep_events: Events each returned tracker holds (older ones still
                count for slots and forms, and stay in the database).
            cached_conversations: Conversations whose events are remembered.
            sqlite_wait_seconds: How long a SQLite read or write waits for a
                lock held elsewhere before it is reported as failed.
            **kwargs: Database options for ``SQLTrackerStore``.
        """
        self.sqlite_wait_seconds = float(sqlite_wait_seconds)
        super().__init__(domain, **kwargs)
        # Rasa builds its tracker store once in each worker at start-up: the
        # place to make the per-turn response check cheap (see that module)
        response_validation.prepare_once()
        if self.engine.dialect.name == "sqlite":
            self._keep_sqlite_connections_open()
        self.keep_events = int(keep_events)
        self.cached_conversations = int(cached_conversations)
        self._cache: OrderedDict[str, _Conversation] = OrderedDict()

    def _keep_sqlite_connections_open(self) -> None:
        """Pooled connections in WAL mode instead of one new connection per read.

        SQLAlchemy opens and closes a SQLite file for every session by default,
        and closing the last connection checkpoints the write-ahead log.
        """
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url,
            poolclass=sa.pool.QueuePool,
            connect_args={
                "check_same_thread": False,
                "timeout": self.sqlite_wait_seconds,
            },
        )
        wait = self.sqlite_wait_seconds
        sa.event.listen(
            self.engine,
            "connect",
            lambda connection, _record: _sqlite_write_ahead_log(connection, wait),
        )
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _new_rows(self, session: Any, sender_id: str) -> List[Any] | None:
        """Rows of this session not read yet; None when there is no conversation."""
        newest = (
            session.query(sa.func.max(self.SQLEvent.id))
            .filter(self.SQLEvent.sender_id == sender_id)
            .scalar()
        )
        cached = self._cache.get(sender_id)
        if newest is None:
            self._cache.pop(sender_id, None)
            return None
        if cached is None or newest < cached.last_row_id:  # unknown, or deleted
            self._cache[sender_id] = _Conversation()
            return self._event_query(session, sender_id, False).all()
        if newest == cached.last_row_id:
            return []
        return (
            session.query(self.SQLEvent)
            .filter(
                self.SQLEvent.sender_id == sender_id,
                self.SQLEvent.id > cached.last_row_id,
            )
            .order_by(self.SQLEvent.id)
            .all()
        )

    def _remember(self, sender_id: str, rows: List[Any]) -> _Conversation:
        conversation = self._cache[sender_id]
        for row in rows:
            event = Event.from_parameters(json.loads(row.data))
            if event is None:
                continue
            if isinstance(event, SessionStarted):
                conversation.events = []  # a new session: only it is read
            conversation.events.append(event)
        if rows:
            conversation.last_row_id = rows[-1].id
        self._cache.move_to_end(sender_id)
        while len(self._cache) > self.cached_conversations:
            self._cache.popitem(last=False)
        return conversation

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The tracker of the conversation's current session, or None (also
        when the database cannot be read: reported, see ``availability``)."""
        try:
            with self.session_scope() as session:
                rows = self._new_rows(session, sender_id)
                if rows is None:
                    return None
                conversation = self._remember(sender_id, rows)
        except sa.exc.SQLAlchemyError as error:
            availability.report(availability.READ, error)
            return None
        if not conversation.events or not self.domain:
            return None
        events = self._shortened(sender_id, conversation.events)
        # room for a turn's new events, so none pushes the snapshot out
        tracker = DialogueStateTracker.from_events(
            sender_id,
            events,
            self.domain.slots,
            max_event_history=len(events) + self.keep_events,
        )
        setattr(tracker, _STORED_UP_TO, tracker.events[-1] if tracker.events else None)
        return tracker

    def _shortened(self, sender_id: str, events: List[Event]) -> List[Event]:
        """The last ``keep_events`` events after a snapshot of the state before.

        The kept events are the stored objects themselves (saving finds the new
        ones by identity); the snapshot events are new and never saved.
        """
        if len(events) <= self.keep_events:
            return events
        head, tail = events[: -self.keep_events], events[-self.keep_events :]
        before = DialogueStateTracker.from_events(sender_id, head, self.domain.slots)
        stamp = tail[0].timestamp
        snapshot: List[Event] = [
            SlotSet(name, slot.value, timestamp=stamp)
            for name, slot in before.slots.items()
            if slot.value != slot.initial_value
        ]
        if before.active_loop_name:
            snapshot.append(ActiveLoop(before.active_loop_name, timestamp=stamp))
        return [head[0], *snapshot, *tail]

    def _additional_events(
        self, session: Any, tracker: DialogueStateTracker
    ) -> Iterator:
        """The tracker's events that are not stored yet."""
        if not hasattr(tracker, _STORED_UP_TO):
            # not read through this store (a new conversation): nothing is cut off
            return super()._additional_events(session, tracker)
        stored = getattr(tracker, _STORED_UP_TO)
        events = list(tracker.events)
        for position in range(len(events) - 1, -1, -1):
            if events[position] is stored:
                return iter(events[position + 1 :])
        if stored is not None:
            logger.error(
                "more than %d events were added in one turn; some may be lost",
                self.keep_events,
            )
        return iter(events)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Stores the new events, then remembers that they are stored.

        Nothing is stored after a failed read in the same message: the tracker
        is a new conversation standing in for one that could not be read, and
        its session start would end that one's form. A failed write is
        reported, not raised: Rasa would log the database's message (which
        quotes the events) and keep the turn in memory only.
        """
        if availability.failed() == availability.READ:
            return
        try:
            await super().save(tracker)
        except sa.exc.SQLAlchemyError as error:
            availability.report(availability.WRITE, error)
            return
        setattr(tracker, _STORED_UP_TO, tracker.events[-1] if tracker.events else None)
