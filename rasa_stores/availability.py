"""Whether the conversation database failed while this message was handled.

Rasa wraps every tracker store in ``FailSafeTrackerStore``: a failed read is
taken as a new conversation (a form in progress is forgotten) and a failed
write goes to memory (the turn is lost at the next read), and the error is
logged with the database's message, which can quote patient text. The
tracker store here reports a failure instead (``report``), without any data,
and the channel (``channels/guarded.py``), which handles the same message in
the same task, reads it (``failed``): it withholds the replies of a
conversation started afresh and tells the patient to send the message again,
with the emergency number.

A context variable, not a flag of the process: each message is handled in
its own task, so one patient's failure is never reported to another.
"""

import logging
from contextvars import ContextVar, Token

logger = logging.getLogger(__name__)

READ = "read"
WRITE = "write"

_failure: ContextVar[str | None] = ContextVar("conversation_db_failure", default=None)


def start_message() -> Token:
    """Called by the channel before a message is handled: no failure yet."""
    return _failure.set(None)


def end_message(token: Token) -> None:
    """Called by the channel when the message is handled."""
    _failure.reset(token)


def report(operation: str, error: BaseException) -> None:
    """Records that the conversation database could not be ``operation``
    (READ or WRITE) and logs it loudly, with the error's type only."""
    if _failure.get() != READ:  # a failed read is the one that matters most
        _failure.set(operation)
    logger.error(
        "the conversation database could not be %s (%s): this message was "
        "not handled and the patient was asked to send it again",
        "read" if operation == READ else "written",
        type(error).__name__,
    )


def failed() -> str | None:
    """READ, WRITE, or None when the database worked for this message."""
    return _failure.get()
