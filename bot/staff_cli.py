"""Staff commands: ``python -m bot requests|handoff|db ...`` (see --help).

The clinic's staff see and work through requests here. Output goes to the
terminal (never to logs); the CSV export neutralises spreadsheet formulas.
"""

import argparse
import asyncio
import csv
import json
import os
import re
import signal
import sys
from dataclasses import asdict, fields
from datetime import timedelta
from pathlib import Path
from typing import Iterable, List, TextIO

from bot import conversation_retention
from bot.handoff import HandoffSettings, deliver_due, run_worker
from bot.references import normalise
from bot.store import (
    STATUSES,
    RequestStore,
    StoredRequest,
    StoreUnavailable,
    utc_now,
)

LIST_COLUMNS = ("reference", "kind", "status", "created_at", "full_name", "contact")
# a cell starting with one of these is a formula to a spreadsheet, and so is
# the part after a separator a spreadsheet may split on (";=cmd|...")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_AFTER_SEPARATOR = re.compile(r"([;,|\t])([=+\-@])")


def printable(value: object) -> str:
    """``value`` for a terminal: control characters (escape codes, carriage
    returns) are shown as ``\\x1b``, never run."""
    text = "" if value is None else str(value)
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def _table(requests: List[StoredRequest], out: TextIO) -> None:
    if not requests:
        print("No requests.", file=out)
        return
    rows = [[printable(getattr(r, c)) for c in LIST_COLUMNS] for r in requests]
    widths = [
        max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(LIST_COLUMNS)
    ]
    for row in [list(LIST_COLUMNS), *rows]:
        print(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)),
            file=out,
        )


def _safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    text = _FORMULA_AFTER_SEPARATOR.sub(r"\1'\2", text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(requests: Iterable[StoredRequest], out: TextIO) -> int:
    """Writes requests as CSV (formulas neutralised); returns the row count."""
    names = [f.name for f in fields(StoredRequest)]
    writer = csv.writer(out)
    writer.writerow(names)
    count = 0
    for request in requests:
        writer.writerow([_safe_cell(getattr(request, n)) for n in names])
        count += 1
    return count


def _export(path: Path, requests: List[StoredRequest]) -> int:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        return write_csv(requests, handle)


async def _requests(args: argparse.Namespace, store: RequestStore, out: TextIO) -> int:
    if args.action == "list":
        found = await store.list(status=args.status)
        if args.json:
            json.dump([asdict(r) for r in found], out, indent=2, ensure_ascii=False)
            print(file=out)
        else:
            _table(found, out)
        return 0
    if args.action == "show":
        request = await store.get(normalise(args.reference))
        if request is None:
            print(f"No request {args.reference}.", file=sys.stderr)
            return 1
        for name, value in asdict(request).items():
            print(f"{name:16} {printable(value)}", file=out)
        return 0
    if args.action == "mark":
        updated = await store.set_status(normalise(args.reference), args.status)
        if updated is None:
            print(f"No request {args.reference}.", file=sys.stderr)
            return 1
        print(f"{updated.reference} is now {updated.status}.", file=out)
        return 0
    if args.action == "export":
        found = await store.list(status=args.status)
        count = await asyncio.to_thread(_export, args.csv, found)
        print(f"Exported {count} requests to {args.csv}.", file=out)
        return 0
    retention = timedelta(days=args.older_than)
    deleted = await store.purge(retention)
    print(f"Deleted {deleted} requests older than {args.older_than} days.", file=out)
    try:
        path = conversation_retention.tracker_database(dict(os.environ))
        gone = await conversation_retention.purge(path, retention, utc_now())
    except conversation_retention.NoConversationStore as problem:
        print(f"Conversations not purged: {problem}.", file=sys.stderr)
        return 3
    print(
        f"Deleted {gone} conversations untouched for {args.older_than} days.",
        file=out,
    )
    return 0


async def _handoff(args: argparse.Namespace, store: RequestStore, out: TextIO) -> int:
    settings = HandoffSettings.from_env()
    if not settings.enabled:
        print("HANDOFF_WEBHOOK_URL is not set: nothing to deliver to.", file=sys.stderr)
        return 1
    if args.action == "deliver":
        report = await deliver_due(store, settings)
        counts = await store.outbox_counts()
        print(
            f"Delivered {report.delivered}, failed {report.failed}; "
            f"{counts['waiting']} waiting.",
            file=out,
        )
        return 0 if report.failed == 0 else 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await run_worker(store, settings, args.interval, stop)
    return 0


async def _db(args: argparse.Namespace, store: RequestStore, out: TextIO) -> int:
    version = await store.schema_version()
    print(f"{store.path}: schema version {version}.", file=out)
    return 0


HANDLERS = {"requests": _requests, "handoff": _handoff, "db": _db}


def add_commands(commands: "argparse._SubParsersAction") -> None:
    """Adds ``requests``, ``handoff`` and ``db`` to the CLI."""
    requests = commands.add_parser("requests", help="see and work through requests")
    actions = requests.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="list requests")
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument("--json", action="store_true", help="print JSON")
    actions.add_parser("show", help="one request in full").add_argument("reference")
    mark = actions.add_parser("mark", help="set a request's status")
    mark.add_argument("reference")
    mark.add_argument("status", choices=STATUSES)
    export = actions.add_parser("export", help="write requests to a CSV file")
    export.add_argument("--csv", required=True, type=Path)
    export.add_argument("--status", choices=STATUSES)
    purge = actions.add_parser("purge", help="delete old requests (retention)")
    purge.add_argument("--older-than", type=int, required=True, metavar="DAYS")

    handoff = commands.add_parser("handoff", help="deliver requests to the webhook")
    handoff_actions = handoff.add_subparsers(dest="action", required=True)
    handoff_actions.add_parser("deliver", help="deliver what is due, once")
    worker = handoff_actions.add_parser("worker", help="keep delivering until stopped")
    worker.add_argument("--interval", type=float, default=5.0, metavar="SECONDS")

    db = commands.add_parser("db", help="the request database")
    db.add_subparsers(dest="action", required=True).add_parser(
        "migrate", help="create or migrate the schema"
    )


def run(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    """Runs a staff command; a database problem is reported, not raised."""
    store = RequestStore.from_env(create=args.command == "db")
    try:
        return asyncio.run(HANDLERS[args.command](args, store, out))
    except StoreUnavailable as error:
        print(f"Database problem: {error}", file=sys.stderr)
        return 3
