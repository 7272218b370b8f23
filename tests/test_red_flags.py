"""The red-flag detector: reports of dangerous symptoms versus general questions."""

import pytest

from bot.paths import PROJECT_ROOT
from bot.red_flag_sets import DEVELOPMENT_SET, load_cases
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
    # ways of saying it the first rules missed
    ("i havent been able to go to the toilet for a wee all day", "urinary_retention"),
    ("he can't pee since the op", "urinary_retention"),
    ("i think she had a stroke", "stroke"),
    ("his face is drooping and his speech is slurred", "stroke"),
    ("I can't wake him", "collapse"),
    ("she is unconscious", "collapse"),
    (
        "thanks for the info earlier. actually something's wrong, my breathing "
        "has got really bad in the last 20 minutes",
        "breathlessness",
    ),
    ("my legs have gone numb since this morning", "numbness"),
    ("cant feel my leggs", "leg_weakness"),
    ("I cant control my bladder anymore, started yesterday", "bladder_bowel"),
    ("CHEST PAIN", "chest_pain"),
    # Spanish
    ("no puedo mover las piernas", "leg_weakness"),
    ("me duele el pecho y no puedo respirar", "chest_pain"),
    ("mi madre tiene fiebre después de la operación", "fever"),
    ("mi padre se ha desmayado", "collapse"),
    ("no siento las piernas desde ayer", "leg_weakness"),
    ("desde la intervención no controlo la vejiga", "bladder_bowel"),
    ("mi padre no controla los esfínteres desde ayer", "bladder_bowel"),
]

URGENT_WITHOUT_SYMPTOM = [
    "emergency",
    "emergency! call an ambulance",
    "should I call an ambulance?",
    "HELP HELP HELP",
    "can anyone help me quickly, something is really wrong",
    "llamen una ambulancia",
    "emergancy!",
    "call an ambulance now please",
    "somebody help us quickly",
    "help immediately, it's my wife",
    "call 999 now",
    "que alguien llame al 112",
]

NOT_NOW = [
    "I had a fever last week but I'm fine now",
    "i had chest pain last year, is vertebroplasty safe for me?",
    "my mum had numbness in her legs years ago",
    "my legs were weak before the fracture",
    "she's had numbness in her feet for years, nothing new",
    "no fever, no numbness",
    "she doesn't have a fever",
    "he isn't short of breath",
    "tuve fiebre el año pasado pero ya estoy bien",
    "no tengo fiebre",
    "dad had a mini stroke in 2019 but made a full recovery",
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
    "what if I get a fever",
    "what should I do if she has a fever now?",
    "¿puede causar fiebre?",
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
    "it's not an emergency",
    "no es una urgencia",
    "the emergency department referred me to you for the fracture",
    "the patient transport ambulance will bring my mum to her appointment",
    "my vertebra collapsed",
    "I have a collapsed L2 vertebra, is vertebroplasty the right treatment?",
    "and after?",
    "my mum",
    # a phone number with an emergency number's digits in it
    "my number is 07700 999 123",
    "mi teléfono es el 600 112 345, mejor por la tarde",
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


@pytest.mark.parametrize("text", NOT_NOW)
def test_symptoms_that_are_over_before_or_denied_are_not_emergencies(analyser, text):
    verdict = assess(analyser.parse(text))
    assert verdict.kind is Kind.NOT_NOW, text
    assert verdict.symptoms


@pytest.mark.parametrize(
    "text", ["the pain is unbearable", "the pain is excruciating since this morning"]
)
def test_severe_pain_alone_earns_a_safety_line_not_an_alarm(analyser, text):
    verdict = assess(analyser.parse(text))
    assert verdict.kind is Kind.SEVERE_PAIN
    assert not verdict.is_emergency


def test_severe_pain_with_a_red_flag_is_an_emergency(analyser):
    verdict = assess(analyser.parse("the pain is unbearable and my legs are numb"))
    assert verdict.is_emergency
    assert "numbness" in verdict.symptoms


def test_a_report_buried_at_the_end_of_a_long_friendly_message(analyser):
    text = (
        "Hello again, thank you so much for all the information yesterday, it "
        "was really helpful and my daughter read it all to me. The nurses were "
        "lovely and the parking was easy. One thing though: since lunchtime my "
        "left leg has gone weak and I can't lift it properly."
    )
    assert assess(analyser.parse(text)).is_emergency


def test_the_rules_alone_on_the_development_set(analyser):
    """Floors for rule changes, on the development set (the rules and the
    emergency model together are measured on eval.yml, in make eval): the
    rules alone must stay sparing with alarms; the model reads the wordings
    they do not know. Measured: 72.4% of emergencies, 9.8% false alarms."""
    cases = load_cases(PROJECT_ROOT / DEVELOPMENT_SET)
    flagged = [assess(analyser.parse(c.text)).is_emergency for c in cases]
    emergencies = [f for f, c in zip(flagged, cases, strict=True) if c.is_emergency]
    near_misses = [f for f, c in zip(flagged, cases, strict=True) if not c.is_emergency]
    assert sum(emergencies) / len(emergencies) >= 0.72
    assert sum(near_misses) / len(near_misses) <= 0.10


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


@pytest.mark.parametrize(
    ("text", "symptom"),
    [
        ("mum hasn't weed all day, can it wait till the morning?", "urinary_retention"),
        (
            "la herida está roja y le sale pus, ¿puede esperar a la cita?",
            "wound_problem",
        ),
        (
            "no controlo la vejiga desde la operación. ¿Eso puede esperar al lunes?",
            "bladder_bowel",
        ),
        (
            "been trying to wee for hours, only a few drips come out",
            "urinary_retention",
        ),
        ("se me duerme la zona del culete desde ayer", "numbness"),
        ("no noto cuándo tengo que orinar", "bladder_bowel"),
    ],
)
def test_a_report_that_asks_whether_it_can_wait_is_a_report(analyser, text, symptom):
    verdict = assess(analyser.parse(text))
    assert verdict.kind is Kind.REPORT
    assert symptom in verdict.symptoms


@pytest.mark.parametrize(
    "text",
    [
        "if I get a fever, can it wait till Monday?",
        "I can't wait to walk again, will I get numbness?",
        "I had a fever last week, can my appointment wait?",
    ],
)
def test_waiting_asked_about_a_symptom_that_is_not_there_is_no_report(analyser, text):
    assert assess(analyser.parse(text)).kind is not Kind.REPORT
