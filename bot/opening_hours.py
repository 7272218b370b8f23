"""The clinic's opening hours, and whether a preferred time falls outside them.

Pure functions, no Rasa: ``parse_hours`` reads the ``hours`` block of the clinic
settings, ``describe_hours`` renders it for patients ("Monday to Friday, 9am to
5pm"), and ``outside_hours`` marks a preferred time, as the patient typed it,
that clearly falls outside them, so staff see it at a glance. The mark is only
a hint: anything unclear ("asap", "next week", "not Sunday") is never marked.
"""

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import time
from typing import Any, FrozenSet, List, Mapping, Set, Tuple

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
DAY_NAMES = WEEKDAYS + ("Saturday", "Sunday")

MINUTES_PER_DAY = 24 * 60
# (start, end) in minutes after midnight; start == end is one moment
Window = Tuple[int, int]


@dataclass(frozen=True)
class OpeningHours:
    """When the clinic is open: the same hours on each of ``days``.

    Attributes:
        days: Weekday indexes, 0 = Monday to 6 = Sunday.
        opens: Opening time.
        closes: Closing time (later than ``opens`` on the same day).
    """

    days: FrozenSet[int]
    opens: time
    closes: time

    def __post_init__(self) -> None:
        """Refuses hours that cannot be right (no day, closing before opening)."""
        if not self.days or not self.days <= frozenset(range(7)):
            raise ValueError("opening days must be weekday indexes 0 (Monday) to 6")
        if self.opens >= self.closes:
            raise ValueError("the clinic must close after it opens, on the same day")

    @property
    def window(self) -> Window:
        """Opening to closing time, in minutes after midnight."""
        return (_minutes(self.opens), _minutes(self.closes))


def parse_hours(raw: Any) -> OpeningHours:
    """Reads the ``hours`` block of the clinic settings.

    Args:
        raw: ``{"days": ["Monday", ...], "opens": "09:00", "closes": "17:00"}``:
            English day names (or their first three letters), and 24-hour
            ``HH:MM`` times (quoted in YAML, which reads an unquoted 17:00 as a
            number).

    Returns:
        The opening hours.

    Raises:
        ValueError: if the block is missing a part or a part is invalid; the
            message says which (it holds settings, never personal data).
    """
    if not isinstance(raw, Mapping):
        raise ValueError("'hours' must have days, opens and closes")
    days = raw.get("days")
    if not isinstance(days, list) or not days:
        raise ValueError("'hours: days' must be a list of day names")
    indexes = set()
    for day in days:
        index = _SETTINGS_DAYS.get(str(day).strip().lower())
        if index is None:
            raise ValueError(f"'hours: days' has an unknown day {str(day)[:20]!r}")
        indexes.add(index)
    return OpeningHours(
        days=frozenset(indexes),
        opens=_settings_time(raw.get("opens"), "opens"),
        closes=_settings_time(raw.get("closes"), "closes"),
    )


def describe_hours(hours: OpeningHours) -> str:
    """The hours as patients read them: "Monday to Friday, 9am to 5pm".

    Runs of three or more days are given as a range ("Monday to Friday"), the
    rest listed ("Monday, Wednesday and Friday").
    """
    times = f"{_clock(hours.opens)} to {_clock(hours.closes)}"
    return f"{_describe_days(hours.days)}, {times}"


def outside_hours(preferred_time: str, hours: OpeningHours | None) -> bool:
    """Whether a preferred time, as typed, clearly falls outside opening hours.

    True only when every day named is a closed day ("Sunday", "Saturday
    morning", "weekends", "sábado"), or every time named lies outside the
    opening hours ("8pm", "after 5pm" when closing at 17:00, "before 8",
    "evenings", "at night", "19:30", "a las 8 de la tarde"). False when any
    day or time named is within them, or nothing clear is named ("any time",
    "mornings", "Tuesday after 2pm", "asap", "next week", "Monday or
    Sunday", "not Sunday").

    English and common Spanish words are read. A number without am/pm after
    "at", "after", "between"... is read as 1-6 pm and 7-11 am ("after 6" is
    18:00); with a leading zero ("06:00") or from 13 up, as a 24-hour time.
    A number alone ("Tuesday 3", "in 2 weeks") is not a time.

    Args:
        preferred_time: What the patient typed.
        hours: The clinic's opening hours; None: never outside.

    Returns:
        True if staff should see the request as outside opening hours.
    """
    if hours is None or not preferred_time or not preferred_time.strip():
        return False
    reading = _read(preferred_time)
    if reading is None:
        return False
    days, windows = reading
    closed_days = bool(days) and days.isdisjoint(hours.days)
    closed_times = bool(windows) and not any(
        _overlaps(window, hours.window) for window in windows
    )
    return closed_days or closed_times


# --- settings ---------------------------------------------------------------

_SETTINGS_DAYS = {
    **{name.lower(): index for index, name in enumerate(DAY_NAMES)},
    **{name[:3].lower(): index for index, name in enumerate(DAY_NAMES)},
}
_SETTINGS_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def _settings_time(value: Any, name: str) -> time:
    match = _SETTINGS_TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"'hours: {name}' must be a quoted time like \"09:00\"")
    return time(int(match.group(1)), int(match.group(2)))


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _clock(moment: time) -> str:
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def _describe_days(days: FrozenSet[int]) -> str:
    runs: List[List[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: List[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_NAMES[run[0]]} to {DAY_NAMES[run[-1]]}")
        else:
            parts.extend(DAY_NAMES[day] for day in run)
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


# --- reading what a patient typed -------------------------------------------

_WEEKEND = frozenset({5, 6})
_WEEK = frozenset(range(5))
_DAY_WORDS = {
    "monday": 0, "mon": 0, "lunes": 0,
    "tuesday": 1, "tue": 1, "tues": 1, "martes": 1,
    "wednesday": 2, "wed": 2, "weds": 2, "miercoles": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "jueves": 3,
    "friday": 4, "fri": 4, "viernes": 4,
    "saturday": 5, "sat": 5, "sabado": 5,
    "sunday": 6, "sun": 6, "domingo": 6,
}  # fmt: skip
_DAY_GROUPS = {
    "weekend": _WEEKEND,
    "weekends": _WEEKEND,
    "finde": _WEEKEND,
    "weekday": _WEEK,
    "weekdays": _WEEK,
    "workday": _WEEK,
    "workdays": _WEEK,
    "laborables": _WEEK,
    "laborable": _WEEK,
}

_NIGHT = ((20 * 60, MINUTES_PER_DAY), (0, 6 * 60))
_PARTS_OF_DAY = {
    "morning": ((6 * 60, 12 * 60),),
    "mornings": ((6 * 60, 12 * 60),),
    "mananas": ((6 * 60, 12 * 60),),
    "afternoon": ((12 * 60, 18 * 60),),
    "afternoons": ((12 * 60, 18 * 60),),
    "lunch": ((12 * 60, 14 * 60),),
    "lunchtime": ((12 * 60, 14 * 60),),
    # the Spanish "tarde" runs on until about 8pm
    "tarde": ((12 * 60, 20 * 60),),
    "tardes": ((12 * 60, 20 * 60),),
    "evening": ((17 * 60, 23 * 60),),
    "evenings": ((17 * 60, 23 * 60),),
    "tonight": ((17 * 60, MINUTES_PER_DAY),),
    "night": _NIGHT,
    "nights": _NIGHT,
    "overnight": _NIGHT,
    "noche": _NIGHT,
    "noches": _NIGHT,
    "madrugada": ((0, 6 * 60),),
}
# "mañana" alone is tomorrow; after these words it is the morning
_MORNING_AFTER = frozenset({"la", "las", "en", "por"})

# words that make a preference unclear: a negation or exception ("not Sunday",
# "any day but Monday"), or an open choice ("any time", "asap")
_UNCLEAR = frozenset(
    {
        "not", "no", "never", "except", "excluding", "but", "unless", "avoid",
        "besides", "without", "nor", "neither", "other", "apart", "cannot",
        "excepto", "salvo", "menos", "sin", "nunca", "evitar", "anytime",
        "whenever", "flexible", "whatever", "asap", "soon", "soonest",
        "earliest", "pronto", "cualquier", "sea", "igual",
    }
)  # fmt: skip
_PHRASES = (
    (r"\b(?:fin|fines) de semana\b", " weekend "),
    (r"\bentre semana\b", " weekday "),
    (r"\bweek ?ends?\b", " weekend "),
    (r"\bweek days?\b", " weekday "),
    (r"\bdias? laborables?\b", " weekday "),
    (r"\bany ?time\b|\bany hour\b|\ball day\b|\btodo el dia\b", " anytime "),
    (r"\bas soon as possible\b|\bcuanto antes\b|\blo antes posible\b", " asap "),
    (r"\bfirst available\b", " asap "),
    # the clinic's own hours: within them by definition
    (r"\b(?:office|business|working|opening|clinic|surgery) hours\b", " anytime "),
    (r"\bduring the day\b|\bday ?time\b|\bhorario de oficina\b", " anytime "),
    (r"\ba\.? ?m\b\.?", " am "),
    (r"\bp\.? ?m\b\.?", " pm "),
    (r"\bo'? ?clock\b", " oclock "),
    (r"\bmid-?day\b", " noon "),
    (r"\bmedio ?dia\b", " noon "),
    (r"\bmedia ?noche\b|\bmid-?night\b", " midnight "),
    # dates and ordinals hold numbers that are not times
    (r"\b\d{4}-\d{1,2}-\d{1,2}\b", " "),
    (r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b", " "),
    (r"\b\d{1,2}([-.])\d{1,2}\1\d{2,4}\b", " "),
    (r"\b\d{1,2}(?:st|nd|rd|th)\b", " "),
    (r"\b(\d{1,2})h(\d{2})\b", r" \1:\2 "),
    (r"(\d)([a-z])", r"\1 \2"),
    (r"\b(\d+|[ap]m)[- ]?ish\b", r"\1 ish"),
)
_TOKEN = re.compile(r"\d+(?:[:.]\d{2})?|[a-z]+|[-–]")

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12,
}  # fmt: skip
# a number followed by one of these is an amount, not a time ("in 2 weeks")
_UNITS = frozenset(
    {
        "day", "days", "week", "weeks", "month", "months", "year", "years",
        "min", "mins", "minute", "minutes", "hour", "hours", "dia", "dias",
        "semana", "semanas", "mes", "meses", "ano", "anos", "minuto",
        "minutos", "times", "veces", "x",
    }
)  # fmt: skip
# what a number after these means ("after 6", "a partir de las 6")
_AFTER, _BEFORE, _AROUND, _AT, _BETWEEN = "after", "before", "around", "at", "between"
_OPERATORS = {
    "after": _AFTER, "from": _AFTER, "since": _AFTER, "later": _AFTER,
    "despues": _AFTER, "desde": _AFTER, "partir": _AFTER,
    "before": _BEFORE, "by": _BEFORE, "until": _BEFORE, "till": _BEFORE,
    "til": _BEFORE, "up": _BEFORE, "earlier": _BEFORE, "antes": _BEFORE,
    "hasta": _BEFORE,
    "around": _AROUND, "about": _AROUND, "approx": _AROUND,
    "approximately": _AROUND, "roughly": _AROUND, "circa": _AROUND,
    "sobre": _AROUND, "hacia": _AROUND, "alrededor": _AROUND, "eso": _AROUND,
    "past": _AFTER,
    "at": _AT,
    "between": _BETWEEN, "entre": _BETWEEN,
}  # fmt: skip
# words between an operator and its number ("after the", "antes de las")
_FILLERS = frozenset({"the", "de", "del", "las", "la", "a", "than", "to"})
# a number right after these is a time ("a las 6", "a la una")
_TIME_ARTICLES = frozenset({"las", "la"})
_RANGE_WORDS = frozenset({"to", "till", "until", "til", "-", "–", "a", "hasta"})
_AND_WORDS = frozenset({"and", "y"})  # only after "between" / "entre"
_AROUND_MINUTES = 30

# what may follow a number: how it sets the clock ("am", "pm", "24h", "" for
# neither, "ish" for about then), and whether it makes the number a time on
# its own ("8pm"); "19h" needs "a las" or "at" before it ("in 2h" is not one)
_SUFFIXES: Tuple[Tuple[Tuple[str, ...], str, bool], ...] = (
    (("am",), "am", True),
    (("pm",), "pm", True),
    (("in", "the", "morning"), "am", True),
    (("in", "the", "afternoon"), "pm", True),
    (("in", "the", "evening"), "pm", True),
    (("at", "night"), "pm", True),
    (("tonight",), "pm", True),
    (("de", "la", "manana"), "am", True),
    (("por", "la", "manana"), "am", True),
    (("de", "la", "madrugada"), "am", True),
    (("de", "la", "tarde"), "pm", True),
    (("por", "la", "tarde"), "pm", True),
    (("de", "la", "noche"), "pm", True),
    (("por", "la", "noche"), "pm", True),
    (("oclock",), "", True),
    (("ish",), "ish", True),
    (("h",), "24h", False),
    (("hs",), "24h", False),
    (("hrs",), "24h", False),
)


@dataclass(frozen=True)
class _Clock:
    """A time of day read from the text, before am/pm is settled."""

    hour: int
    minute: int
    # "am", "pm", "24h", or "" when not said
    meridiem: str
    # said as a time (minutes, am/pm, o'clock): not just a number
    explicit: bool
    # "5ish": about then
    around: bool
    # "06:00": a 24-hour time
    leading_zero: bool
    # the index of the word after it
    end: int

    def minutes(self, meridiem: str | None = None) -> int:
        """Minutes after midnight, with ``meridiem`` if none was said."""
        said = self.meridiem or meridiem or ""
        hour = self.hour
        if 13 <= hour or self.leading_zero or said == "24h":
            pass
        elif said == "am":
            hour %= 12
        elif said == "pm":
            hour = hour % 12 + 12
        elif 1 <= hour <= 6:  # bare numbers: 1-6 are afternoon times
            hour += 12
        return (hour * 60 + self.minute) % MINUTES_PER_DAY


def _normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in folded if not unicodedata.combining(c))
    text = re.sub(r"n['’]t\b", " not", text)  # "don't", "can't": a negation
    for pattern, replacement in _PHRASES:
        text = re.sub(pattern, replacement, text)
    return text


def _read(text: str) -> Tuple[FrozenSet[int], List[Window]] | None:
    """The days and time windows named in ``text``; None when it is unclear."""
    tokens = _TOKEN.findall(_normalise(text))
    if any(word in _UNCLEAR for word in tokens):
        return None
    days: Set[int] = set()
    windows: List[Window] = []
    index = 0
    while index < len(tokens):
        word = tokens[index]
        clock = _clock_at(tokens, index)
        if clock is not None:
            found, index = _times_from(tokens, index, clock)
            windows.extend(found)
            continue
        day = _day(word)
        if day is not None:
            days.add(day)
        elif word in _DAY_GROUPS:
            days.update(_DAY_GROUPS[word])
        elif word in _PARTS_OF_DAY:
            windows.extend(_PARTS_OF_DAY[word])
        elif word == "manana" and index and tokens[index - 1] in _MORNING_AFTER:
            windows.extend(_PARTS_OF_DAY["morning"])
        index += 1
    return frozenset(days), windows


def _day(word: str) -> int | None:
    """The weekday a word names ("Sunday", "sundays", "sat", "sábado")."""
    if word in _DAY_WORDS:
        return _DAY_WORDS[word]
    if len(word) > 5 and word.endswith("s"):  # "Mondays", "sábados"
        return _DAY_WORDS.get(word[:-1])
    return None


def _clock_at(tokens: List[str], index: int) -> _Clock | None:
    """The time that starts at ``tokens[index]``, if one does."""
    word = tokens[index]
    hour, minute, explicit, leading_zero = -1, 0, False, False
    after = index + 1
    if word in ("noon", "midnight"):
        hour, explicit = (12 if word == "noon" else 0), True
        return _Clock(hour, 0, "24h", explicit, False, False, after)
    if word in ("half", "quarter") and after + 1 < len(tokens):
        if tokens[after] in ("past", "to") and tokens[after + 1].isdigit():
            base = _clock_at(tokens, after + 1)
            if base is None:
                return None
            if tokens[after] == "past":
                minute = 30 if word == "half" else 15
                return replace(base, minute=minute, explicit=True)
            if word == "quarter":
                return replace(
                    base, hour=(base.hour - 1) % 24, minute=45, explicit=True
                )
        return None
    if word in _NUMBER_WORDS:
        hour = _NUMBER_WORDS[word]
    elif word[:1].isdigit():
        digits, _, rest = word.replace(".", ":").partition(":")
        if len(digits) > 2:
            return None
        hour, minute = int(digits), int(rest or 0)
        explicit, leading_zero = bool(rest), len(digits) == 2 and digits[0] == "0"
    if not 0 <= hour <= 23 or minute > 59:
        return None
    meridiem, around = "", False
    suffix = _suffix(tokens, after)
    while suffix is not None:  # "8 o'clock in the evening", "5pm-ish"
        words, said, makes_time = suffix
        after += len(words)
        explicit = explicit or makes_time
        if said == "ish":
            around = True
        else:
            meridiem = meridiem or said
        suffix = _suffix(tokens, after)
    return _Clock(hour, minute, meridiem, explicit, around, leading_zero, after)


def _suffix(tokens: List[str], index: int) -> Tuple[Tuple[str, ...], str, bool] | None:
    """The suffix of a time at ``tokens[index]`` ("pm", "de la tarde"), if any."""
    for suffix in _SUFFIXES:
        if tuple(tokens[index : index + len(suffix[0])]) == suffix[0]:
            return suffix
    return None


def _operator(tokens: List[str], index: int) -> str | None:
    """What the words before a number make of it ("after", "at"...), if any."""
    back, article = index - 1, False
    while back >= 0 and tokens[back] in _FILLERS:
        article = article or tokens[back] in _TIME_ARTICLES
        back -= 1
    if back >= 0 and tokens[back] in _OPERATORS:
        return _OPERATORS[tokens[back]]
    return _AT if article else None


def _times_from(
    tokens: List[str], index: int, first: _Clock
) -> Tuple[List[Window], int]:
    """The time windows a time at ``tokens[index]`` names, and where it ends."""
    operator = _operator(tokens, index)
    second = _range_end(tokens, first.end, operator)
    if second is not None:
        if second.end < len(tokens) and tokens[second.end] in _UNITS:
            return [], second.end  # "5 to 7 days"
        return _range(first, second), second.end
    if first.end < len(tokens) and tokens[first.end] in _UNITS:
        return [], first.end  # "in 2 weeks"
    if not first.explicit and operator is None:
        return [], first.end  # a number alone is not a time ("Tuesday 3")
    moment = first.minutes()
    if operator == _AFTER:
        return [(moment, MINUTES_PER_DAY)], first.end
    if operator == _BEFORE:
        return [(0, moment or MINUTES_PER_DAY)], first.end
    if operator == _AROUND or first.around:
        start, end = moment - _AROUND_MINUTES, moment + _AROUND_MINUTES
        return [(max(start, 0), min(end, MINUTES_PER_DAY))], first.end
    return [(moment, moment)], first.end


def _range_end(tokens: List[str], index: int, operator: str | None) -> _Clock | None:
    """The second time of a range ("4 to 6pm", "between 4 and 6"), if any."""
    if index >= len(tokens):
        return None
    word = tokens[index]
    if not (word in _RANGE_WORDS or (word in _AND_WORDS and operator == _BETWEEN)):
        return None
    index += 1
    while index < len(tokens) and tokens[index] in ("las", "la", "the"):
        index += 1
    if index >= len(tokens):
        return None
    return _clock_at(tokens, index)


def _range(first: _Clock, second: _Clock) -> List[Window]:
    """The windows from ``first`` to ``second``: "between 8 and 10pm" is
    20:00-22:00, "10 to 2pm" 10:00-14:00, "10pm to 2am" crosses midnight."""
    end = second.minutes()
    start = first.minutes()
    if not first.meridiem and second.meridiem in ("am", "pm"):
        shared = first.minutes(second.meridiem)
        if shared <= end:
            start = shared
    if not second.meridiem and end <= start and second.hour <= 12:
        end = second.minutes("pm")
    if end == 0:
        end = MINUTES_PER_DAY  # "until midnight"
    if end <= start:
        return [(start, MINUTES_PER_DAY), (0, end)]
    return [(start, end)]


def _overlaps(window: Window, opening: Window) -> bool:
    start, end = window
    opens, closes = opening
    if start == end:  # a moment: closing time itself is closed
        return opens <= start < closes
    return start < closes and end > opens
