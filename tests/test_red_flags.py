"""The red-flag detector: reports of dangerous symptoms versus general questions."""

import pytest

from bot.red_flags import Kind, assess

REPORTS = [
    ("i cant feel my legs since the procedure", "leg_weakness"),
    ("my mum's legs have gone weak and numb", "leg_weakness"),
    ("I have numbness in both legs", "numbness"),
    ("i have numbess in my leggs", "numbness"),
    ("my husband has lost control of his bladder", "bladder_bowel"),
    ("she wet herself and can't get up", "bladder_bowel"),
    ("I have chest pain, could it be from the cement?", "chest_pain"),
    ("pain in my chest since this morning", "chest_pain"),
    ("she can't breathe", "breathlessness"),
    ("cant breath after the back op", "breathlessness"),
    ("he is short of breath right now", "breathlessness"),
    ("my dad has a high temperature after vertebroplasty yesterday", "fever"),
    ("my mum has a feaver and the woond is oozing pus", "fever"),
    ("the wound is red and swollen", "wound_problem"),
    ("her wound is bleeding", "wound_problem"),
    ("HELP my dad collapsed", "collapse"),
    ("he fainted in the bathroom", "collapse"),
    ("she passed out after the procedure", "collapse"),
    ("my father is unresponsive", "collapse"),
    ("urgent: numbness in legs", "numbness"),
    ("breathless and dizzy after the operation", "breathlessness"),
    ("tingling and numbness in my legs and it's getting worse", "numbness"),
]

URGENT_WITHOUT_SYMPTOM = [
    "emergency",
    "emergancy!",
    "call an ambulance now please",
    "somebody help us quickly",
    "help immediately, it's my wife",
]

GENERAL = [
    "is numbness a possible complication?",
    "my mum wants to know if numbness is a possible complication",
    "can vertebroplasty cause chest pain",
    "what if the wound gets infected",
    "can the wound get red",
    "is a fever after the procedure common?",
    "will i have numbness after the procedure",
    "my mother is 82, is fever a risk?",
    "does it ever cause leg weakness",
    "how do they prevent bleeding from the wound",
    "fever after vertebroplasty, is that normal?",
]

NOT_SYMPTOMS = [
    "my vertebra collapsed, what can be done",
    "the vertebra has collapsed and she is in pain",
    "what is the risk of infection",
    "how long does it take",
    "the procedure is done under local anaesthetic with sedation",
    "",
    "   ",
    "<img src=x onerror=alert(1)>",
    "'; DROP TABLE requests; --",
    "what is the emergency number?",
    "is vertebroplasty an emergency procedure",
    "thanks. what is the emergency number?",
    "help",
    "help me",
    "help please",
    "can you help me now with a question about the cement",
]


@pytest.mark.parametrize(("text", "symptom"), REPORTS)
def test_reported_red_flags_are_emergencies(analyser, text, symptom):
    verdict = assess(analyser.parse(text))
    assert verdict.kind is Kind.REPORT, text
    assert verdict.is_emergency
    assert symptom in verdict.symptoms


@pytest.mark.parametrize("text", GENERAL)
def test_general_questions_about_symptoms_are_not_emergencies(analyser, text):
    verdict = assess(analyser.parse(text))
    assert verdict.kind is Kind.GENERAL, text
    assert not verdict.is_emergency


@pytest.mark.parametrize("text", NOT_SYMPTOMS)
def test_messages_without_red_flags(analyser, text):
    assert assess(analyser.parse(text)).kind is Kind.NONE


@pytest.mark.parametrize("text", URGENT_WITHOUT_SYMPTOM)
def test_an_urgent_statement_is_an_emergency(analyser, text):
    assert assess(analyser.parse(text)).is_emergency


def test_a_symptom_named_alone_is_unclear(analyser):
    verdict = assess(analyser.parse("numbness"))
    assert verdict.kind is Kind.UNCLEAR
    assert verdict.symptoms == ("numbness",)


def test_a_huge_message_is_read_without_error(analyser):
    text = "my back hurts a lot. " * 2000 + "now she can't breathe"
    assert assess(analyser.parse(text)).is_emergency
