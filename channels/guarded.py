"""Input channels that check every message before it reaches NLU.

``MessageGuardMixin`` wraps any Rasa input channel: a message longer than the
limit (``MAX_MESSAGE_CHARS``, 2,000 characters by default) or not text at all
gets a polite answer, with the emergency number, and never reaches the
pipeline (spaCy's tokenizer slows down sharply on long runs of punctuation,
and one pasted megabyte would be stored in the conversation). The REST
channel also refuses malformed bodies and messages without a sender (400,
never a shared "default" conversation); socket.io accepts only the configured
origins.
"""

import logging
import os
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint, response
from sanic.exceptions import SanicException
from sanic.request import Request

from bot import knowledge
from bot.settings import ORIGINS_VARIABLE, load_clinic, max_message_chars
from channels import sessions
from rasa_stores import availability

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]

# a conversation id is chosen by the client; it names a row, not a text
MAX_SENDER_CHARS = 128


class BadRequest(SanicException):
    """A request body the channel cannot read: answered with 400."""

    status_code = 400


def refusal(text: Any) -> str | None:
    """Why ``text`` must not reach NLU (the patient-facing answer), or None:
    not text, longer than the limit, or a long run of symbols."""
    if text is None:
        return None
    if not isinstance(text, str):
        return clinic_text("message_not_text")
    limit = max_message_chars()
    if len(text) > limit:
        return clinic_text(
            "message_too_long", limit=f"{limit:,}", length=f"{len(text):,}"
        )
    if is_mostly_symbols(text):
        return clinic_text("message_unreadable")
    return None


def clinic_text(key: str, **extra: str) -> str:
    """The knowledge file's interface text ``key``, with the clinic's details
    and the emergency number filled in (read only when a text is needed)."""
    values = load_clinic().template_values()
    return knowledge.load().ui[key].format(**values, **extra)


# a longer message with fewer letters than this share is not written language
# (and runs of punctuation are what make spaCy's tokenizer slow: 2,000
# characters of "(" take half a second of a worker's time)
SYMBOLS_FROM_CHARS = 200
MIN_LETTER_SHARE = 0.3


def is_mostly_symbols(text: str) -> bool:
    """True for a long message that is mostly not letters ("(((((...")."""
    if len(text) < SYMBOLS_FROM_CHARS:
        return False
    letters = sum(c.isalpha() for c in text)
    return letters < MIN_LETTER_SHARE * len(text.replace(" ", ""))


class HeldOutput(OutputChannel):
    """Holds a message's replies until it is handled, then passes them on to
    the wrapped output channel; they are dropped when the conversation could
    not be read or saved (the patient would be answered by a conversation
    that is not the one stored, and is asked to send the message again)."""

    def __init__(self, inner: OutputChannel) -> None:
        """Wraps ``inner``."""
        self.inner = inner
        self.held: List[Callable[[], Awaitable[Any]]] = []

    def name(self) -> str:
        """The wrapped channel's name (for channel-specific responses)."""
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: Dict) -> None:
        """Held until the message is handled."""
        self.held.append(lambda: self.inner.send_response(recipient_id, message))

    async def send_text_message(
        self, recipient_id: str, text: str, **kwargs: Any
    ) -> None:
        """Held until the message is handled."""
        self.held.append(
            lambda: self.inner.send_text_message(recipient_id, text, **kwargs)
        )

    async def release(self) -> None:
        """Sends what is held, in order."""
        held, self.held = self.held, []
        for send in held:
            await send()

    def drop(self) -> None:
        """Forgets what is held."""
        self.held = []

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)


class MessageGuardMixin(InputChannel):
    """Add before an input channel class: messages that are too long or not
    text are answered here and never reach NLU; a message that got no reply
    (an action failed, a server was unreachable) gets an apology with the
    clinic's phone and the emergency number instead of silence; a message
    whose conversation could not be read or saved is asked for again."""

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        """The wrapped channel's blueprint, with every message checked first."""

        async def guarded(message: UserMessage) -> Any:
            output = HeldOutput(message.output_channel)
            message.output_channel = output
            try:
                return await self._handle(message, output, on_new_message)
            finally:
                await output.release()

        return super().blueprint(guarded)

    async def _handle(
        self, message: UserMessage, output: HeldOutput, on_new_message: Handler
    ) -> Any:
        """Refuses the message or hands it on; makes sure something is said."""
        if not self.accepts_sender(message.sender_id):
            logger.info("message from an unknown session refused")
            text = clinic_text("session_unknown")
            await output.send_text_message(message.sender_id, text)
            return None
        answer = refusal(message.text)
        if answer is not None:
            logger.info("message refused (%s)", type(message.text).__name__)
            await output.send_text_message(message.sender_id, answer)
            return None
        handling = availability.start_message()
        try:
            return await on_new_message(message)
        except Exception as error:  # the patient must never get silence
            logger.error("a message failed: %s", type(error).__name__)
        finally:
            failure = availability.failed()
            availability.end_message(handling)
            if failure is not None:
                output.drop()
                text = clinic_text("conversation_not_saved")
                await output.send_text_message(message.sender_id, text)
            elif not output.held:
                await output.send_text_message(message.sender_id, apology())
        return None

    def accepts_sender(self, sender_id: str | None) -> bool:
        """Whether messages from this conversation id are taken (all here)."""
        return True


def apology() -> str:
    """What a patient is told when their message got no reply."""
    return clinic_text("no_reply")


def _body(request: Request) -> Dict[str, Any]:
    try:
        body = request.json
    except Exception as error:  # sanic raises on a body that is not JSON
        raise BadRequest("the body must be a JSON object") from error
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


class GuardedRestInput(MessageGuardMixin, RestInput):
    """The REST channel (/webhooks/rest/webhook), checked.

    The body must be a JSON object with a ``sender`` (a non-empty string of at
    most 128 characters) and a ``message`` that is a string; anything else is
    answered with 400. ``GET /webhooks/rest/ready`` tells whether a model is
    loaded (the HTTP API, which has ``/status``, is off).
    """

    @classmethod
    def name(cls) -> str:
        """Channel name (and URL prefix)."""
        return "rest"

    async def _extract_sender(self, req: Request) -> str | None:
        sender = _body(req).get("sender")
        if not isinstance(sender, str) or not sender.strip():
            raise BadRequest("a sender (the conversation id) is required")
        if len(sender) > MAX_SENDER_CHARS:
            raise BadRequest("the sender is too long")
        return sender

    def _extract_message(self, req: Request) -> str | None:
        text = _body(req).get("message")
        if text is not None and not isinstance(text, str):
            raise BadRequest("the message must be a string")
        return text

    def get_metadata(self, request: Request) -> Dict[str, Any] | None:
        """The body's ``metadata`` if it is an object."""
        metadata = _body(request).get("metadata")
        return metadata if isinstance(metadata, dict) else None

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        """The REST blueprint with a readiness route."""
        webhook = super().blueprint(on_new_message)

        @webhook.route("/ready", methods=["GET"])
        async def ready(request: Request) -> response.HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return response.json({"ready": False}, status=503)
            return response.json({"ready": True, "model_id": agent.model_id})

        return webhook


class GuardedSocketIOInput(MessageGuardMixin, SocketIOInput):
    """The chat widget's socket.io channel, checked, for configured origins
    only (``allowed_origins`` in credentials.yml or ``CHAT_ALLOWED_ORIGINS``,
    comma-separated; none: the server's own origin only)."""

    allowed_origins: List[str] | None = None

    @classmethod
    def name(cls) -> str:
        """Channel name (and URL prefix)."""
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        """Reads the socket.io options and ``allowed_origins``."""
        credentials = dict(credentials or {})
        origins = credentials.pop("allowed_origins", None)
        channel = super().from_credentials(credentials)
        channel.allowed_origins = allowed_origins_from(
            os.environ.get(ORIGINS_VARIABLE) or origins
        )
        return channel

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        """The socket.io blueprint; its server checks the Origin header and
        hands out the session ids (a browser cannot choose one)."""
        webhook = super().blueprint(on_new_message)
        sio = self.sio
        if sio is None:  # pragma: no cover - SocketIOInput always makes one
            return webhook
        # python-engineio reads this on every connection; None: same origin
        sio.eio.cors_allowed_origins = self.allowed_origins

        async def session_request(sid: str, data: Any) -> None:
            wanted = data.get("session_id") if isinstance(data, dict) else None
            session_id = wanted if sessions.is_issued(wanted) else sessions.issue()
            if self.session_persistence:
                sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        sio.on("session_request", session_request, namespace=self.namespace)
        return webhook

    def accepts_sender(self, sender_id: str | None) -> bool:
        """Only session ids this server issued (with persistence on, the
        browser names the conversation in every message)."""
        return not self.session_persistence or sessions.is_issued(sender_id)


def allowed_origins_from(value: Any) -> List[str] | None:
    """Origins from a comma-separated string or a list; None when empty."""
    if isinstance(value, str):
        value = value.split(",")
    origins = [str(o).strip().rstrip("/") for o in value or [] if str(o).strip()]
    return origins or None
