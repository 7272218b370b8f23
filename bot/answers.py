"""Turns a question (intent, terms, context) into the reply to send.

Pure functions over the knowledge base: the Rasa actions read the tracker,
call these, and utter what they return.
"""

import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Sequence

from bot.knowledge import KnowledgeBase, Target, Topic

TELL_MORE_PAYLOAD = "/tell_more"

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
    return Resolved(topic=topic, focus=focus, notice=notice)


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


def detail(kb: KnowledgeBase, topic_name: str | None) -> Reply:
    """The "tell me more" reply for the last topic.

    Args:
        kb: The knowledge base.
        topic_name: The topic answered last, if any.

    Returns:
        The topic's detail with its sources and follow-ups, or a prompt to
        pick a topic when there is no last topic.
    """
    topic = kb.topic(topic_name)
    if topic is None:
        return Reply(
            text=kb.ui["no_topic_yet"],
            buttons=topic_buttons(kb, ("procedure", "risks", "recovery")),
        )
    text = topic.detail or kb.ui["no_detail"]
    parts = [text, sources_line(kb, topic.sources)] if topic.detail else [text]
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
