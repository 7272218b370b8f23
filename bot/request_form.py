"""The request form's shared parts: its fields, the slots that carry state
between its actions, and pure helpers (no Rasa server imports)."""

from datetime import date
from typing import Any, Dict, Mapping

from bot import validation
from bot.opening_hours import outside_hours
from bot.settings import load_clinic

REQUEST_FORM = "request_form"
# the answers a patient can change at the read-back
FIELDS = ("full_name", "contact", "preferred_time", "reason")
# the reason's value when the patient skipped it
SKIPPED = "skipped"
# a form was stopped (and which kind it was): details typed afterwards are
# kept for a new one
FORM_STOPPED = "form_stopped"
STOPPED_KIND = "stopped_kind"
DETAILS_AFTER_STOP = "details_after_stop"


def time_values(text: str) -> Dict[str, Any]:
    """The slots a preferred time fills: as typed, its date, outside hours."""
    parsed = validation.parse_date(text, date.today())
    return {
        "preferred_time": text,
        "preferred_date": parsed.isoformat() if parsed else None,
        "outside_hours": outside_hours(text, load_clinic().hours),
    }


def kept_details(details: Any) -> Dict[str, Any]:
    """Details typed after a stop that a new form starts with (checked again)."""
    if not isinstance(details, dict):
        return {}
    kept: Dict[str, Any] = {}
    name = validation.check_name(details.get("full_name"))
    if details.get("full_name") and name.ok:
        kept["full_name"] = name.value
    contact = validation.check_contact(details.get("contact"))
    if details.get("contact") and contact.ok:
        parsed = validation.parse_contact(contact.value)
        kept.update(contact=parsed.value, contact_type=parsed.kind)
    time = validation.check_free_text(details.get("preferred_time"))
    if details.get("preferred_time") and time.ok:
        kept.update(time_values(time.value))
    return kept


def readback_details(lines: Mapping[str, str], slots: Mapping[str, Any]) -> str:
    """The read-back's details, one sentence per answer given, from the
    domain's ``utter_readback_<line>`` texts (``lines``: line -> text with
    {slot} fields). Nothing missing is ever shown as "None" or a blank.
    """
    given = {k: v for k, v in slots.items() if v not in (None, "")}
    chosen = [
        ("kind", "request_kind"),
        ("name_for" if given.get("for_whom") else "name", "full_name"),
        ("contact", "contact"),
        (
            "time_outside_hours" if given.get("outside_hours") else "time",
            "preferred_time",
        ),
    ]
    if given.get("reason") != SKIPPED:
        chosen.append(("reason", "reason"))
    details = " ".join(
        lines[line].format(**given) for line, slot in chosen if slot in given
    )
    # Rasa fills {details} into the response: braces typed by the patient
    # would be read as another placeholder and the read-back not filled
    return details.replace("{", "(").replace("}", ")")


# a detail typed on its own is short: "Monday morning", not "I will think
# about it over the weekend"
MAX_DETAIL_WORDS = 5


def detail_typed(text: str | None) -> Dict[str, str]:
    """Which request detail a message outside the form looks like: a phone
    number or email, a short day or time, or a name (capitalised words)."""
    if not isinstance(text, str) or validation.is_payload(text):
        return {}
    words = text.split()
    if len(words) > MAX_DETAIL_WORDS or validation.is_question(text):
        return {}
    if validation.check_contact(text).ok:
        return {"contact": text}
    if validation.names_a_time(text):
        return {"preferred_time": text}
    if 1 <= len(words) <= 4 and all(word[:1].isupper() for word in words):
        if validation.check_name(text).ok:
            return {"full_name": text}
    return {}


def relative_at_the_name_step(
    text: str | None, requested_slot: str | None
) -> validation.NameAnswer | None:
    """ "my mum" (or "for my dad, Peter O'Neill") typed at the name question,
    whatever topic the words resemble: who the request is for, and the name
    if one was given; None for anything else (a question is a question)."""
    if requested_slot != "full_name" or validation.is_question(text):
        return None
    answer = validation.split_name_answer(text)
    if not answer.for_whom:
        return None
    if answer.name and not validation.check_name(answer.name).ok:
        return validation.NameAnswer("", answer.for_whom)
    return answer
