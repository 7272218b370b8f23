"""``make bench``: speed and size of the assistant, measured from outside.

Trains from scratch (timed), starts the real servers (timed to the first
answer), then drives them over the REST channel from this separate process:

- FAQ-answer turn latency for 1 user (200 turns) and for 16 concurrent users
  (each its own conversation, 30 s), throughput and errors;
- a booking conversation from start to reference;
- peak resident memory of the Rasa server and the action server.

Prints a table and writes ``results/bench.json`` (with the machine's cores).
"""

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Sequence

import aiohttp

from bot.launcher import ServerConfig, Servers
from bot.paths import PROJECT_ROOT

FAQ_QUESTIONS = [
    "what is vertebroplasty?",
    "how long does the procedure take?",
    "what are the risks?",
    "will I be awake during it?",
    "how long will I stay in hospital?",
    "what is the recovery like?",
    "what is the cement made of?",
    "how quickly does the pain get better?",
    "who performs the procedure?",
    "can it cause new fractures?",
]
BOOKING = [
    "I would like to book a consultation",
    "Margaret Hill",
    "07700 900123",
    "Tuesday morning",
    "skip",
    "yes",
    "yes, send it",
]


@dataclass
class Latencies:
    """Turn times in milliseconds, and how many turns failed."""

    samples: List[float] = field(default_factory=list)
    errors: int = 0

    def summary(self, seconds: float | None = None) -> Dict[str, float]:
        """p50/p95/p99 (ms), turns, errors and, over ``seconds``, turns per second."""
        ordered = sorted(self.samples)

        def pct(p: float) -> float:
            if not ordered:
                return float("nan")
            return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

        result = {
            "turns": len(ordered),
            "errors": self.errors,
            "p50_ms": round(pct(50), 1),
            "p95_ms": round(pct(95), 1),
            "p99_ms": round(pct(99), 1),
            "mean_ms": round(statistics.fmean(ordered), 1) if ordered else float("nan"),
        }
        if seconds:
            result["turns_per_second"] = round(len(ordered) / seconds, 1)
        return result


async def turn(
    session: aiohttp.ClientSession, url: str, sender: str, text: str
) -> list:
    """One user message and the assistant's replies (raises on any failure)."""
    async with session.post(url, json={"sender": sender, "message": text}) as response:
        response.raise_for_status()
        replies = await response.json()
    if not replies or not any(r.get("text") for r in replies):
        raise RuntimeError("empty reply")
    return replies


async def _timed_turn(session, url, sender, text, latencies: Latencies) -> None:
    start = time.perf_counter()
    try:
        await turn(session, url, sender, text)
    except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError):
        latencies.errors += 1
        return
    latencies.samples.append((time.perf_counter() - start) * 1000)


async def one_user(url: str, turns: int) -> Latencies:
    """One conversation asking ``turns`` FAQ questions one after another."""
    latencies = Latencies()
    sender = f"bench-{uuid.uuid4().hex}"
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=30)
    ) as session:
        for i in range(turns):
            await _timed_turn(
                session, url, sender, FAQ_QUESTIONS[i % len(FAQ_QUESTIONS)], latencies
            )
    return latencies


async def many_users(url: str, users: int, seconds: float) -> Latencies:
    """``users`` conversations asking FAQ questions back to back for ``seconds``."""
    latencies = Latencies()
    deadline = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=users)
    timeout = aiohttp.ClientTimeout(total=30)

    async def user(index: int) -> None:
        sender = f"bench-{index}-{uuid.uuid4().hex}"
        i = index
        while time.monotonic() < deadline:
            question = FAQ_QUESTIONS[i % len(FAQ_QUESTIONS)]
            await _timed_turn(session, url, sender, question, latencies)
            i += 1

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(user(i) for i in range(users)))
    return latencies


async def booking(url: str) -> float:
    """Seconds from "book a consultation" to the reference code."""
    sender = f"bench-booking-{uuid.uuid4().hex}"
    start = time.perf_counter()
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=30)
    ) as session:
        for text in BOOKING:
            replies = await turn(session, url, sender, text)
    if "reference is" not in " ".join(r.get("text", "") for r in replies):
        raise RuntimeError("the booking did not complete")
    return time.perf_counter() - start


def process_tree(pid: int) -> List[int]:
    """``pid`` and all its descendants (e.g. the Rasa server's workers)."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            pids += process_tree(int(child))
    return pids


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process and its descendants, in MB.

    The sum of each process's peak: an upper bound of the tree's peak.
    """
    kilobytes = 0
    for member in process_tree(pid):
        for line in Path(f"/proc/{member}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                kilobytes += int(line.split()[1])
    return round(kilobytes / 1024, 1)


def train_from_scratch(out_dir: Path) -> float:
    """Seconds for `rasa train` with an empty cache; the model goes to ``out_dir``."""
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(out_dir / "cache")}
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "train",
            "--domain",
            "domain",
            "--out",
            str(out_dir),
            "--fixed-model-name",
            "bench",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def first_answer_seconds(servers: Servers, started: float) -> float:
    """Seconds from ``started`` to the first successful FAQ answer."""
    url = f"{servers.config.rasa_url}/webhooks/rest/webhook"

    async def ask() -> None:
        async with aiohttp.ClientSession() as session:
            await turn(session, url, "bench-cold", FAQ_QUESTIONS[0])

    asyncio.run(ask())
    return time.perf_counter() - started


def run(
    turns: int, users: int, seconds: float, model: Path | None, workers: int | None
) -> Dict:
    """Runs every measurement; returns the results."""
    results: Dict = {
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    scratch = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        if model is None:
            results["train_seconds"] = round(train_from_scratch(scratch), 1)
            model = scratch / "bench.tar.gz"
        config = ServerConfig.isolated(scratch, model=model)
        config.rasa_workers = workers or config.rasa_workers
        results["rasa_workers"] = config.rasa_workers
        started = time.perf_counter()
        servers = Servers(config).start()
        try:
            results["servers_ready_seconds"] = round(time.perf_counter() - started, 1)
            results["cold_start_seconds"] = round(
                first_answer_seconds(servers, started), 1
            )
            url = f"{config.rasa_url}/webhooks/rest/webhook"
            asyncio.run(one_user(url, 10))  # warm-up, not measured
            results["one_user"] = asyncio.run(one_user(url, turns)).summary()
            results["concurrent"] = {
                "users": users,
                "seconds": seconds,
                **asyncio.run(many_users(url, users, seconds)).summary(seconds),
            }
            results["booking_seconds"] = round(asyncio.run(booking(url)), 2)
            pids = servers.pids()
            results["peak_memory_mb"] = {
                "rasa_server": peak_rss_mb(pids["rasa"]),
                "action_server": peak_rss_mb(pids["actions"]),
            }
        finally:
            servers.stop()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return results


def format_table(results: Dict) -> str:
    """The results as a plain-text table."""
    one, many = results["one_user"], results["concurrent"]
    machine = results["machine"]
    rows = [
        ("machine", f"{machine['cores']} cores, Python {machine['python']}"),
        ("Rasa server workers", str(results["rasa_workers"])),
        ("rasa train from scratch", f"{results.get('train_seconds', 'skipped')} s"),
        ("cold start to first answer", f"{results['cold_start_seconds']} s"),
        (
            "1 user, FAQ turn p50/p95/p99",
            f"{one['p50_ms']} / {one['p95_ms']} / {one['p99_ms']} ms "
            f"({one['turns']} turns, {one['errors']} errors)",
        ),
        (
            f"{many['users']} users, FAQ turn p50/p95/p99",
            f"{many['p50_ms']} / {many['p95_ms']} / {many['p99_ms']} ms",
        ),
        (
            f"{many['users']} users, throughput",
            f"{many['turns_per_second']} turns/s ({many['turns']} turns in "
            f"{many['seconds']} s, {many['errors']} errors)",
        ),
        ("booking conversation (7 turns)", f"{results['booking_seconds']} s"),
        ("peak memory: Rasa server", f"{results['peak_memory_mb']['rasa_server']} MB"),
        (
            "peak memory: action server",
            f"{results['peak_memory_mb']['action_server']} MB",
        ),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the benchmark and prints and saves the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--model", type=Path, help="use this model, skip timed training"
    )
    parser.add_argument(
        "--out", type=Path, default=PROJECT_ROOT / "results" / "bench.json"
    )
    parser.add_argument(
        "--workers", type=int, help="Rasa server workers (default: RASA_WORKERS)"
    )
    args = parser.parse_args(argv)
    results = run(args.turns, args.users, args.seconds, args.model, args.workers)
    print(format_table(results))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
