"""Choosing the emergency model's bars: the search over the rules' readings."""

import numpy as np
import pytest

from bot.red_flag_sets import Case
from bot.red_flags import Kind, Verdict
from bot.sentence_embeddings import CachedEmbeddings
from nlu_components.red_flags import RedFlagOverride
from tools.tune_emergency import best_bars, best_decision, rates

# (the rules' reading, emergency?, the model's probability)
MESSAGES = [
    (Kind.REPORT, True, 0.9),
    (Kind.REPORT, True, 0.2),
    (Kind.REPORT, False, 0.3),
    (Kind.NONE, True, 0.8),
    (Kind.NONE, False, 0.5),
    (Kind.NONE, False, 0.1),
]


@pytest.fixture
def sample():
    cases = [
        Case(
            text=f"message number {i} here",
            label="emergency" if emergency else "not_emergency",
            category="c",
            lang="en",
        )
        for i, (_, emergency, _) in enumerate(MESSAGES)
    ]
    verdicts = [Verdict(kind) for kind, _, _ in MESSAGES]
    probabilities = [p for _, _, p in MESSAGES]
    return cases, verdicts, probabilities, RedFlagOverride.get_default_config()


def test_every_emergency_kept_costs_the_alarm_it_must(sample):
    cases, verdicts, probabilities, config = sample
    bars = best_bars(cases, verdicts, probabilities, config, min_recall=1.0)
    assert bars[Kind.REPORT.value] <= 0.2  # keeps the 0.2 emergency
    assert 0.5 < bars[Kind.NONE.value] <= 0.8  # keeps 0.8, not the 0.5 near-miss
    recall, false_alarms, missed, alarms = rates(
        cases, verdicts, probabilities, {**config, "model_above": bars}
    )
    assert (recall, missed) == (1.0, [])
    assert [c.text for c in alarms] == [cases[2].text]
    assert false_alarms == pytest.approx(1 / 3)


def test_a_miss_allowed_buys_the_fewest_alarms(sample):
    cases, verdicts, probabilities, config = sample
    bars = best_bars(cases, verdicts, probabilities, config, min_recall=0.66)
    recall, false_alarms, missed, _ = rates(
        cases, verdicts, probabilities, {**config, "model_above": bars}
    )
    assert false_alarms == 0.0
    assert [c.text for c in missed] == [cases[1].text]
    assert recall == pytest.approx(2 / 3)


def test_a_reading_no_message_has_keeps_its_bar(sample):
    cases, verdicts, probabilities, config = sample
    bars = best_bars(cases, verdicts, probabilities, config, min_recall=1.0)
    for kind in (Kind.GENERAL, Kind.NOT_NOW, Kind.UNCLEAR, Kind.SEVERE_PAIN):
        assert bars[kind.value] == config["model_above"][kind.value]


def test_the_question_margin_is_chosen_with_the_bars(sample):
    cases, verdicts, probabilities, config = sample
    # the 0.3 near-miss is a question: a margin keeps it out, with the
    # 0.2 report (a statement) kept
    verdicts[2] = Verdict(Kind.REPORT, question=True)
    tuned = best_decision(cases, verdicts, probabilities, config, min_recall=1.0)
    recall, false_alarms, _, _ = rates(cases, verdicts, probabilities, tuned)
    assert (recall, false_alarms) == (1.0, 0.0)
    assert tuned["model_above"]["report"] + tuned["question_margin"] > 0.3
    # without a margin the same bars cost the alarm
    untuned = {**tuned, "question_margin": 0.0}
    assert rates(cases, verdicts, probabilities, untuned)[1] > 0


def test_embeddings_are_kept_between_runs(tmp_path):
    path = tmp_path / "embeddings.npz"
    first = CachedEmbeddings(path)(["a fever", "numb legs"])
    assert sorted(np.load(path)["texts"].tolist()) == ["a fever", "numb legs"]
    again = CachedEmbeddings(path)(["numb legs", "a fever", "chest pain"])
    assert np.array_equal(again[:2], first[::-1])
    assert sorted(np.load(path)["texts"].tolist()) == [
        "a fever",
        "chest pain",
        "numb legs",
    ]


def test_a_damaged_embedding_cache_is_rebuilt_not_fatal(tmp_path):
    path = tmp_path / "fact_vectors.npz"
    path.write_bytes(b"PK\x03\x04 half a file")

    def encode(texts):
        return np.ones((len(texts), 3))

    vectors = CachedEmbeddings(path, encode)(["a fact", "another"])
    assert vectors.shape == (2, 3)
    assert sorted(np.load(path)["texts"].tolist()) == ["a fact", "another"]
