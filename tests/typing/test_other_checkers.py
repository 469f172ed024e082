"""The typing cases under ty and pyrefly (default preset), the IDE checkers measured beside mypy and basedpyright.

Neither reads the ignore comments of ``check_mistakes.py`` as expectations, so each runs on copies without them,
and what it reports is compared, line by line, with what it is known to catch (the README's IDE table). The
correct cases must stay unflagged, except where a checker is known to disagree with the stubs (kept here,
exactly, so that a change in either shows).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .test_stub_typing import CASES, IGNORE_COMMENT, MISTAKES, MISTAKES_FILE, PROBE, marked_mistakes

pytestmark = pytest.mark.slow

SCRIPTS = Path(sys.executable).parent
MISTAKE_LINES = frozenset(m.line for m in marked_mistakes((CASES / MISTAKES_FILE).read_text()))
# Mistakes each checker misses, by line of check_mistakes.py.
MISSED = {
    # the never-awaited lambda and plain def, a route's plain bgtyped.BackgroundTasks annotation
    "ty": {102, 104, 125},
    # and an overloaded function given no overload's arguments, both mistakes through functools.partial
    "pyrefly": {82, 86, 88, 102, 104, 125},
}
# Correct lines flagged: ty reads the ParamSpec'd attributes of BackgroundTask as unions; pyrefly mixes the
# runtime's classes (bgtyped._tasks) with the stubs' in bgtyped.fastapi.
FALSE_ALARMS = {
    "ty": {("check_construction.py", 20), ("check_construction.py", 21), ("check_construction.py", 22)},
    "pyrefly": {("check_fastapi.py", 20), ("check_fastapi.py", 26), ("check_fastapi.py", 30)},
}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cases, outside the repository (so that the installed distribution is read), without ignores."""
    directory = tmp_path_factory.mktemp("other_checkers")
    for case in CASES.glob("*.py"):
        if case.name != PROBE:
            shutil.copy(case, directory / case.name)
    mistakes = directory / MISTAKES_FILE
    mistakes.write_text(IGNORE_COMMENT.sub("", mistakes.read_text()))
    return directory


Found = set[tuple[str, int]]


def run_ty(directory: Path, python: str = sys.executable) -> tuple[Found, str]:
    """The (file, line) of each error, and the report."""
    result = subprocess.run(
        [SCRIPTS / "ty", "check", "--python", python, "--output-format", "concise", "."],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    found = re.findall(r"^(\w+\.py):(\d+):\d+: error\[", result.stdout, re.MULTILINE)
    assert result.returncode in (0, 1) and "Found" in result.stdout, result.stdout + result.stderr
    return {(name, int(line)) for name, line in found}, result.stdout


def run_pyrefly(directory: Path, python: str = sys.executable) -> tuple[Found, str]:
    """The (file, line) of each error, and the report."""
    result = subprocess.run(
        [
            SCRIPTS / "pyrefly",
            "check",
            "--preset",
            "default",
            "--python-interpreter-path",
            python,
            "--output-format",
            "json",
            ".",
        ],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr
    errors = json.loads(result.stdout)["errors"]
    return {(Path(e["path"]).name, e["line"]) for e in errors if e["severity"] == "error"}, result.stdout


@pytest.mark.parametrize("checker", ["ty", "pyrefly"])
def test_what_each_checker_catches(checker: str, workdir: Path) -> None:
    found, _ = run_ty(workdir) if checker == "ty" else run_pyrefly(workdir)
    caught = {line for name, line in found if name == MISTAKES_FILE}
    assert caught == MISTAKE_LINES - MISSED[checker], sorted(found)
    assert {item for item in found if item[0] != MISTAKES_FILE} == FALSE_ALARMS[checker], sorted(found)
    assert len(MISTAKE_LINES) == MISTAKES
