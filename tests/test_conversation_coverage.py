"""The conversation tests cover every step of the form, checked against the domain."""

import yaml

from bot.paths import PROJECT_ROOT

FORM = "request_form"


def _stories(name):
    path = PROJECT_ROOT / "tests" / name
    return yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]


def _steps_after_requested_slot(story):
    """(requested slot, the step that follows it) pairs of one story."""
    steps = story["steps"]
    for i, step in enumerate(steps[:-1]):
        for slot_set in step.get("slot_was_set") or []:
            if isinstance(slot_set, dict) and "requested_slot" in slot_set:
                yield slot_set["requested_slot"], steps[i + 1]


def test_an_emergency_is_tested_at_every_step_of_the_request_form(domain):
    asked = set(domain["forms"][FORM]["required_slots"])
    interrupted = {
        slot
        for story in _stories("test_safety_form.yml")
        for slot, following in _steps_after_requested_slot(story)
        if following.get("intent") == "emergency"
    }
    assert asked <= interrupted, asked - interrupted


def test_every_interrupted_step_is_resumed_after_a_false_alarm():
    for story in _stories("test_safety_form.yml"):
        intents = [s.get("intent") for s in story["steps"] if "intent" in s]
        if "emergency" in intents and "not_emergency" in intents:
            actions = [s.get("action") for s in story["steps"] if "action" in s]
            assert actions[-2:] == ["action_not_emergency", FORM], story["story"]
