"""Published code that schedules background tasks, checked by mypy with and without the plugin.

The plugin earns its place only if it agrees with mypy on code nobody wrote for it: no error added, none
lost, and no crash. Pinned wheels of a few packages that use Starlette's and FastAPI's background tasks in their
own code are downloaded once (``pip download --no-deps``, into a cache keyed by the pinned list), unpacked,
and every module that calls ``add_task(...)`` or ``BackgroundTask(...)`` is checked by mypy twice, with one
configuration that differs only in ``plugins = bgtyped.mypy``. The packages' other dependencies are absent
(``ignore_missing_imports``); Starlette, FastAPI, Pydantic and anyio are the real ones of the test environment.

Most of that code is correct, so agreeing on it says little about errors. The second half of the test therefore
plants one mistake at every scheduling call, an unknown keyword argument, and checks again (each configuration
reusing its own cache, so the plugin also runs incrementally): wherever mypy can see the scheduled function,
both runs must now report an error on that call, and the plugin must report it in its own words, which shows
that it ran on the call at all. ``pytest tests/realworld -s`` prints the counts.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Release:
    name: str
    version: str
    wheel: str
    sha256: str

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version} --hash=sha256:{self.sha256}"


# Wheels only (nothing is built), about 38 MB in all. The hashes pin the exact files.
RELEASES = (
    Release(
        "fastapi-mcp",
        "0.4.0",
        "fastapi_mcp-0.4.0-py3-none-any.whl",
        "d4a3fe7966af24d44e4b412720561c95eb12bed999a4443a88221834b3b15aec",
    ),
    Release(
        "fschat",
        "0.2.36",
        "fschat-0.2.36-py3-none-any.whl",
        "a66ecf1e90f6db1d015096f6aa8a305d20d0a13e067951285aecdb56a33e9cb1",
    ),
    Release(
        "bentoml",
        "1.4.40",
        "bentoml-1.4.40-py3-none-any.whl",
        "ba98c57c60f4ac0879cb8b0ae280ed42f96a26cccd0f83edcb8339d0634d9678",
    ),
    Release(
        "prefect",
        "3.5.0",
        "prefect-3.5.0-py3-none-any.whl",
        "587da2323c609877f3d89adce970a603a12314516e111e3e0fbfb7a4ef9ef390",
    ),
    Release(
        "gradio",
        "6.31.0",
        "gradio-6.31.0-py3-none-any.whl",
        "7b50b9b6a2d23cd02851ad4c8b1c8312c88d8b911d1f29c93f9761c98348a64a",
    ),
)

# Not strict: published code is not written for --strict, and its errors would bury the ones that matter.
# check_untyped_defs brings the bodies of unannotated route handlers, where most scheduling happens, in.
BASE_CONFIG = """\
[mypy]
ignore_missing_imports = True
follow_imports = silent
check_untyped_defs = True
"""
PLUGIN_LINE = "plugins = bgtyped.mypy\n"

SCHEDULING_TEXT = re.compile(rb"\b(?:add_task|BackgroundTask)\(")
SCHEDULING_NAMES = frozenset({"add_task", "BackgroundTask"})
PROBE_KEYWORD = "bgtyped_probe"
# How mypy itself words the probe's error on Starlette's and FastAPI's classes: evidence, independent of the
# plugin, that a call schedules a background task whose function mypy knows.
MYPY_PROBE_ERROR = re.compile(
    rf'Unexpected keyword argument "{PROBE_KEYWORD}" for "(?:add_task" of "BackgroundTasks|BackgroundTask)"'
)
ERROR_LINE = re.compile(
    r"^(?P<path>[^:\n]+):(?P<line>\d+): error: (?P<message>.*?)(?:  \[(?P<code>[\w-]+)\])?$"
)
SUMMARY_LINE = re.compile(r"(?:\(checked|no issues found in) (?P<checked>\d+) source files?\)?$")
SUBPROCESS_TIMEOUT = 900
MAX_SHOWN = 50

# Below these, the packages would no longer exercise the plugin and agreement would prove nothing.
MIN_SCHEDULING_CALLS = 50
MIN_KNOWN_TARGET_CALLS = 20


# --- the packages -----------------------------------------------------------------------------------------


def cache_dir() -> Path:
    """Survives between runs (and between clones) on one machine; a new pin list gets a new directory."""
    key = hashlib.sha256("\n".join(r.requirement for r in RELEASES).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"bgtyped-realworld-{key}"


def is_intact(wheel: Path, sha256: str) -> bool:
    return wheel.is_file() and hashlib.sha256(wheel.read_bytes()).hexdigest() == sha256


def downloaded_wheels() -> list[Path]:
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    missing = [r for r in RELEASES if not is_intact(cache / r.wheel, r.sha256)]
    if missing:
        # Each wheel lands under its final name in one rename, so a concurrent or interrupted run never sees
        # half a file.
        with tempfile.TemporaryDirectory(dir=cache) as staging:
            requirements = Path(staging, "requirements.txt")
            requirements.write_text("".join(f"{r.requirement}\n" for r in missing))
            download = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--only-binary=:all:",
                    "--require-hashes",
                    "--disable-pip-version-check",
                    "--quiet",
                    "-r",
                    str(requirements),
                    "-d",
                    staging,
                ],
                capture_output=True,
                text=True,
                timeout=SUBPROCESS_TIMEOUT,
            )
            assert download.returncode == 0, f"pip download failed:\n{download.stdout}{download.stderr}"
            for release in missing:
                os.replace(Path(staging, release.wheel), cache / release.wheel)
    return [cache / r.wheel for r in RELEASES]


def is_source(member: str) -> bool:
    top = member.split("/", 1)[0]
    return member.endswith((".py", ".pyi")) and not top.endswith((".dist-info", ".data"))


def unpack(wheels: Iterable[Path], root: Path) -> None:
    owners: dict[str, str] = {}
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            for member in filter(is_source, archive.namelist()):
                assert member not in owners, f"{wheel.name} and {owners[member]} both ship {member}"
                owners[member] = wheel.name
                archive.extract(member, root)


# --- the scheduling calls ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchedulingCall:
    path: str
    first_line: int
    last_line: int
    # Where a planted keyword argument goes: right after the last argument (line, UTF-8 byte column).
    probe_at: tuple[int, int] | None


def scheduled_name(callee: ast.expr) -> str | None:
    if isinstance(callee, ast.Attribute):
        return callee.attr
    if isinstance(callee, ast.Name):
        return callee.id
    return None


def end_of(node: ast.expr | ast.keyword) -> tuple[int, int]:
    assert node.end_lineno is not None and node.end_col_offset is not None
    return node.end_lineno, node.end_col_offset


def scheduling_calls_in(path: str, source: bytes) -> list[SchedulingCall]:
    calls = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Call) and scheduled_name(node.func) in SCHEDULING_NAMES:
            ends = [*map(end_of, node.args), *map(end_of, node.keywords)]
            calls.append(SchedulingCall(path, node.lineno, end_of(node)[0], max(ends, default=None)))
    return calls


def scheduling_calls(root: Path) -> list[SchedulingCall]:
    calls = []
    for file in sorted(root.rglob("*.py")):
        source = file.read_bytes()
        if SCHEDULING_TEXT.search(source):
            calls.extend(scheduling_calls_in(file.relative_to(root).as_posix(), source))
    return calls


def plant_probes(root: Path, calls: Iterable[SchedulingCall]) -> None:
    """Adds ``bgtyped_probe=0`` to every call, on the line where its last argument ends: no line moves."""
    by_path: dict[str, list[tuple[int, int]]] = {}
    for call in calls:
        if call.probe_at is not None:
            by_path.setdefault(call.path, []).append(call.probe_at)
    for path, positions in by_path.items():
        file = root / path
        lines = file.read_bytes().splitlines(keepends=True)
        for line, column in sorted(positions, reverse=True):
            text = lines[line - 1]
            lines[line - 1] = text[:column] + f", {PROBE_KEYWORD}=0".encode() + text[column:]
        planted = b"".join(lines)
        ast.parse(planted, filename=path)
        file.write_bytes(planted)


# --- mypy -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Error:
    message: str
    code: str | None


@dataclass
class MypyRun:
    returncode: int
    stdout: str
    stderr: str
    errors: dict[tuple[str, int], list[Error]] = field(default_factory=dict)
    checked_files: int | None = None

    @classmethod
    def parse(cls, returncode: int, stdout: str, stderr: str) -> MypyRun:
        run = cls(returncode, stdout, stderr)
        for line in stdout.splitlines():
            if error := ERROR_LINE.match(line):
                key = (error["path"], int(error["line"]))
                run.errors.setdefault(key, []).append(Error(error["message"], error["code"]))
            elif summary := SUMMARY_LINE.search(line):
                run.checked_files = int(summary["checked"])
        return run

    @property
    def error_count(self) -> int:
        return sum(map(len, self.errors.values()))

    def crash_report(self) -> str | None:
        """mypy exits 0 (clean) or 1 (errors found); an internal error or a plugin that fails to load does not."""
        if (
            self.returncode in (0, 1)
            and "INTERNAL ERROR" not in self.stdout + self.stderr
            and not self.stderr
        ):
            return None
        return f"exit code {self.returncode}\n{self.stderr[-4000:]}\n{self.stdout[-4000:]}"


def check_both(root: Path, files: list[str], workdir: Path) -> dict[str, MypyRun]:
    """Runs mypy without and with the plugin, side by side; each configuration keeps its own cache."""
    configs = {"mypy": BASE_CONFIG, "mypy + bgtyped": BASE_CONFIG + PLUGIN_LINE}
    processes = {}
    for index, (name, config) in enumerate(configs.items()):
        config_file = workdir / f"mypy-{index}.ini"
        config_file.write_text(config)
        processes[name] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mypy",
                "--config-file",
                str(config_file),
                "--cache-dir",
                str(workdir / f"cache-{index}"),
                "--no-color-output",
                "--no-pretty",
                *files,
            ],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    runs = {}
    for name, process in processes.items():
        stdout, stderr = process.communicate(timeout=SUBPROCESS_TIMEOUT)
        runs[name] = MypyRun.parse(process.returncode, stdout, stderr)
    for name, run in runs.items():
        crash = run.crash_report()
        assert crash is None, f"{name} did not finish cleanly:\n{crash}"
        assert run.checked_files == len(files), f"{name} checked {run.checked_files} of {len(files)} files"
    return runs


def scheduling_lines(calls: Iterable[SchedulingCall]) -> set[tuple[str, int]]:
    return {(call.path, line) for call in calls for line in range(call.first_line, call.last_line + 1)}


def disagreements(
    without: Mapping[tuple[str, int], list[Error]],
    with_plugin: Mapping[tuple[str, int], list[Error]],
    scheduling: set[tuple[str, int]],
) -> list[str]:
    """Lines where the two runs do not report the same mistakes.

    A line counts as the same mistake when both runs report it, whatever the wording. On a scheduling call the
    plugin may also replace mypy's error code with its own (one of its rules explaining what mypy reported as a
    puzzling argument error); anywhere else the codes must match one for one.
    """
    found = []
    for key in sorted(without.keys() | with_plugin.keys()):
        mypy_errors, plugin_errors = without.get(key, []), with_plugin.get(key, [])
        where = f"{key[0]}:{key[1]}"
        if not plugin_errors:
            found.append(f"lost {where}: {[e.message for e in mypy_errors]}")
        elif not mypy_errors:
            found.append(f"added {where}: {[e.message for e in plugin_errors]}")
        elif key not in scheduling and Counter(e.code for e in mypy_errors) != Counter(
            e.code for e in plugin_errors
        ):
            found.append(f"codes changed {where}: {mypy_errors} -> {plugin_errors}")
    return found


def assert_agree(what: str, runs: Mapping[str, MypyRun], scheduling: set[tuple[str, int]]) -> None:
    problems = disagreements(runs["mypy"].errors, runs["mypy + bgtyped"].errors, scheduling)
    if problems:
        shown = "\n".join(problems[:MAX_SHOWN])
        pytest.fail(
            f"the plugin disagrees with mypy on {what} at {len(problems)} lines:\n{shown}", pytrace=False
        )


def describe(runs: Mapping[str, MypyRun]) -> str:
    return ", ".join(
        f"{name}: {run.error_count} errors on {len(run.errors)} lines" for name, run in runs.items()
    )


# --- the test ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_plugin_agrees_with_mypy_on_published_code(tmp_path: Path) -> None:
    started = time.monotonic()
    root = tmp_path / "src"
    unpack(downloaded_wheels(), root)
    calls = scheduling_calls(root)
    files = sorted({call.path for call in calls})
    scheduling = scheduling_lines(calls)
    assert len(calls) >= MIN_SCHEDULING_CALLS, f"only {len(calls)} scheduling calls found"

    published = check_both(root, files, tmp_path)
    assert_agree("published code", published, scheduling)

    plant_probes(root, calls)
    probed = check_both(root, files, tmp_path)
    assert_agree("planted mistakes", probed, scheduling)
    without, with_plugin = probed["mypy"].errors, probed["mypy + bgtyped"].errors

    known_target_lines = {
        key for key, errors in without.items() if any(MYPY_PROBE_ERROR.search(e.message) for e in errors)
    }
    reworded = {key for key in known_target_lines if without[key] != with_plugin.get(key)}
    print(
        f"\n{len(calls)} add_task/BackgroundTask calls in {len(files)} modules of "
        f"{', '.join(f'{r.name} {r.version}' for r in RELEASES)}; {len(known_target_lines)} schedule a function "
        f"mypy knows on Starlette's or FastAPI's classes, {len(reworded)} of them reported in the plugin's words."
        f"\npublished code: {describe(published)}\nplanted mistakes: {describe(probed)}"
        f"\n{time.monotonic() - started:.0f} s"
    )
    assert len(known_target_lines) >= MIN_KNOWN_TARGET_CALLS, (
        f"only {len(known_target_lines)} calls schedule a function that mypy can check"
    )
    assert reworded == known_target_lines, (
        "the plugin left mypy's own report on these calls, so it did not check them: "
        + ", ".join(f"{path}:{line}" for path, line in sorted(known_target_lines - reworded))
    )
