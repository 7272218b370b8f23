"""Which language a message is in; English chat, names and jargon stay English."""

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from bot.language_id import detect
from bot.paths import PROJECT_ROOT


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("hola", "es"),
        ("sí", "es"),
        ("gracias", "es"),
        ("¿cuánto dura?", "es"),
        ("no puedo mover las piernas", "es"),
        ("mi madre tiene fiebre después de la operación", "es"),
        ("bonjour, est-ce que c'est douloureux ?", "fr"),
        ("Wie lange dauert es?", "de"),
        ("dzień dobry", "pl"),
        ("مرحبا", "ar"),
    ],
)
def test_other_languages_are_recognised(text, language):
    assert detect(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "",
        "07700 900123",
        "ty",
        "ok",
        "nah",
        "and after?",
        "my mum",
        "Ann Lee",
        "José Luis García Fernández",
        "what is vertebroplasty",
        "whats a vertobroplasty",
        "kyphoplasty?",
        "jsjsjs kkk",
        "L2",
    ],
)
def test_english_chat_names_and_jargon_stay_english(text):
    assert detect(text) == "en"


def test_no_held_out_english_message_is_taken_for_another_language():
    examples = load_data(str(PROJECT_ROOT / "tests" / "nlu" / "heldout.yml"))
    english = [
        e.get("text")
        for e in examples.intent_examples
        if e.get("intent") != "other_language"
    ]
    foreign = [text for text in english if detect(text) != "en"]
    assert foreign == []
