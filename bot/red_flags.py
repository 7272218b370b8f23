"""Rule-based red-flag detector: is someone reporting a dangerous symptom now?

The statistical classifier can be unsure about a frightened, misspelt message;
these rules are the safety net. A symptom tagged by the entity ruler (new leg
weakness or numbness, loss of bladder or bowel control, chest pain,
breathlessness, fever, a red, swollen or bleeding wound, collapse) counts as a
*report* when the message ties it to a person or to the present ("my legs are
numb", "she can't breathe", "fever since yesterday"), and as a *general
question* when it is asked about in the abstract ("is numbness a possible
complication?", "can it cause chest pain?").
"""

import enum
import itertools
from dataclasses import dataclass
from typing import FrozenSet, List, Tuple

from spacy.tokens import Doc, Span, Token

from bot.domain_terms import PEOPLE

SYMPTOM_LABEL = "symptom"

# how far before a symptom a person word still counts as its subject
SUBJECT_WINDOW = 4

PERSON_WORDS: FrozenSet[str] = frozenset(PEOPLE) | {"'s", "myself", "herself"}

HYPOTHETICAL: FrozenSet[str] = frozenset(
    {
        "if",
        "whether",
        "will",
        "would",
        "could",
        "might",
        "may",
        "can",
        "possible",
        "possibly",
        "possibility",
        "risk",
        "risks",
        "chance",
        "chances",
        "complication",
        "complications",
        "side",
        "ever",
        "cause",
        "causes",
        "common",
        "usual",
        "likely",
        "happen",
        "happens",
        "expect",
        "does",
        "do",
        "get",
        "prevent",
        "avoid",
    }
)

PRESENT_TIME: FrozenSet[str] = frozenset(
    {
        "now",
        "today",
        "tonight",
        "yesterday",
        "since",
        "suddenly",
        "sudden",
        "started",
        "starting",
        "ago",
        "currently",
        "keeps",
        "anymore",
    }
)

PRESENT_PHRASES: FrozenSet[Tuple[str, str]] = frozenset(
    {
        ("right", "now"),
        ("this", "morning"),
        ("this", "afternoon"),
        ("this", "evening"),
        ("last", "night"),
        ("all", "night"),
    }
)

URGENT: FrozenSet[str] = frozenset(
    {"urgent", "urgently", "emergency", "ambulance", "999", "911", "112", "asap"}
)

# "help" alone asks what the assistant can do; with one of these it is a cry
# for help ("someone help me now", "help quickly please")
HELP_WORDS: FrozenSet[str] = frozenset({"help", "helpp", "heeelp"})
URGENCY_WORDS: FrozenSet[str] = (
    URGENT
    | PRESENT_TIME
    | {
        "someone",
        "somebody",
        "quick",
        "quickly",
        "immediately",
        "hurry",
    }
)

# a present-tense verb inside a symptom phrase: "the wound is red", "legs are weak"
PRESENT_STATE: FrozenSet[str] = frozenset(
    {"is", "are", "'s", "'re", "looks", "look", "seems", "feels", "feel", "has"}
    | {"have", "been", "gone", "went", "getting", "got"}
)

# how questions start; a sentence that is not a question is a statement
QUESTION_STARTS: FrozenSet[str] = frozenset(
    {"what", "how", "why", "when", "where", "who", "which", "is", "are", "am"}
    | {"can", "could", "will", "would", "does", "do", "did", "should", "may"}
    | {"might", "shall", "any", "whats", "what's", "hows"}
)

# a statement shorter than this ("numbness", "leg weakness") is a keyword query
MIN_STATEMENT_WORDS = 3

NEGATION: FrozenSet[str] = frozenset({"n't", "not", "cannot", "nt", "cant", "can't"})


class Kind(str, enum.Enum):
    """What a message says about red-flag symptoms."""

    NONE = "none"  # no red-flag symptom mentioned
    UNCLEAR = "unclear"  # a symptom, but neither clearly reported nor abstract
    GENERAL = "general"  # asked about in general: not an emergency
    REPORT = "report"  # happening to someone: an emergency


@dataclass(frozen=True)
class Verdict:
    """The detector's reading of one message."""

    kind: Kind
    symptoms: Tuple[str, ...] = ()

    @property
    def is_emergency(self) -> bool:
        """True when the message reports a red-flag symptom."""
        return self.kind is Kind.REPORT


def _subject_before(symptom: Span) -> bool:
    """A person word just before the symptom (or inside it) is its subject."""
    start = symptom.start
    for token in reversed(
        symptom.doc[max(symptom.sent.start, start - SUBJECT_WINDOW) : start]
    ):
        if token.is_punct:
            break
        if token.lower_ in PERSON_WORDS:
            return True
    return any(t.lower_ in PERSON_WORDS for t in symptom)


def _words(sentence: Span) -> List[Token]:
    return [t for t in sentence if not t.is_punct and not t.is_space]


def _is_question(sentence: Span) -> bool:
    words = _words(sentence)
    return any(t.text == "?" for t in sentence) or bool(
        words and words[0].lower_ in QUESTION_STARTS
    )


def _is_statement(sentence: Span) -> bool:
    """A declarative sentence of a few words, not a question or a hypothesis."""
    return (
        len(_words(sentence)) >= MIN_STATEMENT_WORDS
        and not _is_question(sentence)
        and not any(t.lower_ in HYPOTHETICAL for t in sentence)
    )


def _is_cry_for_help(sentence: Span) -> bool:
    """ "emergency!", "call an ambulance", "someone help me now" (no symptom)."""
    words = {t.lower_ for t in sentence}
    if not (words & URGENT or (words & HELP_WORDS and words & URGENCY_WORDS)):
        return False
    return len(_words(sentence)) <= 2 or _is_statement(sentence)


def _classify(symptom: Span, urgent: bool) -> Kind:
    sentence = symptom.sent
    before = symptom.doc[sentence.start : symptom.start]
    words = [t.lower_ for t in sentence]
    if (
        urgent
        or PRESENT_TIME.intersection(words)
        or PRESENT_PHRASES.intersection(itertools.pairwise(words))
    ):
        return Kind.REPORT
    hypothetical_before = any(t.lower_ in HYPOTHETICAL for t in before)
    # "can't breathe" / "cannot feel my legs" are reports even without "I"
    negated = symptom[0].lower_ in NEGATION
    stated = any(t.lower_ in PRESENT_STATE for t in symptom)
    if (negated or stated or _subject_before(symptom)) and not hypothetical_before:
        return Kind.REPORT
    if _is_statement(sentence):  # "breathless and dizzy after the operation"
        return Kind.REPORT
    if _is_question(sentence) or any(t.lower_ in HYPOTHETICAL for t in sentence):
        return Kind.GENERAL
    return Kind.UNCLEAR


def assess(doc: Doc) -> Verdict:
    """Reads ``doc`` (from ``DomainAnalyser.parse``) for red-flag symptoms.

    Args:
        doc: An analysed message with the entity ruler's ``symptom`` spans.

    Returns:
        ``REPORT`` if any symptom is reported as happening, else ``GENERAL`` if
        any is asked about in the abstract, else ``UNCLEAR`` if a symptom is
        only named, else ``NONE``.
    """
    symptoms = [ent for ent in doc.ents if ent.label_ == SYMPTOM_LABEL]
    urgent = any(t.lower_ in URGENT for t in doc)
    if not symptoms:
        if any(_is_cry_for_help(sentence) for sentence in doc.sents):
            return Verdict(Kind.REPORT)
        return Verdict(Kind.NONE)
    kinds = {_classify(span, urgent) for span in symptoms}
    names = tuple(dict.fromkeys(span.ent_id_ for span in symptoms))
    for kind in (Kind.REPORT, Kind.GENERAL, Kind.UNCLEAR):
        if kind in kinds:
            return Verdict(kind, names)
    return Verdict(Kind.NONE)  # pragma: no cover - kinds is never empty
