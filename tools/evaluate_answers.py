"""Whether replies answer the point asked, scored end to end over REST.

Starts the real servers (free ports, their own databases) and sends every
question of ``tests/answers/patient_questions.yml`` in a new conversation.
The set holds real patients' questions gathered from public hospital FAQ
pages, leaflets and forums (origin noted per question), labelled by reading
the four sources only: ``covered`` with the source sentences that answer the
point asked, or ``not_covered``. It is never used to train or tune anything.

A reply is read as:
- the emergency message (its headline);
- an honest "the sources don't cover this" (the knowledge base's not-covered
  line or the out-of-scope response);
- a fact (its text is in the reply), or a topic's overview, focus or detail;
- anything else (a "did you mean", a booking offer, a greeting alone).

A covered question is answered with the right fact when the fact's source
sentences overlap the labelled ones, and with the right topic when the topic
shown (or the shown fact's topic) is one whose facts overlap them. A
not-covered question is answered honestly only by the not-covered reply: a
neighbouring paragraph presented as the answer is a failure. Writes
``results/answers_eval.json``; exits non-zero below the bars given.
"""

import argparse
import asyncio
import re
import sys
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Set, Tuple

import aiohttp
import yaml

from bot import knowledge
from bot.paths import PROJECT_ROOT
from tools.evaluate_red_flags import emergency_headline
from tools.rest_evaluation import (
    add_server_arguments,
    against_servers,
    exit_code,
    write_result,
)

DEFAULT_SET = "tests/answers/patient_questions.yml"
PARALLEL = 4
# two source passages are the same statement when they share this many words in a row
SHARED_RUN = 8

EMERGENCY, NOT_COVERED, FACT, TOPIC, OTHER = (
    "emergency",
    "not_covered",
    "fact",
    "topic",
    "other",
)


@dataclass(frozen=True)
class Question:
    """One labelled question."""

    text: str
    covered: bool
    quotes: Tuple[str, ...]
    style: str


def load_questions(path: str | Path) -> List[Question]:
    """The labelled questions of a set file."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [
        Question(
            text=q["text"],
            covered=q["label"] == "covered",
            quotes=tuple(q.get("answer_quotes") or ()),
            style=q.get("style", ""),
        )
        for q in raw["questions"]
    ]


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def same_statement(one: str, other: str) -> bool:
    """Whether two source passages state the same thing (one holds the other,
    or they share ``SHARED_RUN`` words in a row)."""
    a, b = _plain(one), _plain(other)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    words = a.split()
    runs = {
        " ".join(words[i : i + SHARED_RUN]) for i in range(len(words) - SHARED_RUN + 1)
    }
    return any(run in b for run in runs)


def not_covered_markers(kb: knowledge.KnowledgeBase) -> List[str]:
    """Opening words of the replies that say the sources don't cover a point."""
    responses = yaml.safe_load(
        (PROJECT_ROOT / "domain" / "core.yml").read_text(encoding="utf-8")
    )["responses"]
    markers = [responses["utter_out_of_scope"][0]["text"].split(",")[0]]
    for key in ("not_covered", "not_covered_exactly"):
        if kb.ui.get(key):
            markers.append(kb.ui[key].split("{")[0].strip())
    return markers


def read_reply(
    kb: knowledge.KnowledgeBase, text: str, headline: str
) -> Tuple[str, Set[str]]:
    """What a reply is, and the facts or topics it shows."""
    if headline in text:
        return EMERGENCY, set()
    if any(marker and marker in text for marker in not_covered_markers(kb)):
        return NOT_COVERED, set()
    facts = {f.id for f in kb.facts.values() if f.text in text}
    if facts:
        return FACT, facts
    topics = {
        t.name
        for t in kb.topics.values()
        if t.answer in text
        or (t.detail and t.detail in text)
        or any(f.text in text for f in t.focus.values())
    }
    return (TOPIC, topics) if topics else (OTHER, set())


def answering_facts(kb: knowledge.KnowledgeBase, quotes: Sequence[str]) -> Set[str]:
    """The facts whose source sentences state one of ``quotes``."""
    return {
        f.id
        for f in kb.facts.values()
        if any(same_statement(q.text, label) for q in f.quotes for label in quotes)
    }


def score(
    kb: knowledge.KnowledgeBase,
    questions: Sequence[Question],
    replies: Sequence[str],
    headline: str,
) -> Dict:
    """The figures and the failures, by label and style."""
    counts: Dict[str, Counter] = defaultdict(Counter)
    failures: List[Dict] = []
    for question, reply in zip(questions, replies, strict=True):
        kind, shown = read_reply(kb, reply, headline)
        label = "covered" if question.covered else "not_covered"
        tally = counts[label]
        tally["total"] += 1
        tally[f"reply_{kind}"] += 1
        counts[f"{label}/{question.style}"]["total"] += 1
        if question.covered:
            right = answering_facts(kb, question.quotes)
            right_topics = {kb.facts[f].topic for f in right}
            shown_topics = {kb.facts[f].topic for f in shown} if kind == FACT else shown
            good_fact = kind == FACT and bool(shown & right)
            good = good_fact or (
                kind in (FACT, TOPIC) and bool(shown_topics & right_topics)
            )
            tally["right_fact"] += good_fact
            tally["right"] += good
            tally["no_fact_for_label"] += not right
            counts[f"{label}/{question.style}"]["right"] += good
        else:
            good = kind == NOT_COVERED
            tally["right"] += good
            counts[f"{label}/{question.style}"]["right"] += good
        if not good:
            failures.append(
                {
                    "question": question.text,
                    "label": label,
                    "got": kind,
                    "shown": sorted(shown),
                    "reply": reply[:160],
                }
            )
    return {
        "counts": {k: dict(v) for k, v in sorted(counts.items())},
        "failures": failures,
    }


async def _ask(session: aiohttp.ClientSession, url: str, text: str) -> str:
    sender = f"answers-eval-{uuid.uuid4().hex}"
    async with session.post(url, json={"sender": sender, "message": text}) as response:
        response.raise_for_status()
        replies = await response.json()
    return "\n\n".join(r.get("text") or "" for r in replies)


async def ask_all(base_url: str, questions: Sequence[Question]) -> List[str]:
    """Each question's replies, joined, each in its own conversation."""
    url = f"{base_url}/webhooks/rest/webhook"
    limit = asyncio.Semaphore(PARALLEL)
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=60)
    ) as session:

        async def one(question: Question) -> str:
            async with limit:
                return await _ask(session, url, question.text)

        return list(await asyncio.gather(*(one(q) for q in questions)))


def _share(tally: Dict[str, int], key: str = "right") -> str:
    total = tally.get("total", 0)
    return (
        f"{tally.get(key, 0) / total:6.1%} ({tally.get(key, 0)}/{total})"
        if total
        else "-"
    )


def format_result(name: str, result: Dict) -> str:
    """The figures as a readable table."""
    counts = result["counts"]
    covered, uncovered = counts.get("covered", {}), counts.get("not_covered", {})
    lines = [
        f"answers on {name}:",
        f"  covered, right fact or topic   {_share(covered)}",
        f"  covered, right fact            {_share(covered, 'right_fact')}",
        f"  not covered, said so honestly  {_share(uncovered)}",
        "  replies to covered:     "
        + ", ".join(
            f"{k[6:]} {v}" for k, v in covered.items() if k.startswith("reply_")
        ),
        "  replies to not covered: "
        + ", ".join(
            f"{k[6:]} {v}" for k, v in uncovered.items() if k.startswith("reply_")
        ),
        "  covered questions whose label no fact states: "
        f"{covered.get('no_fact_for_label', 0)}",
        "  by label/style (right / total):",
    ]
    for key, tally in counts.items():
        if "/" in key:
            lines.append(f"    {key:28} {tally.get('right', 0)}/{tally['total']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the evaluation; returns 1 if a bar is not met."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", default=DEFAULT_SET, dest="questions")
    add_server_arguments(parser)
    parser.add_argument("--min-covered", type=float, default=0.0)
    parser.add_argument("--min-not-covered", type=float, default=0.0)
    args = parser.parse_args(argv)

    kb = knowledge.load()
    questions = load_questions(args.questions)
    replies = against_servers(
        args, lambda url: ask_all(url, questions), "answers-eval-"
    )
    result = score(kb, questions, replies, emergency_headline())
    print(format_result(args.questions, result))
    write_result(args, "answers_eval.json", {"set": args.questions, **result})
    counts = result["counts"]
    problems = []
    for label, bar in (
        ("covered", args.min_covered),
        ("not_covered", args.min_not_covered),
    ):
        tally = counts.get(label, {})
        share = tally.get("right", 0) / max(1, tally.get("total", 0))
        if share < bar:
            problems.append(f"{label}: {share:.1%} below {bar:.1%}")
    return exit_code(problems)


if __name__ == "__main__":
    sys.exit(main())
