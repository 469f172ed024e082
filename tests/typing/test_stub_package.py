"""What the ``bgtyped-stubs`` package adds over the runtime's inline annotations, measured.

Each checker reads the typing cases twice: in this environment, where the stub package takes precedence, and in
one that sees the same packages but bgtyped's runtime package alone (no stub package). They catch the same
mistakes on the same lines either way; with the stubs, messages and hovers name the public classes
(``bgtyped.BackgroundTasks``) instead of the private module defining them (``bgtyped._tasks``). The one other
difference is ty's, on the stubs' ParamSpec'd attributes of ``BackgroundTask`` (see test_other_checkers.py).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path

import pytest

from .test_other_checkers import FALSE_ALARMS, Found, run_pyrefly, run_ty
from .test_stub_typing import CASES, IGNORE_COMMENT, MISTAKES_FILE

pytestmark = pytest.mark.slow

REPO = CASES.parents[2]
PRIVATE_MODULE = "bgtyped._tasks"


@pytest.fixture(scope="module")
def inline_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A virtual environment with this one's packages, except the bgtyped distribution: its runtime package only."""
    env = tmp_path_factory.mktemp("inline") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", env], check=True)
    python = env / "bin" / "python"
    query = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    target = Path(
        subprocess.run([python, "-c", query], capture_output=True, text=True, check=True).stdout.strip()
    )
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.startswith(("bgtyped", "__editable__")):
            (target / entry.name).symlink_to(entry)
    shutil.copytree(REPO / "bgtyped", target / "bgtyped", ignore=shutil.ignore_patterns("__pycache__"))
    return str(python)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("stub_package")
    for case in CASES.iterdir():
        if case.is_file():
            shutil.copy(case, directory / case.name)
    mistakes = directory / MISTAKES_FILE
    mistakes.write_text(IGNORE_COMMENT.sub("", mistakes.read_text()))
    return directory


def run_mypy(directory: Path, python: str) -> tuple[Found, str]:
    command = [python, "-m", "mypy", "--config-file", "mypy.ini", "--no-incremental", "."]
    result = subprocess.run(command, cwd=directory, capture_output=True, text=True, timeout=300, check=False)
    found = re.findall(r"^(\w+\.py):(\d+): error:", result.stdout, re.MULTILINE)
    return {(name, int(line)) for name, line in found}, result.stdout


def run_basedpyright(directory: Path, python: str) -> tuple[Found, str]:
    command = [sys.executable, "-m", "basedpyright", "--outputjson", "--pythonpath", python, "."]
    result = subprocess.run(command, cwd=directory, capture_output=True, text=True, timeout=300, check=False)
    diagnostics = json.loads(result.stdout)["generalDiagnostics"]
    found = {
        (Path(d["file"]).name, d["range"]["start"]["line"] + 1)
        for d in diagnostics
        if d["severity"] == "error"
    }
    return found, result.stdout


CHECKERS: dict[str, Callable[[Path, str], tuple[Found, str]]] = {
    "mypy": run_mypy,
    "basedpyright": run_basedpyright,
    "ty": run_ty,
    "pyrefly": run_pyrefly,
}


@pytest.mark.parametrize("checker", CHECKERS)
def test_the_stubs_catch_what_the_inline_types_catch_and_name_the_public_classes(
    checker: str, workdir: Path, inline_python: str
) -> None:
    run = CHECKERS[checker]
    with_stubs, stubs_report = run(workdir, sys.executable)
    inline, inline_report = run(workdir, inline_python)
    assert {line for name, line in with_stubs if name == MISTAKES_FILE}, stubs_report
    # ty's disagreement with the stubs' attributes is not one with the inline annotations.
    stubs_only = FALSE_ALARMS["ty"] if checker == "ty" else set()
    assert with_stubs - stubs_only == inline, (stubs_report, inline_report)
    assert stubs_only <= with_stubs
    assert PRIVATE_MODULE not in stubs_report
    if checker != "ty":  # ty names classes without their module
        assert PRIVATE_MODULE in inline_report
