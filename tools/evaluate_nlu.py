"""``make eval``: evaluate the trained NLU model on the held-out set.

Prints accuracy, macro F1, per-intent F1, the worst confusions, emergency
recall, false-emergency rate and out-of-scope rejection; writes them to
``results/``; exits non-zero below the accuracy bar or on any missed
emergency.
"""

import argparse
import asyncio
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from tools.nlu_metrics import Report, format_report, score

DEFAULT_MODEL = "models/vertebroplasty.tar.gz"
DEFAULT_DATA = "tests/nlu/heldout.yml"
FALLBACK_INTENT = "nlu_fallback"


def quiet_rasa_logs() -> None:
    """Rasa's structured logs print every parsed message at debug level."""
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)


def load_examples(path: str) -> List[Tuple[str, str]]:
    """(text, intent) pairs of an NLU YAML file."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(path)
    return [(e.get("text"), e.get("intent")) for e in data.intent_examples]


@dataclass(frozen=True)
class Prediction:
    """The final intent and the classifier's own best guess before fallback."""

    final: str
    top: str
    confidence: float


def _top_guess(parsed: Dict) -> Tuple[str, float]:
    for entry in parsed.get("intent_ranking") or [parsed["intent"]]:
        if entry["name"] != FALLBACK_INTENT:
            return entry["name"], float(entry.get("confidence") or 0.0)
    return FALLBACK_INTENT, 0.0


async def _predict(model: str, texts: Sequence[str]) -> List[Prediction]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    predictions = []
    for text in texts:
        parsed = await agent.parse_message(text)
        predictions.append(Prediction(parsed["intent"]["name"], *_top_guess(parsed)))
    return predictions


def predict(model: str, texts: Sequence[str]) -> List[Prediction]:
    """Predictions (after fallback and red-flag override) of a Rasa model."""
    return asyncio.run(_predict(model, texts))


def answer_intents() -> List[str]:
    """Intents that get a knowledge-base answer."""
    from bot import knowledge

    return list(knowledge.load().answer_intents())


def evaluate(model: str, data: str) -> Report:
    """Scores ``model`` on the examples in ``data``."""
    examples = load_examples(data)
    texts = [t for t, _ in examples]
    predictions = predict(model, texts)
    return score(
        [g for _, g in examples],
        [p.final for p in predictions],
        texts,
        answer_intents(),
        top_guesses=[p.top for p in predictions],
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the evaluation; returns 1 if a quality bar is not met."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--out", default="results/nlu_eval.json")
    parser.add_argument("--min-accuracy", type=float, default=0.90)
    args = parser.parse_args(argv)
    quiet_rasa_logs()

    report = evaluate(args.model, args.data)
    print(format_report("project pipeline", report))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report.as_dict(), indent=2), encoding="utf-8")
    print(f"\nwritten to {out}")

    failures = []
    if report.accuracy < args.min_accuracy:
        failures.append(f"accuracy {report.accuracy:.1%} < {args.min_accuracy:.0%}")
    if report.missed_emergencies:
        failures.append(f"{len(report.missed_emergencies)} emergency examples missed")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
