"""The servers' log files: patient data taken out, size limited, private."""

import io
import stat

import pytest

from bot.log_files import LogPump, RotatingLog, redact

NAME, PHONE, EMAIL = "Zebedee Quartermain", "07700 900123", "zeb.q@example.org"


@pytest.mark.parametrize(
    "line",
    [
        # the kinds of lines Rasa, the SDK and Sanic write on failure paths
        f"2026-12-07 05:20:23 WARNING  rasa.shared.nlu.training_data - Failed to"
        f' parse arguments in line \'/inform{{"full_name": "{NAME}"}}\'',
        f"ERROR rasa.core.actions.action - Failed to run custom action. "
        f'Response: {{"tracker": {{"slots": {{"full_name": "{NAME}"}}}}}}',
        f"rasa.core.nlg.interpolator - Failed to replace placeholders in response"
        f" 'Thank you, {NAME}'. Tried to replace 'full_name'",
        f'rasa.core.channels.rest - Message "my number is {PHONE}" timed out',
        f"ValueError: invalid literal for int() with base 10: '{NAME}'",
        f"contact {EMAIL} or {PHONE} or +44 (0)7700-900-123",
        f"received [{{'text': '{NAME}', 'phone': '{PHONE}'}}]",
    ],
)
def test_patient_data_is_taken_out_of_a_log_line(line):
    cleaned = redact(line)
    for secret in ("Zebedee", "Quartermain", "900123", "900-123", "zeb.q"):
        assert secret not in cleaned, cleaned


def test_what_is_not_patient_data_stays_readable():
    line = (
        "2026-12-07 05:20:23,123 INFO     rasa.core.run - Rasa server is up and "
        "running on port 5005 (2 workers, 1.2 s per 1000 messages)"
    )
    assert redact(line) == line


def test_the_log_rotates_at_its_size_and_keeps_the_backups(tmp_path):
    path = tmp_path / "logs" / "rasa.log"
    log = RotatingLog(path, max_bytes=100, backups=2)
    for number in range(10):
        log.write(f"line {number:02d} " + "x" * 30 + "\n")
    log.close()
    files = sorted(p.name for p in path.parent.iterdir())
    assert files == ["rasa.log", "rasa.log.1", "rasa.log.2"]
    assert all(p.stat().st_size <= 100 for p in path.parent.iterdir())
    assert "line 09" in path.read_text()  # the newest is in the live file
    assert "line 00" not in "".join(p.read_text() for p in path.parent.iterdir())


def test_logs_are_readable_by_their_owner_only(tmp_path):
    path = tmp_path / "logs" / "rasa.log"
    path.parent.mkdir()
    path.write_text("made before, world-readable\n")
    path.chmod(0o644)
    RotatingLog(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_the_pump_copies_every_line_redacted(tmp_path):
    path = tmp_path / "actions.log"
    output = io.BytesIO(f"one\nsaid '{NAME}'\n\xff broken bytes\n".encode("latin-1"))
    pump = LogPump(output, RotatingLog(path))
    pump.start()
    pump.join(timeout=5)
    lines = path.read_text().splitlines()
    assert lines[0] == "one"
    assert lines[1] == "said '…'"
    assert "broken bytes" in lines[2]
