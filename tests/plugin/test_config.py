"""The plugin's settings are read from mypy's own config file; unknown keys stop mypy with a clear message.

Each test runs mypy on a small project whose own module defines the schedulers named in its settings.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SOURCE = "from starlette.background import BackgroundTasks\n"

JOBS = textwrap.dedent(
    """
    from collections.abc import Callable
    from typing import Any

    def defer(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None: ...

    class Worker:
        def __init__(
            self, name: str, target: Callable[..., Any] | None = None, args: tuple[Any, ...] = ()
        ) -> None: ...
    """
)

MAIN = textwrap.dedent(
    """
    from jobs import Worker, defer

    def resize(path: str, width: int) -> None: ...

    defer(resize, "a.png", 1)
    Worker("w", resize, ("a.png", 1))
    Worker("idle")
    defer(resize, "a.png", "1")
    Worker("w", target=resize, args=("a.png",))
    """
)

MAIN_ERRORS = [
    'main.py:9: error: Argument 2 to "resize" scheduled by "defer" has incompatible type "str"; '
    'expected "int"  [arg-type]',
    'main.py:10: error: Missing positional argument "width" in call to "resize" scheduled by "Worker"  '
    "[call-arg]",
]

PYPROJECT_SCHEDULERS = textwrap.dedent(
    """
    [[tool.bgtyped.schedulers]]
    function = "jobs.defer"
    target = "func"

    [[tool.bgtyped.schedulers]]
    constructor = "jobs.Worker"
    target = "target"
    args = "args"
    kwargs = ""
    accepts_none = true
    """
)


def _mypy(project: Path, config: str, source: str = SOURCE) -> subprocess.CompletedProcess[str]:
    (project / "main.py").write_text(source)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", config, "--cache-dir", "cache", "main.py"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stdout.splitlines() if ": error:" in line]


def test_unknown_key_in_ini_section_stops_mypy(tmp_path: Path) -> None:
    (tmp_path / "mypy.ini").write_text(
        "[mypy]\nplugins = bgtyped.mypy\n\n[mypy.plugins.bgtyped]\nstrictness = 3\n"
    )
    result = _mypy(tmp_path, "mypy.ini")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "bgtyped: unknown setting(s) strictness in [mypy.plugins.bgtyped] of mypy.ini; "
        "known settings: arq_worker_settings, saq_settings, schedulers"
    )


def test_unknown_key_in_pyproject_stops_mypy(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mypy]\nplugins = ["bgtyped.mypy"]\n\n[tool.bgtyped]\nschedulers = []\nextra = true\n'
    )
    result = _mypy(tmp_path, "pyproject.toml")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "bgtyped: unknown setting(s) extra in [tool.bgtyped] of pyproject.toml; known settings: "
        "arq_worker_settings, saq_settings, schedulers"
    )


def test_pyproject_without_bgtyped_table_runs(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.mypy]\nplugins = ["bgtyped.mypy"]\n\n[tool.bgtyped]\n')
    result = _mypy(tmp_path, "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            'function = "defer"',
            "bgtyped: scheduler 'defer' in [tool.bgtyped] of pyproject.toml: function must be a fully "
            "qualified name such as 'myapp.jobs.defer'",
        ),
        (
            'method = "jobs.Queue.put"\nfunction = "jobs.defer"',
            "bgtyped: scheduler {'method': 'jobs.Queue.put', 'function': 'jobs.defer'} in [tool.bgtyped] of "
            "pyproject.toml: give exactly one of function, method, constructor (the fully qualified name "
            "to check)",
        ),
        (
            'function = "jobs.defer"\nargs = "*args"\nkwargs = "options"',
            "bgtyped: scheduler 'jobs.defer' in [tool.bgtyped] of pyproject.toml: args = '*args' takes the "
            'arguments variadically; kwargs must be "**name" too',
        ),
        (
            'function = "jobs.defer"\ncoroutines = "sometimes"',
            "bgtyped: scheduler 'jobs.defer' in [tool.bgtyped] of pyproject.toml: coroutines must be one of "
            "'awaited', 'dropped', 'required', 'result-awaited', got 'sometimes'",
        ),
        (
            'function = "jobs.defer"\ntraget = "func"',
            "bgtyped: scheduler 'jobs.defer' in [tool.bgtyped] of pyproject.toml: unknown setting(s) traget; "
            "known settings: accepts_name, accepts_none, args, completed_later, constructor, coroutines, "
            "function, kwargs, method, name, options, packed_keywords, reserved_keywords, result_callbacks, "
            "target",
        ),
        (
            'function = "jobs.defer"\nargs = "args"\nkwargs = "kwargs"\noptions = ["timeout"]',
            "bgtyped: scheduler 'jobs.defer' in [tool.bgtyped] of pyproject.toml: options and "
            'packed_keywords are keywords taken out of variadic keywords; give kwargs = "**name"',
        ),
        (
            'function = "jobs.defer"\npacked_keywords = ["args"]',
            "bgtyped: scheduler 'jobs.defer' in [tool.bgtyped] of pyproject.toml: packed_keywords must name "
            "two keywords, the tuple's and the dict's, got ['args']",
        ),
        (
            'function = "jobs.defer"\nresult_callbacks = "callback"',
            "bgtyped: scheduler 'jobs.defer' in [tool.bgtyped] of pyproject.toml: result_callbacks must be a "
            "list of parameter names or positions, got 'callback'",
        ),
        (
            'function = "jobs.defer"\ncompleted_later = "yes"',
            "bgtyped: scheduler 'jobs.defer' in [tool.bgtyped] of pyproject.toml: completed_later must be "
            "true or false, got 'yes'",
        ),
        (
            'method = "jobs.Job.later"\ntarget = "self"\naccepts_name = true',
            "bgtyped: scheduler 'jobs.Job.later' in [tool.bgtyped] of pyproject.toml: accepts_none and "
            "accepts_name are for a target that is a parameter",
        ),
        (
            'function = "jobs.defer"\ntarget = "self"',
            "bgtyped: scheduler 'jobs.defer' in [tool.bgtyped] of pyproject.toml: target = \"self\" (the "
            "receiver is the function) needs a method",
        ),
    ],
)
def test_malformed_scheduler_stops_mypy(tmp_path: Path, entry: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.mypy]\nplugins = ["bgtyped.mypy"]\n\n[[tool.bgtyped.schedulers]]\n{entry}\n'
    )
    result = _mypy(tmp_path, "pyproject.toml")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == message


def test_malformed_ini_scheduler_line_stops_mypy(tmp_path: Path) -> None:
    (tmp_path / "mypy.ini").write_text(
        "[mypy]\nplugins = bgtyped.mypy\n\n[mypy.plugins.bgtyped]\nschedulers =\n    function=jobs.defer func\n"
    )
    result = _mypy(tmp_path, "mypy.ini")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "bgtyped: scheduler 'function=jobs.defer func' in [mypy.plugins.bgtyped] of mypy.ini: write each "
        "setting as key=value, got 'func'"
    )


def test_pyproject_schedulers_are_checked_and_a_change_rechecks(tmp_path: Path) -> None:
    (tmp_path / "jobs.py").write_text(JOBS)
    header = '[tool.mypy]\nstrict = true\nplugins = ["bgtyped.mypy"]\n'
    (tmp_path / "pyproject.toml").write_text(header)
    before = _mypy(tmp_path, "pyproject.toml", MAIN)
    assert before.returncode == 0, before.stdout + before.stderr
    # Same cache: the new settings reach mypy through report_config_data and every module is rechecked.
    (tmp_path / "pyproject.toml").write_text(header + PYPROJECT_SCHEDULERS)
    after = _mypy(tmp_path, "pyproject.toml", MAIN)
    assert _errors(after) == MAIN_ERRORS, after.stdout + after.stderr


@pytest.mark.parametrize(
    ("setting", "shown"),
    [
        ('arq_worker_settings = "app.worker:WorkerSettings"', "'app.worker:WorkerSettings'"),
        ('saq_settings = ["app.worker.settings"]', "['app.worker.settings']"),
        ('saq_settings = ["app.worker:"]', "['app.worker:']"),
    ],
)
def test_malformed_worker_settings_stop_mypy(tmp_path: Path, setting: str, shown: str) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.mypy]\nplugins = ["bgtyped.mypy"]\n\n[tool.bgtyped]\n{setting}\n'
    )
    result = _mypy(tmp_path, "pyproject.toml")
    assert result.returncode == 2
    key = setting.partition(" ")[0]
    assert result.stderr.strip().splitlines()[-1] == (
        f"bgtyped: {key} in [tool.bgtyped] of pyproject.toml must be a list of worker settings, each the "
        f'module and the name in it joined by a colon, such as "app.worker:WorkerSettings"; got {shown}'
    )


WORKER = textwrap.dedent(
    """
    from typing import Any

    async def resize(ctx: dict[Any, Any], path: str, width: int) -> None: ...

    class WorkerSettings:
        functions = [resize]
    """
)
ENQUEUES = textwrap.dedent(
    """
    from arq import ArqRedis

    async def handler(redis: ArqRedis) -> None:
        await redis.enqueue_job("resize", "a.png", "640")
    """
)


def test_pyproject_worker_settings_resolve_jobs_named_by_a_string(tmp_path: Path) -> None:
    (tmp_path / "worker.py").write_text(WORKER)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mypy]\nplugins = ["bgtyped.mypy"]\n\n[tool.bgtyped]\narq_worker_settings = ["worker:WorkerSettings"]\n'
    )
    result = _mypy(tmp_path, "pyproject.toml", ENQUEUES)
    assert _errors(result) == [
        'main.py:5: error: Argument 2 to "resize" scheduled by "enqueue_job" has incompatible type "str"; '
        'expected "int"  [arg-type]'
    ]
