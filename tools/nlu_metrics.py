"""Metrics for intent predictions: accuracy, F1, confusions, safety rates.

Pure functions over (gold, predicted) pairs, so they are tested without a
model and shared by every evaluated configuration.
"""

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Dict, List, Sequence, Tuple

EMERGENCY = "emergency"
OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class IntentScore:
    """Precision, recall and F1 of one intent."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Report:
    """Everything ``make eval`` prints for one model."""

    examples: int
    accuracy: float
    classifier_accuracy: float
    macro_f1: float
    emergency_recall: float
    false_emergency_rate: float
    out_of_scope_rejection: float
    fallback_rate: float
    per_intent: Dict[str, IntentScore]
    confusions: List[Tuple[str, str, int]]
    missed_emergencies: List[str]

    def as_dict(self) -> Dict:
        """JSON-ready form."""
        return asdict(self)


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def score(
    gold: Sequence[str],
    predicted: Sequence[str],
    texts: Sequence[str],
    answer_intents: Sequence[str],
    fallback_intent: str = "nlu_fallback",
    top_confusions: int = 10,
    top_guesses: Sequence[str] | None = None,
) -> Report:
    """Scores predicted intents against the gold labels.

    Args:
        gold: The true intent of each example.
        predicted: The final predicted intent (after fallback and overrides).
        texts: The example texts (to list missed emergencies).
        answer_intents: Intents answered with a topic; an out-of-scope example
            predicted as one of these was wrongly answered.
        fallback_intent: The intent meaning "not understood".
        top_confusions: How many (gold, predicted) confusions to keep.
        top_guesses: The classifier's best intent before the fallback
            threshold (defaults to ``predicted``).

    Returns:
        The report.
    """
    if not (len(gold) == len(predicted) == len(texts)):
        raise ValueError("gold, predicted and texts must have the same length")
    pairs = list(zip(gold, predicted, strict=True))
    per_intent = {}
    for intent in sorted(set(gold)):
        tp = sum(1 for g, p in pairs if g == intent and p == intent)
        fp = sum(1 for g, p in pairs if g != intent and p == intent)
        fn = sum(1 for g, p in pairs if g == intent and p != intent)
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        f1 = _ratio(2 * precision * recall, precision + recall) if tp else 0.0
        per_intent[intent] = IntentScore(precision, recall, f1, tp + fn)
    confusions = Counter((g, p) for g, p in pairs if g != p)
    answers = set(answer_intents)
    out_of_scope = [p for g, p in pairs if g == OUT_OF_SCOPE]
    not_emergency = [p for g, p in pairs if g != EMERGENCY]
    emergencies = [
        (t, p) for t, (g, p) in zip(texts, pairs, strict=True) if g == EMERGENCY
    ]
    return Report(
        examples=len(pairs),
        accuracy=_ratio(sum(1 for g, p in pairs if g == p), len(pairs)),
        classifier_accuracy=_ratio(
            sum(
                1 for g, t in zip(gold, top_guesses or predicted, strict=True) if g == t
            ),
            len(pairs),
        ),
        macro_f1=_ratio(sum(s.f1 for s in per_intent.values()), len(per_intent)),
        emergency_recall=_ratio(
            sum(1 for _, p in emergencies if p == EMERGENCY), len(emergencies)
        ),
        false_emergency_rate=_ratio(
            sum(1 for p in not_emergency if p == EMERGENCY), len(not_emergency)
        ),
        out_of_scope_rejection=_ratio(
            sum(1 for p in out_of_scope if p not in answers), len(out_of_scope)
        ),
        fallback_rate=_ratio(
            sum(1 for p in predicted if p == fallback_intent), len(pairs)
        ),
        per_intent=per_intent,
        confusions=[(g, p, n) for (g, p), n in confusions.most_common(top_confusions)],
        missed_emergencies=[t for t, p in emergencies if p != EMERGENCY],
    )


SUMMARY_ROWS = (
    ("accuracy", "accuracy", "{:.1%}"),
    ("  before fallback", "classifier_accuracy", "{:.1%}"),
    ("macro F1", "macro_f1", "{:.3f}"),
    ("emergency recall", "emergency_recall", "{:.1%}"),
    ("false-emergency rate", "false_emergency_rate", "{:.1%}"),
    ("out-of-scope rejection", "out_of_scope_rejection", "{:.1%}"),
    ("fallback rate", "fallback_rate", "{:.1%}"),
)


def _summary(label: str, attribute: str, fmt: str, report: Report) -> str:
    return f"{label:24}{fmt.format(getattr(report, attribute)):>7}"


def format_report(name: str, report: Report) -> str:
    """A plain-text table of one report."""
    lines = [
        f"== {name}: {report.examples} held-out examples",
        *(_summary(*row, report) for row in SUMMARY_ROWS),
        "",
        f"{'intent':22} {'prec':>6} {'recall':>6} {'F1':>6} {'n':>4}",
    ]
    for intent, s in report.per_intent.items():
        lines.append(
            f"{intent:22} {s.precision:6.2f} {s.recall:6.2f} {s.f1:6.2f} {s.support:4d}"
        )
    lines += ["", "worst confusions (gold -> predicted: count)"]
    lines += [f"  {g} -> {p}: {n}" for g, p, n in report.confusions] or ["  none"]
    if report.missed_emergencies:
        lines += ["", "MISSED EMERGENCIES:"] + [
            f"  {t}" for t in report.missed_emergencies
        ]
    return "\n".join(lines)


def format_comparison(reports: Dict[str, Report]) -> str:
    """Several models' reports side by side: summary rows, then per-intent F1."""
    names = list(reports)
    width = max(12, *(len(n) for n in names))
    first = next(iter(reports.values()))

    def row(label: str, cells: Sequence[str]) -> str:
        return f"{label:24}" + "".join(f" {c:>{width}}" for c in cells)

    lines = [
        f"== side by side: {first.examples} held-out examples",
        row("", names),
    ]
    for label, attribute, fmt in SUMMARY_ROWS:
        lines.append(
            row(label, [fmt.format(getattr(r, attribute)) for r in reports.values()])
        )
    lines += ["", row("per-intent F1", [""] * len(names))]
    for intent in first.per_intent:
        lines.append(
            row(
                f"  {intent}",
                [f"{r.per_intent[intent].f1:.2f}" for r in reports.values()],
            )
        )
    return "\n".join(lines)
