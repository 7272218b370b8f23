"""Crashes during the request form: is any request lost, doubled or changed?

For each server (action server, Rasa server) and each step of the request
form (asking to book, name, phone, time, reason, consent, confirmation), a
patient's conversation is run while that server is killed with SIGKILL just
after the step's message is sent (0 to 0.4 s later: before, during or after
it is handled). A supervisor starts the killed server again, as ``make run``
does (here the client's loop calls the same ``restart_stopped``, so nothing
races). The patient behaves like a person and a retrying client: when a message
gets no answer (connection refused, an apology, "please send it again") it is
sent again, and each question the assistant asks is answered; a reply that
asks nothing ("I couldn't work out how to answer that") gets the same message
once or twice more, as a person would. At the end the
requests database must hold exactly one request per conversation, with
exactly the details typed.

Used by ``tools.attack`` (``make attack``).
"""

import argparse
import asyncio
import json
import os
import random
import signal
import string
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

from bot.launcher import LaunchError, ServerConfig, Servers, running
from bot.paths import PROJECT_ROOT
from bot.store import RequestStore
from bot.validation import normalise_phone
from channels.guarded import clinic_text

ROLES = ("actions", "rasa")
# a patient's answer to each question of the form, by words of the question
BOOK = "I would like to book a consultation please"
QUESTIONS = (
    ("full name", "name"),
    ("phone number or email", "phone"),
    ("days or times", "time"),
    ("what would you like to discuss", "reason"),
    ("Do you agree", "consent"),
    ("Please check your details", "confirm"),
)
STEPS = ("book",) + tuple(step for _, step in QUESTIONS)
DONE = "Your reference is"
MAX_MESSAGES = 30  # a conversation that needs more is stuck
MAX_UNCLEAR = 2  # a reply that asks nothing: the patient says it again
RETRY_SECONDS = 0.5
GIVE_UP_SECONDS = 180.0


def failure_replies() -> Tuple[str, ...]:
    """How replies that are not an answer begin: the client sends again."""
    return tuple(clinic_text(k)[:40] for k in ("no_reply", "conversation_not_saved"))


def requests_harmed(figures: Dict[str, object]) -> bool:
    """True when a crash lost, doubled or changed a request."""
    return bool(figures["lost"] or figures["duplicated"] or figures["changed"])


@dataclass
class Patient:
    """One conversation's details, as typed."""

    name: str
    phone: str
    time: str = "next Tuesday morning"
    reason: str = "my GP suggested it after my MRI"
    sender: str = field(default_factory=lambda: uuid.uuid4().hex)

    def answer(self, step: str) -> str:
        """What this patient types at ``step``."""
        return {
            "book": BOOK,
            "name": self.name,
            "phone": self.phone,
            "time": self.time,
            "reason": self.reason,
            "consent": "yes",
            "confirm": "yes, send it",
        }[step]


def new_patient(rng: random.Random) -> Patient:
    """A patient with a name and phone no other conversation has."""
    surname = "".join(rng.choice(string.ascii_lowercase) for _ in range(8))
    phone = "07700 9" + "".join(rng.choice(string.digits) for _ in range(5))
    return Patient(name=f"Robin {surname.capitalize()}", phone=phone)


def _send(url: str, sender: str, text: str) -> List[str] | None:
    """The reply texts, or None when the server could not be reached."""
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(  # noqa: S310 - the servers' own http URL
        url, data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return [r.get("text", "") for r in json.loads(response.read())]
    except (OSError, ValueError):  # refused, reset, timed out, half a body
        return None


@dataclass
class Outcome:
    """What one conversation took."""

    messages: int = 0
    retries: int = 0
    reference_shown: bool = False
    confirmed: bool = False  # the confirmation was sent (once or more)
    unclear: int = 0  # replies that asked nothing the patient could answer
    last_reply: str = ""


def answered(replies: List[str] | None, failures: Sequence[str]) -> bool:
    """True for replies that are the assistant's answer, not a failure."""
    if not replies:
        return False
    return not any(r.startswith(f) for r in replies for f in failures)


def next_step(replies: List[str]) -> str | None:
    """The form step the last reply asks for (None: finished or unknown)."""
    text = " ".join(replies)
    if DONE in text:
        return None
    for words, step in reversed(QUESTIONS):
        if words in text:
            return step
    return None


def converse(
    url: str,
    patient: Patient,
    failures: Sequence[str],
    kill_at: str,
    kill: "Killer",
    recover: Callable[[], None],
) -> Outcome:
    """Runs the form to the end; ``kill`` fires when ``kill_at`` is sent;
    ``recover`` restarts what was killed, between a client's retries."""
    outcome = Outcome()
    step: str | None = "book"
    killed = False
    while step is not None and outcome.messages < MAX_MESSAGES:
        if step == kill_at and not killed:
            kill.soon()
            killed = True
        deadline = time.monotonic() + GIVE_UP_SECONDS
        outcome.confirmed = outcome.confirmed or step == "confirm"
        replies = _send(url, patient.sender, patient.answer(step))
        outcome.messages += 1
        while not answered(replies, failures) and time.monotonic() < deadline:
            time.sleep(RETRY_SECONDS)
            recover()
            outcome.retries += 1
            replies = _send(url, patient.sender, patient.answer(step))
            outcome.messages += 1
        outcome.last_reply = " ".join(replies or [])[:120]
        if not answered(replies, failures):
            return outcome
        if replies and DONE in " ".join(replies):
            outcome.reference_shown = True
            return outcome
        asked = next_step(replies)
        if asked is None and step != "confirm" and outcome.unclear < MAX_UNCLEAR:
            # "I couldn't work out how to answer that": a person says it again
            outcome.unclear += 1
            continue
        # None after the confirmation: a retried one whose first answer (the
        # reference) was lost with the server; the database tells the rest
        step = asked
    return outcome


class Killer:
    """Kills one server with SIGKILL a random moment after ``soon``."""

    def __init__(self, servers: Servers, role: str, rng: random.Random) -> None:
        """For ``role`` of ``servers``."""
        self.servers = servers
        self.role = role
        self.rng = rng
        self.kills = 0

    def soon(self) -> None:
        """Kills the server 0 to 0.4 s from now, in the background."""
        pid = self.servers.pids()[self.role]
        delay = self.rng.uniform(0.0, 0.4)

        def kill() -> None:
            time.sleep(delay)
            try:
                os.kill(pid, signal.SIGKILL)
                self.kills += 1
            except ProcessLookupError:
                pass

        threading.Thread(target=kill, daemon=True).start()


class Restarter:
    """Starts killed servers again with the launcher's ``restart_stopped``,
    which ``make run``'s supervisor calls every second."""

    def __init__(self, servers: Servers) -> None:
        """Watches ``servers``."""
        self.servers = servers
        self.restarts = 0

    def __call__(self) -> None:
        """Restarts whatever stopped (waits until it is up)."""
        try:
            self.restarts += len(self.servers.restart_stopped())
        except LaunchError:
            pass  # tried again at the client's next retry


def crash_during_forms(
    servers: Servers,
    typed: List[str],
    rounds: int = 3,
    seed: int = 7,
) -> Dict[str, object]:
    """Kills each server ``rounds`` times at each form step; the figures.
    Every name and phone typed is added to ``typed`` (for the log grep)."""
    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
    failures = failure_replies()
    url = f"{servers.config.rasa_url}/webhooks/rest/webhook"
    patients: List[Patient] = []
    outcomes: List[Outcome] = []
    plan: List[tuple] = []
    kills: Dict[str, int] = {}
    restart = Restarter(servers)
    started = time.monotonic()
    for role in ROLES:
        killer = Killer(servers, role, rng)
        for _ in range(rounds):
            for step in STEPS:
                patient = new_patient(rng)
                patients.append(patient)
                plan.append((role, step))
                typed += [patient.name, patient.phone]
                outcomes.append(converse(url, patient, failures, step, killer, restart))
                time.sleep(0.5)  # a kill that came after the last answer
                restart()
        kills[role] = killer.kills
    store = RequestStore(servers.config.env["BOT_DB"], create=False)
    rows = asyncio.run(store.list())
    lost = doubled = changed = 0
    unfinished = []
    for patient, outcome, (role, step) in zip(patients, outcomes, plan, strict=True):
        mine = [r for r in rows if r.conversation_id == patient.sender]
        if not outcome.reference_shown:
            unfinished.append(
                {
                    "killed": role,
                    "at": step,
                    "confirmed": outcome.confirmed,
                    "stored": len(mine),
                    "last_reply": outcome.last_reply,
                }
            )
        details = [(r.full_name, r.contact, r.preferred_time, r.reason) for r in mine]
        typed = (
            patient.name,
            normalise_phone(patient.phone),  # stored as digits
            patient.time,
            patient.reason,
        )
        lost += outcome.confirmed and not mine
        doubled += len(mine) > 1
        changed += any(d != typed for d in details)
    return {
        "conversations": len(patients),
        "kills": kills,
        "restarts": restart.restarts,
        "reference_shown": sum(o.reference_shown for o in outcomes),
        "messages": sum(o.messages for o in outcomes),
        "retries": sum(o.retries for o in outcomes),
        "unclear_replies": sum(o.unclear for o in outcomes),
        "requests_stored": len(rows),
        "lost": lost,
        "not_confirmed": sum(not o.confirmed for o in outcomes),
        "unfinished": unfinished,
        "duplicated": doubled,
        "changed": changed,
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the crash part alone and prints its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model", default="models/vertebroplasty.tar.gz")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        config = ServerConfig.isolated(Path(scratch), model=PROJECT_ROOT / args.model)
        with running(config) as servers:
            figures = crash_during_forms(servers, [], rounds=args.rounds)
    print(json.dumps(figures, indent=2))
    return 1 if requests_harmed(figures) else 0


if __name__ == "__main__":
    sys.exit(main())
