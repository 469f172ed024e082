"""``plugin(version)``: mypy older than the supported range stops with a message naming the range.

Run in a fresh interpreter outside the repository, so that ``bgtyped.mypy`` is the installed plugin.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ENTRY = "import bgtyped.mypy as entry, mypy.version; "


def run(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", ENTRY + script],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("version", ["1.11.2", "1.12.0+dev.4f3c2a"])
def test_older_mypy_is_refused_with_the_supported_range(version: str, tmp_path: Path) -> None:
    result = run(f"entry.plugin({version!r})", tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        f"bgtyped: the bgtyped.mypy plugin needs mypy>=1.12.1,<2.5, but this is mypy {version}; "
        'upgrade it (pip install "bgtyped[mypy]") or remove "bgtyped.mypy" from the plugins\n'
    )


@pytest.mark.parametrize("version", ["1.12.1", "2.5.0+dev.4f3c2a"])
def test_supported_and_newer_mypy_get_the_plugin(version: str, tmp_path: Path) -> None:
    result = run(f"print(entry.plugin({version!r}) is entry.BgtypedPlugin)", tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "True\n", "")
