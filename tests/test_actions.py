"""Each custom action, run with a real Tracker and CollectingDispatcher."""

import pytest
from rasa_sdk.events import ActionExecuted, ActiveLoop, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.contact import ActionContactClinic
from actions.fallback import ActionClarify
from actions.faq import ActionAnswerQuestion, ActionTellMore
from actions.safety import ActionEmergency, ActionNotEmergency, ActionOtherLanguage
from actions.session import ActionSessionStart
from tests.conftest import make_tracker, user_event


async def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return events, dispatcher.messages


async def test_session_start_shows_the_disclaimer_with_the_emergency_number(
    clinic_file,
):
    events, messages = await run(ActionSessionStart(), make_tracker("greet"))
    assert events == [SessionStarted(), ActionExecuted("action_listen")]
    assert messages[0]["response"] == "utter_disclaimer"
    assert messages[0]["emergency_number"] == "112"


async def test_answer_question_answers_from_the_knowledge_base(kb):
    tracker = make_tracker("ask_hospital_stay", "how long will I be in hospital?")
    events, messages = await run(ActionAnswerQuestion(), tracker)
    assert events == [SlotSet("last_topic", "hospital_stay")]
    assert messages[0]["text"].startswith(kb.topics["hospital_stay"].answer)
    assert "Sources:" in messages[0]["text"]
    assert {"title": "Tell me more", "payload": "/tell_more"} in messages[0]["buttons"]


async def test_answer_question_answers_the_point_asked_with_its_fact(kb):
    tracker = make_tracker(
        "ask_risks",
        "what is the risk of infection",
        entities=[{"entity": "complication", "value": "infection"}],
    )
    _, messages = await run(ActionAnswerQuestion(), tracker)
    assert messages[0]["text"].startswith(kb.facts["risks.infection"].text)
    assert messages[0]["buttons"][0]["payload"] == "/ask_risks"  # the overview


async def test_a_point_the_sources_do_not_cover_is_said_plainly(kb):
    tracker = make_tracker("ask_cement", "does the cement get hot when it sets?")
    _, messages = await run(ActionAnswerQuestion(), tracker)
    opening = kb.ui["not_covered"].split("{")[0]
    assert messages[0]["text"].startswith(opening + "“hot”")
    assert kb.topics["cement"].answer not in messages[0]["text"]


async def test_follow_up_uses_the_last_topic():
    tracker = make_tracker(
        "ask_duration", "how long does that take?", slots={"last_topic": "recovery"}
    )
    events, messages = await run(ActionAnswerQuestion(), tracker)
    assert events == [SlotSet("last_topic", "recovery")]
    assert "6-8 hours" in messages[0]["text"]


async def test_general_symptom_question_gets_a_safety_net(clinic_file):
    tracker = make_tracker(
        "ask_risks",
        "is numbness a possible complication?",
        red_flags={"kind": "general", "symptoms": ["numbness"]},
    )
    _, messages = await run(ActionAnswerQuestion(), tracker)
    assert "call 112" in messages[0]["text"]


async def test_question_without_symptoms_has_no_safety_net(clinic_file):
    tracker = make_tracker(
        "ask_risks", "risks?", red_flags={"kind": "none", "symptoms": []}
    )
    _, messages = await run(ActionAnswerQuestion(), tracker)
    assert "call 112" not in messages[0]["text"]


async def test_answer_question_for_an_unknown_intent_says_so():
    events, messages = await run(ActionAnswerQuestion(), make_tracker("greet", "hi"))
    assert events == []
    assert messages[0]["response"] == "utter_default"


async def test_answer_question_when_the_knowledge_file_is_gone(
    monkeypatch, tmp_path, clinic_file
):
    monkeypatch.setenv("KNOWLEDGE_FILE", str(tmp_path / "gone.yml"))
    events, messages = await run(
        ActionAnswerQuestion(), make_tracker("ask_risks", "risks")
    )
    assert events == []
    assert messages[0]["response"] == "utter_technical_problem"
    assert messages[0]["clinic_phone"] == "020 7946 0000"


async def test_tell_more_gives_the_detail_of_the_last_topic(kb):
    tracker = make_tracker("tell_more", "tell me more", slots={"last_topic": "cement"})
    events, messages = await run(ActionTellMore(), tracker)
    assert events == []
    assert messages[0]["text"].startswith(kb.topics["cement"].detail)


async def test_tell_more_twice_says_that_is_everything_and_offers_neighbours(kb):
    earlier = [
        {"event": "action", "name": "action_tell_more"},
        {"event": "bot", "text": kb.topics["cement"].detail},
        {"event": "action", "name": "action_listen"},
    ]
    tracker = make_tracker(
        "tell_more", "tell me more", slots={"last_topic": "cement"}, earlier=earlier
    )
    _, messages = await run(ActionTellMore(), tracker)
    assert messages[0]["text"] == kb.ui["no_detail"]
    offered = [b["payload"] for b in messages[0]["buttons"]]
    assert offered == ["/ask_" + name for name in kb.topics["cement"].follow_ups]


async def test_tell_more_without_a_topic_asks_which(kb):
    _, messages = await run(ActionTellMore(), make_tracker("tell_more", "more"))
    assert messages[0]["text"] == kb.ui["no_topic_yet"]


async def test_emergency_names_the_configured_number(clinic_file):
    events, messages = await run(ActionEmergency(), make_tracker("emergency", "help"))
    assert messages == [
        {**messages[0], "response": "utter_emergency", "emergency_number": "112"}
    ]
    assert ActiveLoop(None) in events


async def test_emergency_pauses_a_form_and_keeps_its_answers(clinic_file):
    tracker = make_tracker(
        "emergency",
        "my legs are numb",
        slots={"full_name": "Ann Lee", "requested_slot": "contact"},
        active_loop="request_form",
    )
    events, _ = await run(ActionEmergency(), tracker)
    assert events == [ActiveLoop(None), SlotSet("paused_request", True)]


async def test_emergency_outside_a_form_pauses_nothing(clinic_file):
    events, _ = await run(ActionEmergency(), make_tracker("emergency", "help"))
    assert events == [ActiveLoop(None)]


async def test_emergency_offers_to_say_it_is_not_one(clinic_file, domain):
    _, messages = await run(ActionEmergency(), make_tracker("emergency", "help"))
    (variation,) = domain["responses"][messages[0]["response"]]
    assert {"title": "It's not an emergency", "payload": "/not_emergency"} in (
        variation["buttons"]
    )


async def test_a_spanish_emergency_is_answered_in_spanish_and_english(clinic_file):
    tracker = make_tracker("emergency", "no puedo respirar", language="es")
    _, messages = await run(ActionEmergency(), tracker)
    assert messages[0]["response"] == "utter_emergency_es"
    assert messages[0]["emergency_number"] == "112"


@pytest.mark.parametrize(
    ("slots", "active_loop", "response"),
    [
        ({}, None, "utter_not_emergency"),
        ({"paused_request": True}, None, "utter_not_emergency_resume"),
        ({}, "request_form", "utter_not_emergency_resume"),
    ],
)
async def test_not_an_emergency_says_whether_the_request_goes_on(
    clinic_file, slots, active_loop, response
):
    tracker = make_tracker(
        "not_emergency", "false alarm", slots=slots, active_loop=active_loop
    )
    events, messages = await run(ActionNotEmergency(), tracker)
    assert messages[0]["response"] == response
    assert events == []  # the answers are kept; the form goes on by a rule


@pytest.mark.parametrize(
    ("language", "response"),
    [("es", "utter_other_language_es"), ("fr", "utter_other_language")],
)
async def test_another_language_gets_a_note_with_the_clinic(
    clinic_file, language, response
):
    tracker = make_tracker("other_language", "bonjour", language=language)
    _, messages = await run(ActionOtherLanguage(), tracker)
    assert messages[0]["response"] == response
    assert messages[0]["clinic_phone"] == "020 7946 0000"


def test_every_response_in_spanish_also_says_it_in_english(domain):
    for name in ("utter_emergency_es", "utter_other_language_es"):
        text = domain["responses"][name][0]["text"]
        assert "Sorry" in text or "This could be an emergency" in text


async def test_severe_pain_is_met_with_a_safety_line_first(clinic_file, kb):
    tracker = make_tracker(
        "ask_pain_relief",
        "the pain is unbearable",
        red_flags={"kind": "severe_pain", "symptoms": ["severe_pain"]},
    )
    _, messages = await run(ActionAnswerQuestion(), tracker)
    first_line = kb.ui["severe_pain"].split(".")[0]
    assert messages[0]["text"].startswith(first_line)
    assert "112" in messages[0]["text"].split("\n\n")[0]


async def test_a_symptom_that_is_over_gets_a_safety_net(clinic_file):
    tracker = make_tracker(
        "ask_suitability",
        "i had chest pain last year, is vertebroplasty safe for me?",
        red_flags={"kind": "not_now", "symptoms": ["chest_pain"]},
    )
    _, messages = await run(ActionAnswerQuestion(), tracker)
    assert "call 112" in messages[0]["text"]


async def test_emergency_still_names_a_number_without_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("CLINIC_SETTINGS", str(tmp_path / "missing.yml"))
    _, messages = await run(ActionEmergency(), make_tracker("emergency", "help"))
    assert "999" in messages[0]["emergency_number"]


async def test_contact_clinic_gives_the_clinics_own_details(clinic_file):
    _, messages = await run(
        ActionContactClinic(), make_tracker("request_human", "a person")
    )
    message = messages[0]
    assert message["response"] == "utter_contact_clinic"
    assert message["clinic_name"] == "Test Spine Clinic"
    assert message["clinic_phone"] == "020 7946 0000"
    assert message["clinic_email"] == "desk@test-clinic.example"


async def test_clarify_offers_the_likeliest_topics_and_something_else(kb):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "ask_recovery", "confidence": 0.3},
        {"name": "greet", "confidence": 0.2},
        {"name": "ask_hospital_stay", "confidence": 0.2},
    ]
    tracker = make_tracker("nlu_fallback", "after wards?", intent_ranking=ranking)
    _, messages = await run(ActionClarify(), tracker)
    assert messages[0]["response"] == "utter_clarify"
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        "/ask_recovery",
        "/ask_hospital_stay",
        "/deny",
    ]


@pytest.mark.parametrize("text", ["", "   \n\t"])
async def test_an_empty_message_is_asked_for_again(text):
    _, messages = await run(ActionClarify(), make_tracker("nlu_fallback", text))
    assert messages[0]["response"] == "utter_empty_message"


async def test_a_second_failure_in_a_row_offers_the_clinic():
    earlier = [user_event("nlu_fallback", "blah")]
    tracker = make_tracker("nlu_fallback", "blah blah", earlier=earlier)
    _, messages = await run(ActionClarify(), tracker)
    assert messages[0]["response"] == "utter_clarify_failed"


async def test_clarify_without_any_topic_guess_offers_the_clinic():
    tracker = make_tracker("nlu_fallback", "zzz", intent_ranking=[{"name": "greet"}])
    _, messages = await run(ActionClarify(), tracker)
    assert messages[0]["response"] == "utter_clarify_failed"


@pytest.mark.parametrize(
    "action",
    [
        ActionSessionStart,
        ActionAnswerQuestion,
        ActionTellMore,
        ActionEmergency,
        ActionNotEmergency,
        ActionOtherLanguage,
        ActionClarify,
        ActionContactClinic,
    ],
)
def test_every_action_is_declared_in_the_domain(domain, action):
    assert action().name() in domain["actions"]


def test_the_safety_lines_name_kinds_the_detector_gives():
    from bot import action_support
    from bot.red_flags import Kind

    named = {*action_support.SAFETY_NET_KINDS, action_support.SEVERE_PAIN_KIND}
    assert named <= {kind.value for kind in Kind}


@pytest.mark.parametrize(
    ("text", "events"),
    [
        ("my mum", [SlotSet("for_whom", "mother")]),
        (
            "for my dad, Peter O'Neill",
            [SlotSet("for_whom", "father"), SlotSet("full_name", "Peter O'Neill")],
        ),
    ],
)
async def test_a_relative_at_the_name_question_is_not_a_topic(text, events):
    """The classifier may read "my mum" as a question about candidacy."""
    tracker = make_tracker(
        "ask_candidacy",
        text,
        slots={"requested_slot": "full_name"},
        active_loop="request_form",
    )
    dispatcher = CollectingDispatcher()
    assert await ActionAnswerQuestion().run(dispatcher, tracker, {}) == events
    assert all(m.get("response") != "utter_default" for m in dispatcher.messages)
    assert not any(m.get("text") for m in dispatcher.messages)


async def test_its_fine_when_asked_what_to_change_is_nothing_to_change():
    """No alarm was raised: "no, it's fine" shows the read-back again, no thanks."""
    tracker = make_tracker(
        "not_emergency",
        "nothing, it's fine",
        slots={"requested_slot": "field_to_change"},
        active_loop="request_form",
    )
    dispatcher = CollectingDispatcher()
    events = await ActionNotEmergency().run(dispatcher, tracker, {})
    assert events == [
        SlotSet("field_to_change", None),
        SlotSet("details_confirmed", None),
    ]
    assert dispatcher.messages == []
