"""Red-flag message sets: emergencies and near-misses in patients' words.

``data/red_flags/development.yml`` teaches the emergency model (both labels)
and may be read when writing rules; ``tests/red_flags/eval.yml`` is written
apart and only ever measured.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import List

import yaml

EMERGENCY = "emergency"
# relative to the project root
DEVELOPMENT_SET = "data/red_flags/development.yml"
MEASURED_SET = "tests/red_flags/eval.yml"


@dataclass(frozen=True)
class Case:
    """One message of a set, with what the person typed before it."""

    text: str
    label: str
    category: str
    lang: str
    context: List[str] = field(default_factory=list)

    @property
    def is_emergency(self) -> bool:
        """True for messages labelled as emergencies."""
        return self.label == EMERGENCY


def load_cases(path: str | Path) -> List[Case]:
    """The messages of a red-flag set."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [
        Case(
            text=m["text"],
            label=m["label"],
            category=m.get("category", ""),
            lang=m.get("lang", "en"),
            context=list(m.get("context") or []),
        )
        for m in raw["messages"]
    ]
