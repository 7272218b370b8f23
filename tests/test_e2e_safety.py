"""End to end over REST: an emergency at every step; a false alarm costs nothing.

Starts both real servers on free ports (stopped at the end, also on failure).
Texts the assistant says are read from the domain, not copied here.
"""

import pytest

from bot.launcher import ServerConfig, running
from bot.paths import PROJECT_ROOT
from tests.conftest import Conversation, listed_requests
from tools.evaluate_red_flags import emergency_headline

pytestmark = pytest.mark.e2e

MODEL = PROJECT_ROOT / "models" / "vertebroplasty.tar.gz"
FORM = "request_form"

# one answer per step the form asks, in the order it asks them
ANSWERS = {
    "full_name": None,  # a different name per conversation, to find its row
    "contact": "07700 900123",
    "preferred_time": "monday morning",
    "reason": "skip",
    "consent": "yes",
    "details_confirmed": "yes",
}
NAMES = ["Ann Lee", "Bob Hale", "Cara Diaz", "Dan Ross", "Eve Moss", "Fay Lund"]
EMERGENCIES = [
    "he collapsed",
    "my legs have gone numb since this morning",
    "emergency! call an ambulance",
    "chest pain now",
    "i havent been able to go to the toilet for a wee all day",
    "my breathing has got really bad in the last 20 minutes",
]
EMERGENCY = emergency_headline()


@pytest.fixture(scope="module")
def said(domain):
    """The start of a response's first sentence that all its variations share
    ("What is the full name of the person"), as the user sees it."""

    def first_sentence(response):
        sentences = [
            variation["text"].split(".")[0].split("?")[0].split("{")[0].split()
            for variation in domain["responses"][response]
        ]
        shared = []
        for words in zip(*sentences, strict=False):
            if len(set(words)) > 1:
                break
            shared.append(words[0])
        return " ".join(shared)

    return first_sentence


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    scratch = tmp_path_factory.mktemp("e2e-safety")
    config = ServerConfig.isolated(scratch, model=MODEL)
    with running(config) as started:
        yield started


def test_every_step_the_form_asks_is_covered_here(domain):
    asked = domain["forms"][FORM]["required_slots"]
    assert [slot for slot in asked if slot != "field_to_change"] == list(ANSWERS)


@pytest.mark.parametrize("step", range(len(ANSWERS)))
def test_an_emergency_at_each_step_then_a_false_alarm_loses_nothing(
    servers, said, step
):
    slots = list(ANSWERS)
    name = NAMES[step]
    answers = {**ANSWERS, "full_name": name}
    chat = Conversation(servers.config.rasa_url)
    chat.reply("I'd like to book a consultation")
    for slot in slots[:step]:
        chat.reply(answers[slot])
    asked = slots[step]

    reply = chat.reply(EMERGENCIES[step])
    assert EMERGENCY in reply, (asked, reply)
    assert said(f"utter_ask_{asked}") not in reply  # not asked again yet

    reply = chat.reply("it's not an emergency")
    assert said("utter_not_emergency_resume") in reply
    assert said(f"utter_ask_{asked}") in reply, (asked, reply)

    for slot in slots[step:]:
        reply = chat.reply(answers[slot])
    assert "Your reference is" in reply, reply
    reference = reply.split("Your reference is ")[1][:8]
    stored = listed_requests(servers.config.env["BOT_DB"])
    rows = [r for r in stored if r["full_name"] == name]
    assert [r["reference"] for r in rows] == [reference]  # stored once
    assert rows[0]["contact"] == "07700900123"
    assert rows[0]["preferred_time"] == "monday morning"


def test_an_emergency_when_asked_what_to_change(servers, said):
    chat = Conversation(servers.config.rasa_url)
    for message in ["book a consultation", "Gus Park", *list(ANSWERS.values())[1:5]]:
        chat.reply(message)
    assert said("utter_ask_field_to_change") in chat.reply("/deny")
    assert EMERGENCY in chat.reply("i think she had a stroke")
    reply = chat.reply("/not_emergency")
    assert said("utter_ask_field_to_change") in reply


def test_a_spanish_emergency_in_the_form_is_answered_in_both_languages(servers, said):
    chat = Conversation(servers.config.rasa_url)
    chat.reply("book a consultation")
    reply = chat.reply("no puedo mover las piernas")
    assert said("utter_emergency_es") in reply
    assert EMERGENCY in reply
    reply = chat.reply("no es una urgencia")
    assert said("utter_ask_full_name") in reply


# what to say to get each kind of bot question, and how to recognise it
BOT_QUESTIONS = [
    (["hello"], "utter_greet"),
    (["what are the risks?"], None),  # a topic answer with follow-up buttons
    (["what are the risks?", "tell me more"], None),
    (["how much does it cost in pounds?"], "utter_out_of_scope"),
    (["can I talk to a real person please"], "utter_offer_callback"),
    (["bye"], "utter_goodbye"),
    (["hola"], "utter_other_language"),
    (["it's not an emergency"], "utter_not_emergency"),
    (["what is the status of KMX4TRQ7"], "utter_request_not_found"),
    (["stop"], "utter_anything_else"),
]


@pytest.mark.parametrize(("before", "asked"), BOT_QUESTIONS)
def test_an_emergency_right_after_each_kind_of_bot_question(
    servers, said, before, asked
):
    chat = Conversation(servers.config.rasa_url)
    for message in before:
        reply = chat.reply(message)
    if asked:
        assert said(asked) in reply, (before, reply)
    assert EMERGENCY in chat.reply("my dad has collapsed and he won't wake up")


def test_a_false_alarm_outside_a_form_costs_nothing(servers):
    chat = Conversation(servers.config.rasa_url)
    for message in [
        "I had a fever last week but I'm fine now",
        "my vertebra collapsed",
        "and after?",
        "is it normal to have some pain at the wound after",
    ]:
        assert EMERGENCY not in chat.reply(message), message
