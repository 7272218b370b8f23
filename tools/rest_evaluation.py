"""What the evaluations over REST share: their server options, the servers
they talk to (a running one, or fresh ones on free ports with their own
databases), where they write their figures, and how they fail."""

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Sequence, TypeVar

from bot.launcher import ServerConfig, running

DEFAULT_MODEL = "models/vertebroplasty.tar.gz"
T = TypeVar("T")


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    """``--model``, ``--url`` and ``--out``."""
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--url", help="a running Rasa server (default: start one)")
    parser.add_argument("--out", default="results")


def against_servers(
    args: argparse.Namespace, ask: Callable[[str], Awaitable[T]], prefix: str
) -> T:
    """``ask(rasa_url)`` against ``args.url``, or against servers started for
    it (and stopped after, also on failure)."""
    if args.url:
        return asyncio.run(ask(args.url))
    with tempfile.TemporaryDirectory(prefix=prefix) as scratch:
        config = ServerConfig.isolated(Path(scratch), model=Path(args.model))
        with running(config):
            return asyncio.run(ask(config.rasa_url))


def write_result(
    args: argparse.Namespace, file_name: str, result: Dict[str, Any]
) -> None:
    """Writes the figures as JSON under ``args.out`` and says where."""
    out = Path(args.out) / file_name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"written to {out}")


def exit_code(problems: Sequence[str]) -> int:
    """Prints each bar not met; 1 if there is one, else 0."""
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0
