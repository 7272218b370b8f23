"""Training and held-out NLU data: enough examples, and never the same ones."""

import re
from collections import Counter

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from bot.paths import PROJECT_ROOT

MIN_TRAINING = 25
MIN_HELDOUT = 12


def normalised(text):
    return re.sub(r"[^a-z0-9 ]", "", text.lower()).strip()


@pytest.fixture(scope="module")
def training():
    return load_data(str(PROJECT_ROOT / "data" / "nlu")).intent_examples


@pytest.fixture(scope="module")
def heldout():
    return load_data(
        str(PROJECT_ROOT / "tests" / "nlu" / "heldout.yml")
    ).intent_examples


def test_every_domain_intent_has_enough_training_examples(training, domain):
    counts = Counter(e.get("intent") for e in training)
    for intent in domain["intents"]:
        assert counts[intent] >= MIN_TRAINING, intent


def test_every_domain_intent_has_enough_heldout_examples(heldout, domain):
    counts = Counter(e.get("intent") for e in heldout)
    for intent in domain["intents"]:
        assert counts[intent] >= MIN_HELDOUT, intent


def test_heldout_examples_are_never_trained_on(training, heldout):
    trained = {normalised(e.get("text")) for e in training}
    leaked = [e.get("text") for e in heldout if normalised(e.get("text")) in trained]
    assert not leaked


def test_no_training_example_has_two_intents(training):
    seen = {}
    for example in training:
        key = normalised(example.get("text"))
        assert seen.setdefault(key, example.get("intent")) == example.get("intent"), key
