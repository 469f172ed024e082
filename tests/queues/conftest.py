"""A real Redis server for the queue tests, and the summary they print.

``redis-server`` is taken from PATH; when it is missing and the tests run as root where apt-get is (CI: a
fresh Debian machine with only Python), it is installed with apt-get; elsewhere the tests are skipped, or
fail when the ``CI`` environment variable is set. It listens on a free loopback port of its own, keeps
nothing on disk, and is stopped when the session ends: the machine's own Redis service is never used.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

TASKS = "bgtyped_queue_tasks"


def _register_tasks() -> None:
    if TASKS in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(TASKS, Path(__file__).parent / "tasks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[TASKS] = module
    spec.loader.exec_module(module)


_register_tasks()


def _redis_server_binary(lock: Path) -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        message = "redis-server is not on PATH: install it (apt-get install redis-server) to run tests/queues"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # pytest-xdist's workers each start a server: one installs it while the others wait for the lock.
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        return shutil.which("redis-server") or _install_redis_server()


def _install_redis_server() -> str:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", "redis-server"]
    done = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:  # a fresh machine has no package lists yet
        subprocess.run(["apt-get", "update"], env=env, capture_output=True, check=False)
        done = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
    found = shutil.which("redis-server")
    if done.returncode != 0 or not found:
        pytest.fail(
            f"could not install redis-server with apt-get: {done.stdout[-1500:]}{done.stderr[-1500:]}"
        )
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``redis://127.0.0.1:<port>`` of a Redis server started for this session."""
    # The base temporary directory's parent is shared by pytest-xdist's workers.
    binary = _redis_server_binary(tmp_path_factory.getbasetemp().parent / "bgtyped-redis-install.lock")
    directory = tmp_path_factory.mktemp("redis")
    port = _free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    command += ["--daemonize", "no", "--dir", str(directory), "--logfile", str(directory / "redis.log")]
    server = subprocess.Popen(command, cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1)
        deadline = time.monotonic() + 20
        while True:
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                pass
            if server.poll() is not None:
                log = (directory / "redis.log").read_text() if (directory / "redis.log").exists() else ""
                pytest.fail(f"redis-server exited with {server.returncode}: {log[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail("redis-server did not answer PING within 20 seconds")
            time.sleep(0.05)
        client.close()
        yield f"redis://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class Summary:
    """What the queue tests enqueued, ran and refused, printed at the end of the session (seen with -s)."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str, str]] = []

    def add(self, queue: str, call: str, outcome: str) -> None:
        self.lines.append((queue, call, outcome))


@pytest.fixture(scope="session")
def summary() -> Iterator[Summary]:
    record = Summary()
    yield record
    if record.lines:
        width = max(len(call) for _, call, _ in record.lines)
        print("\n\nqueue     call" + " " * (width - 4) + "  outcome")
        for queue, call, outcome in record.lines:
            print(f"{queue:<9} {call:<{width}}  {outcome}")
