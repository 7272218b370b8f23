"""The request form's actions with real Trackers, dispatchers and SQLite files."""

import asyncio
import logging

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import (
    ActionStartCallback,
    ActionStartConsultation,
    ActionStopRequest,
    ActionSubmitRequest,
    ValidateRequestForm,
)
from tests.conftest import user_event

CONFIRMED = {
    "request_kind": "consultation",
    "full_name": "Margaret Hill",
    "contact": "07700900123",
    "contact_type": "phone",
    "preferred_time": "Tuesday morning",
    "preferred_date": "2026-11-24",
    "reason": "back pain since a fall",
    "consent": True,
    "details_confirmed": True,
    "request_instance": "form-1",
}


@pytest.fixture
def db(request_db):
    return request_db


def form_tracker(
    slots=None,
    now=None,
    intent="inform",
    text="",
    sender="conv-1",
    in_form=True,
    **parse,
):
    """A tracker in the request form; ``now`` are the slots this message set."""
    now = now or {}
    latest = {
        "intent": {"name": intent, "confidence": 0.9},
        "text": text,
        "entities": [],
        "message_id": f"msg-{text}",
        **parse,
    }
    events = [user_event(intent, text, **parse)]
    events += [{"event": "slot", "name": k, "value": v} for k, v in now.items()]
    return Tracker(
        sender_id=sender,
        slots={**(slots or {}), **now},
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "request_form"} if in_form else {},
        latest_action_name="action_listen",
    )


async def validate(domain, tracker):
    dispatcher = CollectingDispatcher()
    events = await ValidateRequestForm().run(dispatcher, tracker, domain)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return slots, dispatcher.messages


async def test_a_name_is_taken_without_my_name_is(domain):
    tracker = form_tracker(now={"full_name": "my name is Margaret Hill"})
    slots, messages = await validate(domain, tracker)
    assert slots["full_name"] == "Margaret Hill"
    assert slots["requested_slot"] == "contact"
    assert messages == []


async def test_an_invalid_phone_is_re_asked_with_the_reason(domain):
    tracker = form_tracker({"full_name": "Ann"}, now={"contact": "12345"})
    slots, messages = await validate(domain, tracker)
    assert slots["contact"] is None
    assert slots["failed_attempts"] == {"contact": 1}
    assert [m["response"] for m in messages] == ["utter_invalid_phone_length"]
    assert slots["requested_slot"] == "contact"


async def test_the_third_failure_offers_a_person_instead(domain, clinic_file):
    tracker = form_tracker(
        {"full_name": "Ann", "failed_attempts": {"contact": 2}}, now={"contact": "abc"}
    )
    slots, messages = await validate(domain, tracker)
    assert slots["failed_attempts"] == {"contact": 3}
    assert [m["response"] for m in messages] == [
        "utter_invalid_contact",
        "utter_offer_person_instead",
    ]
    assert messages[1]["clinic_phone"] == "020 7946 0000"


async def test_a_valid_answer_after_failures_clears_the_count(domain):
    tracker = form_tracker(
        {"full_name": "Ann", "failed_attempts": {"contact": 2}},
        now={"contact": "mail me at Ann@Example.org"},
    )
    slots, _ = await validate(domain, tracker)
    assert (slots["contact"], slots["contact_type"]) == ("Ann@example.org", "email")
    assert slots["failed_attempts"] == {}


async def test_preferred_time_is_kept_with_its_date(domain):
    tracker = form_tracker(
        {"full_name": "Ann", "contact": "07700900123"},
        now={"preferred_time": "2027-03-14, mornings"},
    )
    slots, _ = await validate(domain, tracker)
    assert slots["preferred_time"] == "2027-03-14, mornings"
    assert slots["preferred_date"] == "2027-03-14"


async def test_an_informal_time_is_accepted_without_a_date(domain):
    tracker = form_tracker({"full_name": "Ann"}, now={"preferred_time": "whenever"})
    slots, _ = await validate(domain, tracker)
    assert slots["preferred_time"] == "whenever"
    assert slots["preferred_date"] is None


@pytest.mark.parametrize("typed", ["skipped", "skip", "n/a"])
async def test_the_reason_can_be_skipped(domain, typed):
    slots, _ = await validate(domain, form_tracker(now={"reason": typed}))
    assert slots["reason"] == "skipped"


async def test_a_question_instead_of_a_reason_is_answered_not_stored(domain, kb):
    tracker = form_tracker(
        {"full_name": "Ann", "contact": "0770090012", "preferred_time": "any"},
        now={"reason": "will it hurt?"},
        intent="ask_anesthesia",
        text="will it hurt?",
    )
    slots, messages = await validate(domain, tracker)
    assert slots["reason"] is None
    assert slots["last_topic"] == "anesthesia"
    assert messages[0]["text"].startswith(kb.topics["anesthesia"].answer)
    assert slots["requested_slot"] == "reason"


async def test_no_to_consent_ends_the_form(domain):
    done = {
        k: CONFIRMED[k] for k in ("full_name", "contact", "preferred_time", "reason")
    }
    slots, _ = await validate(domain, form_tracker(done, now={"consent": False}))
    assert slots["consent"] is False
    assert slots["requested_slot"] is None


async def test_no_at_the_read_back_asks_what_to_change(domain):
    tracker = form_tracker(
        {**CONFIRMED, "details_confirmed": None}, now={"details_confirmed": False}
    )
    slots, _ = await validate(domain, tracker)
    assert slots["requested_slot"] == "field_to_change"


async def test_changing_the_phone_number_asks_for_it_again(domain):
    tracker = form_tracker(
        {**CONFIRMED, "details_confirmed": None},
        now={"field_to_change": "contact"},
        intent="change_detail",
        text="change the phone number",
    )
    slots, _ = await validate(domain, tracker)
    assert slots["contact"] is None
    assert slots["contact_type"] is None
    assert slots["details_confirmed"] is None
    assert slots["requested_slot"] == "contact"


async def test_change_something_without_saying_what_asks_which(domain):
    tracker = form_tracker(
        {"full_name": "Ann"}, now={"field_to_change": "unknown"}, intent="change_detail"
    )
    slots, _ = await validate(domain, tracker)
    assert slots["details_confirmed"] is False
    assert slots["requested_slot"] == "field_to_change"


async def test_nothing_to_change_goes_back_to_the_read_back(domain):
    tracker = form_tracker(
        {**CONFIRMED, "details_confirmed": False}, now={"field_to_change": "nothing"}
    )
    slots, _ = await validate(domain, tracker)
    assert slots["details_confirmed"] is None
    assert slots["requested_slot"] == "details_confirmed"


async def submit(tracker):
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitRequest().run(dispatcher, tracker, {})
    return events, dispatcher.messages


async def test_a_confirmed_request_is_stored_with_a_reference(db):
    events, messages = await submit(
        form_tracker(CONFIRMED, intent="affirm", text="yes")
    )
    (stored,) = await db.list()
    assert messages[0]["response"] == "utter_request_received"
    assert messages[0]["reference"] == stored.reference
    assert SlotSet("request_reference", stored.reference) in events
    assert SlotSet("full_name", None) in events
    assert (stored.full_name, stored.contact, stored.kind) == (
        "Margaret Hill",
        "07700900123",
        "consultation",
    )
    assert stored.conversation_id == "conv-1"


async def test_a_retried_confirmation_stores_one_request(db):
    tracker = form_tracker(CONFIRMED, intent="affirm", text="yes")
    _, first = await submit(tracker)
    _, second = await submit(tracker)
    assert len(await db.list()) == 1
    assert first[0]["reference"] == second[0]["reference"]


async def test_a_client_retry_with_a_new_message_id_stores_one_request(db):
    # a client that got no reply sends "yes" again: a new message, same form
    _, first = await submit(form_tracker(CONFIRMED, intent="affirm", text="yes"))
    _, retry = await submit(form_tracker(CONFIRMED, intent="affirm", text="yes!"))
    assert len(await db.list()) == 1
    assert first[0]["reference"] == retry[0]["reference"]


async def test_the_next_form_in_the_conversation_is_a_new_request(db):
    await submit(form_tracker(CONFIRMED, intent="affirm", text="yes"))
    again = {**CONFIRMED, "request_instance": "form-2"}
    await submit(form_tracker(again, intent="affirm", text="yes"))
    assert len(await db.list()) == 2


@pytest.mark.parametrize("consent", [None, "yes", 1])
async def test_only_a_consent_of_true_sends_anything(db, consent):
    # e.g. set over the HTTP API without the form ever asking
    events, messages = await submit(
        form_tracker({**CONFIRMED, "consent": consent}, intent="affirm")
    )
    assert messages[0]["response"] == "utter_anything_else"
    assert events == []
    assert await db.list() == []


@pytest.mark.parametrize(
    "blank",
    ["full_name", "contact", "contact_type", "preferred_time", "request_instance"],
)
@pytest.mark.parametrize("value", [None, "", "   "])
async def test_a_request_with_a_blank_field_is_never_stored(db, blank, value):
    events, messages = await submit(
        form_tracker({**CONFIRMED, blank: value}, intent="affirm")
    )
    assert messages[0]["response"] == "utter_request_incomplete"
    assert messages[0]["clinic_phone"]
    assert ActiveLoop(None) in events
    assert SlotSet("full_name", None) in events
    assert await db.list() == []


async def test_a_skipped_reason_is_stored_as_none(db):
    await submit(form_tracker({**CONFIRMED, "reason": "skipped"}, intent="affirm"))
    (stored,) = await db.list()
    assert stored.reason is None


async def test_no_consent_stores_nothing(db):
    events, messages = await submit(form_tracker({**CONFIRMED, "consent": False}))
    assert messages[0]["response"] == "utter_consent_declined"
    assert SlotSet("full_name", None) in events
    assert await db.list() == []


async def test_an_unusable_database_keeps_the_answers_and_gives_the_phone(
    tmp_path, monkeypatch, clinic_file, caplog
):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("BOT_DB", str(blocker / "requests.db"))
    with caplog.at_level(logging.INFO):
        events, messages = await submit(form_tracker(CONFIRMED, intent="affirm"))
    assert events == []  # the answers stay, so "try again" can resend them
    assert messages[0]["response"] == "utter_request_not_saved"
    assert messages[0]["clinic_phone"] == "020 7946 0000"
    logged = caplog.text
    assert "could not store" in logged
    assert "Margaret" not in logged
    assert "07700900123" not in logged


async def test_without_a_confirmation_nothing_is_sent(db):
    events, messages = await submit(form_tracker({}, intent="affirm", text="ok"))
    assert events == []
    assert messages[0]["response"] == "utter_anything_else"
    assert await db.list() == []


async def test_a_new_request_is_delivered_to_the_webhook(
    db, monkeypatch, unused_tcp_port
):
    from aiohttp import web

    received = []

    async def hook(request):
        received.append(await request.json())
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    monkeypatch.setenv(
        "HANDOFF_WEBHOOK_URL", f"http://127.0.0.1:{unused_tcp_port}/hook"
    )
    try:
        _, messages = await submit(form_tracker(CONFIRMED, intent="affirm"))
        for _ in range(100):
            if received:
                break
            await asyncio.sleep(0.05)
    finally:
        await runner.cleanup()
    assert [body["reference"] for body in received] == [messages[0]["reference"]]


async def test_stop_leaves_the_form_and_forgets_the_answers():
    dispatcher = CollectingDispatcher()
    events = await ActionStopRequest().run(dispatcher, form_tracker(CONFIRMED), {})
    assert ActiveLoop(None) in events
    assert SlotSet("contact", None) in events
    assert dispatcher.messages[0]["response"] == "utter_request_stopped"


@pytest.mark.parametrize(
    ("action", "kind"),
    [(ActionStartConsultation, "consultation"), (ActionStartCallback, "callback")],
)
async def test_starting_a_request_sets_its_kind_from_a_clean_slate(action, kind):
    dispatcher = CollectingDispatcher()
    tracker = form_tracker(CONFIRMED, in_form=False)
    events = await action().run(dispatcher, tracker, {})
    assert SlotSet("request_kind", kind) in events
    assert SlotSet("full_name", None) in events
    # a new form instance each time: its own de-duplication key
    instances = [e["value"] for e in events if e["name"] == "request_instance"]
    assert instances[-1]
    assert instances[-1] != CONFIRMED["request_instance"]
    again = await action().run(CollectingDispatcher(), tracker, {})
    assert [e["value"] for e in again if e["name"] == "request_instance"][-1] != (
        instances[-1]
    )
    assert dispatcher.messages[0]["response"] == f"utter_request_intro_{kind}"


# ---- what is never stored as an answer, and corrections (issue 11)


def _responses(messages):
    return [m.get("response") for m in messages]


async def test_a_question_at_the_name_step_is_answered_plainly_not_stored(domain):
    tracker = form_tracker(
        now={"full_name": "how much does it cost?"},
        intent="out_of_scope",
        text="how much does it cost?",
    )
    slots, messages = await validate(domain, tracker)
    assert slots["full_name"] is None
    assert _responses(messages) == [
        "utter_not_covered_in_form",
        "utter_question_not_full_name",
    ]
    assert slots["requested_slot"] == "full_name"


@pytest.mark.parametrize(
    ("typed", "name", "for_whom"),
    [
        ("its for my dad, Peter O'Neill", "Peter O'Neill", "father"),
        ("this is for my mother Joan Smith", "Joan Smith", "mother"),
        ("Peter O'Neill, my father", "Peter O'Neill", "father"),
        ("my name is Ann Lee", "Ann Lee", None),
        ("para mi madre, Ana Ruiz", "Ana Ruiz", "mother"),
    ],
)
async def test_a_name_is_stored_without_its_lead_in(domain, typed, name, for_whom):
    slots, messages = await validate(domain, form_tracker(now={"full_name": typed}))
    assert (slots["full_name"], slots["for_whom"]) == (name, for_whom)
    assert messages == []


async def test_only_a_relative_asks_for_their_name(domain):
    slots, messages = await validate(domain, form_tracker(now={"full_name": "my mum"}))
    assert slots["full_name"] is None
    assert slots["for_whom"] == "mother"
    assert messages == [{**messages[0], "response": "utter_request_for_relative"}]
    assert messages[0]["relative"] == "mother"


@pytest.mark.parametrize("typed", ["can he drive after?", "what is the cement made of"])
@pytest.mark.parametrize("slot", ["preferred_time", "reason"])
async def test_a_question_is_never_stored_as_time_or_reason(domain, kb, typed, slot):
    done = {"full_name": "Ann", "contact": "07700900123"}
    if slot == "reason":
        done["preferred_time"] = "mornings"
    tracker = form_tracker(done, now={slot: typed}, intent="out_of_scope", text=typed)
    slots, messages = await validate(domain, tracker)
    assert slots[slot] is None
    assert _responses(messages)[-1] == f"utter_question_not_{slot}"
    assert slots["requested_slot"] == slot


async def test_a_time_asked_as_a_question_is_a_time(domain):
    tracker = form_tracker(
        {"full_name": "Ann"}, now={"preferred_time": "is Tuesday morning ok?"}
    )
    slots, _ = await validate(domain, tracker)
    assert slots["preferred_time"] == "is Tuesday morning ok?"


async def test_a_time_outside_opening_hours_is_kept_and_marked(domain):
    # the project's clinic.yml: Monday to Friday, 9am to 5pm
    tracker = form_tracker(
        {"full_name": "Ann"}, now={"preferred_time": "Sunday at 8pm"}
    )
    slots, messages = await validate(domain, tracker)
    assert slots["preferred_time"] == "Sunday at 8pm"
    assert slots["outside_hours"] is True
    assert _responses(messages) == ["utter_outside_opening_hours"]
    inside = form_tracker({"full_name": "Ann"}, now={"preferred_time": "Tuesday 10am"})
    slots, messages = await validate(domain, inside)
    assert slots["outside_hours"] is False
    assert messages == []


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        (
            "preferred_time",
            "change the time to Friday afternoon",
            {"preferred_time": "Friday afternoon"},
        ),
        (
            "contact",
            "my email is wrong, it should be mary@new.example",
            {"contact": "mary@new.example", "contact_type": "email"},
        ),
        (
            "full_name",
            "my name is wrong, it's Margaret Hall",
            {"full_name": "Margaret Hall"},
        ),
        (
            "reason",
            "change the reason to a second opinion",
            {"reason": "a second opinion"},
        ),
    ],
)
async def test_a_correction_with_its_new_value_goes_straight_to_the_read_back(
    domain, field, text, expected
):
    tracker = form_tracker(
        {**CONFIRMED, "details_confirmed": None},
        now={"field_to_change": field},
        intent="change_detail",
        text=text,
    )
    slots, _ = await validate(domain, tracker)
    for slot, value in expected.items():
        assert slots[slot] == value
    assert slots["details_confirmed"] is None
    assert slots["requested_slot"] == "details_confirmed"


async def test_asking_for_the_other_kind_during_the_form_keeps_the_answers():
    dispatcher = CollectingDispatcher()
    tracker = form_tracker(
        CONFIRMED, intent="request_callback", text="just call me back"
    )
    events = await ActionStartCallback().run(dispatcher, tracker, {})
    assert events == [SlotSet("request_kind", "callback")]
    assert _responses(dispatcher.messages) == ["utter_request_now_callback"]


async def test_stop_remembers_the_kind_and_a_new_form_keeps_details_typed_after():
    stopped = await ActionStopRequest().run(
        CollectingDispatcher(),
        form_tracker({**CONFIRMED, "request_kind": "callback"}),
        {},
    )
    assert SlotSet("form_stopped", True) in stopped
    assert SlotSet("stopped_kind", "callback") in stopped
    tracker = form_tracker(
        {
            "form_stopped": True,
            "stopped_kind": "callback",
            "details_after_stop": {
                "full_name": "Tom Hill",
                "contact": "tom@example.com",
            },
        },
        in_form=False,
    )
    dispatcher = CollectingDispatcher()
    events = await ActionStartCallback().run(dispatcher, tracker, {})
    assert SlotSet("full_name", "Tom Hill") in events
    assert SlotSet("contact", "tom@example.com") in events
    assert SlotSet("contact_type", "email") in events
    assert SlotSet("form_stopped", None) in events
    assert _responses(dispatcher.messages) == [
        "utter_request_intro_callback",
        "utter_details_kept",
    ]


async def test_a_request_stores_who_it_is_for_and_the_hours_mark(db):
    tracker = form_tracker(
        {**CONFIRMED, "for_whom": "father", "outside_hours": True}, sender="conv-for"
    )
    _, messages = await submit(tracker)
    assert messages[-1]["kind"] == "consultation"
    (stored,) = await db.list(conversation_id="conv-for")
    assert (stored.for_whom, stored.outside_hours) == ("father", True)


@pytest.mark.parametrize(
    ("typed", "intent"), [("yes", "affirm"), ("hello", "greet"), ("thanks", "thank")]
)
async def test_small_talk_at_the_reason_is_not_a_reason(domain, typed, intent):
    done = {"full_name": "Ann", "contact": "07700900123", "preferred_time": "any"}
    tracker = form_tracker(done, now={"reason": typed}, intent=intent, text=typed)
    slots, messages = await validate(domain, tracker)
    assert slots["reason"] is None
    assert _responses(messages) == ["utter_form_nudge"]
    assert slots["requested_slot"] == "reason"


async def test_changing_the_name_forgets_who_it_was_for(domain):
    tracker = form_tracker(
        {**CONFIRMED, "for_whom": "father", "details_confirmed": None},
        now={"field_to_change": "full_name"},
        intent="change_detail",
        text="change the name to Margaret Hall",
    )
    slots, _ = await validate(domain, tracker)
    assert (slots["full_name"], slots["for_whom"]) == ("Margaret Hall", None)


async def test_a_reason_corrected_to_skip_is_skipped(domain):
    tracker = form_tracker(
        {**CONFIRMED, "details_confirmed": None},
        now={"field_to_change": "reason"},
        intent="change_detail",
        text="change the reason to skip",
    )
    slots, _ = await validate(domain, tracker)
    assert slots["reason"] == "skipped"
