"""Chooses the emergency model's bars by cross-validation on the development set.

Every development message (``data/red_flags/development.yml``) gets an
out-of-fold probability: five folds, stratified by label; the model of each
fold learns from the NLU examples (``data/nlu``) and the other four folds, as
``EmergencyClassifier`` does in training. With the rules' reading of each
message, the tool prints recall and false alarms for the configured bars
(``RedFlagOverride`` defaults, ``config.yml`` overrides), then the bars, one
for each reading, with the fewest false alarms at ``--min-recall`` or more,
and the ROC AUC. Nothing here touches the measured set
(``tests/red_flags/eval.yml``).

    python -m tools.tune_emergency [--weight 30] [--c 4] [--min-recall 0.99]
        [--cache var/embeddings.npz] [--show]
"""

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np
import yaml
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from bot.emergency_model import EmergencyModel, EmergencyModelConfig, learning_set
from bot.language import DomainAnalyser
from bot.paths import PROJECT_ROOT
from bot.red_flag_sets import DEVELOPMENT_SET, Case, load_cases
from bot.red_flags import Kind, Verdict, assess
from bot.sentence_embeddings import CachedEmbeddings

FOLDS = 5
SEED = 42
# candidate bars for each reading of the rules, and margins for questions
BARS = [round(b, 2) for b in np.arange(0.02, 0.96, 0.01)]
MARGINS = [round(m, 2) for m in np.arange(-0.2, 0.21, 0.05)]


def pipeline_config(name: str) -> Dict[str, Any]:
    """The options ``config.yml`` gives the component ``name`` ends with."""
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text())
    for entry in config["pipeline"]:
        if entry["name"].endswith(name):
            return {k: v for k, v in entry.items() if k != "name"}
    return {}


def nlu_examples(intent: str) -> List[Tuple[str, bool]]:
    """The NLU training examples: text, and whether its intent is ``intent``."""
    from rasa.shared.nlu.training_data.loading import load_data

    from nlu_components.emergency_classifier import labelled_examples

    return labelled_examples(load_data(str(PROJECT_ROOT / "data" / "nlu")), intent)


def out_of_fold(
    cases: Sequence[Case],
    nlu: Sequence[Tuple[str, bool]],
    config: EmergencyModelConfig,
    weight: float,
    embed: CachedEmbeddings | None = None,
) -> np.ndarray:
    """P(emergency) for every case, from a model that did not learn it."""
    embed = embed or CachedEmbeddings()
    labels = np.array([c.is_emergency for c in cases])
    probabilities = np.zeros(len(cases))
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    for number, (train, test) in enumerate(folds.split(labels, labels), start=1):
        learning = learning_set(
            nlu, [(cases[i].text, cases[i].is_emergency) for i in train], weight
        )
        model = EmergencyModel(config, embed).fit_set(learning)
        probabilities[test] = model.probabilities([cases[i].text for i in test])
        print(f"fold {number}/{FOLDS} done", file=sys.stderr)
    return probabilities


def outcomes(
    cases: Sequence[Case],
    verdicts: Sequence[Verdict],
    probabilities: Sequence[float],
    config: Dict[str, Any],
    indices: Sequence[int],
) -> Tuple[List[Case], List[Case]]:
    """Of the cases at ``indices``: the missed emergencies, the false alarms."""
    from nlu_components.red_flags import is_emergency

    missed, alarms = [], []
    for i in indices:
        flagged = is_emergency(cases[i].text, verdicts[i], probabilities[i], config)
        if cases[i].is_emergency and not flagged:
            missed.append(cases[i])
        elif flagged and not cases[i].is_emergency:
            alarms.append(cases[i])
    return missed, alarms


def rates(
    cases: Sequence[Case],
    verdicts: Sequence[Verdict],
    probabilities: Sequence[float],
    config: Dict[str, Any],
) -> Tuple[float, float, List[Case], List[Case]]:
    """Recall, false-alarm rate, the missed emergencies, the false alarms."""
    missed, alarms = outcomes(cases, verdicts, probabilities, config, range(len(cases)))
    emergencies = sum(c.is_emergency for c in cases)
    return (
        1 - len(missed) / emergencies,
        len(alarms) / (len(cases) - emergencies),
        missed,
        alarms,
    )


def best_bars(
    cases: Sequence[Case],
    verdicts: Sequence[Verdict],
    probabilities: Sequence[float],
    config: Dict[str, Any],
    min_recall: float,
) -> Dict[str, float]:
    """The bars with the fewest false alarms at ``min_recall`` or more, one for
    each reading of the rules, at the config's question margin.

    The readings split the messages, so each reading's bar changes only its
    own messages' misses and alarms: a knapsack over readings, with the misses
    allowed as the budget. A reading no message has keeps its bar.
    """
    emergencies = sum(c.is_emergency for c in cases)
    budget = int(np.floor((1 - min_recall) * emergencies + 1e-9))
    # for each reading: (misses, alarms, bar) of every candidate bar
    options: Dict[str, List[Tuple[int, int, float]]] = {}
    for kind in Kind:
        members = [i for i, v in enumerate(verdicts) if v.kind == kind]
        options[kind.value] = []
        for bar in BARS if members else [config["model_above"][kind.value]]:
            trial = {
                **config,
                "model_above": {**config["model_above"], kind.value: bar},
            }
            missed, alarms = outcomes(cases, verdicts, probabilities, trial, members)
            options[kind.value].append((len(missed), len(alarms), bar))
    # best[m] = (alarms, bars) using at most m misses over the readings so far
    best: List[Tuple[float, Dict[str, float]]] = [(0, {})] * (budget + 1)
    for kind, choices in options.items():
        new: List[Tuple[float, Dict[str, float]]] = [(np.inf, {})] * (budget + 1)
        for allowed in range(budget + 1):
            for misses, alarms, bar in choices:
                if misses > allowed or best[allowed - misses][0] == np.inf:
                    continue
                total = best[allowed - misses][0] + alarms
                # ties: the lower bar (fewer misses on new wordings)
                if total < new[allowed][0] or (
                    total == new[allowed][0] and bar < new[allowed][1].get(kind, 1)
                ):
                    new[allowed] = (total, {**best[allowed - misses][1], kind: bar})
        best = new
    return best[budget][1]


def best_decision(
    cases: Sequence[Case],
    verdicts: Sequence[Verdict],
    probabilities: Sequence[float],
    config: Dict[str, Any],
    min_recall: float,
) -> Dict[str, Any]:
    """``config`` with the question margin and the bars that give the fewest
    false alarms at ``min_recall`` or more (ties: the smaller margin)."""
    chosen: Tuple[int, Dict[str, Any]] | None = None
    for margin in MARGINS:
        trial = {**config, "question_margin": margin}
        trial["model_above"] = best_bars(
            cases, verdicts, probabilities, trial, min_recall
        )
        _, alarms = outcomes(cases, verdicts, probabilities, trial, range(len(cases)))
        if chosen is None or len(alarms) < chosen[0]:
            chosen = (len(alarms), trial)
    assert chosen is not None
    return chosen[1]


def bars_of(config: Dict[str, Any]) -> Dict[str, Any]:
    """The bars and the question margin of a ``RedFlagOverride`` config."""
    return {key: config[key] for key in ("model_above", "question_margin")}


def report(name: str, result: Tuple[float, float, List[Case], List[Case]]) -> None:
    """Prints recall and false alarms."""
    recall, false_alarms, missed, alarms = result
    print(
        f"{name}: recall {recall:.1%} ({len(missed)} missed), "
        f"false alarms {false_alarms:.1%} ({len(alarms)})"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Cross-validates and prints the figures and the best bars."""
    from nlu_components.emergency_classifier import EmergencyClassifier
    from nlu_components.red_flags import RedFlagOverride

    classifier = {
        **EmergencyClassifier.get_default_config(),
        **pipeline_config("EmergencyClassifier"),
    }
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--weight", type=float, default=classifier["development_weight"]
    )
    parser.add_argument("--c", type=float, default=classifier["C"])
    parser.add_argument("--min-recall", type=float, default=0.99)
    parser.add_argument("--show", action="store_true", help="list misses and alarms")
    parser.add_argument(
        "--cache", type=Path, help="keep the embeddings in this file between runs"
    )
    args = parser.parse_args(argv)

    cases = load_cases(PROJECT_ROOT / DEVELOPMENT_SET)
    analyser = DomainAnalyser.load(PROJECT_ROOT / pipeline_config("SpacyNLP")["model"])
    verdicts = [assess(analyser.parse(c.text)) for c in cases]
    model_config = dataclasses.replace(EmergencyModelConfig(), c=args.c)
    probabilities = out_of_fold(
        cases,
        nlu_examples(classifier["intent"]),
        model_config,
        args.weight,
        CachedEmbeddings(args.cache),
    )
    labels = [c.is_emergency for c in cases]
    print(
        f"{len(cases)} development messages, weight {args.weight}, C {args.c}: "
        f"ROC AUC {roc_auc_score(labels, probabilities):.4f}"
    )
    decision = {
        **RedFlagOverride.get_default_config(),
        **pipeline_config("RedFlagOverride"),
    }
    configured = rates(cases, verdicts, probabilities, decision)
    report(f"configured bars {bars_of(decision)}", configured)
    tuned = best_decision(cases, verdicts, probabilities, decision, args.min_recall)
    found = rates(cases, verdicts, probabilities, tuned)
    report(f"best at recall >= {args.min_recall:.1%} {bars_of(tuned)}", found)
    if args.show:
        for title, listed in (("missed", found[2]), ("false alarms", found[3])):
            print(f"\n{title}:")
            for case in listed:
                print(f"  [{case.category}] {case.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
