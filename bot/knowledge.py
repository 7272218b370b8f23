"""The curated knowledge base: loading, validation and lookup by intent.

The file (``data/knowledge/vertebroplasty.yml``) holds every answer the
assistant gives about the procedure; see its header for the format.
"""

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Mapping, Tuple, Union

import yaml

from bot.paths import KNOWLEDGE_FILE

INTENT_PREFIX = "ask_"

# The topic names are a contract: intent `ask_<topic>` is answered by topic.
REQUIRED_TOPICS: Tuple[str, ...] = (
    "what_is",
    "purpose",
    "candidacy",
    "fractures",
    "procedure",
    "imaging",
    "access_route",
    "anesthesia",
    "duration",
    "levels",
    "cement",
    "biopsy",
    "specialist",
    "risks",
    "new_fractures",
    "benefits",
    "pain_relief",
    "recovery",
    "hospital_stay",
    "alternatives",
    "preparation",
)

REQUIRED_UI = (
    "sources_label",
    "more_button",
    "all_about_button",
    "something_else_button",
    "numbered_options_intro",
    "no_detail",
    "not_covered",
    "not_covered_exactly",
    "nearest_point",
    "ask_the_clinic_button",
    "sources_differ",
    "no_topic_yet",
    "personal_advice",
    "safety_net",
    "severe_pain",
    "message_too_long",
    "message_not_text",
    "no_reply",
    "conversation_not_saved",
    "session_unknown",
    "message_unreadable",
)


class KnowledgeError(ValueError):
    """The knowledge file is missing or malformed."""


@dataclass(frozen=True)
class Source:
    """One source document."""

    file: str
    name: str
    title: str


@dataclass(frozen=True)
class Focus:
    """What to say first when the user names a specific term."""

    text: str
    sources: Tuple[str, ...]


@dataclass(frozen=True)
class Target:
    """A topic to answer, optionally focused on one term."""

    topic: str
    focus: str | None = None


@dataclass(frozen=True)
class Quote:
    """A source sentence, verbatim, and the file it is in."""

    text: str
    source: str


@dataclass(frozen=True)
class Fact:
    """One point of the sources, in plain words, with the sentence it rests on."""

    id: str
    topic: str
    text: str
    quotes: Tuple[Quote, ...]  # the first is the main one
    questions: Tuple[str, ...]
    conflicts_with: str | None = None

    @property
    def sources(self) -> Tuple[str, ...]:
        """The files its quotes come from, main one first."""
        return tuple(dict.fromkeys(q.source for q in self.quotes))


@dataclass(frozen=True)
class Topic:
    """One answerable topic."""

    name: str
    title: str
    answer: str
    sources: Tuple[str, ...]
    follow_ups: Tuple[str, ...]
    detail: str | None = None
    focus: Mapping[str, Focus] = field(default_factory=dict)
    in_context: Mapping[str, Target] = field(default_factory=dict)

    @property
    def intent(self) -> str:
        """The intent that asks about this topic."""
        return INTENT_PREFIX + self.name


@dataclass(frozen=True)
class Alias:
    """An intent answered from a topic, with an added notice."""

    topic: str
    notice: str | None = None


@dataclass(frozen=True)
class KnowledgeBase:
    """All topics, their sources and the wording around answers."""

    sources: Mapping[str, Source]
    topics: Mapping[str, Topic]
    aliases: Mapping[str, Alias]
    ui: Mapping[str, str]
    facts: Mapping[str, Fact] = field(default_factory=dict)

    def topic(self, name: str | None) -> Topic | None:
        """The topic called ``name``, or None."""
        return self.topics.get(name) if name else None

    def for_intent(self, intent: str | None) -> Tuple[Topic, str | None] | None:
        """The topic that answers ``intent`` and the notice to add, if any.

        Args:
            intent: An intent name such as ``ask_risks`` or ``ask_suitability``.

        Returns:
            ``(topic, notice_text)`` or None when the intent is not a question
            the knowledge base answers.
        """
        if not intent:
            return None
        alias = self.aliases.get(intent)
        if alias:
            notice = self.ui[alias.notice] if alias.notice else None
            return self.topics[alias.topic], notice
        if intent.startswith(INTENT_PREFIX):
            topic = self.topics.get(intent[len(INTENT_PREFIX) :])
            if topic:
                return topic, None
        return None

    def facts_of(self, topic: str) -> Tuple[Fact, ...]:
        """The facts of one topic, in file order."""
        return tuple(f for f in self.facts.values() if f.topic == topic)

    def answer_intents(self) -> Tuple[str, ...]:
        """Every intent the knowledge base answers."""
        return tuple(t.intent for t in self.topics.values()) + tuple(self.aliases)


def _require(mapping: Mapping[str, Any], key: str, where: str) -> Any:
    value = mapping.get(key)
    if value in (None, "", [], {}):
        raise KnowledgeError(f"{where}: '{key}' is missing or empty")
    return value


def _target(value: Union[str, Mapping[str, str]], where: str) -> Target:
    if isinstance(value, str):
        return Target(topic=value)
    return Target(topic=_require(value, "topic", where), focus=value.get("focus"))


def _topic(name: str, raw: Mapping[str, Any]) -> Topic:
    where = f"topic '{name}'"
    return Topic(
        name=name,
        title=_require(raw, "title", where),
        answer=" ".join(_require(raw, "answer", where).split()),
        detail=" ".join(raw["detail"].split()) if raw.get("detail") else None,
        sources=tuple(_require(raw, "sources", where)),
        follow_ups=tuple(_require(raw, "follow_ups", where)),
        focus={
            key: Focus(
                text=" ".join(_require(f, "text", f"{where} focus '{key}'").split()),
                sources=tuple(_require(f, "sources", f"{where} focus '{key}'")),
            )
            for key, f in (raw.get("focus") or {}).items()
        },
        in_context={
            intent: _target(value, f"{where} in_context '{intent}'")
            for intent, value in (raw.get("in_context") or {}).items()
        },
    )


def _fact(raw: Mapping[str, Any]) -> Fact:
    fact_id = _require(raw, "id", "a fact")
    where = f"fact '{fact_id}'"
    main = Quote(
        text=_require(raw, "quote", where), source=_require(raw, "source", where)
    )
    also = tuple(
        Quote(text=_require(q, "quote", where), source=_require(q, "source", where))
        for q in raw.get("also") or ()
    )
    return Fact(
        id=fact_id,
        topic=_require(raw, "topic", where),
        text=" ".join(_require(raw, "text", where).split()),
        quotes=(main, *also),
        questions=tuple(_require(raw, "questions", where)),
        conflicts_with=raw.get("conflicts_with"),
    )


def _facts(raw: Any) -> Dict[str, Fact]:
    facts: Dict[str, Fact] = {}
    for item in raw or ():
        fact = _fact(item)
        if fact.id in facts:
            raise KnowledgeError(f"fact '{fact.id}' is defined twice")
        facts[fact.id] = fact
    return facts


def _check_facts(kb: KnowledgeBase) -> None:
    for fact in kb.facts.values():
        if fact.topic not in kb.topics:
            raise KnowledgeError(f"fact '{fact.id}' has unknown topic '{fact.topic}'")
        unknown = set(fact.sources) - set(kb.sources)
        if unknown:
            raise KnowledgeError(f"fact '{fact.id}' cites unknown {unknown}")
        if fact.conflicts_with and fact.conflicts_with not in kb.facts:
            raise KnowledgeError(
                f"fact '{fact.id}' conflicts with unknown '{fact.conflicts_with}'"
            )


def _check_references(kb: KnowledgeBase) -> None:
    missing = [t for t in REQUIRED_TOPICS if t not in kb.topics]
    if missing:
        raise KnowledgeError(f"required topics missing: {', '.join(missing)}")
    missing_ui = [k for k in REQUIRED_UI if not kb.ui.get(k)]
    if missing_ui:
        raise KnowledgeError(f"ui texts missing: {', '.join(missing_ui)}")
    for topic in kb.topics.values():
        cited = set(topic.sources).union(*(f.sources for f in topic.focus.values()))
        unknown = cited - set(kb.sources)
        if unknown:
            raise KnowledgeError(f"topic '{topic.name}' cites unknown {unknown}")
        targets = list(topic.follow_ups) + [t.topic for t in topic.in_context.values()]
        for other in targets:
            if other not in kb.topics:
                raise KnowledgeError(f"topic '{topic.name}' refers to '{other}'")
        for target in topic.in_context.values():
            if target.focus and target.focus not in kb.topics[target.topic].focus:
                raise KnowledgeError(
                    f"topic '{topic.name}' refers to focus '{target.focus}' "
                    f"that topic '{target.topic}' does not have"
                )
    for intent, alias in kb.aliases.items():
        if alias.topic not in kb.topics or (alias.notice and alias.notice not in kb.ui):
            raise KnowledgeError(f"alias '{intent}' refers to unknown topic or text")


def parse(raw: Mapping[str, Any]) -> KnowledgeBase:
    """Builds and validates a knowledge base from the file's parsed YAML.

    Raises:
        KnowledgeError: if a section, field or reference is missing or wrong.
    """
    if not isinstance(raw, Mapping):
        raise KnowledgeError("the knowledge file must hold a mapping")
    kb = KnowledgeBase(
        sources={
            file: Source(
                file=file,
                name=_require(s, "name", f"source '{file}'"),
                title=_require(s, "title", f"source '{file}'"),
            )
            for file, s in _require(raw, "sources", "file").items()
        },
        topics={
            name: _topic(name, t) for name, t in _require(raw, "topics", "file").items()
        },
        aliases={
            intent: Alias(topic=a["topic"], notice=a.get("notice"))
            for intent, a in (raw.get("aliases") or {}).items()
        },
        facts=_facts(raw.get("facts")),
        ui={
            k: " ".join(str(v).split()) for k, v in _require(raw, "ui", "file").items()
        },
    )
    _check_references(kb)
    _check_facts(kb)
    return kb


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, mtime: float) -> KnowledgeBase:
    with open(path, encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle))


def load(path: Union[str, Path] | None = None) -> KnowledgeBase:
    """Loads the knowledge base, re-reading the file only when it changed.

    Args:
        path: The knowledge file; defaults to ``$KNOWLEDGE_FILE`` or the
            project's ``data/knowledge/vertebroplasty.yml``.

    Raises:
        KnowledgeError: if the file is missing or malformed.
    """
    path = Path(path or os.environ.get("KNOWLEDGE_FILE") or KNOWLEDGE_FILE)
    try:
        mtime = path.stat().st_mtime
    except OSError as error:
        raise KnowledgeError(f"knowledge file not found: {path}") from error
    return _load_cached(str(path), mtime)
