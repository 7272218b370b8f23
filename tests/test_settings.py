"""Clinic settings: one file, neutral defaults, never a crash."""

import logging
from datetime import time

import pytest

from bot import settings
from bot.opening_hours import OpeningHours
from bot.settings import ClinicSettings, load_clinic


def test_the_projects_settings_file_has_neutral_defaults():
    clinic = load_clinic()
    assert clinic.phone
    assert clinic.email.endswith(".example")
    assert "999" in clinic.emergency_number
    assert "112" in clinic.emergency_number


def test_settings_come_from_the_file_named_in_the_environment(clinic_file):
    clinic = load_clinic()
    assert clinic.name == "Test Spine Clinic"
    assert clinic.template_values()["clinic_phone"] == "020 7946 0000"
    assert clinic.template_values()["emergency_number"] == "112"


def test_a_missing_or_broken_file_gives_the_defaults(tmp_path):
    assert load_clinic(tmp_path / "missing.yml") == ClinicSettings()
    broken = tmp_path / "broken.yml"
    broken.write_text("name: [unclosed", encoding="utf-8")
    assert load_clinic(broken) == ClinicSettings()


def test_a_partial_file_keeps_defaults_for_the_rest(tmp_path):
    path = tmp_path / "clinic.yml"
    path.write_text(
        "name: North Clinic\nunknown: ignored\nphone: ''\n", encoding="utf-8"
    )
    clinic = load_clinic(path)
    assert clinic.name == "North Clinic"
    assert clinic.phone == ClinicSettings().phone


def test_the_projects_hours_are_data_and_shown_as_text():
    clinic = load_clinic()
    assert clinic.hours == OpeningHours(frozenset(range(5)), time(9), time(17))
    assert clinic.opening_hours == "Monday to Friday, 9am to 5pm"
    values = clinic.template_values()
    assert values["clinic_opening_hours"] == "Monday to Friday, 9am to 5pm"
    assert "clinic_hours" not in values
    assert all(isinstance(value, str) for value in values.values())


def test_opening_hours_text_given_is_shown_and_the_hours_still_read(tmp_path):
    path = tmp_path / "clinic.yml"
    path.write_text(
        "opening_hours: 'weekdays 8 to 6, not on bank holidays'\n"
        "hours:\n"
        "  days: [Monday, Tuesday, Wednesday, Thursday, Friday]\n"
        "  opens: '08:00'\n"
        "  closes: '18:00'\n",
        encoding="utf-8",
    )
    clinic = load_clinic(path)
    assert clinic.opening_hours == "weekdays 8 to 6, not on bank holidays"
    assert clinic.hours == OpeningHours(frozenset(range(5)), time(8), time(18))


def test_text_alone_is_shown_and_no_hours_are_known(clinic_file):
    clinic = load_clinic()
    assert clinic.opening_hours == "weekdays 8 to 6"
    assert clinic.hours is None
    assert clinic.template_values()["clinic_opening_hours"] == "weekdays 8 to 6"


@pytest.mark.parametrize(
    "hours",
    [
        "hours: Monday to Friday\n",
        "hours:\n  days: [Monday]\n  opens: '09:00'\n  closes: 17:00\n",
        "hours:\n  days: [Someday]\n  opens: '09:00'\n  closes: '17:00'\n",
        "hours:\n  days: [Monday]\n  opens: '18:00'\n  closes: '09:00'\n",
    ],
)
def test_invalid_hours_are_none_and_logged_once(tmp_path, monkeypatch, caplog, hours):
    monkeypatch.setattr(settings, "_HOURS_WARNED", set())
    path = tmp_path / "clinic.yml"
    path.write_text("name: North Clinic\n" + hours, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="bot.settings"):
        first, second = load_clinic(path), load_clinic(path)
    assert first == second
    assert (first.name, first.hours, first.opening_hours) == ("North Clinic", None, "")
    (record,) = caplog.records
    assert "no preferred time is marked outside hours" in record.getMessage()


def test_missing_hours_are_logged_once(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(settings, "_HOURS_WARNED", set())
    path = tmp_path / "clinic.yml"
    path.write_text("name: North Clinic\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="bot.settings"):
        assert load_clinic(path).hours is None
        assert load_clinic(path).hours is None
    (record,) = caplog.records
    assert "no 'hours' block" in record.getMessage()
