"""Turns a question (intent, terms, context) into the reply to send.

Pure functions over the knowledge base: the Rasa actions read the tracker,
call these, and utter what they return.
"""

import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Sequence, Tuple

from bot import fact_selection
from bot.knowledge import Fact, KnowledgeBase, Target, Topic

TELL_MORE_PAYLOAD = "/tell_more"
# a message the NLU could not place is called "not covered" only from this
# many words: "after wards?" is more likely a typo than a question
MIN_WORDS_TO_REFUSE = 3
# the clinic's staff answer what the sources don't
ASK_THE_CLINIC_PAYLOAD = "/request_human"

# "that"/"it" in a short follow-up refers to the last topic
DEICTIC_WORDS = frozenset({"that", "it", "this", "those", "these", "them"})
MAX_FOLLOW_UP_WORDS = 8


@dataclass(frozen=True)
class Reply:
    """One message: text and optional buttons."""

    text: str
    buttons: List[Dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Question:
    """What the user asked, as far as the answer needs to know."""

    intent: str
    text: str = ""
    terms: Sequence[str] = ()  # canonical values of domain terms, in order
    last_topic: str | None = None


@dataclass(frozen=True)
class Resolved:
    """Which topic answers a question, and how."""

    topic: Topic
    focus: str | None = None
    notice: str | None = None
    # set when the question was taken in the context of the last topic
    in_context: bool = False


def _is_follow_up(text: str) -> bool:
    words = re.findall(r"[a-z']+", text.lower())
    return 0 < len(words) <= MAX_FOLLOW_UP_WORDS and bool(DEICTIC_WORDS & set(words))


def resolve(kb: KnowledgeBase, question: Question) -> Resolved | None:
    """Finds the topic (and focus) that answers ``question``.

    A short follow-up that points back ("how long does that take?") is answered
    in the context of the last topic when that topic says how; a term the user
    named ("risk of infection") becomes the focus when the topic covers it.

    Args:
        kb: The knowledge base.
        question: The parsed question.

    Returns:
        The resolution, or None if the intent is not a knowledge question.
    """
    found = kb.for_intent(question.intent)
    if found is None:
        return None
    topic, notice = found
    target: Target | None = None
    last = kb.topic(question.last_topic)
    if last and _is_follow_up(question.text):
        target = last.in_context.get(question.intent)
    if target:
        topic = kb.topics[target.topic]
    focus = target.focus if target else None
    if focus is None:
        focus = next((term for term in question.terms if term in topic.focus), None)
    return Resolved(topic=topic, focus=focus, notice=notice, in_context=bool(target))


def sources_line(kb: KnowledgeBase, files: Iterable[str]) -> str:
    """'Sources: patient guide; overview' for the given source files."""
    names = [kb.sources[f].name for f in dict.fromkeys(files)]
    return f"{kb.ui['sources_label']}: {'; '.join(names)}"


def topic_buttons(kb: KnowledgeBase, names: Iterable[str]) -> List[Dict[str, str]]:
    """Buttons that ask about each named topic."""
    return [
        {"title": kb.topics[n].title, "payload": "/" + kb.topics[n].intent}
        for n in names
    ]


def _more_button(kb: KnowledgeBase) -> Dict[str, str]:
    return {"title": kb.ui["more_button"], "payload": TELL_MORE_PAYLOAD}


def answer(
    kb: KnowledgeBase,
    resolved: Resolved,
    extra: str | None = None,
    first: str | None = None,
) -> Reply:
    """The short answer for a resolved question.

    Args:
        kb: The knowledge base.
        resolved: Topic, focus and notice to answer with.
        extra: A further sentence to add at the end (e.g. a safety net).
        first: A sentence to say before the answer (e.g. about severe pain).

    Returns:
        Focus text (if any) or the short answer, the notice, the sources, and
        buttons: "tell me more" when there is more, then the follow-ups.
    """
    topic = resolved.topic
    focus = topic.focus.get(resolved.focus) if resolved.focus else None
    parts = [first] if first else []
    parts.append(focus.text if focus else topic.answer)
    parts += [p for p in (resolved.notice, extra) if p]
    parts.append(sources_line(kb, focus.sources if focus else topic.sources))
    buttons = []
    if focus:
        buttons.append(
            {"title": kb.ui["all_about_button"], "payload": "/" + topic.intent}
        )
    elif topic.detail:
        buttons.append(_more_button(kb))
    buttons += topic_buttons(kb, topic.follow_ups)
    return Reply(text="\n\n".join(parts), buttons=buttons)


def detail(
    kb: KnowledgeBase, topic_name: str | None, already_told: bool = False
) -> Reply:
    """The "tell me more" reply for the last topic.

    Args:
        kb: The knowledge base.
        topic_name: The topic answered last, if any.
        already_told: Whether its detail was the last thing said ("tell me
            more" twice).

    Returns:
        The topic's detail with its sources and follow-ups; when there is no
        more to say, that this is everything the sources say, with the
        neighbouring topics; a prompt to pick a topic when there is no last
        topic.
    """
    topic = kb.topic(topic_name)
    if topic is None:
        return Reply(
            text=kb.ui["no_topic_yet"],
            buttons=topic_buttons(kb, ("procedure", "risks", "recovery")),
        )
    more = topic.detail if not already_told else None
    text = more or kb.ui["no_detail"]
    parts = [text, sources_line(kb, topic.sources)] if more else [text]
    return Reply(text="\n\n".join(parts), buttons=topic_buttons(kb, topic.follow_ups))


def suggestions(
    kb: KnowledgeBase, ranking: Sequence[Dict], limit: int = 3
) -> List[str]:
    """Topics the NLU thought likely, best first, for a "did you mean" prompt.

    Args:
        kb: The knowledge base.
        ranking: The NLU intent ranking (dicts with ``name``).
        limit: How many topics at most.

    Returns:
        Distinct topic names.
    """
    names: List[str] = []
    for entry in ranking:
        found = kb.for_intent(entry.get("name"))
        if found and found[0].name not in names:
            names.append(found[0].name)
        if len(names) == limit:
            break
    return names


def _all_about_button(kb: KnowledgeBase, topic: Topic) -> Dict[str, str]:
    return {"title": kb.ui["all_about_button"], "payload": "/" + topic.intent}


def fact_text(kb: KnowledgeBase, fact: Fact) -> Tuple[str, Tuple[str, ...]]:
    """A fact's text, with the other side where another source disagrees,
    and the files both rest on."""
    other = kb.facts.get(fact.conflicts_with) if fact.conflicts_with else None
    if other is None:
        return fact.text, fact.sources
    return (
        f"{fact.text} {kb.ui['sources_differ']} {other.text}",
        tuple(dict.fromkeys(fact.sources + other.sources)),
    )


def answer_fact(
    kb: KnowledgeBase,
    fact: Fact,
    notice: str | None = None,
    extra: str | None = None,
    first: str | None = None,
) -> Reply:
    """The reply that gives one fact: its text, its source, and the topic's
    overview one button away."""
    topic = kb.topics[fact.topic]
    text, files = fact_text(kb, fact)
    parts = [p for p in (first, text, notice, extra) if p]
    parts.append(sources_line(kb, files))
    buttons = [_all_about_button(kb, topic), *topic_buttons(kb, topic.follow_ups)]
    return Reply(text="\n\n".join(parts), buttons=buttons)


def not_covered(
    kb: KnowledgeBase,
    choice: "fact_selection.Choice",
    extra: str | None = None,
    first: str | None = None,
) -> Reply:
    """Says plainly that the sources don't cover the point asked, then what
    they say on the nearest point, as that, and offers the clinic."""
    if choice.unknown:
        quoted = [f"“{word}”" for word in choice.unknown]
        named = " or ".join(
            [", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted
        )
        opening = kb.ui["not_covered"].format(words=named)
    else:
        opening = kb.ui["not_covered_exactly"]
    parts = [p for p in (first, opening) if p]
    files: Tuple[str, ...] = ()
    if choice.nearest is not None:
        text, files = fact_text(kb, choice.nearest)
        parts.append(f"{kb.ui['nearest_point']} {text}")
    if extra:
        parts.append(extra)
    if files:
        parts.append(sources_line(kb, files))
    topic = choice.topic
    buttons = [
        _all_about_button(kb, topic),
        {"title": kb.ui["ask_the_clinic_button"], "payload": ASK_THE_CLINIC_PAYLOAD},
    ]
    return Reply(text="\n\n".join(parts), buttons=buttons)


def reply_for(
    kb: KnowledgeBase,
    question: Question,
    resolved: Resolved,
    extra: str | None = None,
    first: str | None = None,
) -> Reply:
    """The reply to a knowledge question: the fact that answers the point
    asked, the topic's overview for a broad question, or a plain "the sources
    don't cover that". A button's payload ("/ask_risks") and a follow-up
    taken in the context of the last topic get the topic's answer."""
    if question.text.startswith("/") or resolved.in_context:
        return answer(kb, resolved, extra=extra, first=first)
    choice = fact_selection.index_for(kb).choose(
        question.text, resolved.topic, question.terms
    )
    if choice.kind == fact_selection.FACT and choice.fact is not None:
        return answer_fact(kb, choice.fact, resolved.notice, extra=extra, first=first)
    if choice.kind in (fact_selection.NOT_COVERED, fact_selection.PARTIAL_ANSWER):
        return not_covered(kb, choice, extra=extra, first=first)
    return answer(kb, resolved, extra=extra, first=first)


def reply_when_unsure(
    kb: KnowledgeBase, text: str, topics: Sequence[str], terms: Sequence[str] = ()
) -> Tuple[Reply, str | None] | None:
    """For a message the NLU could not place: the fact that answers it, from
    the likeliest ``topics`` (best first) and their neighbours, or a plain
    "not covered" when every one of them lacks the words asked about; None
    when neither is clear (then "did you mean" asks).

    Returns:
        The reply and the topic answered (None for "not covered").
    """
    index = fact_selection.index_for(kb)
    choices = [index.choose(text, kb.topics[name], terms) for name in topics]
    for choice in choices:
        if choice.kind == fact_selection.FACT and choice.fact is not None:
            return answer_fact(kb, choice.fact), choice.fact.topic
    asked = len(fact_selection.words(text)) >= MIN_WORDS_TO_REFUSE
    if asked and choices and all(c.kind == fact_selection.NOT_COVERED for c in choices):
        return not_covered(kb, choices[0]), None
    return None
