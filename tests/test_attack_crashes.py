"""The crash attack's patient (tools/attack_crashes.py) reads the form's questions."""

import pytest

from tools.attack_crashes import DONE, QUESTIONS, answered, next_step

ASKED_BY = {
    "name": "utter_ask_full_name",
    "phone": "utter_ask_contact",
    "time": "utter_ask_preferred_time",
    "reason": "utter_ask_reason",
    "consent": "utter_ask_consent",
    "confirm": "utter_ask_details_confirmed",
}


@pytest.mark.parametrize(("words", "step"), QUESTIONS)
def test_each_question_of_the_form_is_recognised(domain, words, step):
    texts = [r["text"] for r in domain["responses"][ASKED_BY[step]]]
    assert all(words in text for text in texts)
    assert all(next_step([text]) == step for text in texts)


def test_the_reference_ends_the_form(domain):
    texts = [r["text"] for r in domain["responses"]["utter_request_received"]]
    assert all(DONE in text for text in texts)
    assert next_step(texts) is None


def test_failures_and_silence_are_not_answers():
    failures = ["Sorry, something went wrong"]
    assert not answered(None, failures)
    assert not answered([], failures)
    assert not answered(["Sorry, something went wrong on my side."], failures)
    assert answered(["What is the full name of the person?"], failures)
