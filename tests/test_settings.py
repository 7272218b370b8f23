"""Clinic settings: one file, neutral defaults, never a crash."""

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
