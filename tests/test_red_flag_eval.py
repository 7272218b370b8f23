"""The red-flag evaluation: its scoring, and the sets it reads."""

import re

import yaml
from rasa.shared.nlu.training_data.loading import load_data

from bot.paths import PROJECT_ROOT
from bot.red_flag_sets import DEVELOPMENT_SET, MEASURED_SET, Case, load_cases
from tools.evaluate_red_flags import emergency_headline, failures, format_result, score

MEASURED = PROJECT_ROOT / MEASURED_SET
DEVELOPMENT = PROJECT_ROOT / DEVELOPMENT_SET


def case(label, text="x", lang="en", category="c"):
    return Case(text=text, label=label, category=category, lang=lang)


def test_recall_counts_emergencies_and_false_alarms_count_near_misses():
    cases = [
        case("emergency", "a"),
        case("emergency", "b"),
        case("not_emergency", "c"),
        case("not_emergency", "d"),
    ]
    result = score(cases, [True, False, True, False])
    assert result.recall.share == 0.5
    assert result.false_alarms.share == 0.5
    assert result.missed == ["b"]
    assert result.false_alarm_texts == ["c"]
    assert "MISSED: b" in format_result("set", result)


def test_the_bars_fail_below_full_recall_or_above_two_percent():
    perfect = score([case("emergency"), case("not_emergency")], [True, False])
    assert failures(perfect, 1.0, 0.02) == []
    missed = score([case("emergency"), case("not_emergency")], [False, False])
    assert failures(missed, 1.0, 0.02) == ["recall 0.0% < 100%"]
    alarmed = score([case("emergency"), case("not_emergency")], [True, True])
    assert failures(alarmed, 1.0, 0.02) == ["false alarms 100.0% > 2%"]


def test_the_headline_is_the_emergency_messages_first_sentence(domain):
    headline = emergency_headline()
    assert domain["responses"]["utter_emergency"][0]["text"].startswith(headline)
    assert headline in domain["responses"]["utter_emergency_es"][0]["text"]


def normalised(text):
    return re.sub(r"\W+", " ", text.lower()).strip()


def _texts(path):
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    return {normalised(m["text"]) for m in raw}


def test_the_measured_set_is_as_big_and_varied_as_promised():
    cases = load_cases(MEASURED)
    emergencies = [c for c in cases if c.is_emergency]
    near_misses = [c for c in cases if not c.is_emergency]
    assert len(cases) >= 150
    assert len(emergencies) >= 80
    assert len([c for c in emergencies if c.lang == "es"]) >= 15
    assert len(near_misses) >= 70
    assert {c.label for c in cases} == {"emergency", "not_emergency"}


def test_the_measured_set_shares_no_message_with_the_development_set():
    assert not _texts(MEASURED) & _texts(DEVELOPMENT)


def test_no_measured_message_is_a_training_example():
    trained = {
        " ".join(e.get("text").split())
        for e in load_data(str(PROJECT_ROOT / "data" / "nlu")).intent_examples
    }
    raw = yaml.safe_load(MEASURED.read_text(encoding="utf-8"))
    measured = {" ".join(m["text"].split()) for m in raw["messages"]}
    assert not measured & trained
