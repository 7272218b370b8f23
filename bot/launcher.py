"""Starts and stops the action server and the Rasa server together.

Used by ``make run`` / ``make shell``, the end-to-end tests and the benchmark,
so every one of them runs the assistant the same way: real processes on
localhost, logs in files, both stopped cleanly (Ctrl-C included).
"""

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List

import yaml

from bot.log_files import LogPump, RotatingLog
from bot.paths import PRIVATE_UMASK, PROJECT_ROOT
from bot.settings import ORIGINS_VARIABLE, int_setting
from channels.sessions import SECRET_VARIABLE

HOST = "127.0.0.1"
START_TIMEOUT = 180.0
STOP_TIMEOUT = 15.0
# after a failed restart: the first wait, and the longest
RESTART_DELAY = 5.0
MAX_RESTART_DELAY = 60.0


class LaunchError(RuntimeError):
    """A server did not start."""


def default_rasa_workers() -> int:
    """``RASA_WORKERS`` if set, else one per core (at most 2: memory)."""
    per_core = max(1, min(2, os.cpu_count() or 1))
    return int_setting("RASA_WORKERS", per_core, minimum=1)


# the libraries that start a pool of compute threads (OpenMP: the multilingual
# encoder; BLAS: numpy) and the variables that size it
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def compute_threads(workers: int, environ: Dict[str, str]) -> Dict[str, str]:
    """Thread pool sizes for each Rasa worker: the cores shared out among the
    workers (each encodes every message twice for the emergency model; with a
    pool per core in each of two workers, 16 users got 10 turns/s instead of
    24 in ``make bench``). A size the environment sets already is kept."""
    share = str(max(1, (os.cpu_count() or 1) // max(1, workers)))
    return {name: share for name in THREAD_VARIABLES if name not in environ}


@dataclass
class ServerConfig:
    """What to start, and where."""

    model: Path = Path("models/vertebroplasty.tar.gz")
    rasa_port: int = 5005
    actions_port: int = 5055
    web_port: int | None = None  # the demo page; `make run` serves it on 8080
    log_dir: Path = Path("var/log")
    # where the SQLite conversation and lock stores go; None keeps endpoints.yml's
    store_dir: Path | None = None
    # Rasa server worker processes (each loads the model, ~0.7 GB)
    rasa_workers: int = field(default_factory=default_rasa_workers)
    endpoints: Path = Path("endpoints.yml")
    credentials: Path = Path("credentials.yml")
    env: Dict[str, str] = field(default_factory=dict)

    @classmethod
    def isolated(
        cls, scratch: Path, web: bool = False, model: Path | None = None, **env: str
    ) -> "ServerConfig":
        """Servers on free ports with their own databases and logs in ``scratch``.

        For tests, benchmarks and tools, so they never touch ``var/``.
        """
        return cls(
            model=model or cls.model,
            rasa_port=free_port(),
            actions_port=free_port(),
            web_port=free_port() if web else None,
            log_dir=scratch / "logs",
            store_dir=scratch,
            env={"BOT_DB": str(scratch / "requests.db"), **env},
        )

    @property
    def rasa_url(self) -> str:
        """Base URL of the Rasa server."""
        return f"http://{HOST}:{self.rasa_port}"

    @property
    def ready_url(self) -> str:
        """Answers 200 with the model's id once the Rasa server can answer."""
        return f"{self.rasa_url}/webhooks/rest/ready"

    @property
    def web_url(self) -> str:
        """The demo page with the chat widget."""
        return f"http://{HOST}:{self.web_port}/"

    @property
    def actions_url(self) -> str:
        """Base URL of the action server."""
        return f"http://{HOST}:{self.actions_port}"


def widget_origins(config: ServerConfig, environ: Dict[str, str]) -> Dict[str, str]:
    """``CHAT_ALLOWED_ORIGINS`` for the Rasa server: the demo page's origin
    (as 127.0.0.1 and localhost), unless the environment sets its own."""
    if environ.get(ORIGINS_VARIABLE) or config.web_port is None:
        return {}
    hosts = [HOST, "localhost"]
    return {ORIGINS_VARIABLE: ",".join(f"http://{h}:{config.web_port}" for h in hosts)}


def port_in_use(port: int) -> bool:
    """True if something already listens on ``port`` on localhost."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def free_port() -> int:
    """A port nothing listens on now (for tests and benchmarks)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _absolute(path: Path) -> Path:
    return path if path.is_absolute() else PROJECT_ROOT / path


def _endpoints_for(config: ServerConfig) -> Path:
    """endpoints.yml with our action server port (and store files)."""
    with open(_absolute(config.endpoints), encoding="utf-8") as handle:
        endpoints = yaml.safe_load(handle) or {}
    endpoints.setdefault("action_endpoint", {})["url"] = f"{config.actions_url}/webhook"
    if config.store_dir:
        tracker = endpoints.get("tracker_store") or {}
        if tracker.get("dialect") == "sqlite":
            tracker["db"] = str(config.store_dir / "tracker.db")
        locks = endpoints.get("lock_store") or {}
        if str(locks.get("type", "")).endswith("SQLiteLockStore"):
            locks["db"] = str(config.store_dir / "locks.db")
    run_dir = _absolute(Path("var/run"))
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / f"endpoints-{config.rasa_port}.yml"
    path.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
    return path


def _get_json(url: str, timeout: float = 5.0) -> Dict:
    """GET one of our own http://127.0.0.1 URLs and decode the JSON answer."""
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
        return json.loads(response.read())


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LaunchError(f"{url} exited with {process.returncode}; see {log}")
        with contextlib.suppress(OSError, urllib.error.URLError, ValueError):
            _get_json(url, timeout=2)
            return
        time.sleep(0.5)
    raise LaunchError(f"{url} did not answer within {START_TIMEOUT:.0f}s; see {log}")


def _migrate_database(config: ServerConfig) -> None:
    """Creates or migrates the request database before anything uses it."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "db", "migrate"],
        cwd=PROJECT_ROOT,
        env={**os.environ, **config.env},
        umask=PRIVATE_UMASK,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise LaunchError(
            f"the request database could not be prepared: {result.stderr}"
        )


def _require_model(config: ServerConfig) -> None:
    if not _absolute(config.model).is_file():
        raise LaunchError(f"no trained model at {config.model}: run `make train`")


class Servers:
    """The action server and the Rasa server, as child processes."""

    def __init__(self, config: ServerConfig) -> None:
        """Prepares (does not start) the servers."""
        self.config = config
        # role ("actions", "rasa", "web", "handoff") -> process, in start order
        self._processes: Dict[str, subprocess.Popen] = {}
        # role -> the thread copying its output into its log file
        self._pumps: Dict[str, LogPump] = {}
        # signs the chat widget's session ids, the same for every Rasa worker
        # and restart (a new one each launch unless the environment sets it)
        self._session_secret = {**os.environ, **config.env}.get(
            SECRET_VARIABLE
        ) or secrets.token_hex(32)

    def _spawn(self, role: str, args: List[str], env: Dict[str, str]) -> Path:
        """Starts ``python <args>`` as ``role``; its output goes, redacted, to
        ``<log_dir>/<role>.log`` (``bot.log_files``). Files it creates are
        private to its user (umask 077)."""
        log = _absolute(self.config.log_dir) / f"{role}.log"
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **env},
            start_new_session=True,  # Ctrl-C reaches us; we stop them
            umask=PRIVATE_UMASK,
        )
        assert process.stdout is not None
        self._pumps[role] = LogPump(process.stdout, RotatingLog(log))
        self._pumps[role].start()
        self._processes[role] = process
        return log

    def start_actions(self) -> None:
        """Starts the action server and waits until it answers."""
        config = self.config
        args = [
            "-m",
            "rasa_sdk",
            "--actions",
            "actions",
            "--port",
            str(config.actions_port),
        ]
        log = self._spawn("actions", args, {"SANIC_HOST": HOST, **config.env})
        _wait_until_up(f"{config.actions_url}/health", self._processes["actions"], log)

    def start_rasa(self) -> None:
        """Starts the Rasa server (the channels only: Rasa's HTTP API, with its
        conversation, execute and model routes, stays off) and waits for it.

        Raises:
            LaunchError: if there is no trained model, or the server does not
                come up with the model loaded.
        """
        config = self.config
        _require_model(config)
        args = [
            "-m",
            "rasa",
            "run",
            "--interface",
            HOST,
            "--port",
            str(config.rasa_port),
            "--model",
            str(_absolute(config.model)),
            "--endpoints",
            str(_endpoints_for(config)),
            "--credentials",
            str(_absolute(config.credentials)),
        ]
        env = {
            **compute_threads(config.rasa_workers, {**os.environ, **config.env}),
            "SANIC_WORKERS": str(config.rasa_workers),
            **widget_origins(config, {**os.environ, **config.env}),
            SECRET_VARIABLE: self._session_secret,
            **config.env,
        }
        log = self._spawn("rasa", args, env)
        _wait_until_up(config.ready_url, self._processes["rasa"], log)
        if not _get_json(config.ready_url).get("model_id"):
            raise LaunchError(f"the Rasa server loaded no model; see {log}")

    def start_web(self) -> None:
        """Serves the demo page with the chat widget (when a web port is set)."""
        config = self.config
        if config.web_port is None:
            return
        args = ["-m", "bot", "web", "--port", str(config.web_port)]
        log = self._spawn("web", [*args, "--socket-url", config.rasa_url], config.env)
        _wait_until_up(f"{config.web_url}health", self._processes["web"], log)

    def start_handoff_worker(self) -> None:
        """Starts the webhook delivery worker (only when a webhook is set)."""
        if {**os.environ, **self.config.env}.get("HANDOFF_WEBHOOK_URL"):
            self._spawn("handoff", ["-m", "bot", "handoff", "worker"], self.config.env)

    def start(self) -> "Servers":
        """Starts every server (and the delivery worker); stops all if one fails."""
        _require_model(self.config)
        try:
            _migrate_database(self.config)
            self.start_actions()
            self.start_rasa()
            self.start_web()
            self.start_handoff_worker()
        except BaseException:
            self.stop()
            raise
        return self

    def restart_rasa(self) -> None:
        """Stops and starts the Rasa server alone (conversations are persisted)."""
        self.stop("rasa")
        self.start_rasa()

    def stop(self, *roles: str) -> None:
        """Stops the given servers, or all (SIGTERM, then SIGKILL after a while)."""
        chosen = [r for r in reversed(self._processes) if not roles or r in roles]
        for role in chosen:
            # also when the server itself is gone: its workers may live on
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._processes[role].pid, signal.SIGTERM)
        for role in chosen:
            process = self._processes.pop(role)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            pump = self._pumps.pop(role, None)
            if pump is not None:
                pump.join(timeout=STOP_TIMEOUT)  # the last lines reach the file

    def restart_stopped(self) -> List[str]:
        """Starts again each server that stopped (crashed, killed), in start
        order; the roles restarted.

        Raises:
            LaunchError: if one does not come up again (the caller retries).
        """
        starters = {
            "actions": self.start_actions,
            "rasa": self.start_rasa,
            "web": self.start_web,
            "handoff": self.start_handoff_worker,
        }
        stopped = [r for r, p in self._processes.items() if p.poll() is not None]
        for role in stopped:
            self.stop(role)  # its process group and its log
            starters[role]()
        return stopped

    def alive(self) -> bool:
        """True while every started server is still running."""
        return all(p.poll() is None for p in self._processes.values())

    def pids(self) -> Dict[str, int]:
        """Process ids of the running servers, by role."""
        return {role: p.pid for role, p in self._processes.items()}


@contextlib.contextmanager
def running(config: ServerConfig) -> Iterator[Servers]:
    """Both servers for the duration of a ``with`` block."""
    servers = Servers(config).start()
    try:
        yield servers
    finally:
        servers.stop()


def _check_ports(*ports: int) -> str | None:
    busy = [str(p) for p in ports if port_in_use(p)]
    if busy:
        return (
            f"port {', '.join(busy)} already in use: is the assistant already running?"
        )
    return None


def _stop_on_signals() -> None:
    """Ctrl-C, `kill` and a closed terminal all raise KeyboardInterrupt.

    Set explicitly because a job started in the background begins with SIGINT
    ignored.
    """
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.default_int_handler)


def run_forever(config: ServerConfig) -> int:
    """``make run``: start both servers, say how to talk to them, wait for Ctrl-C."""
    problem = _check_ports(
        config.actions_port, config.rasa_port, *filter(None, [config.web_port])
    )
    if problem:
        print(problem, file=sys.stderr)
        return 1
    _stop_on_signals()
    print("Starting the action server and the Rasa server (about a minute)...")
    try:
        servers = Servers(config).start()  # stops what it started if interrupted
    except LaunchError as error:
        print(f"Could not start: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopped before start-up finished.")
        return 0
    log_dir = _absolute(config.log_dir)
    print(
        f"""
The vertebroplasty assistant is running.

  Open in a browser:   {config.web_url}
  Chat in a terminal:  make shell   (from a second terminal)
  REST channel:        curl -s {config.rasa_url}/webhooks/rest/webhook \\
                         -H 'Content-Type: application/json' \\
                         -d '{{"sender": "me", "message": "what is it?"}}'
  Ready (model id):    {config.ready_url}
  Staff: requests      .venv/bin/python -m bot requests list
  Logs:                {log_dir}/rasa.log, {log_dir}/actions.log

Press Ctrl-C to stop both servers.""",
        flush=True,
    )
    try:
        supervise(servers)
        return 1  # pragma: no cover - supervise returns only by an exception
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # let the cleanup finish
        servers.stop()
        print("Both servers stopped.", flush=True)


def supervise(servers: Servers, check_every: float = 1.0) -> None:
    """Restarts any server that stops, for ever (Ctrl-C ends it): a crashed
    action server must not take the emergency advice down with it."""
    delay = check_every
    while True:
        time.sleep(delay)
        try:
            for role in servers.restart_stopped():
                print(f"The {role} server stopped; started again.", file=sys.stderr)
            delay = check_every
        except LaunchError as error:
            delay = min(max(delay * 2, RESTART_DELAY), MAX_RESTART_DELAY)
            print(
                f"Restart failed ({error}); next try in {delay:.0f}s.", file=sys.stderr
            )


def shell(config: ServerConfig) -> int:
    """``make shell``: ``rasa shell`` with an action server (reused if running)."""
    _stop_on_signals()
    servers = Servers(config)
    chat: subprocess.Popen | None = None
    try:
        _require_model(config)
        if not port_in_use(config.actions_port):
            servers.start_actions()
        chat = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "rasa",
                "shell",
                "--model",
                str(_absolute(config.model)),
                "--endpoints",
                str(_endpoints_for(config)),
                "--port",
                str(free_port()),
            ],
            cwd=PROJECT_ROOT,
        )
        return chat.wait()
    except LaunchError as error:
        print(f"Could not start: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # let the cleanup finish
        if chat is not None and chat.poll() is None:
            chat.terminate()
            try:
                chat.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                chat.kill()
        servers.stop()
