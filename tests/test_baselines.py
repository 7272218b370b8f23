"""The two baselines `make eval` compares the project with."""

from pathlib import Path

import rasa
import yaml

from bot.paths import PROJECT_ROOT
from tools.baselines.nearest_neighbour import (
    FALLBACK_INTENT,
    NEIGHBOURS,
    THRESHOLDS,
    NearestNeighbourClassifier,
    NeighbourSettings,
    tune,
)
from tools.evaluate_nlu import RASA_INIT_CONFIG

TEXTS = [
    "what are the risks",
    "is it risky",
    "any risks or complications",
    "how long does it take",
    "how long is the procedure",
    "duration of the procedure",
]
INTENTS = ["risks"] * 3 + ["duration"] * 3


def test_rasa_init_baseline_is_the_pipeline_rasa_init_writes():
    """Our copy equals the commented-out pipeline in Rasa's own template."""
    template = Path(rasa.__file__).parent / "cli" / "initial_project" / "config.yml"
    lines = template.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("pipeline:"))
    stop = next(i for i, line in enumerate(lines) if line.startswith("policies:"))
    commented = [
        line[2:] for line in lines[start:stop] if line.startswith("#   ")
    ]  # "#   - name: X" -> "  - name: X"
    stock = yaml.safe_load("\n".join(["pipeline:", *commented]))["pipeline"]
    ours = yaml.safe_load((PROJECT_ROOT / RASA_INIT_CONFIG).read_text())["pipeline"]
    without_seed = [{k: v for k, v in c.items() if k != "random_seed"} for c in ours]
    assert without_seed == stock
    seeded = {c["name"] for c in ours if "random_seed" in c}
    assert seeded == {"DIETClassifier", "ResponseSelector"}


def test_nearest_neighbour_predicts_the_closest_examples_intent():
    model = NearestNeighbourClassifier().fit(TEXTS, INTENTS)
    assert model.predict(["what risks are there", "how long will it take"]) == [
        "risks",
        "duration",
    ]


def test_nearest_neighbour_falls_back_below_the_threshold():
    model = NearestNeighbourClassifier(NeighbourSettings(1, 0.3)).fit(TEXTS, INTENTS)
    [(final, guess)] = model.predict_with_guess(["parking near the hospital"])
    assert final == FALLBACK_INTENT
    assert guess in {"risks", "duration"}


def test_tuning_picks_settings_from_the_grid():
    settings = tune(TEXTS * 5, INTENTS * 5)
    assert settings.k in NEIGHBOURS
    assert settings.threshold in THRESHOLDS
