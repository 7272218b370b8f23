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
    slots=None, now=None, intent="inform", text="", sender="conv-1", **parse
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
        active_loop={"name": "request_form"},
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
    events = await action().run(dispatcher, form_tracker(CONFIRMED), {})
    assert SlotSet("request_kind", kind) in events
    assert SlotSet("full_name", None) in events
    # a new form instance each time: its own de-duplication key
    instances = [e["value"] for e in events if e["name"] == "request_instance"]
    assert instances[-1]
    assert instances[-1] != CONFIRMED["request_instance"]
    again = await action().run(CollectingDispatcher(), form_tracker(CONFIRMED), {})
    assert [e["value"] for e in again if e["name"] == "request_instance"][-1] != (
        instances[-1]
    )
    assert dispatcher.messages[0]["response"] == f"utter_request_intro_{kind}"
