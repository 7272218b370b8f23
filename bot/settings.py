"""The clinic's own details, read from one settings file when needed.

``clinic.yml`` at the project root holds neutral defaults; ``CLINIC_SETTINGS``
points at another file. Read on every call (it is tiny), so tests and
deployments can change it without restarting anything.
"""

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Set, Union

import yaml

from bot.opening_hours import OpeningHours, describe_hours, parse_hours
from bot.paths import CLINIC_FILE

logger = logging.getLogger(__name__)

# the settings that are text, as the file gives them and responses show them
_TEXT_FIELDS = ("name", "phone", "email", "opening_hours", "emergency_number")


@dataclass(frozen=True)
class ClinicSettings:
    """How patients reach the clinic, and which emergency number to name."""

    name: str = "the clinic"
    phone: str = "the clinic's reception"
    email: str = ""
    # the opening hours as patients read them ("Monday to Friday, 9am to 5pm")
    opening_hours: str = ""
    emergency_number: str = "999 (UK), 112 (Europe) or 911 (US)"
    # the opening hours as data (the ``hours`` block); None: not known, and
    # no preferred time is ever marked outside them
    hours: OpeningHours | None = None

    def template_values(self) -> Dict[str, str]:
        """Values for ``{clinic_name}``-style placeholders in responses."""
        values = {f"clinic_{name}": getattr(self, name) for name in _TEXT_FIELDS}
        values["emergency_number"] = self.emergency_number
        return values


# problems with the ``hours`` block already logged (settings are read on every
# message: each problem is logged once per process)
_HOURS_WARNED: Set[str] = set()


def load_clinic(path: Union[str, Path] | None = None) -> ClinicSettings:
    """Reads the clinic settings; unknown keys are ignored, missing ones default.

    Args:
        path: Settings file; defaults to ``$CLINIC_SETTINGS`` or ``clinic.yml``.

    Returns:
        The settings. A missing or unreadable file gives the neutral defaults,
        so the assistant can always answer (and always name an emergency
        number). The opening hours shown to patients are the file's
        ``opening_hours`` text if it has one, else written from its ``hours``
        block; a missing or invalid ``hours`` block leaves ``hours`` None (and
        is logged once).
    """
    path = Path(path or os.environ.get("CLINIC_SETTINGS") or CLINIC_FILE)
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle) or {}
    except (OSError, yaml.YAMLError):
        return ClinicSettings()
    if not isinstance(raw, dict):
        return ClinicSettings()
    texts = {
        k: str(v) for k, v in raw.items() if k in _TEXT_FIELDS and v not in (None, "")
    }
    hours = _hours(raw.get("hours"), path)
    if "opening_hours" not in texts and hours is not None:
        texts["opening_hours"] = describe_hours(hours)
    return ClinicSettings(**texts, hours=hours)


def _hours(raw: Any, path: Path) -> OpeningHours | None:
    """The ``hours`` block, or None (logged once) when it is missing or invalid."""
    try:
        if raw is None:
            raise ValueError("no 'hours' block")
        return parse_hours(raw)
    except ValueError as problem:
        warning = f"{path}: {problem}; no preferred time is marked outside hours"
        if warning not in _HOURS_WARNED:
            _HOURS_WARNED.add(warning)
            logger.warning(warning)
        return None


# the longest message read (characters); longer ones get a polite answer
DEFAULT_MAX_MESSAGE_CHARS = 2000


def max_message_chars() -> int:
    """``$MAX_MESSAGE_CHARS``, or 2,000 when unset or not a positive number."""
    return int_setting("MAX_MESSAGE_CHARS", DEFAULT_MAX_MESSAGE_CHARS, minimum=1)


def int_setting(name: str, default: int, minimum: int = 0) -> int:
    """The whole number in ``$name``, or ``default`` when it is unset, not a
    number, or below ``minimum``."""
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value >= minimum else default


# origins (scheme://host:port, comma-separated) whose pages may open the chat
# widget's socket.io connection; unset: the Rasa server's own origin only
ORIGINS_VARIABLE = "CHAT_ALLOWED_ORIGINS"
