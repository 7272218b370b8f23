"""The clinic's own details, read from one settings file when needed.

``clinic.yml`` at the project root holds neutral defaults; ``CLINIC_SETTINGS``
points at another file. Read on every call (it is tiny), so tests and
deployments can change it without restarting anything.
"""

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Dict, Union

import yaml

from bot.paths import CLINIC_FILE


@dataclass(frozen=True)
class ClinicSettings:
    """How patients reach the clinic, and which emergency number to name."""

    name: str = "the clinic"
    phone: str = "the clinic's reception"
    email: str = ""
    opening_hours: str = ""
    emergency_number: str = "999 (UK), 112 (Europe) or 911 (US)"

    def template_values(self) -> Dict[str, str]:
        """Values for ``{clinic_name}``-style placeholders in responses."""
        values = {f"clinic_{k}": v for k, v in asdict(self).items()}
        values["emergency_number"] = self.emergency_number
        return values


def load_clinic(path: Union[str, Path] | None = None) -> ClinicSettings:
    """Reads the clinic settings; unknown keys are ignored, missing ones default.

    Args:
        path: Settings file; defaults to ``$CLINIC_SETTINGS`` or ``clinic.yml``.

    Returns:
        The settings. A missing or unreadable file gives the neutral defaults,
        so the assistant can always answer (and always name an emergency
        number).
    """
    path = Path(path or os.environ.get("CLINIC_SETTINGS") or CLINIC_FILE)
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle) or {}
    except (OSError, yaml.YAMLError):
        return ClinicSettings()
    known = ClinicSettings.__dataclass_fields__
    return ClinicSettings(
        **{k: str(v) for k, v in raw.items() if k in known and v not in (None, "")}
    )


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
