"""Chat widget session ids that only the server can make.

A session id names a conversation (its tracker, its requests). The browser
keeps it across reloads and sends it with every message, so it is signed:
``<random>.<HMAC>`` with ``CHAT_SESSION_SECRET``. A made-up or altered id is
refused, and one browser cannot write into another's conversation. The
launcher sets the secret for all Rasa workers when the environment does not.
"""

import hashlib
import hmac
import logging
import os
import secrets
import uuid
from functools import lru_cache

logger = logging.getLogger(__name__)

SECRET_VARIABLE = "CHAT_SESSION_SECRET"  # noqa: S105 - a variable name
_SIGNATURE_CHARS = 32


@lru_cache(maxsize=1)
def _process_secret() -> bytes:
    logger.warning(
        "%s is not set: session ids last as long as this process", SECRET_VARIABLE
    )
    return secrets.token_bytes(32)


def _secret() -> bytes:
    configured = os.environ.get(SECRET_VARIABLE)
    return configured.encode() if configured else _process_secret()


def _signature(token: str) -> str:
    digest = hmac.new(_secret(), token.encode(), hashlib.sha256).hexdigest()
    return digest[:_SIGNATURE_CHARS]


def issue() -> str:
    """A new session id."""
    token = uuid.uuid4().hex
    return f"{token}.{_signature(token)}"


def is_issued(session_id: object) -> bool:
    """True for an id ``issue`` made with this secret."""
    if not isinstance(session_id, str) or session_id.count(".") != 1:
        return False
    token, signature = session_id.split(".")
    return bool(token) and hmac.compare_digest(signature, _signature(token))
