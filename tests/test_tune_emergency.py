"""Choosing the emergency model's bars: the search over the rules' readings."""

import pytest

from bot.red_flag_sets import Case
from bot.red_flags import Kind, Verdict
from nlu_components.red_flags import RedFlagOverride
from tools.tune_emergency import best_bars, rates

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
