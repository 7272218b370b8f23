"""Checks and normalises what a patient types into the booking form.

Pure functions: no I/O, no Rasa. Free text (names, times, reasons) is kept as
typed; SQL or HTML in it is just text, stored and shown verbatim.
"""

import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import FrozenSet

MIN_PHONE_DIGITS = 7
MAX_PHONE_DIGITS = 15
MAX_NAME_LENGTH = 100
MAX_TIME_LENGTH = 200
MAX_REASON_LENGTH = 1000

# a run of digits with the separators people type: +44 (0)20 7946-0018
_PHONE_RUN = re.compile(r"\+?\(?\d[\d\s().\-]*\d")
_EMAIL = re.compile(
    r"(?<![\w.+-])"
    r"([A-Za-z0-9!#$%&'*+/=?^_`|~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`|~-]+)*)"
    r"@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
    r"(?![\w-])"
)
_NAME_LEAD_INS = re.compile(
    r"^(?:.*\b(?:name is|name's|name:|called|nombre es|me llamo|se llama)\s+|"
    r"(?:i am|i'm|it is|it's|its|this is|soy|es)\s+)",
    re.IGNORECASE,
)
# lower-case only: "im Ann Lee", "for Ann Lee" (not the names "Im Yoona", "For Elise")
_LOWER_CASE_LEAD_INS = re.compile(r"^(?:im|for)\s+")
# said after a name: "Juan, por favor", "Ann Lee please"
_NAME_TAILS = re.compile(r"[\s,]+(?:please|por favor|thanks|thank you|gracias)$", re.I)
_SKIP_WORDS = frozenset(
    {"skip", "pass", "no", "none", "nothing", "n/a", "na", "-", "no reason", "nope"}
)


class Problem(str, enum.Enum):
    """Why an answer was not accepted (each has its own re-prompt)."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    NOT_A_NAME = "not_a_name"
    NO_CONTACT = "no_contact"
    PHONE_LENGTH = "phone_length"
    BAD_EMAIL = "bad_email"


@dataclass(frozen=True)
class Contact:
    """A normalised phone number (digits, optional leading +) or email."""

    kind: str  # "phone" or "email"
    value: str


@dataclass(frozen=True)
class Checked:
    """The result of checking one answer: a value, or the problem with it."""

    value: str | None = None
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        """True when the answer was accepted."""
        return self.problem is None


_PAYLOAD = re.compile(r"^/\w")


def _clean(text: object) -> str:
    """Whitespace collapsed; anything but a string (a list or a number typed
    into a payload by hand) is no answer at all."""
    return " ".join(text.split()) if isinstance(text, str) else ""


def is_payload(text: str | None) -> bool:
    """True for a button payload typed by hand ("/inform{...}", "/affirm"):
    an intent for Rasa, never an answer to store."""
    return bool(_PAYLOAD.match(_clean(text)))


def _limited(text: str, limit: int) -> Checked | None:
    if not text or is_payload(text):
        return Checked(problem=Problem.EMPTY)
    if len(text) > limit:
        return Checked(problem=Problem.TOO_LONG)
    return None


# who a request is for, as people say it: "my dad" -> "father"
RELATIVES = {
    "dad": "father",
    "daddy": "father",
    "father": "father",
    "mum": "mother",
    "mom": "mother",
    "mummy": "mother",
    "mother": "mother",
    "husband": "husband",
    "wife": "wife",
    "partner": "partner",
    "son": "son",
    "daughter": "daughter",
    "brother": "brother",
    "sister": "sister",
    "gran": "grandmother",
    "granny": "grandmother",
    "nan": "grandmother",
    "nana": "grandmother",
    "grandma": "grandmother",
    "grandmother": "grandmother",
    "grandad": "grandfather",
    "granddad": "grandfather",
    "grandpa": "grandfather",
    "grandfather": "grandfather",
    "aunt": "aunt",
    "auntie": "aunt",
    "uncle": "uncle",
    "friend": "friend",
    "neighbour": "neighbour",
    "neighbor": "neighbour",
    "father-in-law": "father-in-law",
    "mother-in-law": "mother-in-law",
    "padre": "father",
    "madre": "mother",
    "marido": "husband",
    "esposo": "husband",
    "esposa": "wife",
    "mujer": "wife",
    "hijo": "son",
    "hija": "daughter",
    "abuela": "grandmother",
    "abuelo": "grandfather",
}
_RELATIVE = "|".join(sorted(map(re.escape, RELATIVES), key=len, reverse=True))
# "it's for my dad, Peter O'Neill", "this is for my mother Joan Smith", "my
# husband: Tom Hill", "para mi madre, Ana Ruiz"
_FOR_RELATIVE_FIRST = re.compile(
    rf"^(?:(?:it'?s|its|it is|this is|that's|that is|the booking is|"
    rf"the appointment is|es)\s+)?(?:for\s+|para\s+)?(?:my|our|mi)\s+"
    rf"(?P<relative>{_RELATIVE})\b(?:'s\s+name\s+is\s+|(?!['’]s))[\s,:;.\-]*"
    rf"(?:(?:his|her|their|su)\s+name\s+is\s+|"
    rf"(?:he|she|who)\s+is\s+(?:called\s+)?|called\s+|named\s+|se\s+llama\s+)?",
    re.IGNORECASE,
)
# "Peter O'Neill, my dad", "Peter O'Neill (my father)", "Joan Smith for my mum"
_FOR_RELATIVE_LAST = re.compile(
    rf"[\s,(\-]+(?:(?:it'?s|its|it is|who is|he is|she is|is)\s+)?"
    rf"(?:for\s+|para\s+)?(?:my|our|mi)\s+(?P<relative>{_RELATIVE})\)?[\s.!]*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NameAnswer:
    """An answer to the name question: the name, and who it is for if said."""

    name: str
    for_whom: str | None = None


def split_name_answer(text: str | None) -> NameAnswer:
    """Separates who a request is for from the name ("its for my dad, Peter
    O'Neill" -> "Peter O'Neill", "father"). ``name`` is empty when only the
    relative was given ("my mum")."""
    cleaned = _clean(text)
    first = _FOR_RELATIVE_FIRST.match(cleaned)
    if first:
        relative = RELATIVES[first.group("relative").lower()]
        return NameAnswer(cleaned[first.end() :].strip(" .,!:;-"), relative)
    last = _FOR_RELATIVE_LAST.search(cleaned)
    if last and last.start() > 0:
        relative = RELATIVES[last.group("relative").lower()]
        before = cleaned[: last.start()].strip(" .,!:;-")
        if _THE_WRITER.match(before):  # "I'm Peter, it's for my dad": not his name
            return NameAnswer("", relative)
        return NameAnswer(before, relative)
    return NameAnswer(cleaned)


# the writer introducing themselves before saying who the request is for
_THE_WRITER = re.compile(r"^(?:i am|i'm|im|my name is|this is|me llamo|soy)\b", re.I)


def check_name(text: str | None) -> Checked:
    """A person's name as typed, without "my name is" and the like.

    Names are never "corrected": any letters in any script are fine, and one
    name alone is accepted (not everyone has two). Who the request is for is
    taken off first (``split_name_answer``).
    """
    cleaned = _NAME_TAILS.sub("", split_name_answer(text).name)
    name = _NAME_LEAD_INS.sub("", cleaned).strip(" .,!") or cleaned
    name = _LOWER_CASE_LEAD_INS.sub("", name) or name
    problem = _limited(name, MAX_NAME_LENGTH)
    if problem:
        return problem
    letters = sum(ch.isalpha() for ch in name)
    digits = sum(ch.isdigit() for ch in name)
    if letters < 2 or digits > 0 or "@" in name or name.endswith("?"):
        return Checked(problem=Problem.NOT_A_NAME)
    if _reads_as_a_sentence(name):
        return Checked(problem=Problem.NOT_A_NAME)
    return Checked(value=name)


# everyday words that are not parts of names: an answer with several of them
# ("not sure what to put here", "Joan Smith had a fall and now she is in
# pain") is a sentence, not a name
_NOT_NAME_WORDS = frozenset(
    "a an the and or but if so not no yes please thanks thank sure what which "
    "who how why when where here there this that it is was are were be been "
    "had has have do does did can could will would should i me my we our you "
    "your he she they him her them his their to for of in on at with from "
    "since because about just now still also very fall pain back".split()
)


def _reads_as_a_sentence(name: str) -> bool:
    """Several everyday words, or one starting or ending the answer ("and
    dad"); never an answer written as a name, every word capitalised ("Le My
    An", "Do Thi Mai Anh")."""
    written = re.findall(r"[^\W\d_]+", name)
    if all(word[:1].isupper() for word in written):
        return False
    words = [word.lower() for word in written]
    common = sum(word in _NOT_NAME_WORDS for word in words)
    at_the_edge = bool(words) and (
        words[0] in _NOT_NAME_WORDS or words[-1] in _NOT_NAME_WORDS
    )
    return common >= 2 or (common >= 1 and (len(words) >= 4 or at_the_edge))


# a name of two to four words, each capitalised ("Carla Cancel", "Mary-Jo
# O'Stop"): nothing else in the message
_TITLE_CASE_WORDS = re.compile(
    r"[^\W\d_]+(?:['\-][^\W\d_]+)*(?: [^\W\d_]+(?:['\-][^\W\d_]+)*){1,3}"
)


def is_a_name_not_a_command(text: str | None, command_words: FrozenSet[str]) -> bool:
    """True when an answer to the name question that NLU read as "stop" (or
    "cancel", "bye") is a name: two to four capitalised words and nothing
    else, one of them a word that no way of saying stop uses ("Carla Cancel";
    not "Cancel Please" or "Stop It")."""
    written = " ".join((text or "").strip().rstrip(".").split())
    if not _TITLE_CASE_WORDS.fullmatch(written):
        return False
    words = written.split()
    if not all(word[0].isupper() for word in words):
        return False
    return any(
        part.lower() not in command_words
        for word in words
        for part in re.split(r"['\-]", word)
    )


def find_email(text: str) -> str | None:
    """The first syntactically valid email address in ``text``, domain lowercased."""
    match = _EMAIL.search(text)
    if not match or ".." in match.group(0):
        return None
    return f"{match.group(1)}@{match.group(2).lower()}"


def normalise_phone(text: str) -> str | None:
    """Digits of a phone number with an optional leading ``+``, or None.

    Accepts 7-15 digits with spaces, dashes, dots and brackets between them.
    The "(0)" written inside international numbers (+44 (0)20 ...) is dropped.
    """
    international = text.lstrip().startswith("+")
    if international:
        text = text.replace("(0)", "")
    digits = re.sub(r"\D", "", text)
    if not MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS:
        return None
    return ("+" if international else "") + digits


def check_contact(text: str | None) -> Checked:
    """A phone number or an email address found in what the patient typed.

    Returns:
        ``Checked`` whose value is ``"phone:<normalised>"`` or
        ``"email:<address>"``; see ``parse_contact``.
    """
    cleaned = _clean(text)
    if not cleaned or is_payload(cleaned):
        return Checked(problem=Problem.EMPTY)
    email = find_email(cleaned)
    if email:
        return Checked(value=f"email:{email}")
    if "@" in cleaned:
        return Checked(problem=Problem.BAD_EMAIL)
    runs = _PHONE_RUN.findall(cleaned)
    if not runs:
        return Checked(problem=Problem.NO_CONTACT)
    longest = max(runs, key=lambda run: len(re.sub(r"\D", "", run)))
    phone = normalise_phone(longest)
    if phone is None:
        return Checked(problem=Problem.PHONE_LENGTH)
    return Checked(value=f"phone:{phone}")


def parse_contact(value: str) -> Contact:
    """Splits a value made by ``check_contact`` into kind and address."""
    kind, _, address = value.partition(":")
    return Contact(kind=kind, value=address)


def check_free_text(text: str | None, limit: int = MAX_TIME_LENGTH) -> Checked:
    """Any non-empty text up to ``limit`` characters, kept as typed."""
    cleaned = _clean(text)
    return _limited(cleaned, limit) or Checked(value=cleaned)


# how a question starts, when the question mark is left out ("what is the
# cement made of", "can he drive after")
_QUESTION_START = re.compile(
    r"^(?:(?:what|what's|whats|how|why|where|who|which|whose)\s+\S+\s+\S+|"
    r"(?:is|are|can|could|will|would|should|shall|do|does|did)\s+"
    r"(?:i|it|he|she|they|we|you|this|that|there|my|his|her|their|the|a|an|"
    r"vertebroplasty|surgery|cement)\b\s+\S+|"
    r"(?:qu[eé]|c[oó]mo|cu[aá]ndo|cu[aá]nto)\s+\S+\s+\S+)",
    re.IGNORECASE,
)


def is_question(text: str | None) -> bool:
    """True when an answer is really a question: "is it painful?", or words
    that start like one: a question word ("what is the cement made of") or a
    verb before its subject ("can he drive after"); not "can barely walk",
    "would prefer after 3"."""
    cleaned = _clean(text)
    return cleaned.endswith("?") or bool(_QUESTION_START.match(cleaned))


# words that make a question about times an answer to "which days or times
# suit you?" ("is Tuesday morning ok?", "could it be after 2pm?")
_TIME_WORDS = re.compile(
    r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?\b|"
    r"\b(?:morning|afternoon|evening|noon|midday|lunch(?:time)?|weekday|weekend|"
    r"week|today|tomorrow|tonight|asap|any ?time|whenever|soon|"
    r"january|february|march|april|may|june|july|august|september|october|"
    r"november|december|lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|"
    r"domingo|ma[nñ]ana|tarde)s?\b|"
    r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm|h)\b|\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}/\d{1,2}\b|"
    r"\b(?:at|after|before|from|until|till|by|between)\s+\d{1,2}\b|"
    r"\b\d{1,2}(?:st|nd|rd|th)\b|\b\d{1,2}\s*-\s*\d{1,2}\b",
    re.IGNORECASE,
)


def is_question_not_a_name(text: str | None) -> bool:
    """A question, not a name: "Will Henry Turner" starts like one but is
    written as a name (every word capitalised)."""
    cleaned = _clean(text)
    if cleaned.endswith("?"):
        return True
    words = cleaned.split()
    return is_question(cleaned) and not all(word[:1].isupper() for word in words)


def names_a_time(text: str | None) -> bool:
    """True when the text names a day, a part of the day, a date or a clock time."""
    return bool(_TIME_WORDS.search(_clean(text)))


def is_question_not_a_time(text: str | None) -> bool:
    """A question that names no time: asked, not an answer to "when suits you?"."""
    return is_question(text) and not names_a_time(text)


def is_skip(text: str | None) -> bool:
    """True when an optional answer was declined ("skip", "no", "n/a")."""
    return _clean(text).lower().strip(" .!") in _SKIP_WORDS


_WEEKDAYS = {
    name: index
    for index, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}
_MONTHS = {
    name: index + 1
    for index, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
_NEGATIONS = frozenset({"not", "no", "except", "but", "never"})
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
_MONTH_WORD = r"([a-z]{3,9})"
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?\b")
_DAY_MONTH = re.compile(rf"\b{_ORDINAL}(?:\s+of)?\s+{_MONTH_WORD}(?:\s+(\d{{4}}))?\b")
_MONTH_DAY = re.compile(rf"\b{_MONTH_WORD}\s+{_ORDINAL}(?:,?\s+(\d{{4}}))?\b")
_THE_DAY = re.compile(rf"\bthe\s+{_ORDINAL}\b")


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _upcoming(today: date, month: int, day: int, year: int | None) -> date | None:
    """The date with that day and month; next year's if no year and it passed."""
    if year is not None:
        return _safe_date(year if year > 99 else 2000 + year, month, day)
    found = _safe_date(today.year, month, day)
    if found and found < today:
        found = _safe_date(today.year + 1, month, day)
    return found


def _parse_named(text: str, today: date) -> date | None:
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        for match in pattern.finditer(text):
            month = _MONTHS.get(match.group(month_group))
            if month:
                year = int(match.group(3)) if match.group(3) else None
                found = _upcoming(today, month, int(match.group(day_group)), year)
                if found:
                    return found
    return None


def _parse_relative(text: str, today: date) -> date | None:
    words = re.findall(r"[a-z]+", text)
    if "today" in words:
        return today
    if "tomorrow" in words:
        return today + timedelta(days=2 if "after" in words else 1)
    for position, word in enumerate(words):
        if word in _WEEKDAYS and not _NEGATIONS.intersection(words[:position][-2:]):
            ahead = (_WEEKDAYS[word] - today.weekday()) % 7 or 7
            return today + timedelta(days=ahead)
    return None


def parse_date(text: str | None, today: date) -> date | None:
    """A calendar date in an informal answer, when one is given.

    Understands "today", "tomorrow", weekdays ("next Tuesday" is the coming
    one), "14/03" (day first), "2027-03-14", "14 March", "March 14th", "the
    14th". Anything else ("mornings", "as soon as possible") has no date, which
    is fine: the words are always kept as typed.

    Args:
        text: What the patient typed.
        today: The date to count from.

    Returns:
        The date, or None.
    """
    lowered = _clean(text).lower()
    iso = _ISO.search(lowered)
    if iso:
        return _safe_date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    numeric = _NUMERIC.search(lowered)
    if numeric:
        year = int(numeric.group(3)) if numeric.group(3) else None
        found = _upcoming(today, int(numeric.group(2)), int(numeric.group(1)), year)
        if found:
            return found
    named = _parse_named(lowered, today)
    if named:
        return named
    the_day = _THE_DAY.search(lowered)
    if the_day:
        day = int(the_day.group(1))
        found = _safe_date(today.year, today.month, day)
        if found and found < today:
            month = today.month % 12 + 1
            found = _safe_date(today.year + (month == 1), month, day)
        if found:
            return found
    return _parse_relative(lowered, today)


# the words for each field of the request form, as people name them when they
# correct one ("change the time to Friday", "my email is wrong, it's ...")
_FIELD_WORDS = re.compile(
    r"\b(?:names?|surname|spelling|e-?mail(?: address)?|address|numbers?|"
    r"phone|mobile|contact(?: details)?|times?|days?|dates?|reason)\b",
    re.IGNORECASE,
)
_CONNECTOR = re.compile(
    r"\b(?:to|should be|should say|it's|its|it is|is|as|instead:?|:)\s+", re.IGNORECASE
)
_COMPLAINT = re.compile(r"\b(?:wrong|incorrect|not right|mistake|typo)\b", re.I)
_NOT_THE_OLD = re.compile(r"\s+(?:not|instead of|rather than)\s+.*$", re.IGNORECASE)


def _corrected_value(field: str, candidate: str) -> str | None:
    value = _NOT_THE_OLD.sub("", candidate).strip(" .,!")
    if not value or _COMPLAINT.search(value) or is_question(value):
        return None
    if field == "full_name":
        words = value.split()
        titled = all(word[:1].isupper() for word in words)
        return value if len(words) >= 2 and titled and check_name(value).ok else None
    if field == "preferred_time":
        return value if names_a_time(value) else None
    if field == "reason":
        return value if check_free_text(value, MAX_REASON_LENGTH).ok else None
    return None


def correction_value(field: str, text: str | None) -> str | None:
    """The new value given in the same message as a correction ("change the
    time to Friday afternoon" -> "Friday afternoon"), or None when only the
    field was named ("change the time please").

    For ``contact`` the value is ``check_contact``'s ("phone:..."/"email:...").
    """
    cleaned = _clean(text)
    if field == "contact":
        return _new_contact(cleaned)
    mentions = list(_FIELD_WORDS.finditer(cleaned))
    if not mentions:
        return None
    rest = cleaned[mentions[0].end() :]
    for connector in _CONNECTOR.finditer(rest):
        candidate = rest[connector.end() :]
        if is_question(candidate):  # "change the reason to is it safe": ask
            return None
        value = _corrected_value(field, candidate)
        if value:
            return value
    return None


# a contact said to be the old one: "from a@b.com", "not 07700 900123",
# "07700 900123 is wrong"
_OLD_BEFORE = re.compile(r"\b(?:from|not|instead of|old|wrong)\s*:?\s*$", re.I)
_OLD_AFTER = re.compile(r"^\W*(?:is|was)?\s*(?:wrong|incorrect|old|not right)\b", re.I)


def _new_contact(text: str) -> str | None:
    """The one phone number or email in a correction that is not the old one
    ("change the email from a@b.com to c@d.com" -> c@d.com); None when it is
    unclear, so the contact is asked again."""
    found = [(m.start(), m.end()) for m in _EMAIL.finditer(text)]
    if not found:
        found = [
            (m.start(), m.end())
            for m in _PHONE_RUN.finditer(text)
            if normalise_phone(m.group(0))
        ]
    new = [
        (start, end)
        for start, end in found
        if not _OLD_BEFORE.search(text[:start]) and not _OLD_AFTER.match(text[end:])
    ]
    if len(new) != 1:
        return None
    checked = check_contact(text[new[0][0] : new[0][1]])
    return checked.value if checked.ok else None
