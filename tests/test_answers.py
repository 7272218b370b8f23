"""Choosing and composing answers from the knowledge base."""

import pytest

from bot import answers
from bot.answers import Question


def test_an_intent_is_answered_by_its_topic(kb):
    resolved = answers.resolve(
        kb, Question(intent="ask_risks", text="what are the risks")
    )
    assert resolved.topic.name == "risks"
    assert resolved.focus is None


def test_a_named_term_becomes_the_focus(kb):
    resolved = answers.resolve(
        kb, Question(intent="ask_risks", text="risk of infection", terms=["infection"])
    )
    assert resolved.focus == "infection"
    reply = answers.answer(kb, resolved)
    assert reply.text.startswith(
        "The risk of infection is estimated at less than 1 in 1000"
    )
    assert reply.buttons[0]["payload"] == "/ask_risks"


def test_a_term_the_topic_does_not_cover_is_ignored(kb):
    resolved = answers.resolve(
        kb, Question(intent="ask_duration", text="how long", terms=["infection"])
    )
    assert resolved.focus is None


@pytest.mark.parametrize(
    ("last", "intent", "text", "topic", "focus"),
    [
        ("recovery", "ask_duration", "how long does that take?", "recovery", None),
        ("hospital_stay", "ask_duration", "and how long is it?", "hospital_stay", None),
        ("cement", "ask_risks", "is that dangerous?", "risks", "cement_leakage"),
        ("anesthesia", "ask_risks", "is it risky?", "risks", "anesthesia_problem"),
        ("procedure", "ask_duration", "how long does that take?", "duration", None),
    ],
)
def test_follow_ups_are_answered_in_the_context_of_the_last_topic(
    kb, last, intent, text, topic, focus
):
    resolved = answers.resolve(kb, Question(intent=intent, text=text, last_topic=last))
    assert (resolved.topic.name, resolved.focus) == (topic, focus)


def test_a_full_question_is_not_treated_as_a_follow_up(kb):
    question = Question(
        intent="ask_duration",
        text="how long does the whole vertebroplasty procedure take from start to end",
        last_topic="recovery",
    )
    assert answers.resolve(kb, question).topic.name == "duration"


def test_suitability_gets_candidacy_and_the_notice(kb):
    resolved = answers.resolve(kb, Question(intent="ask_suitability", text="should I?"))
    reply = answers.answer(kb, resolved)
    assert resolved.topic.name == "candidacy"
    assert "Only a specialist who examines you" in reply.text


def test_non_knowledge_intents_are_not_resolved(kb):
    assert answers.resolve(kb, Question(intent="greet")) is None
    assert answers.resolve(kb, Question(intent="")) is None


def test_answer_has_sources_more_and_follow_ups(kb):
    reply = answers.answer(kb, answers.Resolved(topic=kb.topics["duration"]))
    assert "half an hour" in reply.text
    assert reply.text.endswith("Sources: hospital information page; overview")
    payloads = [b["payload"] for b in reply.buttons]
    assert payloads == [
        "/tell_more",
        "/ask_levels",
        "/ask_recovery",
        "/ask_hospital_stay",
    ]


def test_extra_text_is_added_before_the_sources(kb):
    reply = answers.answer(kb, answers.Resolved(topic=kb.topics["risks"]), extra="CALL")
    assert reply.text.split("\n\n")[-2:] == ["CALL", "Sources: patient guide; overview"]


def test_detail_of_the_last_topic(kb):
    reply = answers.detail(kb, "risks")
    assert reply.text.startswith(kb.topics["risks"].detail)
    assert "Sources:" in reply.text
    assert "/tell_more" not in [b["payload"] for b in reply.buttons]


def test_detail_without_a_topic_asks_which(kb):
    reply = answers.detail(kb, None)
    assert reply.text == kb.ui["no_topic_yet"]
    assert reply.buttons


def test_suggestions_skip_non_topics_and_duplicates(kb):
    ranking = [
        {"name": "greet"},
        {"name": "ask_risks"},
        {"name": "ask_suitability"},
        {"name": "ask_candidacy"},
        {"name": "ask_recovery"},
        {"name": "ask_cement"},
    ]
    assert answers.suggestions(kb, ranking) == ["risks", "candidacy", "recovery"]
