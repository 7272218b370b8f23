"""The servers' log files: patient data taken out, size limited, private.

The launcher pipes each server's output (Rasa's, the SDK's and Sanic's own
logging, warnings, tracebacks) through ``LogPump``, which writes it line by
line to ``<log_dir>/<role>.log`` after ``redact``: quoted text (Rasa quotes the
messages, payloads and templates it complains about), JSON objects (trackers,
request bodies), e-mail addresses and phone-like numbers are replaced. The
file rotates at ``LOG_MAX_BYTES`` (10 MB by default; ``LOG_BACKUPS`` old files
are kept, 3 by default) and is readable by its owner only.
"""

import os
import re
import threading
from pathlib import Path
from typing import IO

from bot.settings import int_setting

DEFAULT_MAX_BYTES = 10_000_000
DEFAULT_BACKUPS = 3

_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|‘[^’\n]*’|“[^”\n]*”")
_OBJECT = re.compile(r"\{.*\}|\[\{.*\}\]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# a run of digits, spaces, dots, dashes and brackets with 9 or more digits
# (phone numbers; dates and times of the log lines have fewer)
_NUMBER = re.compile(r"\+?\(?\d[\d ().-]{7,}\d")
_PHONE_DIGITS = 9
_LOG_LINE_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[.,]\d+)?")


def _numbers_hidden(text: str) -> str:
    def hide(match: re.Match) -> str:
        digits = sum(c.isdigit() for c in match.group())
        return "[number]" if digits >= _PHONE_DIGITS else match.group()

    return _NUMBER.sub(hide, text)


def redact(line: str) -> str:
    """``line`` without quoted text, JSON objects, e-mails or phone numbers
    (the timestamp a log line starts with is kept)."""
    stamp = _LOG_LINE_START.match(line)
    head, rest = (stamp.group(), line[stamp.end() :]) if stamp else ("", line)
    rest = _OBJECT.sub("{…}", rest)
    rest = _QUOTED.sub("'…'", rest)
    rest = _EMAIL.sub("[email]", rest)
    return head + _numbers_hidden(rest)


def _private_append(path: Path) -> IO[str]:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.chmod(path, 0o600)  # also when the file was made before
    return os.fdopen(descriptor, "a", encoding="utf-8", errors="replace")


class RotatingLog:
    """An append-only log file that rotates at a size (``.1`` … ``.N``)."""

    def __init__(
        self,
        path: Path,
        max_bytes: int | None = None,
        backups: int | None = None,
    ) -> None:
        """Opens (creates) ``path``, readable by its owner only."""
        self.path = path
        self.max_bytes = max_bytes or int_setting(
            "LOG_MAX_BYTES", DEFAULT_MAX_BYTES, minimum=1
        )
        self.backups = (
            backups
            if backups is not None
            else int_setting("LOG_BACKUPS", DEFAULT_BACKUPS)
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        self._file = _private_append(path)
        self._lock = threading.Lock()

    def write(self, line: str) -> None:
        """Appends one line (redacted by the caller), rotating first if full."""
        with self._lock:
            if self._file.tell() + len(line) > self.max_bytes:
                self._rotate()
            self._file.write(line)
            self._file.flush()

    def _rotate(self) -> None:
        self._file.close()
        for number in range(self.backups - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{number}")
            if older.exists():
                older.replace(self.path.with_name(f"{self.path.name}.{number + 1}"))
        if self.backups > 0:
            self.path.replace(self.path.with_name(f"{self.path.name}.1"))
        else:
            self.path.unlink()
        self._file = _private_append(self.path)

    def close(self) -> None:
        """Closes the file."""
        with self._lock:
            self._file.close()


class LogPump(threading.Thread):
    """Copies a server's output, redacted, into its rotating log file."""

    def __init__(self, source: IO[bytes], log: RotatingLog) -> None:
        """Starts nothing yet; ``start()`` reads until ``source`` ends."""
        super().__init__(name=f"log pump {log.path.name}", daemon=True)
        self._source = source
        self._log = log

    def run(self) -> None:
        """Reads lines until the server's output closes."""
        try:
            for raw in iter(self._source.readline, b""):
                self._log.write(redact(raw.decode("utf-8", errors="replace")))
        finally:
            self._log.close()
