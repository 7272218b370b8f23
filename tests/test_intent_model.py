"""The intent model on its own: training, ranking, saving and refusing bad files."""

import pytest

from bot.intent_model import IntentModel, IntentModelConfig, ModelFileError

TEXTS = ["hello", "hi there", "what are the risks", "is it dangerous", "bye", "see you"]
INTENTS = ["greet", "greet", "risks", "risks", "bye", "bye"]
# six examples: keep n-grams seen once (the default drops them)
SMALL = IntentModelConfig(min_df=1)


def test_ranks_every_intent_best_first():
    model = IntentModel(SMALL).fit(TEXTS, INTENTS)
    ranking = model.rank("are there risks")
    assert ranking[0][0] == "risks"
    assert [c for _, c in ranking] == sorted((c for _, c in ranking), reverse=True)
    assert len(model.rank("hello", limit=2)) == 2


def test_training_is_reproducible():
    first = IntentModel(SMALL).fit(TEXTS, INTENTS).rank("is it risky")
    second = IntentModel(SMALL).fit(TEXTS, INTENTS).rank("is it risky")
    assert first == second


def test_needs_two_intents():
    with pytest.raises(ValueError, match="two intents"):
        IntentModel(SMALL).fit(["a", "b"], ["x", "x"])


def test_save_and_load_round_trip(tmp_path):
    model = IntentModel(IntentModelConfig(c=5.0, min_df=1)).fit(TEXTS, INTENTS)
    model.save(tmp_path / "m.skops")
    loaded = IntentModel.load(tmp_path / "m.skops")
    assert loaded.config == model.config
    assert loaded.rank("see you later") == model.rank("see you later")


def test_a_damaged_or_missing_file_is_refused(tmp_path):
    damaged = tmp_path / "damaged.skops"
    damaged.write_bytes(b"not a model")
    with pytest.raises(ModelFileError):
        IntentModel.load(damaged)
    with pytest.raises(ModelFileError):
        IntentModel.load(tmp_path / "missing.skops")
