"""The test matrix (noxfile.py) when a Python it needs cannot be found: on a developer's machine the session is
skipped with a message; in CI (``CI`` set to a true value) it fails, so that a green run has run every Python.

nox runs for real on the project's noxfile, with neither pyenv's versions nor a ``python3.13`` on ``PATH``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_FOUND = "Python 3.13 not found on PATH nor in pyenv's versions: its tests did not run"


def nox_without_python_3_13(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {name: value for name, value in os.environ.items() if name not in {"CI", "PYENV_VERSION"}}
    env |= {"PATH": str(empty), "PYENV_ROOT": str(tmp_path / "no-pyenv")}
    if ci is not None:
        env["CI"] = ci
    command = [sys.executable, "-m", "nox", "--noxfile", str(ROOT / "noxfile.py"), "--envdir", str(tmp_path)]
    return subprocess.run(
        [*command, "-s", "python3.13"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("ci", [None, "false"])
def test_a_missing_python_is_skipped_outside_ci(tmp_path: Path, ci: str | None) -> None:
    result = nox_without_python_3_13(tmp_path, ci)
    assert result.returncode == 0, result.stderr
    assert f"Session python3.13 skipped: {NOT_FOUND}" in result.stderr
    assert "pyenv install" not in result.stderr


@pytest.mark.parametrize("ci", ["true", "1"])
def test_a_missing_python_fails_the_run_in_ci(tmp_path: Path, ci: str) -> None:
    result = nox_without_python_3_13(tmp_path, ci)
    assert result.returncode == 1, result.stderr
    assert f"Session python3.13 aborted: {NOT_FOUND}" in result.stderr
    assert "install it (`pyenv install 3.13`) or put python3.13 on PATH" in result.stderr
