"""`python -m bot run`: starts both servers, and Ctrl-C stops both."""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from bot import launcher
from bot.launcher import HOST, ServerConfig, free_port, port_in_use
from bot.paths import PROJECT_ROOT


def test_a_busy_port_is_reported_not_crashed_on(capsys):
    with socket.socket() as busy:
        busy.bind((HOST, 0))
        busy.listen()
        port = busy.getsockname()[1]
        status = launcher.run_forever(
            ServerConfig(rasa_port=port, actions_port=free_port())
        )
    assert status == 1
    assert f"port {port} already in use" in capsys.readouterr().err


def test_a_missing_model_is_refused_before_anything_starts(tmp_path):
    config = ServerConfig(
        model=tmp_path / "absent.tar.gz",
        rasa_port=free_port(),
        actions_port=free_port(),
        log_dir=tmp_path,
    )
    servers = launcher.Servers(config)
    try:
        with pytest.raises(launcher.LaunchError, match="make train"):
            servers.start()
        assert servers.pids() == {}
    finally:
        servers.stop()  # whatever happened, never leave a server behind
    assert not port_in_use(config.actions_port)


@pytest.mark.e2e
def test_ctrl_c_stops_both_servers(tmp_path):
    rasa_port, actions_port = free_port(), free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot",
            "run",
            "--port",
            str(rasa_port),
            "--actions-port",
            str(actions_port),
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            output.append(line)
            if "Press Ctrl-C" in line or process.poll() is not None:
                break
        assert "Press Ctrl-C" in "".join(output), "".join(output)
        assert port_in_use(rasa_port)
        assert port_in_use(actions_port)
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "Both servers stopped." in rest
    assert not port_in_use(rasa_port)
    assert not port_in_use(actions_port)


def test_the_workers_share_the_cores_out_and_a_set_size_is_kept():
    cores = os.cpu_count() or 1
    shared = launcher.compute_threads(2, {})
    assert shared == dict.fromkeys(launcher.THREAD_VARIABLES, str(max(1, cores // 2)))
    assert set(launcher.compute_threads(cores * 2, {}).values()) == {"1"}
    kept = launcher.compute_threads(1, {"OMP_NUM_THREADS": "3"})
    assert "OMP_NUM_THREADS" not in kept
    assert kept["OPENBLAS_NUM_THREADS"] == str(cores)
