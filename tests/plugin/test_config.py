"""The plugin's settings are read from mypy's own config file; unknown keys stop mypy with a clear message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SOURCE = "from starlette.background import BackgroundTasks\n"


def _mypy(project: Path, config: str) -> subprocess.CompletedProcess[str]:
    (project / "main.py").write_text(SOURCE)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", config, "--cache-dir", "cache", "main.py"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_unknown_key_in_ini_section_stops_mypy(tmp_path: Path) -> None:
    (tmp_path / "mypy.ini").write_text(
        "[mypy]\nplugins = bgtyped.mypy\n\n[mypy.plugins.bgtyped]\nstrictness = 3\n"
    )
    result = _mypy(tmp_path, "mypy.ini")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "bgtyped: unknown setting(s) strictness in [mypy.plugins.bgtyped] of mypy.ini; "
        "known settings: none (leave the section out)"
    )


def test_unknown_key_in_pyproject_stops_mypy(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mypy]\nplugins = ["bgtyped.mypy"]\n\n[tool.bgtyped]\nschedulers = []\nextra = true\n'
    )
    result = _mypy(tmp_path, "pyproject.toml")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "bgtyped: unknown setting(s) extra, schedulers in [tool.bgtyped] of pyproject.toml; "
        "known settings: none (leave the section out)"
    )


def test_pyproject_without_bgtyped_table_runs(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.mypy]\nplugins = ["bgtyped.mypy"]\n\n[tool.bgtyped]\n')
    result = _mypy(tmp_path, "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success")
