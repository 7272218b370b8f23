"""Domain terms: recognised in their many forms and given canonical values."""

import pytest

from bot import domain_terms, spacy_pipeline
from bot.language import DomainAnalyser
from bot.spelling import SpellingCorrector


def terms(analyser, text):
    return {(t.entity, t.value) for t in analyser.terms(analyser.parse(text))}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what is the risk of infections", ("complication", "infection")),
        ("Can the cement leak?", ("complication", "cement_leakage")),
        ("is there bleeding afterwards", ("complication", "bleeding")),
        ("could I get another fracture", ("complication", "new_fracture")),
        ("risk of blood clots", ("complication", "thrombophlebitis")),
        ("my fracture is at L1", ("spine_region", "lumbar")),
        ("a fracture in the neck", ("spine_region", "cervical")),
        ("T12 fracture", ("spine_region", "thoracic")),
        ("will it be a general anaesthetic?", ("anesthesia_type", "general")),
        ("do they use sedation", ("anesthesia_type", "sedation")),
        ("is an epidural possible", ("anesthesia_type", "epidural")),
        ("my legs are numb", ("symptom", "numbness")),
    ],
)
def test_terms_have_canonical_values(analyser, text, expected):
    assert expected in terms(analyser, text)


def test_offsets_point_at_the_users_own_words(analyser):
    text = "What about INFECTIONS at L1?"
    found = analyser.terms(analyser.parse(text))
    by_value = {t.value: t for t in found}
    assert text[by_value["infection"].start : by_value["infection"].end] == "INFECTIONS"
    assert by_value["lumbar"].text == "L1"


def test_misspelt_symptom_words_are_corrected():
    corrector = SpellingCorrector()
    assert corrector.correct_word("feaver") == "fever"
    assert corrector.correct_word("numbess") == "numbness"
    assert corrector.correct_word("brething") == "breathing"


@pytest.mark.parametrize("word", ["breeding", "forever", "number", "never", "the", "x"])
def test_real_words_are_never_corrected(word):
    assert SpellingCorrector().correct_word(word) == word


def test_vocabulary_holds_the_domain_words():
    words = domain_terms.vocabulary()
    assert {"infection", "bladder", "numbness", "vertebroplasty"} <= set(words)
    assert all(len(w) >= 4 and w.isalpha() for w in words)


def test_saved_pipeline_loads_with_plain_spacy(tmp_path):
    path = spacy_pipeline.save(tmp_path / "pipeline")
    analyser = DomainAnalyser.load(path)
    assert ("complication", "infection") in terms(analyser, "infection risk")
