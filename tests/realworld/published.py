"""Published packages that schedule functions, and the scheduling calls in their own code.

Reusable by the tests and the benchmarks alike:

- `BACKGROUND_TASK_RELEASES` and `DEFERRED_CALL_RELEASES`: pinned wheels (name, version, file, sha256);
- `download(releases)`: the wheels' paths in the user's cache directory (`cache_dir`), fetched once with
  ``pip download --no-deps --require-hashes`` and verified against their hashes on every use;
- `unpack(wheels, root)`: their Python sources under ``root``, each module's owner returned;
- `scheduling_calls(root, names)`: every call of a scheduler named in ``names`` (by default every name the
  plugin registers, `SCHEDULER_NAMES`), found by its spelling in the source, with its lines and where a
  planted mistake can go;
- `plant_probes(root, calls)`: that mistake, planted in place without moving a line.

Finding calls by spelling over-approximates: ``websocket.send(data)`` is found as well as dramatiq's
``actor.send(...)``. Only mypy knows which calls really schedule; the probes tell the tests which ones it knew.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import platformdirs

# Overrides the cache directory (CI caches, read-only homes); wheels are verified against their hashes anyway.
CACHE_DIR_VARIABLE = "BGTYPED_CACHE_DIR"
DOWNLOAD_TIMEOUT = 900
PROBE_KEYWORD = "bgtyped_probe"
PROBE_ARGUMENT = "0"


@dataclass(frozen=True)
class Release:
    """One pinned wheel of a published package."""

    name: str
    version: str
    wheel: str
    sha256: str

    @property
    def requirement(self) -> str:
        """The line of a ``--require-hashes`` requirements file that fetches exactly this wheel."""
        return f"{self.name}=={self.version} --hash=sha256:{self.sha256}"


# Packages that schedule Starlette's and FastAPI's background tasks in their own code (38 MB).
BACKGROUND_TASK_RELEASES = (
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

# Packages whose own code hands functions to threads, processes, executors, event loops, task groups and
# task queues (15 MB). Pure-Python wheels only: the same files on every platform.
DEFERRED_CALL_RELEASES = (
    Release(
        "anyio",
        "4.16.0",
        "anyio-4.16.0-py3-none-any.whl",
        "c66ae634e0b8228396b801741beb3294326d4b6102f7bba4041c0dfb58c29026",
    ),
    Release(
        "aiohttp",
        "3.14.5",
        "aiohttp-3.14.5-py3-none-any.whl",
        "efc21a454892828368b11c2c780de0ff8bc991f73f6b99c6b66e56205470929b",
    ),
    Release(
        "asyncssh",
        "2.24.1",
        "asyncssh-2.24.1-py3-none-any.whl",
        "fc560b4f43be0f0c602d184783e5e3876f5d24d933a25359d86e5a50a5f46fe5",
    ),
    Release(
        "celery",
        "5.7.0",
        "celery-5.7.0-py3-none-any.whl",
        "18310a9c919f9029e4735367484d93e6a25cdfd30afdc474622cc263d9b35f6e",
    ),
    Release(
        "distributed",
        "2026.8.0",
        "distributed-2026.8.0-py3-none-any.whl",
        "3bd8882861a2cf497453f28c6b61135fa8ef2bb1d6885ad3b9f27e887e9c0e01",
    ),
    Release(
        "dramatiq",
        "2.2.1",
        "dramatiq-2.2.1-py3-none-any.whl",
        "4e2466d07d5a1c4910b49944e5b45704c123b82325384e1319f6d08d94559c46",
    ),
    Release(
        "fastapi",
        "0.165.0",
        "fastapi-0.165.0-py3-none-any.whl",
        "896f48462042bb4f162147eb8fac7e858753dc1f486765709baf105d70e4fc5b",
    ),
    Release(
        "jupyter-server",
        "2.21.1",
        "jupyter_server-2.21.1-py3-none-any.whl",
        "2a6467606af7dbae2e7e31640030025969e15db6a649eae334af90415dc71dca",
    ),
    Release(
        "opentelemetry-sdk",
        "1.45.2",
        "opentelemetry_sdk-1.45.2-py3-none-any.whl",
        "ff974ea70ee4f1d51e2ec152db37c2b626c7bf82bb3f7d86114fd8704e7199c6",
    ),
    Release(
        "sanic",
        "25.12.1",
        "sanic-25.12.1-py3-none-any.whl",
        "3874f1fe0442e3b12ce4a3f6524f676d5d3c43839c6a4967d1b82fd8db53c0f3",
    ),
    Release(
        "streamlit",
        "1.67.0",
        "streamlit-1.67.0-py3-none-any.whl",
        "f29da87c443bfbdfc52738616e3d65745d438e718da8faf69e2be0da1e52ce64",
    ),
    Release(
        "textual",
        "8.2.8",
        "textual-8.2.8-py3-none-any.whl",
        "267375fd402dc8d981457212efa71f0e3365fd17bba144ba9bb3ed7563cb374a",
    ),
    Release(
        "websockets",
        "17.4",
        "websockets-17.4-py3-none-any.whl",
        "c6bd2c9781915592b209160d0f017d4c7c82ad53075e6b0c24d2a89299e7f9e9",
    ),
)


# --- the wheels -------------------------------------------------------------------------------------------


def cache_dir() -> Path:
    """Where wheels are kept between runs: ``$BGTYPED_CACHE_DIR`` if set, else the user's cache directory."""
    override = os.environ.get(CACHE_DIR_VARIABLE)
    if override:
        return Path(override)
    return platformdirs.user_cache_path("bgtyped") / "published"


def is_intact(wheel: Path, sha256: str) -> bool:
    return wheel.is_file() and hashlib.sha256(wheel.read_bytes()).hexdigest() == sha256


# The pure-Python wheel even where a platform's wheel exists: the same files everywhere.
PURE_WHEELS = ("--only-binary=:all:", "--platform", "any", "--implementation", "py", "--abi", "none")


def download(releases: Iterable[Release], wheel_tags: Sequence[str] = PURE_WHEELS) -> list[Path]:
    """The releases' wheels in `cache_dir`, fetched once each and checked against their hashes.

    ``wheel_tags`` are the pip options that select the pinned files (pure-Python wheels by default).
    Raises `RuntimeError` with pip's output when a wheel cannot be fetched or does not match its hash.
    """
    releases = list(releases)
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    missing = [r for r in releases if not is_intact(cache / r.wheel, r.sha256)]
    if missing:
        # Each wheel lands under its final name in one rename, so a concurrent or interrupted run never sees
        # half a file.
        with tempfile.TemporaryDirectory(dir=cache) as staging:
            requirements = Path(staging, "requirements.txt")
            requirements.write_text("".join(f"{r.requirement}\n" for r in missing))
            fetched = subprocess.run(
                [
                    *(sys.executable, "-m", "pip", "download", "--no-deps", "--require-hashes"),
                    *wheel_tags,
                    *("--disable-pip-version-check", "--quiet", "-r", str(requirements), "-d", staging),
                ],
                capture_output=True,
                text=True,
                timeout=DOWNLOAD_TIMEOUT,
            )
            if fetched.returncode != 0:
                raise RuntimeError(
                    f"pip could not download the pinned wheels into {cache} (set {CACHE_DIR_VARIABLE} to "
                    f"use another directory):\n{fetched.stdout}{fetched.stderr}"
                )
            for release in missing:
                os.replace(Path(staging, release.wheel), cache / release.wheel)
    return [cache / r.wheel for r in releases]


def is_source(member: str) -> bool:
    top = member.split("/", 1)[0]
    return member.endswith((".py", ".pyi")) and not top.endswith((".dist-info", ".data"))


def unpack(wheels: Iterable[Path], root: Path) -> dict[str, str]:
    """Extracts the wheels' Python sources under ``root``; returns each source's wheel, by its path.

    Raises `ValueError` if two wheels ship the same file (one would hide the other).
    """
    owners: dict[str, str] = {}
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            for member in filter(is_source, archive.namelist()):
                if member in owners:
                    raise ValueError(f"{wheel.name} and {owners[member]} both ship {member}")
                owners[member] = wheel.name
                archive.extract(member, root)
    return owners


# --- the scheduling calls ---------------------------------------------------------------------------------


class Probe(Enum):
    """The mistake that can be planted in a call without knowing its target."""

    # ``bgtyped_probe=0``: for schedulers that pass keyword arguments on to the task.
    KEYWORD = "keyword"
    # One more positional argument: for schedulers that pass only positional ones (their own keywords would
    # make an unknown keyword the scheduler's error, not the task's).
    POSITIONAL = "positional"


# Every scheduler the plugin registers (bgtyped.mypy's registry), as code spells the call, with its probe.
# None where the task's arguments come as a tuple and a dict (``args=``, ``kwargs=``): no mistake fits every
# spelling of them. The test checks this table against the registry.
SCHEDULER_PROBES: Mapping[str, Probe | None] = {
    "add_task": Probe.KEYWORD,
    "BackgroundTask": Probe.KEYWORD,
    "run_in_threadpool": Probe.KEYWORD,
    "to_thread": Probe.KEYWORD,
    "submit": Probe.KEYWORD,
    "map": Probe.KEYWORD,
    "delay": Probe.KEYWORD,
    "send": Probe.KEYWORD,
    "si": Probe.KEYWORD,
    "s": Probe.KEYWORD,
    "enqueue": Probe.KEYWORD,
    "enqueue_in": Probe.KEYWORD,
    "enqueue_at": Probe.KEYWORD,
    "run_sync": Probe.POSITIONAL,
    "run_in_executor": Probe.POSITIONAL,
    "call_soon": Probe.POSITIONAL,
    "call_soon_threadsafe": Probe.POSITIONAL,
    "call_later": Probe.POSITIONAL,
    "call_at": Probe.POSITIONAL,
    "start_soon": Probe.POSITIONAL,
    "Thread": None,
    "Timer": None,
    "Process": None,
    "apply_async": None,
    "send_with_options": None,
    "signature": None,
    "subtask": None,
    "enqueue_call": None,
    "apply": None,
    "enter": None,
    "enterabs": None,
}
SCHEDULER_NAMES = frozenset(SCHEDULER_PROBES)


@dataclass(frozen=True)
class SchedulingCall:
    """A call spelled like a scheduler's, by its lines in a module (``path`` relative to the root)."""

    path: str
    name: str
    first_line: int
    last_line: int
    # Where a planted mistake goes (line, UTF-8 byte column) and what it is; None where none fits.
    probe_at: tuple[int, int] | None
    probe: Probe | None

    def lines(self) -> range:
        return range(self.first_line, self.last_line + 1)


def called_name(callee: ast.expr) -> str | None:
    if isinstance(callee, ast.Attribute):
        return callee.attr
    if isinstance(callee, ast.Name):
        return callee.id
    return None


def end_of(node: ast.expr | ast.keyword) -> tuple[int, int]:
    assert node.end_lineno is not None and node.end_col_offset is not None
    return node.end_lineno, node.end_col_offset


def probe_position(call: ast.Call, probe: Probe | None) -> tuple[int, int] | None:
    if probe is Probe.KEYWORD:
        return max(map(end_of, [*call.args, *call.keywords]), default=None)
    if probe is Probe.POSITIONAL and call.args and not any(isinstance(a, ast.Starred) for a in call.args):
        # After the last positional argument, before any keyword: ``f(fn, x, 0, name=...)``.
        return end_of(call.args[-1])
    return None


def scheduling_calls_in(path: str, source: bytes, names: Mapping[str, Probe | None]) -> list[SchedulingCall]:
    calls = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Call) and (name := called_name(node.func)) in names:
            assert name is not None
            at = probe_position(node, names[name])
            probe = names[name] if at is not None else None
            calls.append(SchedulingCall(path, name, node.lineno, end_of(node)[0], at, probe))
    return sorted(calls, key=lambda call: (call.first_line, call.last_line))


def scheduling_calls(root: Path, names: Iterable[str] = SCHEDULER_NAMES) -> list[SchedulingCall]:
    """Every call under ``root`` spelled ``name(...)`` or ``obj.name(...)`` for one of ``names``."""
    wanted = {name: SCHEDULER_PROBES.get(name) for name in names}
    spelled = re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in sorted(wanted)) + rb")\(")
    calls = []
    for file in sorted(root.rglob("*.py")):
        source = file.read_bytes()
        if spelled.search(source):
            calls.extend(scheduling_calls_in(file.relative_to(root).as_posix(), source, wanted))
    return calls


def planted(probe: Probe) -> bytes:
    text = f"{PROBE_KEYWORD}=0" if probe is Probe.KEYWORD else PROBE_ARGUMENT
    return f", {text}".encode()


def plant_probes(root: Path, calls: Sequence[SchedulingCall]) -> None:
    """Plants each call's probe on the line where it goes: no line moves, so errors keep their lines.

    Raises `SyntaxError` if a planted module no longer parses.
    """
    by_path: dict[str, list[tuple[tuple[int, int], Probe]]] = {}
    for call in calls:
        if call.probe_at is not None and call.probe is not None:
            by_path.setdefault(call.path, []).append((call.probe_at, call.probe))
    for path, probes in by_path.items():
        file = root / path
        lines = file.read_bytes().splitlines(keepends=True)
        for (line, column), probe in sorted(probes, key=lambda item: item[0], reverse=True):
            text = lines[line - 1]
            lines[line - 1] = text[:column] + planted(probe) + text[column:]
        source = b"".join(lines)
        ast.parse(source, filename=path)
        file.write_bytes(source)
