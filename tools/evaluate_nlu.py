"""``make eval``: NLU quality on the held-out set, against two baselines.

Evaluates the trained project model and, trained in the same run on exactly
the same training data, two baselines: Rasa's stock ``rasa init`` pipeline and
a TF-IDF nearest-neighbour classifier. Prints the project's full report
(accuracy, macro F1, per-intent F1, worst confusions, emergency recall,
false-emergency rate, out-of-scope rejection), then the three side by side;
writes both to ``results/``. Exits non-zero below the accuracy bar, on any
missed emergency, or when a baseline matches the project on accuracy or
out-of-scope rejection.
"""

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

from tools.nlu_metrics import Report, format_comparison, format_report, score

DEFAULT_MODEL = "models/vertebroplasty.tar.gz"
DEFAULT_DATA = "tests/nlu/heldout.yml"
TRAINING_DATA = "data/nlu"
RASA_INIT_CONFIG = "tools/baselines/rasa_init_config.yml"
FALLBACK_INTENT = "nlu_fallback"
PROJECT = "project"


def quiet_rasa_logs() -> None:
    """Rasa's structured logs print every parsed message at debug level."""
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)


def load_examples(path: str) -> List[Tuple[str, str]]:
    """(text, intent) pairs of an NLU YAML file or folder."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(path)
    return [(e.get("text"), e.get("intent")) for e in data.intent_examples]


@dataclass(frozen=True)
class Prediction:
    """The final intent and the classifier's own best guess before fallback."""

    final: str
    top: str


Predictor = Callable[[Sequence[str]], List[Prediction]]


def _top_guess(parsed: Dict) -> str:
    for entry in parsed.get("intent_ranking") or [parsed["intent"]]:
        if entry["name"] != FALLBACK_INTENT:
            return entry["name"]
    return FALLBACK_INTENT


async def _predict(model: str, texts: Sequence[str]) -> List[Prediction]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    predictions = []
    for text in texts:
        parsed = await agent.parse_message(text)
        predictions.append(Prediction(parsed["intent"]["name"], _top_guess(parsed)))
    return predictions


def rasa_predictor(model: str) -> Predictor:
    """Predictions (after fallback and any overrides) of a trained Rasa model."""
    return lambda texts: asyncio.run(_predict(model, texts))


def train_rasa_init_baseline(out_dir: str) -> Predictor:
    """Trains the stock ``rasa init`` pipeline on the project's NLU data."""
    from rasa.model_training import train_nlu

    model = train_nlu(
        RASA_INIT_CONFIG,
        TRAINING_DATA,
        out_dir,
        fixed_model_name="rasa-init-baseline",
        domain="domain",
    )
    if model is None:
        raise RuntimeError("training the rasa init baseline failed")
    return rasa_predictor(model)


def train_nearest_neighbour_baseline(out_dir: str) -> Predictor:
    """Tunes (on a training split) and fits the TF-IDF nearest-neighbour baseline."""
    from tools.baselines.nearest_neighbour import NearestNeighbourClassifier, tune

    examples = load_examples(TRAINING_DATA)
    texts, intents = [t for t, _ in examples], [i for _, i in examples]
    settings = tune(texts, intents)
    print(f"nearest neighbour: k={settings.k}, threshold={settings.threshold}")
    model = NearestNeighbourClassifier(settings).fit(texts, intents)
    return lambda queries: [
        Prediction(final, guess) for final, guess in model.predict_with_guess(queries)
    ]


BASELINES: Dict[str, Callable[[str], Predictor]] = {
    "rasa_init": train_rasa_init_baseline,
    "tfidf_knn": train_nearest_neighbour_baseline,
}


def answer_intents() -> List[str]:
    """Intents that get a knowledge-base answer."""
    from bot import knowledge

    return list(knowledge.load().answer_intents())


@dataclass(frozen=True)
class HeldOut:
    """The held-out examples and the intents answered with a topic, read once."""

    examples: List[Tuple[str, str]]
    answer_intents: List[str]

    @classmethod
    def load(cls, data: str) -> "HeldOut":
        """Reads the held-out file and the knowledge base."""
        return cls(load_examples(data), answer_intents())


def evaluate(predictor: Predictor, held_out: HeldOut) -> Report:
    """Scores a predictor on the held-out examples."""
    texts = [t for t, _ in held_out.examples]
    predictions = predictor(texts)
    return score(
        [g for _, g in held_out.examples],
        [p.final for p in predictions],
        texts,
        held_out.answer_intents,
        top_guesses=[p.top for p in predictions],
    )


def evaluate_baselines(
    names: Sequence[str], held_out: HeldOut
) -> Dict[str, Tuple[Report, float]]:
    """Trains the named baselines from scratch and scores them; with training time."""
    results = {}
    with tempfile.TemporaryDirectory(prefix="eval-baselines-") as scratch:
        for name in names:
            started = time.perf_counter()
            predictor = BASELINES[name](scratch)
            seconds = time.perf_counter() - started
            print(f"{name}: trained in {seconds:.0f} s")
            results[name] = (evaluate(predictor, held_out), seconds)
    return results


def quality_failures(
    project: Report, baselines: Dict[str, Report], min_accuracy: float
) -> List[str]:
    """Why the project model does not meet its bars (empty when it does)."""
    failures = []
    if project.accuracy < min_accuracy:
        failures.append(f"accuracy {project.accuracy:.1%} < {min_accuracy:.0%}")
    if project.missed_emergencies:
        failures.append(f"{len(project.missed_emergencies)} emergency examples missed")
    for name, baseline in baselines.items():
        if baseline.accuracy >= project.accuracy:
            failures.append(f"{name} baseline matches or beats the accuracy")
        if baseline.out_of_scope_rejection >= project.out_of_scope_rejection:
            failures.append(f"{name} baseline matches or beats out-of-scope rejection")
    return failures


def _write(path: Path, content: Dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2), encoding="utf-8")
    print(f"written to {path}")


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the evaluation; returns 1 if a quality bar is not met."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--out", default="results")
    parser.add_argument("--min-accuracy", type=float, default=0.90)
    parser.add_argument(
        "--baselines",
        nargs="*",
        choices=list(BASELINES),
        default=list(BASELINES),
        help="baselines to train and compare with (none: the project model only)",
    )
    args = parser.parse_args(argv)
    quiet_rasa_logs()
    out = Path(args.out)

    held_out = HeldOut.load(args.data)
    project = evaluate(rasa_predictor(args.model), held_out)
    print(format_report(PROJECT, project))
    _write(out / "nlu_eval.json", project.as_dict())

    baselines: Dict[str, Report] = {}
    if args.baselines:
        trained = evaluate_baselines(args.baselines, held_out)
        baselines = {name: report for name, (report, _) in trained.items()}
        reports = {PROJECT: project, **baselines}
        print("\n" + format_comparison(reports))
        _write(
            out / "nlu_comparison.json",
            {
                "held_out": args.data,
                "training_data": TRAINING_DATA,
                "training_seconds": {n: round(s, 1) for n, (_, s) in trained.items()},
                "systems": {name: r.as_dict() for name, r in reports.items()},
            },
        )

    failures = quality_failures(project, baselines, args.min_accuracy)
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
