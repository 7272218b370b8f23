"""Hostile traffic against the real servers: does one message stop the service?

Starts the servers on free ports (their own databases and logs) and sends,
over the REST and numbered channels, hostile requests: messages of every
size up to 5 MB, runs of punctuation, binary, bodies of the wrong JSON type,
payloads typed by hand, HTML and SQL; counts 5xx answers and hangs. While
a flood of 100 KB punctuation messages arrives, it times a patient's ordinary
question and the readiness route. It calls Rasa's HTTP API routes (they must
be off), kills each server at every step of the request form while a
patient's client retries (``tools.attack_crashes``), and greps the logs for
every name, phone and e-mail it sent.

    python -m tools.attack [--rounds 3] [--model models/vertebroplasty.tar.gz]

Prints a table, writes ``results/attack.json``, and exits non-zero if any
request got a 5xx or hung, an API route answered, a patient waited more than a
second during the flood, a crash lost, doubled or changed a request, or a
detail reached a log.
"""

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import aiohttp

from bot.launcher import ServerConfig, running
from bot.paths import PROJECT_ROOT
from tools.attack_crashes import crash_during_forms, requests_harmed

HANG_SECONDS = 30.0
# what a patient may wait, during the flood, for an ordinary answer
PATIENT_SECONDS = 1.0
SECRETS = ("Quillon Featherstonehaugh", "07700 900461", "quillon.f@example.org")
API_ROUTES = (
    ("GET", "/status"),
    ("GET", "/conversations/victim/tracker"),
    ("POST", "/conversations/victim/tracker/events"),
    ("POST", "/conversations/victim/execute"),
    ("POST", "/model/parse"),
    ("PUT", "/model"),
    ("DELETE", "/model"),
)


def hostile_bodies(rng: random.Random) -> List[bytes]:
    """One round of hostile request bodies (about 350)."""
    name, phone, email = SECRETS
    texts: List[Any] = [
        "",
        " ",
        "\x00\x01\x02",
        "<script>alert(1)</script>",
        "'; DROP TABLE requests; --",
        f'/inform{{"full_name": "{name}", "contact": "{phone}"}}',
        f'/inform{{"full_name": "{name}", {phone}',
        "/restart",
        "/affirm",
        f"my name is {name}, call me on {phone} or {email}",
        f"{name} {phone} " * 200,
    ]
    for size in (1_999, 2_000, 2_001, 16_000, 100_000, 1_000_000, 5_000_000):
        for char in "([{<*-.!?":
            texts.append(char * size)
    for _ in range(150):
        length = rng.choice((10, 100, 1_000, 3_000))
        texts.append(bytes(rng.getrandbits(8) for _ in range(length)).decode("latin-1"))
    for _ in range(100):
        texts.append("".join(rng.choice("()[]{}<>!?.,;:'\"") for _ in range(1_500)))
    bodies = [
        json.dumps({"sender": uuid.uuid4().hex, "message": t}).encode() for t in texts
    ]
    bodies += [
        b"",
        b"null",
        b"[]",
        b"123",
        b'"text"',
        b"{not json",
        b"\xff\xfe\x00",
        b'{"message": "hello"}',
        b'{"sender": null, "message": "hello"}',
        b'{"sender": ["a"], "message": "hello"}',
        b'{"sender": "a", "message": 42}',
        b'{"sender": "a", "message": {"text": "hi"}}',
        json.dumps({"sender": "s" * 10_000, "message": "hi"}).encode(),
    ]
    return bodies


async def _post(
    session: aiohttp.ClientSession, url: str, body: bytes
) -> Tuple[int, float]:
    started = time.monotonic()
    try:
        async with session.post(
            url, data=body, headers={"Content-Type": "application/json"}
        ) as response:
            await response.read()
            return response.status, time.monotonic() - started
    except asyncio.TimeoutError:
        return 0, time.monotonic() - started  # a hang


async def send_hostile(base: str, rounds: int) -> Dict[str, Any]:
    """Every hostile body over both channels, four at a time."""
    rng = random.Random(42)  # noqa: S311 - repeatable test data, not secrets
    statuses: Dict[int, int] = {}
    slowest = 0.0
    count = 0
    limit = asyncio.Semaphore(4)
    timeout = aiohttp.ClientTimeout(total=HANG_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def one(url: str, body: bytes) -> None:
            nonlocal slowest, count
            async with limit:
                status, seconds = await _post(session, url, body)
            statuses[status] = statuses.get(status, 0) + 1
            slowest = max(slowest, seconds)
            count += 1

        jobs = [
            one(f"{base}/webhooks/{channel}/webhook", body)
            for _ in range(rounds)
            for channel in ("rest", "numbered")
            for body in hostile_bodies(rng)
        ]
        await asyncio.gather(*jobs)
    return {
        "requests": count,
        "by_status": {str(k): v for k, v in sorted(statuses.items())},
        "server_errors": sum(v for k, v in statuses.items() if k >= 500),
        "hangs": statuses.get(0, 0),
        "slowest_seconds": round(slowest, 2),
    }


async def patient_during_flood(base: str, flood: int = 40) -> Dict[str, Any]:
    """Times a patient's question and /ready while 100 KB messages arrive."""
    timeout = aiohttp.ClientTimeout(total=HANG_SECONDS)
    answers: List[float] = []
    ready: List[float] = []
    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def flooder() -> None:
            for _ in range(flood // 4):
                body = json.dumps(
                    {"sender": uuid.uuid4().hex, "message": "([" * 50_000}
                ).encode()
                await _post(session, f"{base}/webhooks/rest/webhook", body)

        async def patient() -> None:
            sender = uuid.uuid4().hex
            for _ in range(10):
                body = json.dumps(
                    {"sender": sender, "message": "how long does it take?"}
                ).encode()
                status, seconds = await _post(
                    session, f"{base}/webhooks/rest/webhook", body
                )
                answers.append(seconds if status == 200 else HANG_SECONDS)
                started = time.monotonic()
                async with session.get(f"{base}/webhooks/rest/ready") as response:
                    await response.read()
                ready.append(time.monotonic() - started)

        await asyncio.gather(*(flooder() for _ in range(4)), patient())
    return {
        "patient_median_seconds": round(statistics.median(answers), 3),
        "patient_max_seconds": round(max(answers), 3),
        "ready_max_seconds": round(max(ready), 3),
    }


async def api_routes(base: str) -> Dict[str, int]:
    """The status of each of Rasa's HTTP API routes on the patients' port."""
    found = {}
    async with aiohttp.ClientSession() as session:
        for method, path in API_ROUTES:
            async with session.request(method, f"{base}{path}", json={}) as response:
                found[f"{method} {path}"] = response.status
    return found


def leaked(log_dir: Path, secrets: Sequence[str]) -> List[str]:
    """The secrets found in any log file (rotated ones included)."""
    logs = " ".join(p.read_text(errors="ignore") for p in log_dir.glob("*.log*"))
    pieces = [part for secret in secrets for part in secret.replace("@", " ").split()]
    return sorted({p for p in pieces if len(p) > 4 and p in logs})


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the attack and prints the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--crash-rounds",
        type=int,
        default=3,
        help="kills of each server at each form step (0: none)",
    )
    parser.add_argument("--model", default="models/vertebroplasty.tar.gz")
    parser.add_argument("--out", default="results")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        config = ServerConfig.isolated(Path(scratch), model=PROJECT_ROOT / args.model)
        typed = list(SECRETS)
        with running(config) as servers:
            base = config.rasa_url
            hostile = asyncio.run(send_hostile(base, args.rounds))
            flood = asyncio.run(patient_during_flood(base))
            routes = asyncio.run(api_routes(base))
            crashes = crash_during_forms(servers, typed, rounds=args.crash_rounds)
        found = leaked(PROJECT_ROOT / config.log_dir, typed)
    report = {
        "hostile": hostile,
        "flood": flood,
        "api_routes": routes,
        "crashes": crashes,
        "leaked": found,
    }
    out = PROJECT_ROOT / args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "attack.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    problems = []
    if hostile["server_errors"] or hostile["hangs"]:
        problems.append("5xx answers or hangs")
    if any(status not in (404, 405) for status in routes.values()):
        problems.append("an API route answered")
    if flood["patient_max_seconds"] > PATIENT_SECONDS:
        problems.append("a patient waited more than a second during the flood")
    if requests_harmed(crashes):
        problems.append("a request lost, stored twice or changed by a crash")
    if found:
        problems.append("patient details in the logs")
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
