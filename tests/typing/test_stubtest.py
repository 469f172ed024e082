"""The stubs match the runtime: mypy's stubtest, plus what stubtest cannot compare (the ``Tasks`` alias)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Annotated, get_args, get_origin

import pytest

ALLOWLIST = Path(__file__).parent / "stubtest_allowlist.txt"
SCHEDULERS_ALLOWLIST = Path(__file__).parent / "stubtest_schedulers_allowlist.txt"


def _stubtest(cwd: Path, *modules: str, allowlist: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", *modules, "--allowlist", str(allowlist)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found"), result.stdout


@pytest.mark.slow
def test_stubtest(tmp_path: Path) -> None:
    # From outside the repository, mypy reads the installed stub package rather than the repository's sources.
    _stubtest(tmp_path, "bgtyped", allowlist=ALLOWLIST)


@pytest.mark.slow
def test_stubtest_scheduler_stubs(tmp_path: Path) -> None:
    """The partial stubs of APScheduler and huey match the releases installed (the ``test-cases`` extra)."""
    _stubtest(tmp_path, "apscheduler", "huey", allowlist=SCHEDULERS_ALLOWLIST)


def test_tasks_alias_is_the_stubbed_annotated_class() -> None:
    from fastapi import params

    from bgtyped import BackgroundTasks
    from bgtyped.fastapi import Tasks, request_tasks

    assert get_origin(Tasks) is Annotated
    aliased, *metadata = get_args(Tasks)
    assert aliased is BackgroundTasks
    assert len(metadata) == 1 and isinstance(metadata[0], params.Depends)
    assert metadata[0].dependency is request_tasks
