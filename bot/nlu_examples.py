"""The NLU training examples (``data/nlu``), read without Rasa.

For the action server, which must not load Rasa: the words people use to
stop or cancel are the words of those intents' examples, one source of truth.
"""

import functools
import re
from pathlib import Path
from typing import FrozenSet, List, Sequence

import yaml

from bot.paths import PROJECT_ROOT

NLU_DIR = PROJECT_ROOT / "data" / "nlu"
# "[07700 900123](phone)" -> "07700 900123"
_ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")
# intents whose words, alone, make an answer a command rather than a name
COMMAND_INTENTS = ("stop", "cancel_request", "goodbye", "deny")


def examples(intents: Sequence[str], folder: Path = NLU_DIR) -> List[str]:
    """The training examples of ``intents``, annotations removed."""
    found: List[str] = []
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            if block.get("intent") not in intents:
                continue
            for line in (block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    found.append(
                        _ANNOTATION.sub(lambda m: m.group(1) or m.group(2), line[2:])
                    )
    return found


@functools.lru_cache(maxsize=1)
def command_words() -> FrozenSet[str]:
    """Lower-cased words of the ways of saying stop, cancel, bye and no."""
    return frozenset(
        word.lower()
        for example in examples(COMMAND_INTENTS)
        for word in re.findall(r"[^\W\d_]+", example)
    )
