"""Opening hours: read from the settings, shown to patients, and a preferred
time marked when it clearly falls outside them (never when it is unclear)."""

from datetime import time

import pytest

from bot.opening_hours import (
    OpeningHours,
    describe_hours,
    outside_hours,
    parse_hours,
)
from bot.paths import CLINIC_FILE
from bot.settings import load_clinic

WEEKDAYS_9_TO_5 = OpeningHours(frozenset(range(5)), time(9), time(17))


@pytest.fixture(scope="module")
def clinic_hours() -> OpeningHours:
    """The opening hours in the project's clinic.yml."""
    hours = load_clinic(CLINIC_FILE).hours
    assert hours is not None
    return hours


def test_the_project_clinic_is_open_weekdays_9_to_5(clinic_hours):
    assert clinic_hours == WEEKDAYS_9_TO_5


@pytest.mark.parametrize(
    "preferred",
    [
        # closed days only
        "Sunday",
        "sunday please",
        "Saturday morning",
        "Saturday or Sunday",
        "weekends",
        "at the weekend",
        "Sundays",
        "Sat am",
        "next Sunday at 10am",
        "sábado",
        "el domingo",
        "el sábado por la mañana",
        "fin de semana",
        "los fines de semana",
        # clock times and parts of day outside 9-5 only
        "8pm",
        "8 p.m.",
        "at 8 o'clock in the evening",
        "after 6pm",
        "after 6",
        "after 5pm",
        "after 5",
        "from 5pm",
        "later than 6",
        "7am",
        "at 7",
        "7:30",
        "8:45am",
        "06:00",
        "19:30",
        "19.30",
        "before 8",
        "before 9am",
        "by 8am",
        "up to 8.30am",
        "evenings",
        "weekday evenings",
        "Tuesday evening",
        "at night",
        "tonight",
        "Friday 8pm",
        "around 6pm",
        "6ish",
        "between 5 and 7pm",
        "between 8 and 10pm",
        "7-9am",
        "6 to 8",
        "10pm to midnight",
        "midnight",
        "half past 8",
        "quarter to 9",
        "tomorrow after 6",
        "24/11 at 7pm",
        "a las 8 de la mañana",
        "a las 7 de la tarde",
        "después de las 6",
        "a partir de las 5",
        "antes de las 8",
        "por la noche",
        "lunes por la noche",
        "martes a las 19h",
        "a las 19:30",
        "de madrugada",
    ],
)
def test_a_time_clearly_outside_is_marked(clinic_hours, preferred):
    assert outside_hours(preferred, clinic_hours)


@pytest.mark.parametrize(
    "preferred",
    [
        # within hours
        "mornings",
        "Tuesday morning",
        "afternoons",
        "Tuesday after 2pm",
        "after 2",
        "Friday 10am",
        "10:30",
        "at 9am",
        "4:45pm",
        "noon",
        "lunchtime",
        "from 8am",
        "from 4",
        "before 10",
        "until 6",
        "around 5",
        "between 4 and 6pm",
        "between 10 and 2pm",
        "9 to 5",
        "8-10am",
        "4pm onwards",
        "weekdays",
        "Monday",
        "por la mañana",
        "por la tarde",
        "el lunes por la tarde",
        "entre las 4 y las 6",
        "sobre las 10",
        "a la una",
        # something within hours among the choices
        "Monday or Sunday",
        "Saturday, or Tuesday morning",
        "Sunday 10am or Monday",
        "mornings or evenings",
        "lunes o sábado",
        # unclear: nothing named, an open choice, or a negation
        "any time",
        "anytime",
        "whenever suits",
        "asap",
        "as soon as possible",
        "next week",
        "tomorrow",
        "mañana",
        "in 2 weeks",
        "5 to 7 days from now",
        "Tuesday 3",
        "5pm-ish",
        "the 24th",
        "2026-11-24",
        "not Sunday",
        "any day but Sunday",
        "I can't do evenings",
        "Sunday or any time",
        "no mornings",
        "cualquier día",
        "cuanto antes",
        "no puedo el domingo",
        "during office hours",
        "",
        "   ",
    ],
)
def test_a_time_within_hours_or_unclear_is_not_marked(clinic_hours, preferred):
    assert not outside_hours(preferred, clinic_hours)


@pytest.mark.parametrize("preferred", ["Sunday", "8pm", "evenings", "at night"])
def test_without_known_hours_nothing_is_marked(preferred):
    assert not outside_hours(preferred, None)


@pytest.mark.parametrize(
    ("preferred", "outside"),
    [
        ("Saturday morning", False),
        ("Saturday 9am", False),
        ("Saturday 8pm", True),
        ("Sunday", True),
        ("evenings", False),  # open until 6pm: the evening starts within hours
        ("after 6pm", True),
        ("after 5pm", False),
        ("7am", True),
        ("8am", False),
        ("before 8", True),
        ("at 6", True),
        ("5:30pm", False),
    ],
)
def test_other_hours_mark_other_times(preferred, outside):
    monday_to_saturday_8_to_6 = OpeningHours(frozenset(range(6)), time(8), time(18))
    assert outside_hours(preferred, monday_to_saturday_8_to_6) is outside


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            {"days": ["Monday", "Friday"], "opens": "08:30", "closes": "18:00"},
            OpeningHours(frozenset({0, 4}), time(8, 30), time(18)),
        ),
        (
            {"days": ["mon", "TUE", "Saturday"], "opens": "9:00", "closes": "13:00"},
            OpeningHours(frozenset({0, 1, 5}), time(9), time(13)),
        ),
    ],
)
def test_hours_are_read_from_the_settings(raw, expected):
    assert parse_hours(raw) == expected


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (None, "days, opens and closes"),
        ("Monday to Friday", "days, opens and closes"),
        ({"opens": "09:00", "closes": "17:00"}, "list of day names"),
        ({"days": [], "opens": "09:00", "closes": "17:00"}, "list of day names"),
        ({"days": ["Funday"], "opens": "09:00", "closes": "17:00"}, "unknown day"),
        ({"days": ["Monday"], "opens": "9am", "closes": "17:00"}, "opens"),
        ({"days": ["Monday"], "opens": "09:00", "closes": 1020}, "closes"),
        ({"days": ["Monday"], "opens": "09:00", "closes": "25:00"}, "closes"),
        ({"days": ["Monday"], "opens": "17:00", "closes": "09:00"}, "after it opens"),
        ({"days": ["Monday"], "opens": "09:00", "closes": "09:00"}, "after it opens"),
    ],
)
def test_invalid_hours_are_refused_with_the_reason(raw, problem):
    with pytest.raises(ValueError, match=problem):
        parse_hours(raw)


def test_hours_refuse_unknown_day_indexes():
    with pytest.raises(ValueError, match="weekday indexes"):
        OpeningHours(frozenset({7}), time(9), time(17))


@pytest.mark.parametrize(
    ("days", "opens", "closes", "text"),
    [
        (range(5), time(9), time(17), "Monday to Friday, 9am to 5pm"),
        (range(6), time(8, 30), time(18), "Monday to Saturday, 8:30am to 6pm"),
        ({0, 2, 4}, time(9), time(12), "Monday, Wednesday and Friday, 9am to 12pm"),
        (
            {0, 1, 2, 4},
            time(10),
            time(16),
            "Monday to Wednesday and Friday, 10am to 4pm",
        ),
        ({5}, time(0), time(12, 15), "Saturday, 12am to 12:15pm"),
        ({0, 1}, time(9), time(17), "Monday and Tuesday, 9am to 5pm"),
    ],
)
def test_hours_are_described_for_patients(days, opens, closes, text):
    assert describe_hours(OpeningHours(frozenset(days), opens, closes)) == text
