"""Command line: ``python -m bot <command>`` (see ``--help``)."""

import argparse
import os
import sys
from pathlib import Path
from typing import Callable, Dict, List

from bot.paths import PRIVATE_UMASK


def _build_spacy(args: argparse.Namespace) -> int:
    from bot import spacy_pipeline

    path = spacy_pipeline.save(Path(args.out))
    print(f"spaCy pipeline written to {path}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from bot import launcher

    return launcher.run_forever(
        launcher.ServerConfig(
            model=Path(args.model),
            rasa_port=args.port,
            actions_port=args.actions_port,
            web_port=args.web_port,
        )
    )


def _web(args: argparse.Namespace) -> int:
    from bot.web import server

    server.serve(args.port, args.socket_url)
    return 0


def _shell(args: argparse.Namespace) -> int:
    from bot import launcher

    return launcher.shell(
        launcher.ServerConfig(model=Path(args.model), actions_port=args.actions_port)
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    spacy_cmd = commands.add_parser("build-spacy", help="build the spaCy pipeline")
    spacy_cmd.add_argument("--out", default="var/spacy/en_vertebroplasty")

    for name, help_text in (
        ("run", "start the action server and the Rasa server"),
        ("shell", "chat in the terminal (starts the action server if needed)"),
    ):
        cmd = commands.add_parser(name, help=help_text)
        cmd.add_argument("--model", default="models/vertebroplasty.tar.gz")
        cmd.add_argument("--actions-port", type=int, default=5055)
        if name == "run":
            cmd.add_argument("--port", type=int, default=5005)
            cmd.add_argument("--web-port", type=int, default=8080)
    web_cmd = commands.add_parser(
        "web", help="serve the demo page with the chat widget"
    )
    web_cmd.add_argument("--port", type=int, default=8080)
    web_cmd.add_argument("--socket-url", default="http://127.0.0.1:5005")

    from bot import staff_cli

    staff_cli.add_commands(commands)
    return parser


def _staff(args: argparse.Namespace) -> int:
    from bot import staff_cli

    return staff_cli.run(args)


HANDLERS: Dict[str, Callable[[argparse.Namespace], int]] = {
    "build-spacy": _build_spacy,
    "run": _run,
    "shell": _shell,
    "web": _web,
    "requests": _staff,
    "handoff": _staff,
    "db": _staff,
}


def main(argv: List[str] | None = None) -> int:
    """Runs one command and returns its exit status. Whatever it creates
    (databases, exports, logs) is readable by its user only."""
    os.umask(PRIVATE_UMASK)
    args = build_parser().parse_args(argv)
    return HANDLERS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
