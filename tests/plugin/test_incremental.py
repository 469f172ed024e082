"""The plugin gives the same answers in a cold run, a warm incremental run and under dmypy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

MAILER = """\
def send_email(to: str, subject: str) -> None: ...
"""
MAILER_CHANGED = """\
def send_email(to: int, subject: str) -> None: ...
"""
ROUTES = """\
from starlette.background import BackgroundTasks

from mailer import send_email


def welcome(tasks: BackgroundTasks) -> None:
    tasks.add_task(send_email, "a@b.c", "Welcome")
"""
EXPECTED_AFTER_CHANGE = (
    'routes.py:7: error: Argument 1 to "send_email" scheduled by "add_task" has incompatible type "str"; '
    'expected "int"  [arg-type]'
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "mypy.ini").write_text("[mypy]\nplugins = bgtyped.mypy\n")
    (tmp_path / "mailer.py").write_text(MAILER)
    (tmp_path / "routes.py").write_text(ROUTES)
    return tmp_path


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


def _mypy(project: Path) -> subprocess.CompletedProcess[str]:
    return _run(project, "-m", "mypy", "--config-file", "mypy.ini", "routes.py", "mailer.py")


def _edit(path: Path, text: str) -> None:
    """Rewrite a file so that its change is seen even where timestamps are coarse."""
    previous = path.stat().st_mtime_ns
    path.write_text(text)
    os.utime(path, ns=(previous + 2_000_000_000, previous + 2_000_000_000))


def _error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stdout.splitlines() if ": error:" in line or ": note:" in line]


def test_warm_cache_replays_and_rechecks(project: Path) -> None:
    cold = _mypy(project)
    assert cold.returncode == 0, cold.stdout + cold.stderr
    _edit(project / "routes.py", ROUTES.replace('"a@b.c", "Welcome"', '42, "Welcome"'))
    first = _mypy(project)
    replayed = _mypy(project)
    assert first.returncode == 1
    assert _error_lines(first) == [
        'routes.py:7: error: Argument 1 to "send_email" scheduled by "add_task" has incompatible type "int"; '
        'expected "str"  [arg-type]'
    ]
    assert _error_lines(replayed) == _error_lines(first)


def test_warm_cache_sees_a_changed_task(project: Path) -> None:
    assert _mypy(project).returncode == 0
    _edit(project / "mailer.py", MAILER_CHANGED)
    warm = _mypy(project)
    assert _error_lines(warm) == [EXPECTED_AFTER_CHANGE]


PARTIALS = """\
from collections.abc import Coroutine
from functools import partial
from typing import Any


def log(level: int, message: str, **extra: Any) -> None: ...


async def notify(user_id: int) -> None: ...


def start_notify(user_id: int) -> Coroutine[Any, Any, None]:
    return notify(user_id)


warn = partial(log, 30)
kick = partial(start_notify, 1)
"""
USES_PARTIAL = """\
from starlette.background import BackgroundTasks

from partials import kick, warn


def schedule(tasks: BackgroundTasks) -> None:
    tasks.add_task(warn, "disk full", level=40)
    tasks.add_task(kick)
"""


def test_warm_cache_keeps_what_is_known_of_a_partial_from_another_module(project: Path) -> None:
    (project / "partials.py").write_text(PARTIALS)
    (project / "uses_partial.py").write_text(USES_PARTIAL)
    command = ("-m", "mypy", "--config-file", "mypy.ini", "partials.py", "uses_partial.py")
    cold = _run(project, *command)
    _edit(project / "uses_partial.py", USES_PARTIAL + "\n\nCHANGED = True\n")
    warm = _run(project, *command)
    expected = [
        'uses_partial.py:7: error: Argument "level" to "log" scheduled by "add_task" is already given '
        "positionally by functools.partial; passing it again fails at run time  [call-arg]",
        'uses_partial.py:8: error: "start_notify" scheduled by "add_task" is not an async function but returns '
        '"Coroutine[Any, Any, None]": it runs in a thread and the awaitable is never awaited; schedule the '
        "async function itself  [task-never-awaited]",
    ]
    assert _error_lines(cold) == expected
    assert _error_lines(warm) == expected


CELERY_TASKS = """\
from celery import Celery

app = Celery("shop")


@app.task(bind=True)
def rebuild(self, index: str) -> None: ...
"""
USES_CELERY_TASKS = """\
from celery_tasks import rebuild

rebuild.delay(42)
"""


def test_warm_cache_keeps_the_definition_behind_a_task_from_another_module(project: Path) -> None:
    # mypy's cache keeps a decorated function's signature, not its decorators: ``bind=True`` is read from
    # the definition alone, in both runs.
    (project / "celery_tasks.py").write_text(CELERY_TASKS)
    (project / "uses_celery_tasks.py").write_text(USES_CELERY_TASKS)
    command = ("-m", "mypy", "--config-file", "mypy.ini", "celery_tasks.py", "uses_celery_tasks.py")
    cold = _run(project, *command)
    _edit(project / "uses_celery_tasks.py", USES_CELERY_TASKS + "\n\nCHANGED = True\n")
    warm = _run(project, *command)
    expected = [
        'uses_celery_tasks.py:3: error: Argument 1 to "rebuild" scheduled by "delay" has incompatible type '
        '"int"; expected "str"  [arg-type]'
    ]
    assert _error_lines(cold) == expected
    assert _error_lines(warm) == expected


@pytest.fixture
def daemon(project: Path) -> Iterator[Path]:
    try:
        yield project
    finally:
        _run(project, "-m", "mypy.dmypy", "stop")


def test_dmypy_recheck_reports_the_new_error(daemon: Path) -> None:
    started = _run(daemon, "-m", "mypy.dmypy", "start", "--", "--config-file", "mypy.ini")
    assert started.returncode == 0, started.stdout + started.stderr
    first = _run(daemon, "-m", "mypy.dmypy", "check", "routes.py", "mailer.py")
    assert first.returncode == 0, first.stdout + first.stderr
    _edit(daemon / "mailer.py", MAILER_CHANGED)
    second = _run(daemon, "-m", "mypy.dmypy", "recheck")
    assert _error_lines(second) == [EXPECTED_AFTER_CHANGE]
    _edit(daemon / "mailer.py", MAILER)
    third = _run(daemon, "-m", "mypy.dmypy", "recheck")
    assert third.returncode == 0, third.stdout


JOBS = """\
from collections.abc import Callable
from typing import Any


def defer(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None: ...
"""
USES_JOBS = """\
from jobs import defer
from mailer import send_email

defer(send_email, 42, "Welcome")
"""
PYPROJECT = """\
[tool.mypy]
plugins = ["bgtyped.mypy"]
"""
DEFER_SCHEDULER = """
[[tool.bgtyped.schedulers]]
function = "jobs.defer"
target = 0
args = "*args"
"""
DEFER_ERROR = (
    'uses_jobs.py:4: error: Argument 1 to "send_email" scheduled by "defer" has incompatible type "int"; '
    'expected "str"  [arg-type]'
)


def test_dmypy_run_follows_a_change_of_the_settings(daemon: Path) -> None:
    (daemon / "jobs.py").write_text(JOBS)
    (daemon / "uses_jobs.py").write_text(USES_JOBS)
    pyproject = daemon / "pyproject.toml"
    pyproject.write_text(PYPROJECT)
    command = ("-m", "mypy.dmypy", "run", "--", "--config-file", "pyproject.toml", "uses_jobs.py", "jobs.py")
    before = _run(daemon, *command)
    assert before.returncode == 0, before.stdout + before.stderr
    _edit(pyproject, PYPROJECT + DEFER_SCHEDULER)
    added = _run(daemon, *command)
    assert _error_lines(added) == [DEFER_ERROR], added.stdout + added.stderr
    _edit(pyproject, PYPROJECT)
    removed = _run(daemon, *command)
    assert removed.returncode == 0, removed.stdout + removed.stderr


def test_report_config_data_is_the_release_and_the_settings_digest(project: Path) -> None:
    # mypy stores this string in every module's cache entry and compares it on each run: the release alone
    # without settings, and a digest that differs with the settings.
    script = textwrap.dedent(
        """
        import json
        import sys

        from mypy.options import Options
        from mypy.plugin import ReportConfigContext
        import bgtyped.mypy as entry

        reported = []
        for config_file in sys.argv[1:]:
            options = Options()
            options.config_file = config_file
            plugin = entry.plugin("2.4.1")(options)
            context = ReportConfigContext("routes", "routes.py", is_check=False)
            reported.append([plugin.report_config_data(context), entry.__version__, entry.RELEASE])
        print(json.dumps(reported))
        """
    )
    (project / "defer.toml").write_text(PYPROJECT + DEFER_SCHEDULER)
    (project / "defer_keyword.toml").write_text(
        PYPROJECT + DEFER_SCHEDULER.replace("target = 0", 'target = "f"')
    )
    result = _run(project, "-c", script, "mypy.ini", "defer.toml", "defer_keyword.toml")
    assert result.returncode == 0, result.stderr
    (plain, plain_version, release), (defer, defer_version, _), (keyword, _, _) = json.loads(result.stdout)
    assert plain == plain_version == release
    assert defer == defer_version
    assert defer.startswith(release + "+settings.") and keyword.startswith(release + "+settings.")
    assert len({plain, defer, keyword}) == 3


WORKERS_THREAD = """\
import threading


class Worker(threading.Thread): ...
"""
WORKERS_PLAIN = """\
class Worker:
    def __init__(self, target: object = None, args: object = ()) -> None: ...
"""
STARTS = """\
from workers import Worker


def resize(path: str, width: int) -> None: ...


def start() -> None:
    Worker(target=resize, args=(1, 2))
"""
EXPECTED_THREAD_ERROR = (
    'starts.py:8: error: Argument 1 to "resize" scheduled by "Thread" has incompatible type "int"; '
    'expected "str"  [arg-type]'
)


def test_dmypy_follows_a_class_that_stops_and_starts_deriving_from_a_scheduler(daemon: Path) -> None:
    """What the plugin knows of a class name is renewed when the daemon analyses its module again."""
    (daemon / "workers.py").write_text(WORKERS_THREAD)
    (daemon / "starts.py").write_text(STARTS)
    started = _run(daemon, "-m", "mypy.dmypy", "start", "--", "--config-file", "mypy.ini")
    assert started.returncode == 0, started.stdout + started.stderr
    first = _run(daemon, "-m", "mypy.dmypy", "check", "starts.py", "workers.py")
    assert _error_lines(first) == [EXPECTED_THREAD_ERROR]
    _edit(daemon / "workers.py", WORKERS_PLAIN)
    second = _run(daemon, "-m", "mypy.dmypy", "recheck")
    assert second.returncode == 0, second.stdout
    _edit(daemon / "workers.py", WORKERS_THREAD)
    third = _run(daemon, "-m", "mypy.dmypy", "recheck")
    assert _error_lines(third) == [EXPECTED_THREAD_ERROR]
