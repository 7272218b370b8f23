"""No response ever shows "None" or an empty placeholder: every variation of
every response and form prompt, rendered by Rasa's own generator with the
conversation's slots missing or empty, and with what the actions pass."""

import asyncio
import re
from typing import Any, Dict

import pytest
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from actions.readback import READBACK_LINES, READBACK_SLOTS
from bot.paths import PROJECT_ROOT
from bot.request_form import SKIPPED, readback_details
from bot.settings import load_clinic

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain"))
# what the custom actions pass with the responses that need it
ACTION_VALUES = {
    **load_clinic().template_values(),
    "reference": "KMX4TRQ7",
    "kind": "callback",
    "relative": "mother",
    "details": "Name: Ann Lee.",
}
# utter_readback_* are sentences the read-back action fills itself (tested below)
RENDERED = sorted(
    name for name in DOMAIN.responses if not name.startswith("utter_readback_")
)
LEFTOVER = re.compile(r"\{[a-z_]+\}|\bNone\b")


def _tracker(value: Any) -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events("render", [], slots=DOMAIN.slots)
    if value is not None:
        for slot in DOMAIN.slots:
            if slot.type_name == "text":
                tracker.update(SlotSet(slot.name, value))
    return tracker


def _render(
    variation: Dict[str, Any], tracker: DialogueStateTracker, **values: Any
) -> str:
    unconditional = {k: v for k, v in variation.items() if k != "condition"}
    generator = TemplatedNaturalLanguageGenerator({"utter_x": [unconditional]})
    message = asyncio.run(
        generator.generate("utter_x", tracker, "rest", **{**ACTION_VALUES, **values})
    )
    return message.get("text") or ""


@pytest.mark.parametrize("slots", [None, ""], ids=["missing", "empty"])
@pytest.mark.parametrize("name", RENDERED)
def test_every_response_renders_without_none_or_placeholders(name, slots):
    tracker = _tracker(slots)
    for variation in DOMAIN.responses[name]:
        text = _render(variation, tracker)
        assert text.strip(), name
        assert not LEFTOVER.search(text), (name, text)


@pytest.mark.parametrize(
    "slots",
    [
        {},
        {slot: None for slot in READBACK_SLOTS},
        {slot: "" for slot in READBACK_SLOTS},
        {"full_name": "Ann Lee", "reason": SKIPPED},
        {"full_name": "Ann Lee", "for_whom": "mother", "outside_hours": True},
    ],
)
def test_the_read_back_shows_only_what_was_given(slots):
    lines = {
        line: DOMAIN.responses[f"utter_readback_{line}"][0]["text"]
        for line in READBACK_LINES
    }
    details = readback_details(lines, slots)
    assert not LEFTOVER.search(details), details
    assert ("Ann Lee" in details) == bool(slots.get("full_name"))
    assert ("Reason" in details) is False
    assert ("mother" in details) == bool(slots.get("for_whom"))


def test_a_full_read_back_names_every_answer():
    lines = {
        line: DOMAIN.responses[f"utter_readback_{line}"][0]["text"]
        for line in READBACK_LINES
    }
    given = {
        "request_kind": "callback",
        "full_name": "Peter O'Neill",
        "for_whom": "father",
        "contact": "07700900111",
        "preferred_time": "Sunday 8pm",
        "outside_hours": True,
        "reason": "back pain after a fall",
    }
    details = readback_details(lines, given)
    for value in given.values():
        if isinstance(value, str):
            assert value in details, (value, details)
    assert "opening hours" in details


def test_braces_typed_by_a_patient_cannot_break_the_read_back():
    lines = {
        line: DOMAIN.responses[f"utter_readback_{line}"][0]["text"]
        for line in READBACK_LINES
    }
    details = readback_details(lines, {"reason": "pain 10{out of 10}"})
    rendered = _render(
        DOMAIN.responses["utter_ask_details_confirmed"][0],
        _tracker(None),
        details=details,
    )
    assert "pain 10(out of 10)" in rendered
    assert "{" not in rendered
