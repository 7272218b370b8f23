"""Channels without buttons: options are numbered and a number reply works.

``NumberedRepliesMixin`` wraps any Rasa input channel. Incoming, a bare number
is replaced by the payload of that option of the conversation's last bot
message (read from the tracker store, so it survives restarts). Outgoing,
buttons are written as numbered options in the text.
"""

import logging
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput
from sanic import Blueprint, Sanic

from bot import knowledge
from bot.numbered_options import (
    chosen_payload,
    is_number_reply,
    last_buttons,
    numbered_text,
)
from channels.guarded import GuardedRestInput, MessageGuardMixin

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]


class NumberedOutput(OutputChannel):
    """Wraps an output channel: buttons become numbered options in the text."""

    def __init__(self, inner: OutputChannel) -> None:
        """Wraps ``inner``, which receives plain text only."""
        self.inner = inner

    def name(self) -> str:
        """The wrapped channel's name (for channel-specific responses)."""
        return self.inner.name()

    async def send_text_message(
        self, recipient_id: str, text: str, **kwargs: Any
    ) -> None:
        """Sends text as it is."""
        await self.inner.send_text_message(recipient_id, text, **kwargs)

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: List[Dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        """Sends the text with its buttons as numbered options."""
        intro = knowledge.load().ui["numbered_options_intro"]
        await self.inner.send_text_message(
            recipient_id, numbered_text(text, buttons, intro)
        )

    async def send_quick_replies(
        self,
        recipient_id: str,
        text: str,
        quick_replies: List[Dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        """Quick replies are numbered like buttons."""
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(
        self, recipient_id: str, image: str, **kwargs: Any
    ) -> None:
        """Passed on."""
        await self.inner.send_image_url(recipient_id, image, **kwargs)

    async def send_custom_json(
        self, recipient_id: str, json_message: Dict, **kwargs: Any
    ) -> None:
        """Passed on."""
        await self.inner.send_custom_json(recipient_id, json_message, **kwargs)


async def _translated(message: UserMessage) -> UserMessage:
    """Replaces a number reply with the payload of the option it chooses."""
    text = message.text or ""
    if not is_number_reply(text):
        return message
    tracker_store = Sanic.get_app().ctx.agent.tracker_store
    tracker = await tracker_store.retrieve(message.sender_id)
    if tracker is None:
        return message
    events = [event.as_dict() for event in tracker.events]
    payload = chosen_payload(text, last_buttons(events))
    if payload is not None:
        message.text = payload
    return message


class NumberedRepliesMixin(InputChannel):
    """Add before an input channel class to give it numbered options."""

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        """The wrapped channel's blueprint, with number replies translated."""

        async def handle(message: UserMessage) -> Any:
            message.output_channel = NumberedOutput(message.output_channel)
            return await on_new_message(await _translated(message))

        return super().blueprint(handle)


class NumberedRestInput(NumberedRepliesMixin, GuardedRestInput):
    """The REST channel for clients without buttons: /webhooks/numbered/webhook."""

    @classmethod
    def name(cls) -> str:
        """Channel name (and URL prefix)."""
        return "numbered"


class NumberedTwilioInput(NumberedRepliesMixin, MessageGuardMixin, TwilioInput):
    """Twilio SMS and WhatsApp with numbered options: /webhooks/twilio/webhook."""
