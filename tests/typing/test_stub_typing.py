"""The typing cases in ``cases/`` under mypy (without the bgtyped plugin) and under basedpyright (strict).

The checkers run from a temporary directory outside the repository, so that ``import bgtyped`` resolves to the
installed distribution, where the ``bgtyped-stubs`` package takes precedence over the inline-typed ``bgtyped``
package. ``probe_resolution.py`` proves which of the two was read.

Expected errors are ignore comments that must be used: mypy reads ``# type: ignore[code]`` and reports
unused ones; basedpyright reads only ``# pyright: ignore[rule]`` (type-ignore comments are disabled for
it) and reports unneeded ones. A clean run of both therefore means that each checker reported exactly the
errors marked for it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mypy.version
import pytest

CASES = Path(__file__).parent / "cases"
PROBE = "probe_resolution.py"
MISTAKES_FILE = "check_mistakes.py"
BGTYPED_IMPORT = "from bgtyped import BackgroundTask, BackgroundTasks\n"
THEIR_IMPORT = "from fastapi import BackgroundTasks; from starlette.background import BackgroundTask\n"
IGNORE_COMMENT = re.compile(r"  # (type|pyright): ignore\[[^\]]*\]")

# What the cases in check_mistakes.py show; the comments there are verified by both checkers on every run.
MISTAKES = 26
CAUGHT_BY_MYPY_WITHOUT_PLUGIN = 20
CAUGHT_BY_BASEDPYRIGHT = 23

# The cases carry the newest mypy's codes. Where an older supported mypy reports the same mistake under other
# codes, it is said here, applied to the copy the checkers read: (mypy before which, file, line, codes then).
OLDER_MYPY_CODES = (
    # "Too many positional arguments" is `misc` before mypy 2.2.
    ((2, 2), MISTAKES_FILE, 64, "misc"),
    # Before 1.20 the None result of a call is reported once (its type is then Any, not None).
    ((1, 20), MISTAKES_FILE, 93, "func-returns-value"),
)
MYPY_VERSION = tuple(int(part) for part in mypy.version.__version__.split("+")[0].split("."))

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("typing_cases")
    for case in CASES.iterdir():
        if case.is_file():
            shutil.copy(case, directory / case.name)
    for before, name, line, codes in OLDER_MYPY_CODES:
        if before > MYPY_VERSION:
            path = directory / name
            lines = path.read_text().splitlines(keepends=True)
            lines[line - 1], count = re.subn(
                r"# type: ignore\[[^\]]*\]", f"# type: ignore[{codes}]", lines[line - 1]
            )
            assert count == 1, (name, line)
            path.write_text("".join(lines))
    return directory


def case_files(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.glob("*.py"))


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def run_mypy(directory: Path, files: list[str], config: str = "mypy.ini") -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "mypy", "--config-file", config, "--no-incremental", *files], directory)


def run_basedpyright(directory: Path, files: list[str]) -> dict[str, Any]:
    result = run(
        [sys.executable, "-m", "basedpyright", "--outputjson", "--pythonpath", sys.executable, *files],
        directory,
    )
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_mypy_without_plugin(workdir: Path) -> None:
    result = run_mypy(workdir, case_files(workdir))
    output = result.stdout + result.stderr
    lines = [line for line in output.splitlines() if line.strip()]
    problems = [line for line in lines if not line.startswith((f"{PROBE}:", "Success:"))]
    assert result.returncode == 0 and not problems, output
    assert lines[-1] == f"Success: no issues found in {len(case_files(workdir))} source files", output
    revealed = [line.split("note: ", 1)[1] for line in lines if line.startswith(f"{PROBE}:")]
    assert revealed == [
        'Revealed type is "bgtyped.BackgroundTask"',
        'Revealed type is "def (injected: fastapi.background.BackgroundTasks) -> '
        'typing.AsyncIterator[bgtyped.BackgroundTasks]"',
    ], output


def test_basedpyright_strict(workdir: Path) -> None:
    report = run_basedpyright(workdir, case_files(workdir))
    diagnostics = report["generalDiagnostics"]
    problems = [d for d in diagnostics if d["severity"] != "information" or Path(d["file"]).name != PROBE]
    assert not problems, json.dumps(problems, indent=2)
    assert report["summary"]["filesAnalyzed"] == len(case_files(workdir)), report
    revealed = [d["message"] for d in diagnostics]
    assert revealed == [
        'Type of "bgtyped.BackgroundTask(job)" is "BackgroundTask"',
        'Type of "bgtyped.fastapi.request_tasks" is '
        '"(injected: fastapi.background.BackgroundTasks) -> AsyncIterator[bgtyped.BackgroundTasks]"',
    ], report


def test_mypy_with_plugin_accepts_the_correct_cases(workdir: Path) -> None:
    # The plugin adds checks on top of the stubs; correct code must stay unflagged with it too.
    with_plugin = workdir / "mypy-with-plugin.ini"
    with_plugin.write_text((workdir / "mypy.ini").read_text() + "plugins = bgtyped.mypy\n")
    correct = [name for name in case_files(workdir) if name not in {MISTAKES_FILE, PROBE}]
    result = run_mypy(workdir, correct, config=with_plugin.name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"Success: no issues found in {len(correct)} source files", result.stdout


@dataclass(frozen=True)
class Mistake:
    description: str
    line: int
    caught_by_mypy: bool
    caught_by_basedpyright: bool


def marked_mistakes(source: str) -> list[Mistake]:
    lines = source.splitlines()
    mistakes = []
    for number, line in enumerate(lines, start=1):
        marker = re.fullmatch(r"\s*# mistake: (.+)", line)
        if marker:
            statement = lines[number]
            mistakes.append(
                Mistake(
                    marker.group(1),
                    number + 1,
                    "# type: ignore[" in statement,
                    "# pyright: ignore[" in statement,
                )
            )
    return mistakes


def test_mistakes_caught_by_each_checker() -> None:
    mistakes = marked_mistakes((CASES / MISTAKES_FILE).read_text())
    assert len(mistakes) == MISTAKES
    assert sum(m.caught_by_mypy for m in mistakes) == CAUGHT_BY_MYPY_WITHOUT_PLUGIN
    assert sum(m.caught_by_basedpyright for m in mistakes) == CAUGHT_BY_BASEDPYRIGHT


@pytest.fixture(scope="module")
def fastapi_variant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """check_mistakes.py with FastAPI's and Starlette's classes instead of bgtyped's, and no ignore comments.

    The replacement import stays on one line, so that line numbers match the original.
    """
    directory = tmp_path_factory.mktemp("fastapi_variant")
    for config in ("mypy.ini", "pyrightconfig.json"):
        shutil.copy(CASES / config, directory / config)
    source = (CASES / "check_mistakes.py").read_text()
    assert BGTYPED_IMPORT in source
    source = source.replace(BGTYPED_IMPORT, THEIR_IMPORT)
    (directory / MISTAKES_FILE).write_text(IGNORE_COMMENT.sub("", source))
    return directory


def test_mypy_catches_every_mistake_it_catches_with_fastapi(fastapi_variant: Path) -> None:
    output = run_mypy(fastapi_variant, [MISTAKES_FILE]).stdout
    flagged = {int(line) for line in re.findall(rf"^{MISTAKES_FILE}:(\d+): error:", output, re.MULTILINE)}
    mistakes = marked_mistakes((CASES / MISTAKES_FILE).read_text())
    assert flagged and flagged <= {m.line for m in mistakes}, output
    assert flagged <= {m.line for m in mistakes if m.caught_by_mypy}, output


def test_basedpyright_catches_every_mistake_it_catches_with_fastapi(fastapi_variant: Path) -> None:
    report = run_basedpyright(fastapi_variant, [MISTAKES_FILE])
    flagged = {
        d["range"]["start"]["line"] + 1 for d in report["generalDiagnostics"] if d["severity"] == "error"
    }
    mistakes = marked_mistakes((CASES / MISTAKES_FILE).read_text())
    assert flagged and flagged <= {m.line for m in mistakes}, report
    assert flagged <= {m.line for m in mistakes if m.caught_by_basedpyright}, report
