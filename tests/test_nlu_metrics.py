"""The evaluation metrics, on hand-made predictions."""

import pytest

from tools.evaluate_nlu import quality_failures
from tools.nlu_metrics import format_comparison, format_report, score

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


def test_comparison_puts_models_side_by_side():
    better = score(GOLD, GOLD, TEXTS, answer_intents=["ask_risks", "ask_cement"])
    worse = score(GOLD, PRED, TEXTS, answer_intents=["ask_risks", "ask_cement"])
    table = format_comparison({"project": better, "baseline": worse})
    header = table.splitlines()[1]
    assert header.index("project") < header.index("baseline")
    accuracy = next(line for line in table.splitlines() if line.startswith("accuracy"))
    assert accuracy.split()[1:] == ["100.0%", "33.3%"]
    assert any(line.split()[0] == "emergency" for line in table.splitlines())


def test_the_project_must_beat_every_baseline():
    answers = ["ask_risks", "ask_cement"]
    project = score(GOLD, PRED, TEXTS, answer_intents=answers)
    perfect = score(GOLD, GOLD, TEXTS, answer_intents=answers)
    assert quality_failures(perfect, {"weak": project}, 0.5) == []
    failures = quality_failures(project, {"strong": perfect}, 0.5)
    assert "accuracy 33.3% < 50%" in failures
    assert "1 emergency examples missed" in failures
    assert "strong baseline matches or beats the accuracy" in failures
    assert "strong baseline matches or beats out-of-scope rejection" in failures
