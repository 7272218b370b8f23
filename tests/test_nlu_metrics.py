"""The evaluation metrics, on hand-made predictions."""

import pytest

from tools.nlu_metrics import format_report, score

GOLD = [
    "ask_risks",
    "ask_risks",
    "emergency",
    "emergency",
    "out_of_scope",
    "out_of_scope",
]
PRED = [
    "ask_risks",
    "emergency",
    "emergency",
    "ask_risks",
    "nlu_fallback",
    "ask_cement",
]
TEXTS = ["r1", "r2", "e1", "e2", "o1", "o2"]


def test_scores():
    report = score(GOLD, PRED, TEXTS, answer_intents=["ask_risks", "ask_cement"])
    assert report.accuracy == pytest.approx(2 / 6)
    assert report.emergency_recall == pytest.approx(0.5)
    assert report.missed_emergencies == ["e2"]
    assert report.false_emergency_rate == pytest.approx(1 / 4)
    assert report.out_of_scope_rejection == pytest.approx(0.5)
    assert report.fallback_rate == pytest.approx(1 / 6)
    risks = report.per_intent["ask_risks"]
    assert (risks.precision, risks.recall, risks.f1) == pytest.approx((0.5, 0.5, 0.5))
    assert report.per_intent["out_of_scope"].f1 == 0.0
    assert ("ask_risks", "emergency", 1) in report.confusions


def test_classifier_accuracy_uses_the_guesses_before_fallback():
    report = score(
        ["a", "b"], ["a", "nlu_fallback"], ["x", "y"], [], top_guesses=["a", "b"]
    )
    assert report.accuracy == 0.5
    assert report.classifier_accuracy == 1.0


def test_report_lists_missed_emergencies():
    text = format_report("m", score(GOLD, PRED, TEXTS, answer_intents=[]))
    assert "MISSED EMERGENCIES" in text
    assert "e2" in text


def test_lengths_must_match():
    with pytest.raises(ValueError, match="same length"):
        score(["a"], [], ["x"], [])
