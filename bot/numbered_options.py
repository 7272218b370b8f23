"""Buttons for channels that cannot show them: numbered options, number replies.

An SMS reads "... Reply with a number: 1. Tell me more 2. What are the
risks?", and a reply of "2" is taken as the second button. The options are
found again from the conversation's last bot message, so this works across
restarts and needs no state of its own.
"""

import re
from typing import Any, Dict, Iterable, List, Mapping, Sequence

Button = Mapping[str, Any]

_NUMBER_REPLY = re.compile(
    r"^\s*(?:option\s*|number\s*|no\.?\s*)?(\d{1,2})\s*[.)]?\s*$", re.I
)


def numbered_text(text: str, buttons: Sequence[Button], intro: str) -> str:
    """The message text followed by its buttons as numbered options."""
    options = [f"{index}. {button['title']}" for index, button in enumerate(buttons, 1)]
    return "\n".join([text.rstrip(), "", intro, *options]) if options else text


def last_buttons(events: Iterable[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """The buttons of the most recent bot message, if it had any.

    Args:
        events: Tracker events as dicts (oldest first).
    """
    for event in reversed(list(events)):
        if event.get("event") == "user":
            return []  # the user already answered the last bot turn
        if event.get("event") == "bot":
            buttons = (event.get("data") or {}).get("buttons")
            if buttons:
                return list(buttons)
    return []


def is_number_reply(text: str) -> bool:
    """True for "2", "2.", "option 2", "number 2"."""
    return bool(_NUMBER_REPLY.match(text or ""))


def chosen_payload(text: str, buttons: Sequence[Button]) -> str | None:
    """The payload of the option a number reply chooses, or None."""
    match = _NUMBER_REPLY.match(text or "")
    if not match:
        return None
    index = int(match.group(1))
    if 1 <= index <= len(buttons):
        return str(buttons[index - 1]["payload"])
    return None
