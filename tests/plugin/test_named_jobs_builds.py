"""Jobs named by a string are checked the same in every build order: cold, warm, and under dmypy.

The code that enqueues ``"resize_image"`` never imports the worker that registers it: the plugin makes the
configured worker module (and the project's modules it imports) dependencies of that code. Each test edits
the worker's function list or a job's signature and compares the run with a cold run on a fresh cache.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

TASKS = """\
from typing import Any


async def send_email(ctx: dict[Any, Any], to: str, subject: str) -> None: ...


async def resize(ctx: dict[Any, Any], path: str, width: int = 100) -> None: ...
"""
ARQ_WORKER = """\
from arq.worker import func

from app import tasks
from app.tasks import send_email


class WorkerSettings:
    functions = [send_email, func(tasks.resize, name="resize_image")]
"""
ARQ_VIEWS = """\
from arq import ArqRedis


async def signup(redis: ArqRedis) -> None:
    await redis.enqueue_job("send_email", "a@b.c", "Welcome")
    await redis.enqueue_job("resize_image", "a.png", 640)
"""
SAQ_WORKER = """\
from app import tasks
from app.tasks import send_email

settings = {"functions": [send_email, ("resize_image", tasks.resize)], "concurrency": 2}
"""
SAQ_VIEWS = """\
from saq import Queue


async def signup(queue: Queue) -> None:
    await queue.enqueue("send_email", to="a@b.c", subject="Welcome")
    await queue.enqueue("resize_image", path="a.png", width=640)
"""
LIBRARIES = {
    "arq": (ARQ_WORKER, ARQ_VIEWS, "arq_worker_settings = app.worker:WorkerSettings", "enqueue_job"),
    "saq": (SAQ_WORKER, SAQ_VIEWS, "saq_settings = app.worker:settings", "enqueue"),
}


@pytest.fixture(params=sorted(LIBRARIES))
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    worker, views, setting, _ = LIBRARIES[request.param]
    (tmp_path / "mypy.ini").write_text(
        f"[mypy]\nplugins = bgtyped.mypy\nstrict = True\n\n[mypy.plugins.bgtyped]\n{setting}\n"
    )
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "tasks.py").write_text(TASKS)
    (app / "worker.py").write_text(worker)
    (app / "views.py").write_text(views)
    try:
        yield tmp_path, request.param
    finally:
        _run(tmp_path, "-m", "mypy.dmypy", "stop")


def _run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MYPY_FORCE_COLOR": "0", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def _errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if ": error:" in line or ": note:" in line]


def _mypy(project: Path, *files: str) -> list[str]:
    return _errors(_run(project, "-m", "mypy", "--config-file", "mypy.ini", *(files or ("app",))))


def _cold(project: Path) -> list[str]:
    cache = project / "cold-cache"
    result = _run(project, "-m", "mypy", "--config-file", "mypy.ini", "--cache-dir", str(cache), "app")
    return _errors(result)


def _edit(path: Path, old: str, new: str) -> None:
    """Rewrite a file so that its change is seen even where timestamps are coarse."""
    text = path.read_text()
    assert old in text
    previous = path.stat().st_mtime_ns
    path.write_text(text.replace(old, new))
    os.utime(path, ns=(previous + 2_000_000_000, previous + 2_000_000_000))


def _renamed_job(library: str) -> tuple[str, str]:
    """The worker's edit that registers ``resize`` under another name."""
    return (
        ('name="resize_image"', 'name="thumbnail"')
        if library == "arq"
        else ('("resize_image"', '("thumbnail"')
    )


UNKNOWN = 'app/views.py:6: error: No job named "resize_image" in app.worker.'
CHANGED = 'app/views.py:5: error: Argument {} to "send_email" scheduled by "{}" has incompatible type "str"'


def test_a_caller_checked_alone_reads_the_worker_it_does_not_import(project: tuple[Path, str]) -> None:
    root = project[0]
    _edit(root / "app" / "views.py", '"a@b.c"', "42")
    alone = _mypy(root, "app/views.py")
    assert len(alone) == 1 and "scheduled by" in alone[0] and 'has incompatible type "int"' in alone[0]
    assert _mypy(root) == alone


def test_a_warm_run_follows_the_worker_list_and_the_job_signature(project: tuple[Path, str]) -> None:
    root, library = project
    assert _mypy(root) == []
    _edit(root / "app" / "worker.py", *_renamed_job(library))
    renamed = _mypy(root)
    assert len(renamed) == 1 and renamed[0].startswith(UNKNOWN)
    assert _mypy(root) == renamed == _cold(root)
    _edit(root / "app" / "worker.py", *reversed(_renamed_job(library)))
    assert _mypy(root) == []
    _edit(root / "app" / "tasks.py", "to: str", "to: int")
    changed = _mypy(root)
    assert len(changed) == 1 and changed[0].startswith(_changed_prefix(library))
    assert changed == _cold(root)


def test_dmypy_follows_the_worker_list_and_the_job_signature(project: tuple[Path, str]) -> None:
    root, library = project
    started = _run(root, "-m", "mypy.dmypy", "start", "--", "--config-file", "mypy.ini")
    assert started.returncode == 0, started.stdout + started.stderr
    assert _errors(_run(root, "-m", "mypy.dmypy", "check", "app")) == []
    _edit(root / "app" / "worker.py", *_renamed_job(library))
    renamed = _errors(_run(root, "-m", "mypy.dmypy", "recheck"))
    assert len(renamed) == 1 and renamed[0].startswith(UNKNOWN)
    assert renamed == _cold(root)
    _edit(root / "app" / "worker.py", *reversed(_renamed_job(library)))
    assert _errors(_run(root, "-m", "mypy.dmypy", "recheck")) == []
    _edit(root / "app" / "tasks.py", "to: str", "to: int")
    changed = _errors(_run(root, "-m", "mypy.dmypy", "recheck"))
    assert len(changed) == 1 and changed[0].startswith(_changed_prefix(library))
    assert changed == _cold(root)


def _changed_prefix(library: str) -> str:
    return CHANGED.format(*(("1", "enqueue_job") if library == "arq" else ('"to"', "enqueue")))
