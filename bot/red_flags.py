"""Rule-based red-flag detector: is someone reporting a dangerous symptom now?

The statistical classifier can be unsure about a frightened, misspelt message;
these rules decide what is an emergency. A symptom tagged by the entity ruler
(new leg weakness or numbness, loss of bladder or bowel control, not being
able to pass urine, chest pain, breathlessness, fever, a red, swollen or
bleeding wound, collapse, stroke signs; in English or Spanish) is read in its
sentence and clause, from dependency-free cues over words and lemmas:

- **report**: happening now, since the procedure or recently, to the writer or
  to someone they speak for ("my legs have gone numb since this morning",
  "she can't breathe", "he collapsed", "mi madre tiene fiebre");
- **not now**: in the past and over, before the fracture, for years, or denied
  ("I had a fever last week but I'm fine now", "no fever, no numbness");
- **general**: asked about in general or as a hypothesis ("can it cause
  numbness?", "what if I get a fever?").

Severe pain on its own ("the pain is unbearable") is not an emergency but
earns a safety line; with a red flag named it is one.
"""

import dataclasses
import enum
import itertools
import re
from dataclasses import dataclass
from typing import FrozenSet, Iterable, List, Sequence, Set, Tuple

from spacy.tokens import Doc, Span, Token

from bot.domain_terms import NOT_ALONE_AN_EMERGENCY, PEOPLE, PHRASES
from bot.symptom_words import CONCEPTS, FEVER_DEGREES, TEMPERATURE_WORDS, Concept

SYMPTOM_LABEL = "symptom"

# a year: "in 2019"
_YEAR = re.compile(r"^(19|20)\d\d$")

# how far before a symptom a person word still counts as its subject
SUBJECT_WINDOW = 4
# how far before a symptom a negation still applies to it ("doesn't have a")
NEGATION_WINDOW = 6

PERSON_WORDS: FrozenSet[str] = frozenset(PEOPLE) | {
    "'s",
    "myself",
    "herself",
    "himself",
    # Spanish
    "yo",
    "mi",
    "mis",
    "ella",
    "él",
    "el",
    "madre",
    "padre",
    "mamá",
    "papá",
    "marido",
    "esposo",
    "esposa",
    "mujer",
    "abuela",
    "abuelo",
    "hijo",
    "hija",
    "me",
    "le",
}

# words that make a sentence a question in general ("can it cause ...")
HYPOTHETICAL: FrozenSet[str] = frozenset(
    {"if", "whether", "will", "would", "could", "might", "may", "can"}
    | {"possible", "possibly", "possibility", "risk", "risks", "chance", "chances"}
    | {"complication", "complications", "side", "ever", "cause", "causes"}
    | {"common", "usual", "likely", "happen", "happens", "expect", "does", "do"}
    | {"get", "prevent", "avoid", "normal", "sign", "signs"}
    # Spanish
    | {"puede", "pueden", "podría", "causar", "provocar", "riesgo", "normal", "si"}
)

# a condition: beats even "now" ("what should I do if she has a fever now?")
CONDITIONAL: FrozenSet[str] = frozenset(
    {"if", "whether", "si", "unless", "suppose", "supposing", "imagine", "almost"}
    | {"nearly", "event", "unlikely", "hypothetically", "casi"}
)
CONDITIONAL_PHRASES: FrozenSet[Tuple[str, str]] = frozenset(
    {("in", "case"), ("what", "if"), ("en", "caso"), ("qué", "pasa"), ("que", "pasa")}
)

# asking whether a problem can wait is asking about one that is there now:
# "since the op I can't hold my wee, can that wait until my appointment?"
WAIT_WORDS: FrozenSet[str] = frozenset(
    {"wait", "waiting", "esperar", "aguantar", "aguanto", "aguantamos"}
)

# said as a joke: "I nearly died laughing lol"
JOKING: FrozenSet[str] = frozenset({"lol", "haha", "hahaha", "jaja", "jajaja", "lmao"})
# "can", "will" make a question general; in a statement ("I can hardly
# breathe") they do not
MODALS: FrozenSet[str] = frozenset(
    {"can", "could", "will", "would", "may", "might", "do", "does", "get"}
)

PRESENT_TIME: FrozenSet[str] = frozenset(
    {"now", "today", "tonight", "yesterday", "since", "suddenly", "sudden"}
    | {"started", "starting", "currently", "keeps", "anymore", "still", "worse"}
    | {"worsening"}
    # Spanish
    | {"ahora", "hoy", "ayer", "desde", "todavía", "todavia", "aún", "peor"}
    | {"anoche", "repente", "empezó", "empezado"}
)

PRESENT_PHRASES: FrozenSet[Tuple[str, str]] = frozenset(
    {
        ("right", "now"),
        ("this", "morning"),
        ("this", "afternoon"),
        ("this", "evening"),
        ("last", "night"),
        ("all", "night"),
        ("all", "day"),
        ("the", "moment"),  # "at the moment"
        ("esta", "mañana"),
        ("esta", "tarde"),
        ("esta", "noche"),
    }
)

# "2 hours ago", "in the last 20 minutes": recent; "years ago": not now
RECENT_UNITS: FrozenSet[str] = frozenset(
    {"minute", "minutes", "min", "mins", "hour", "hours", "hr", "hrs", "day", "days"}
    | {"minuto", "minutos", "hora", "horas", "día", "días", "dia", "dias"}
)
LONG_AGO_UNITS: FrozenSet[str] = frozenset(
    {"year", "years", "month", "months", "decade", "decades", "yrs", "ages"}
    | {"año", "años", "mes", "meses"}
)
PAST_WORDS: FrozenSet[str] = frozenset(
    {"previously", "once", "formerly", "childhood", "pasado", "pasada"}
)
PAST_PHRASES: FrozenSet[Tuple[str, str]] = frozenset(
    {
        ("last", "week"),
        ("last", "month"),
        ("last", "year"),
        ("last", "summer"),
        ("last", "winter"),
        ("the", "past"),
        ("used", "to"),
        ("a", "while"),
        ("long", "ago"),
        ("as", "a"),  # "as a child"
        ("before", "the"),  # "before the fracture / operation"
        ("before", "my"),
        ("before", "her"),
        ("before", "his"),
        ("for", "years"),
        ("last", "time"),
        ("for", "months"),
        ("antes", "de"),
        ("hace", "tiempo"),
        ("de", "niño"),
        ("de", "niña"),
    }
)
PAST_TENSE: FrozenSet[str] = frozenset(
    {"had", "was", "were", "did", "went", "used", "got", "stopped", "lasted"}
    | {"tuve", "tuvo", "tenía", "tenia", "fue", "estuvo", "estaba", "tuvimos"}
)
# "but I'm fine now": the symptom is over
RESOLVED_PHRASES: FrozenSet[Tuple[str, str]] = frozenset(
    {
        ("fine", "now"),
        ("ok", "now"),
        ("okay", "now"),
        ("better", "now"),
        ("well", "now"),
        ("good", "now"),
        ("normal", "now"),
        ("gone", "now"),
        ("went", "away"),
        ("gone", "away"),
        ("got", "better"),
        ("cleared", "up"),
        ("no", "longer"),
        ("not", "anymore"),
        ("estoy", "bien"),
        ("está", "bien"),
        ("esta", "bien"),
        ("ya", "pasó"),
        ("se", "pasó"),
        ("se", "fue"),
        ("me", "pasó"),
        ("le", "pasó"),
        ("n't", "come"),  # "hasn't come back"
        ("not", "come"),
        ("entonces", "nada"),
    }
)
RESOLVED_WORDS: FrozenSet[str] = frozenset(
    {"resolved", "recovered", "recovery", "settled", "disappeared", "healed"} | {"dry"}
)
UNCHANGED_WORDS: FrozenSet[str] = frozenset({"stable", "unchanged"})
# long-standing, unchanged: "nothing new", "same as always"
UNCHANGED_PHRASES: FrozenSet[Tuple[str, str]] = frozenset(
    {("nothing", "new"), ("not", "new"), ("no", "change"), ("as", "always")}
    | {("as", "usual"), ("than", "usual"), ("no", "worse")}
    | {("nothing", "'s"), ("nothing", "has")}  # "nothing's changed"
)
# long-standing, not new: "for years", "always had", "all my life"
CHRONIC_WORDS: FrozenSet[str] = frozenset({"always", "siempre", "chronic", "crónico"})
# "before I broke my back", "before the fracture": how things were before
BEFORE_WORDS: FrozenSet[str] = frozenset({"before", "antes"})
INJURY_OR_TREATMENT: FrozenSet[str] = frozenset(
    {"fracture", "fractured", "broke", "break", "broken", "fall", "fell", "injury"}
    | {"procedure", "operation", "op", "surgery", "vertebroplasty", "injection"}
    | {"fractura", "caída", "caida", "operación", "operacion", "cirugía"}
)
BEFORE_REACH = 4

URGENT: FrozenSet[str] = frozenset(
    {"urgent", "urgently", "emergency", "ambulance", "999", "911", "112", "asap"}
    | {"sos"}
    | {"emergencia", "urgencia", "urgencias", "urgente", "ambulancia", "socorro"}
)
# asking whether to call one is itself a sign that something is happening
CALL_FOR_HELP: FrozenSet[str] = frozenset(
    {"ambulance", "999", "911", "112", "paramedics", "ambulancia"}
)
# what/when/how questions about emergencies are questions, not cries for help
INFORMATION_QUESTIONS: FrozenSet[str] = frozenset(
    {"what", "when", "how", "which", "where", "why", "who", "whats", "what's"}
    | {"qué", "que", "cuál", "cuando", "cuándo", "cómo", "como"}
)

# "something is really wrong": an alarm without a named symptom
ALARM_PHRASES: FrozenSet[Tuple[str, str]] = frozenset(
    {("is", "wrong"), ("'s", "wrong"), ("s", "wrong"), ("very", "wrong")}
    | {("really", "wrong"), ("seriously", "wrong"), ("not", "right")}
)
HELP_WORDS: FrozenSet[str] = frozenset({"help", "helpp", "heeelp", "ayuda", "ayudenme"})
# with these, "help" is a cry even when put as a question ("can anyone help
# me quickly?"); "now" alone is not enough there ("can you help me now with a
# question")
PRESSING_WORDS: FrozenSet[str] = URGENT | {
    "quick",
    "quickly",
    "fast",
    "immediately",
    "hurry",
    "rápido",
    "rapido",
}
# "help" alone asks what the assistant can do; with one of these in a
# statement it is a cry for help ("someone help me now")
URGENCY_WORDS: FrozenSet[str] = (
    PRESSING_WORDS
    | PRESENT_TIME
    | {"someone", "somebody", "anyone", "anybody", "alguien", "favor"}
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
    | {"qué", "cómo", "cuándo", "cuál", "puede", "es", "hay"}
)

# a statement shorter than this ("numbness", "leg weakness") is a keyword query
MIN_STATEMENT_WORDS = 3
# "CHEST PAIN" is shouted; "OK" is not
MIN_SHOUTED_LETTERS = 6

NEGATION: FrozenSet[str] = frozenset(
    {"n't", "not", "cannot", "nt", "cant", "can't", "no", "never", "without"}
    | {"nor", "neither", "denies", "sin", "ni", "nunca"}
)
# "can't" / "couldn't" + a symptom verb is the symptom, not its denial
INABILITY: FrozenSet[str] = frozenset(
    {"ca", "can", "could", "cannot", "cant", "can't", "wo", "unable", "puede", "puedo"}
)
# Spanish puts the negation first: "no puede", "no consigo", "sin poder"
INABILITY_AFTER: FrozenSet[str] = frozenset(
    {"puede", "puedo", "pueden", "consigo", "consigue", "logro", "logra", "poder"}
    | {"siento", "siente", "sienten", "noto", "nota", "notan", "fuerza", "fuerzas"}
    # "no strength", "no feeling": having none is the symptom
    | {"strength", "feeling", "sensation", "power", "control", "movement"}
)
# words that make a symptom mild, asked about as a question: "a tiny spot of
# dried blood, is that normal?"
MILD: FrozenSet[str] = frozenset(
    {"tiny", "little", "slight", "slightly", "mild", "dried", "small", "bit"}
)
MONTHS: FrozenSet[str] = frozenset(
    {"january", "february", "march", "april", "june", "july", "august"}
    | {"september", "october", "november", "december"}
    | {"enero", "febrero", "marzo", "abril", "junio", "julio", "agosto"}
    | {"septiembre", "octubre", "noviembre", "diciembre"}
)
# what follows a symptom word that makes it something else: "heart attack
# risk", "collapsed vertebra", "emergency department"
GENERAL_AFTER: FrozenSet[str] = frozenset({"risk", "risks", "chance", "history"})
ANATOMY_AFTER: FrozenSet[str] = frozenset(
    {"vertebra", "vertebrae", "vertebral", "bone", "bones", "disc", "spine", "lung"}
    # the spine levels the domain terms know: "L2", "T12", "C5"
    | {
        phrase
        for phrases in PHRASES["spine_region"].values()
        for phrase in phrases
        if re.fullmatch(r"[ctl]\d+", phrase)
    }
)
SERVICE_AFTER: FrozenSet[str] = frozenset(
    {"department", "dept", "room", "number", "numbers", "services", "service"}
    | {"unit", "ward", "contact", "contacts", "procedure", "appointment", "transport"}
    | {"referral", "letter", "doctor", "team"}
)
# "call", "ring", "need" an ambulance: asking for one
CALL_VERBS: FrozenSet[str] = frozenset(
    {"call", "calling", "ring", "phone", "need", "needs", "get", "send", "want"}
    | {"llamar", "llamen", "llama", "llamo", "necesito", "necesitamos"}
)
MAX_BARE_CALL_WORDS = 3
# a clause ends at punctuation or at one of these
CLAUSE_BREAKS: FrozenSet[str] = frozenset(
    {"but", "although", "though", "however", "whereas", "and", "or", "so"}
    | {"pero", "aunque", "y", "o", "pues"}
)
# a denial reaches over these: "no dizzy spells or faints"
LIST_BREAKS: FrozenSet[str] = frozenset({"or", "o", "nor", "ni"})
# between "no" and a symptom, a subject means "no" was an interjection ("no
# he can't breathe"), not a denial of the symptom
SUBJECT_PRONOUNS: FrozenSet[str] = frozenset(
    {"i", "he", "she", "they", "we", "it", "you", "my", "his", "her", "our"}
)


class Kind(str, enum.Enum):
    """What a message says about red-flag symptoms."""

    NONE = "none"  # no red-flag symptom mentioned
    UNCLEAR = "unclear"  # a symptom, but neither clearly reported nor abstract
    GENERAL = "general"  # asked about in general or as a hypothesis
    NOT_NOW = "not_now"  # in the past and over, before the fracture, or denied
    SEVERE_PAIN = "severe_pain"  # severe pain now, no red flag named
    REPORT = "report"  # happening to someone: an emergency


# the kind of a message with several mentions: the first that occurs wins
PRECEDENCE = (Kind.REPORT, Kind.SEVERE_PAIN, Kind.NOT_NOW, Kind.GENERAL, Kind.UNCLEAR)


@dataclass(frozen=True)
class Verdict:
    """The detector's reading of one message."""

    kind: Kind
    symptoms: Tuple[str, ...] = ()
    # the message asks something ("is it normal to ...?")
    question: bool = False

    @property
    def is_emergency(self) -> bool:
        """True when the message reports a red-flag symptom."""
        return self.kind is Kind.REPORT


def _lowers(tokens: Iterable[Token]) -> List[str]:
    return [t.lower_ for t in tokens]


def _pairs(words: Sequence[str]) -> Set[Tuple[str, str]]:
    return set(itertools.pairwise(words))


def _words(sentence: Span) -> List[Token]:
    return [t for t in sentence if not t.is_punct and not t.is_space]


def _is_break(token: Token) -> bool:
    return token.is_punct or token.lower_ in CLAUSE_BREAKS


def _clause(symptom: Span) -> Span:
    """The symptom's clause: its sentence between punctuation and conjunctions."""
    sentence = symptom.sent
    start = symptom.start
    while start > sentence.start and not _is_break(symptom.doc[start - 1]):
        start -= 1
    end = symptom.end
    while end < sentence.end and not _is_break(symptom.doc[end]):
        end += 1
    return symptom.doc[start:end]


def _resolved_positions(doc: Doc) -> Set[int]:
    """Token positions inside "fine now"-style phrases."""
    positions = set()
    for i in range(len(doc) - 1):
        if (doc[i].lower_, doc[i + 1].lower_) in RESOLVED_PHRASES:
            positions.update({i, i + 1})
    return positions


def _time_cues(tokens: Sequence[Token], ignored: Set[int]) -> Tuple[bool, bool]:
    """(present, past) cues among ``tokens``, skipping ``ignored`` positions."""
    words = [t.lower_ for t in tokens if t.i not in ignored]
    pairs = _pairs(words)
    present = bool(PRESENT_TIME.intersection(words) or PRESENT_PHRASES & pairs)
    past = bool(PAST_WORDS.intersection(words) or PAST_PHRASES & pairs)
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        after = words[i + 2] if i + 2 < len(words) else ""
        if word == "when" and after in ("was", "were", "young", "younger"):
            past = True  # "when I was younger"
        if _YEAR.match(word):
            past = True  # "in 2019"
        if word in BEFORE_WORDS and INJURY_OR_TREATMENT & set(
            words[i + 1 : i + 1 + BEFORE_REACH]
        ):
            past = True
        # "3 days ago" / "hace 2 horas": recent; "years ago" / "hace años": past
        if word in ("ago", "hace") or nxt == "ago":
            units = {nxt, after, words[i - 1] if i else ""}
            if units & RECENT_UNITS:
                present = True
            if units & LONG_AGO_UNITS:
                past = True
        # "in the last 20 minutes", "for the last couple of hours": recent
        if word in ("last", "past", "llevo", "lleva") and RECENT_UNITS & set(
            words[i + 1 : i + 5]
        ):
            present = True
        if word in ("in", "en", "last") and nxt in MONTHS:
            past = True  # "in March"
    return present, past


def _chronic(tokens: Sequence[Token]) -> bool:
    """ "for a few years", "always had", "desde hace años": long-standing."""
    words = [t.lower_ for t in tokens]
    if CHRONIC_WORDS.intersection(words) or UNCHANGED_PHRASES & _pairs(words):
        return True
    for i, word in enumerate(words):
        if word in ("since", "desde") and any(
            _YEAR.match(w) or w in ("child", "childhood", "birth", "niño", "niña")
            for w in words[i + 1 : i + 6]
        ):
            return True  # "since polio as a child", "since his stroke in 2015"
        if word == "since" and (i == len(words) - 1 or words[i + 1] == "then"):
            return True  # "weak since (then)": since the old event
        if word in ("for", "durante", "hace") and LONG_AGO_UNITS & set(
            words[i + 1 : i + 4]
        ):
            return True
    return False


def _is_negation(token: Token) -> bool:
    return token.lower_ in NEGATION or token.lemma_ == "not"


def _negation_before(
    first: Token, window: int, through: FrozenSet[str] = frozenset()
) -> Tuple[Token | None, List[Token]]:
    """The nearest negation before ``first`` in its clause (within ``window``
    words, crossing only the breaks in ``through``), and the words between."""
    doc = first.doc
    between: List[Token] = []
    for token in reversed(doc[max(first.sent.start, first.i - window) : first.i]):
        if _is_break(token) and token.lower_ not in through:
            break
        if _is_negation(token):
            return token, between
        between.append(token)
    return None, between


def _negated(symptom: Span) -> bool:
    """ "no fever", "she isn't short of breath", "doesn't have a fever"."""
    # "she hasn't fainted", "the site isn't red": a denial inside the span
    if any(
        _is_negation(t) and t.lower_ != "sin" and not _inability(t) for t in symptom[1:]
    ):
        return True
    negation, between = _negation_before(symptom[0], NEGATION_WINDOW, LIST_BREAKS)
    if negation is None or _inability(negation):
        return False  # "can't control my bladder" is the symptom
    return not any(t.lower_ in SUBJECT_PRONOUNS for t in between)


def _inability(negation: Token) -> bool:
    """ "can't", "cannot", "won't", "no puede", "sin poder": not being able to."""
    if negation.lower_ in INABILITY:
        return True
    doc = negation.doc
    before = doc[negation.i - 1].lower_ if negation.i else ""
    after = doc[negation.i + 1].lower_ if negation.i + 1 < len(doc) else ""
    return before in INABILITY or after in INABILITY_AFTER


def _conditional_before(symptom: Span) -> bool:
    first = next((t.lower_ for t in _words(symptom.sent)), "")
    if first in ("say", "supposing"):
        return True  # "say my legs felt weak, ..."
    return _conditional_words_before(symptom)


def _conditional_words_before(symptom: Span) -> bool:
    # in its clause, up to the symptom's end: "I almost fainted" holds its
    # condition inside; "I can't tell if ... and I've wet the sofa" does not
    words = _lowers(symptom.doc[_clause(symptom).start : symptom.end])
    return bool(CONDITIONAL.intersection(words) or CONDITIONAL_PHRASES & _pairs(words))


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


def _is_question(sentence: Span) -> bool:
    words = _words(sentence)
    return any(t.text in ("?", "¿") for t in sentence) or bool(
        words and words[0].lower_ in QUESTION_STARTS
    )


def _asks_whether_to_wait(sentence: Span) -> bool:
    """ "can it wait till Monday?", "¿puede esperar a la cita?" (not "I can't
    wait to walk again")."""
    return _is_question(sentence) and any(
        t.lower_ in WAIT_WORDS and not _is_negation(t.doc[t.i - 1])
        for t in sentence
        if t.i > 0
    )


def _is_statement(sentence: Span) -> bool:
    """A declarative sentence of a few words, not a question or a hypothesis."""
    return (
        len(_words(sentence)) >= MIN_STATEMENT_WORDS
        and not _is_question(sentence)
        and not any(t.lower_ in HYPOTHETICAL for t in sentence)
    )


def _denied(token: Token) -> bool:
    """ "not an emergency", "no ambulance", "no es una urgencia"."""
    return _negation_before(token, NEGATION_WINDOW)[0] is not None


def _urgent_words(tokens: Iterable[Token]) -> Set[str]:
    """The urgent words among ``tokens`` that are not denied nor a service's
    name ("the emergency department", "patient transport ambulance")."""
    return {
        t.lower_
        for t in tokens
        if t.lower_ in URGENT
        and not _denied(t)
        and not _names_a_service(t)
        and not _in_a_longer_number(t)
    }


def _in_a_longer_number(token: Token) -> bool:
    """ "600 112 345", "07700 999 123": a group of digits in a phone number,
    not the emergency number."""
    doc = token.doc
    return any(
        0 <= i < len(doc) and doc[i].is_digit for i in (token.i - 1, token.i + 1)
    )


def _names_a_service(token: Token) -> bool:
    doc = token.doc
    after = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
    before = doc[token.i - 1].lower_ if token.i else ""
    return after in SERVICE_AFTER or before in SERVICE_AFTER


def _is_cry_for_help(sentence: Span) -> bool:
    """ "emergency!", "call an ambulance", "should I call 999?" (no symptom)."""
    lowers = _lowers(sentence)
    urgent = _urgent_words(sentence)
    words = (set(lowers) - URGENT) | urgent
    if CONDITIONAL.intersection(words) or _time_cues(sentence, set())[1]:
        return False  # "if she gets breathless, should we call 999?"
    first = next((t.lower_ for t in _words(sentence)), "")
    if words & CALL_FOR_HELP and first not in INFORMATION_QUESTIONS:
        if words & CALL_VERBS or len(_words(sentence)) <= MAX_BARE_CALL_WORDS:
            return True
    if words & HELP_WORDS and (
        words & PRESSING_WORDS
        or ALARM_PHRASES & _pairs(lowers)
        or _shouted(sentence)
        or sum(w in HELP_WORDS for w in lowers) > 1  # "help help"
    ):
        return True
    if words & {"need", "get", "send", "necesito", "necesitamos"} and words & {
        "doctor",
        "someone",
        "somebody",
        "paramedic",
        "paramedics",
        "médico",
        "medico",
        "alguien",
    }:
        if words & (PRESSING_WORDS | {"now", "ahora", "here", "aquí", "aqui"}):
            return True  # "please get someone here now", "need a doctor right now"
    if not (words & URGENT or (words & HELP_WORDS and words & URGENCY_WORDS)):
        return False
    return len(_words(sentence)) <= 2 or _is_statement(sentence)


def _classify(symptom: Span, urgent: bool, resolved: Set[int], over: bool) -> Kind:
    """The kind of one symptom mention (``over``: the message says it is over)."""
    if _negated(symptom):
        return Kind.NOT_NOW
    if _conditional_before(symptom):
        return Kind.GENERAL
    sentence = symptom.sent
    clause = _clause(symptom)
    said = _lowers(sentence)
    if (
        _chronic(clause)
        or UNCHANGED_PHRASES & _pairs(said)
        or UNCHANGED_WORDS.intersection(said)
    ):
        return Kind.NOT_NOW
    following = (
        symptom.doc[symptom.end].lower_ if symptom.end < len(symptom.doc) else ""
    )
    if following in GENERAL_AFTER:
        return Kind.GENERAL  # "my heart attack risk"
    clause_present, clause_past = _time_cues(clause, resolved)
    sentence_present, _ = _time_cues(sentence, resolved)
    if clause_past and not clause_present:
        return Kind.NOT_NOW
    if RESOLVED_WORDS.intersection(_lowers(clause)):
        return Kind.NOT_NOW  # "the wound healed"
    past_tense = any(t.lower_ in PAST_TENSE for t in clause)
    if over and past_tense and not clause_present:
        return Kind.NOT_NOW
    if JOKING.intersection(_lowers(sentence)):
        return Kind.GENERAL  # "I was shivering the whole wait lol"
    if any(_asks_whether_to_wait(s) for s in symptom.doc.sents):
        return Kind.REPORT  # "the wound is oozing, can it wait till Monday?"
    question = _is_question(sentence)
    if question and MILD.intersection(_lowers(clause)):
        return Kind.GENERAL  # "a tiny spot of dried blood, is that normal?"
    before = symptom.doc[clause.start : symptom.start]
    hypothetical_before = any(
        t.lower_ in HYPOTHETICAL and (question or t.lower_ not in MODALS)
        for t in before
    )
    if urgent or clause_present or (sentence_present and not hypothetical_before):
        return Kind.REPORT
    # "can't breathe" / "cannot feel my legs" are reports even without "I"
    negated_inside = _is_negation(symptom[0])
    stated = any(t.lower_ in PRESENT_STATE for t in symptom)
    if (negated_inside or stated or _subject_before(symptom)) and not (
        hypothetical_before
    ):
        return Kind.REPORT
    if _is_statement(sentence):  # "breathless and dizzy after the operation"
        return Kind.REPORT
    if question or any(t.lower_ in HYPOTHETICAL for t in clause):
        return Kind.GENERAL
    if _shouted(sentence) or any(t.text.startswith("!") for t in sentence):
        return Kind.REPORT  # "CHEST PAIN", "chest pain!!!"
    return Kind.UNCLEAR


def _shouted(sentence: Span) -> bool:
    """Typed in capitals, as people do in alarm."""
    source = sentence.doc.user_data.get("source_text", "")
    offsets = sentence.doc.user_data.get("source_offsets")
    if offsets:
        start, end = offsets[sentence.start][0], offsets[sentence.end - 1][1]
        text = source[start:end]
    else:
        text = sentence.text
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= MIN_SHOUTED_LETTERS and all(c.isupper() for c in letters)


def _names_anatomy(symptom: Span) -> bool:
    """ "collapsed vertebra", "the bone collapsed": anatomy, not a person."""
    doc = symptom.doc
    after = {t.lower_ for t in doc[symptom.end : symptom.end + 2]}
    return bool(after & ANATOMY_AFTER)


def _is_word(token: Token, words: FrozenSet[str]) -> bool:
    return token.lower_ in words or token.lemma_ in words


def _described_symptoms(doc: Doc, taken: Set[int]) -> List[Tuple[Span, str]]:
    """Symptoms said in other words (``bot.symptom_words``), and temperatures.

    Each is the span from the anchor word to the problem word, in one
    sentence, not crossing "but"; words the entity ruler tagged are left out.
    """
    found: List[Tuple[Span, str]] = []
    for sentence in doc.sents:
        tokens = [t for t in sentence if t.i not in taken]
        for concept in CONCEPTS:
            for anchor in (t for t in tokens if _is_word(t, concept.anchors)):
                problem = _problem_near(anchor, concept)
                if problem is not None:
                    start, end = sorted((anchor.i, problem.i))
                    found.append((doc[start : end + 1], concept.symptom))
                    break
        for token in tokens:
            if _is_fever_temperature(token):
                found.append((doc[token.i : token.i + 1], "fever"))
    return found


def _problem_near(anchor: Token, concept: Concept) -> Token | None:
    sentence = anchor.sent
    for distance in range(1, concept.window + 1):
        for i in (anchor.i - distance, anchor.i + distance):
            if not sentence.start <= i < sentence.end:
                continue
            between = anchor.doc[min(i, anchor.i) : max(i, anchor.i)]
            if any(t.lower_ in ("but", "pero") for t in between):
                continue
            problem = anchor.doc[i]
            if _is_word(problem, concept.problems) and (
                not concept.negated or _negation_just_before(problem)
            ):
                return problem
    return None


def _negation_just_before(token: Token) -> bool:
    """ "can't feel", "won't take", "no siente", "no la levanto"."""
    doc = token.doc
    return any(
        _is_negation(t) for t in doc[max(token.sent.start, token.i - 3) : token.i]
    )


def _is_fever_temperature(token: Token) -> bool:
    """ "38.6", "39,2 de fiebre", "temp of 38": a temperature that is a fever."""
    try:
        value = float(token.text.replace(",", "."))
    except ValueError:
        return False
    low, high = FEVER_DEGREES
    if not low <= value <= high:
        return False
    doc = token.doc
    near = doc[max(0, token.i - 4) : token.i + 4]
    return (
        "." in token.text
        or "," in token.text
        or any(t.lower_ in TEMPERATURE_WORDS for t in near)
    )


def _message_says_it_is_over(doc: Doc, resolved: Set[int]) -> bool:
    return bool(resolved) or any(t.lower_ in RESOLVED_WORDS for t in doc)


def assess(doc: Doc) -> Verdict:
    """Reads ``doc`` for red-flag symptoms (see ``_assess``), and whether it asks."""
    asks = any(_is_question(sentence) for sentence in doc.sents)
    return dataclasses.replace(_assess(doc), question=asks)


def _assess(doc: Doc) -> Verdict:
    """Reads ``doc`` (from ``DomainAnalyser.parse``) for red-flag symptoms.

    Args:
        doc: An analysed message with the entity ruler's ``symptom`` spans.

    Returns:
        ``REPORT`` if any red flag is reported as happening now; else
        ``SEVERE_PAIN`` for severe pain now; else ``NOT_NOW``, ``GENERAL`` or
        ``UNCLEAR`` for symptoms that are over or denied, asked about in
        general, or only named; else ``NONE``.
    """
    mentions = [(ent, ent.ent_id_) for ent in doc.ents if ent.label_ == SYMPTOM_LABEL]
    mentions += _described_symptoms(doc, {t.i for m, _ in mentions for t in m})
    urgent = bool(_urgent_words(doc))
    if any(_is_cry_for_help(sentence) for sentence in doc.sents):
        names = tuple(dict.fromkeys(name for _, name in mentions))
        return Verdict(Kind.REPORT, names)
    if not mentions:
        return Verdict(Kind.NONE)
    resolved = _resolved_positions(doc)
    over = _message_says_it_is_over(doc, resolved)
    kinds = set()
    for span, name in mentions:
        if name == "collapse" and _names_anatomy(span):
            continue  # "a collapsed L2 vertebra"
        kind = _classify(span, urgent, resolved, over)
        if kind is Kind.REPORT and name in NOT_ALONE_AN_EMERGENCY:
            kind = Kind.SEVERE_PAIN
        kinds.add(kind)
    if not kinds:
        return Verdict(Kind.NONE)
    names = tuple(dict.fromkeys(name for _, name in mentions))
    for kind in PRECEDENCE:
        if kind in kinds:
            return Verdict(kind, names)
    return Verdict(Kind.NONE)  # pragma: no cover - kinds is never empty
