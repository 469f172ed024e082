"""Published packages that schedule functions, and the scheduling calls in their own code.

Reusable by the tests and the benchmarks alike:

- `BACKGROUND_TASK_RELEASES`, `DEFERRED_CALL_RELEASES`, `ENGINE_RELEASES` and `SCHEDULED_JOB_RELEASES`:
  pinned wheels (name, version, file, sha256, and the folders taken from it where not all);
- `download(releases)`: the wheels' paths in the user's cache directory (`cache_dir`), fetched once with
  ``pip download --no-deps --require-hashes`` and verified against their hashes on every use;
- `unpack(wheels, root, sources)`: their Python sources under ``root``, each module's owner returned;
- `registered_schedulers()`: every scheduler the installed plugin registers, as code spells its calls, with
  the mistake that fits its task's arguments;
- `scheduling_calls(root, names)`: every call of a scheduler named in ``names`` (by default every one the
  plugin registers), found by its spelling in the source, with its lines and where a planted mistake can go;
- `plant_probes(root, calls)`: that mistake, planted in place without moving a line.

Finding calls by spelling over-approximates: ``websocket.send(data)`` is found as well as dramatiq's
``actor.send(...)``. Only mypy knows which calls really schedule; the probes tell the tests which ones it knew.
A task that enqueues itself when called (huey's) has no spelling of its own: its calls are found by the
decorator that made it, by the task's name in the scope that defines it; calls from other modules are not.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
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
    # The folders of the wheel whose sources are unpacked; empty: all of them.
    sources: tuple[str, ...] = ()

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


# Packages whose own code schedules on distributed engines and job queues (Ray, Dask, Temporal, Prefect,
# procrastinate), checked against those libraries as the test environment installs them (the ``test-cases``
# extra): Ray's and Temporal's only wheels are platform ones (6 MB).
ENGINE_RELEASES = (
    Release(
        "modin",
        "0.37.1",
        "modin-0.37.1-py3-none-any.whl",
        "afb96c4b1fc4953c6895f5376b49af765575ad6f4d948a7726055614777e7b90",
    ),
    Release(
        "py-data-juicer",
        "1.6.1",
        "py_data_juicer-1.6.1-py3-none-any.whl",
        "de77979969b574e841f947d2171028b5e15a4eeea2b2802c528b5ef1758e9c8f",
    ),
    Release(
        "xgboost-ray",
        "0.1.19",
        "xgboost_ray-0.1.19-py3-none-any.whl",
        "c6956250e1686df207149962b1f18346335a65414324a2c135f88fb0b418d25b",
    ),
    Release(
        "raydp",
        "1.6.5",
        "raydp-1.6.5-py3-none-any.whl",
        "e8c507f66daecf9a5ce33d31dc03160b2420f4f93bc9ad31e1fe8c445a6e7f02",
    ),
    Release(
        "hats-import",
        "0.11.1",
        "hats_import-0.11.1-py3-none-any.whl",
        "dbf22e031852dc6d134d3c0e349c17ff27e0971c2da44292be9daf0377e19326",
    ),
    Release(
        "dask-ml",
        "2025.1.0",
        "dask_ml-2025.1.0-py3-none-any.whl",
        "475c542b342d915934fbbbca6395798a22cf50283b1626fc0924abe40d0b3558",
    ),
    Release(
        "streamz",
        "0.6.6",
        "streamz-0.6.6-py2.py3-none-any.whl",
        "1113835713dcf7a9fbd77a682faf2f66f5c50bc5c1a48d30df66073daf1cad9d",
    ),
    Release(
        "afar",
        "0.7.0",
        "afar-0.7.0-py3-none-any.whl",
        "01e79ca63793c4883b7d3c6efce26b353c77a7baba6920b132a0cace7ae0c8e8",
    ),
    Release(
        "temporalio-openai-agents",
        "1.1.0",
        "temporalio_openai_agents-1.1.0-py3-none-any.whl",
        "d8054af26a7b4f8414b60bc04550d48dff0cb607cf70550c43e0a5b99d13041e",
    ),
    Release(
        "mcp-agent",
        "0.2.6",
        "mcp_agent-0.2.6-py3-none-any.whl",
        "184205d9a16535264497568b3ca2a805c8ac8e36144f6ff4264bdb785d71f745",
    ),
    Release(
        "agentex-sdk",
        "0.12.0",
        "agentex_sdk-0.12.0-py3-none-any.whl",
        "87bd88efada8109cf1956c2831249d5f58b18d5b2eac704aa6eeb85e36ed2ae2",
    ),
    Release(
        "prefect-databricks",
        "0.4.2",
        "prefect_databricks-0.4.2-py3-none-any.whl",
        "e561e870510159dadbd109129cae818c7cfc7ed057da4cd1f35bda107df7c261",
    ),
    Release(
        "procrastinate",
        "3.10.0",
        "procrastinate-3.10.0-py3-none-any.whl",
        "949ad25b4377c30e03a9d0e053d15dfa47ef02b3f12ae8a7f3254686183c152c",
    ),
    Release(
        "openaleph-procrastinate",
        "5.3.3",
        "openaleph_procrastinate-5.3.3-py3-none-any.whl",
        "646f6b40fa2e9b33fff7f774e422422ae42be8be7fe8fd073fcd656cd4789151",
    ),
)


# Packages that schedule jobs with APScheduler 3, huey, arq and saq. APScheduler and huey are untyped: mypy
# reads them through bgtyped's stubs, so their own packages are not unpacked (beside their users, their untyped
# sources would hide the stubs): of huey's wheel, only its tests are (1.3 MB in all).
SCHEDULED_JOB_RELEASES = (
    Release(
        "python-telegram-bot",
        "22.8",
        "python_telegram_bot-22.8-py3-none-any.whl",
        "42373918097f1b837cc4e717d588c19ea79651497ec712bb5b0c76e5e63c50e1",
    ),
    Release(
        "django-apscheduler",
        "0.7.0",
        "django_apscheduler-0.7.0-py3-none-any.whl",
        "869d489775420245c9455d55e35f663c856a33ebfc996d92938f786ffb8730ce",
    ),
    Release(
        "z4j-apscheduler",
        "1.13.0",
        "z4j_apscheduler-1.13.0-py3-none-any.whl",
        "a5dc8176696d5be646d02cff8f6106d989cec2ee64da5ef877c7c1dc7f358956",
    ),
    Release(
        "zenpulse-scheduler",
        "0.1.6",
        "zenpulse_scheduler-0.1.6-py3-none-any.whl",
        "81db75e42924747ad4d297046c0ef22ca09978fe8eea03c04168c37673db3592",
    ),
    Release(
        "huey",
        "3.5.4",
        "huey-3.5.4-py3-none-any.whl",
        "a3b68953fc62fbbbfe15cd6c48bef9d8072a267234c647121c31ec466e35e8e8",
        sources=("huey/tests",),
    ),
    Release(
        "hueyx",
        "1.0.3",
        "hueyx-1.0.3-py3-none-any.whl",
        "1c37e625fe7bcab2ecc284bb5d35f32331c1d6bb9adc91905b1987994f8d2de8",
    ),
    Release(
        "z4j-huey",
        "1.13.0",
        "z4j_huey-1.13.0-py3-none-any.whl",
        "060f3316c6d967879fc28048d6ba51cccd77016c9da74fb59c5a9b26e6b2cb42",
    ),
    Release(
        "arq",
        "0.28.0",
        "arq-0.28.0-py3-none-any.whl",
        "b1696bf5614d60f4172a2c0cbdc177e23ba03a5eb9acc29bd8181f4ea71fff94",
    ),
    Release(
        "saq",
        "0.26.4",
        "saq-0.26.4-py3-none-any.whl",
        "7a1f81ae2a95b6c34b170bc9b8cf84423052d9612f62cf0ec426c1fd27e35b2c",
    ),
    Release(
        "litestar-saq",
        "0.8.0",
        "litestar_saq-0.8.0-py3-none-any.whl",
        "0a47fd054aef997c9870f821638af4dfb2804bfb4652549c96689d81d8f99a92",
    ),
    Release(
        "saq-board",
        "0.1.4",
        "saq_board-0.1.4-py3-none-any.whl",
        "da4642d15b92eba3bff0f63b8c1e1c1b179a7434a741dfbbbec734bce2ebd61a",
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


def unpack(
    wheels: Iterable[Path], root: Path, sources: Mapping[str, Sequence[str]] | None = None
) -> dict[str, str]:
    """Extracts the wheels' Python sources under ``root``; returns each source's wheel, by its path.

    ``sources`` limits a wheel (by its file name) to the folders it names. Raises `ValueError` if two wheels
    ship the same file (one would hide the other).
    """
    owners: dict[str, str] = {}
    sources = sources or {}
    for wheel in wheels:
        folders = tuple(f"{folder.rstrip('/')}/" for folder in sources.get(wheel.name, ()))
        with zipfile.ZipFile(wheel) as archive:
            for member in filter(is_source, archive.namelist()):
                if folders and not member.startswith(folders):
                    continue
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
    # One argument after a target given alone: for schedulers that pass the task a single argument of their
    # own (Temporal's ``arg``), planted only where the call gives none, so that it is the task's argument.
    ARGUMENT = "argument"
    # ``kwargs={"bgtyped_probe": 0}``: for schedulers that take the task's keywords packed in a dict, by the
    # name the registry gives that parameter; planted where the call gives none (nor ``**`` anything), or as
    # the first item of the literal dict it gives.
    PACKED = "packed"


# The probe that fits each shape of the task's arguments in the plugin's registry (bgtyped.mypy.schedulers's
# data model), as `REGISTRY_SCRIPT` names the shapes. None where the arguments come as iterables of items: no
# mistake fits every spelling of them.
PROBE_BY_SHAPE: Mapping[str, Probe | None] = {
    "positional and keyword": Probe.KEYWORD,
    "positional": Probe.POSITIONAL,
    "tuple and dict": Probe.PACKED,
    "items and keywords": Probe.KEYWORD,
    "items": None,
    "one or a sequence": Probe.ARGUMENT,
}

# Each scheduling entry of the installed plugin: its spelling, whether code calls it by a bare name (a
# function or a class) or only as a method, its shape, and for a tuple and a dict, the dict's parameter as
# ``[name, position]`` (null where it has no name). Run in a directory of its own: in the repository,
# ``bgtyped`` would be the runtime's source, without the plugin.
REGISTRY_SCRIPT = """
import json
from bgtyped.mypy.schedulers import builtin_schedulers

def packed(arguments):
    param = getattr(arguments, "kwargs", None) if type(arguments).__name__ == "Packed" else None
    return (param.name, param.position) if param is not None and param.name else None

def shape(arguments):
    kind = type(arguments).__name__
    kwargs = getattr(arguments, "kwargs", None)
    if kind == "Packed":
        return "tuple and dict"
    if kind == "Variadic":
        return "positional and keyword" if kwargs else "positional"
    if kind == "Mapped":
        return "items and keywords" if kwargs else "items"
    if kind == "SingleOrPacked":
        return "one or a sequence"
    return kind

print(json.dumps(sorted({
    (spec.name if spec.member == "__init__" else spec.member, spec.member == "__init__" or not spec.is_method,
     shape(spec.arguments), packed(spec.arguments))
    for spec in builtin_schedulers() if spec.schedules
}, key=repr)))
"""


# A task that enqueues itself when called (huey's ``@huey.task()``): the registry's entry for ``__call__``.
CALLED_TASK = "__call__"
# The decorators that make such a task, as an attribute of the queue (``@huey.task()``,
# ``@huey.periodic_task(...)``, and the ``db_`` forms of huey's Django integration and of hueyx). A bare
# ``@task`` is left out: prefect's and others' are called to run the function there and then.
TASK_DECORATORS = frozenset({"task", "periodic_task", "db_task", "db_periodic_task"})
# Where a module may define one: the sources worth parsing for its calls.
TASK_DECORATOR_SPELLED = re.compile(rb"@[\w.]+\.(?:db_)?(?:periodic_)?task\b")


@dataclass(frozen=True)
class Scheduler:
    """How code spells the calls of one scheduler's name, and the mistake planted in them."""

    probe: Probe | None
    # A function or a class is called by its bare name too (``to_thread(...)``, ``Thread(...)``); a method only
    # on an object that is not an imported module: builtin ``map(f, xs)`` is not Dask's ``client.map``, and
    # ``ray.remote(f)`` makes a task instead of scheduling one.
    bare_name: bool = False
    # For `Probe.PACKED`: the scheduler's parameter for the task's keyword dict, and its position where a
    # call may give it positionally (None: by name only).
    packed: tuple[str, int | None] | None = None


# A scheduling entry of the registry: (name, called by its bare name, shape, the packed keywords' parameter).
RegistryEntry = tuple[str, bool, str, tuple[str, int | None] | None]


def merged_packed(params: set[tuple[str, int | None] | None]) -> Scheduler | None:
    """The scheduler of the entries of one name that take a tuple and a dict, if they name the dict alike.

    Entries that name it differently (Celery's ``kwargs``, multiprocessing's ``kwds``) or not at all leave
    no keyword that every one of them accepts: None. Its earliest position stands for all of them, so that a
    call giving it positionally to any of them gets no probe.
    """
    names = {param[0] if param else None for param in params}
    if len(names) != 1 or None in names:
        return None
    positions = [param[1] for param in params if param and param[1] is not None]
    return Scheduler(Probe.PACKED, packed=(next(iter(names)), min(positions, default=None)))


def schedulers_from_registry(entries: Iterable[RegistryEntry]) -> dict[str, Scheduler]:
    """The schedulers by spelled name, from the registry's ``(name, called by its bare name, shape, packed
    keywords' parameter)`` entries.

    A name registered with two shapes gets no probe (a mistake that fits one would be the other's own error),
    nor does one whose entries take a tuple and a dict under different names (`merged_packed`); of the
    special methods, ``__call__`` (the task called directly, `CALLED_TASK`) is kept, to be found through the
    decorator that made the task, and the others are left out.
    Raises `ValueError` for a shape `PROBE_BY_SHAPE` does not know: the probe that fits it must be chosen.
    """
    shapes: dict[str, set[str]] = {}
    bare: dict[str, bool] = {}
    packed: dict[str, set[tuple[str, int | None] | None]] = {}
    for name, bare_name, shape, keywords in entries:
        if shape not in PROBE_BY_SHAPE:
            raise ValueError(f"{name}: the shape {shape!r} has no probe yet: add one to PROBE_BY_SHAPE")
        if name.startswith("__") and name != CALLED_TASK:
            continue
        shapes.setdefault(name, set()).add(shape)
        bare[name] = bare.get(name, False) or bare_name
        packed.setdefault(name, set()).add(keywords)
    schedulers = {}
    for name, kinds in shapes.items():
        probe = PROBE_BY_SHAPE[next(iter(kinds))] if len(kinds) == 1 else None
        scheduler = merged_packed(packed[name]) if probe is Probe.PACKED else Scheduler(probe)
        schedulers[name] = replace(scheduler or Scheduler(None), bare_name=bare[name])
    return schedulers


def registered_schedulers() -> dict[str, Scheduler]:
    """Every scheduler the installed plugin registers (bgtyped.mypy's registry), as code spells its calls.

    Raises `subprocess.CalledProcessError` if the plugin cannot be imported, `ValueError` as
    `schedulers_from_registry` does.
    """
    with tempfile.TemporaryDirectory() as elsewhere:
        registry = subprocess.run(
            [sys.executable, "-c", REGISTRY_SCRIPT], cwd=elsewhere, capture_output=True, text=True, check=True
        )
    return schedulers_from_registry(
        (name, bare, shape, (keywords[0], keywords[1]) if keywords else None)
        for name, bare, shape, keywords in json.loads(registry.stdout)
    )


def imported_modules(tree: ast.Module) -> set[str]:
    """The names that ``import x``, ``import x.y`` and ``import x as y`` bind in a module."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.asname or alias.name.split(".", 1)[0] for alias in node.names)
    return names


def called_scheduler(
    callee: ast.expr, schedulers: Mapping[str, Scheduler], modules: set[str]
) -> tuple[str, Scheduler] | None:
    """The scheduler a callee is spelled like, if any: a method never by its bare name nor on a module."""
    if isinstance(callee, ast.Attribute) and callee.attr in schedulers:
        scheduler = schedulers[callee.attr]
        on_module = isinstance(callee.value, ast.Name) and callee.value.id in modules
        return None if on_module and not scheduler.bare_name else (callee.attr, scheduler)
    if isinstance(callee, ast.Name) and callee.id in schedulers and schedulers[callee.id].bare_name:
        return callee.id, schedulers[callee.id]
    return None


def is_task_decorator(decorator: ast.expr) -> bool:
    callee = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(callee, ast.Attribute) and callee.attr in TASK_DECORATORS


def called_tasks(tree: ast.Module) -> list[ast.Call]:
    """The calls, by its bare name, of a function a task decorator made a task, in the scope that defines it
    (a module, or a function: tests define their tasks inside the test)."""
    calls = []
    for scope in ast.walk(tree):
        if not isinstance(scope, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        tasks = {
            statement.name
            for statement in scope.body
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
            and any(map(is_task_decorator, statement.decorator_list))
        }
        calls.extend(
            node
            for statement in scope.body
            for node in ast.walk(statement)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in tasks
        )
    return calls


def end_of(node: ast.expr | ast.keyword) -> tuple[int, int]:
    assert node.end_lineno is not None and node.end_col_offset is not None
    return node.end_lineno, node.end_col_offset


def after_arguments(call: ast.Call) -> tuple[tuple[int, int], bool]:
    """Where an argument is added after the call's others, and whether it is the first."""
    last = max(map(end_of, [*call.args, *call.keywords]), default=None)
    # ``handle.method.remote()``: before the closing parenthesis, the call's last byte.
    return (last, False) if last is not None else ((end_of(call)[0], end_of(call)[1] - 1), True)


def packed_position(call: ast.Call, packed: tuple[str, int | None]) -> tuple[tuple[int, int], bool] | None:
    """Where `Probe.PACKED` goes: after the arguments where the call gives no dict of keywords, else at the
    start of the literal dict it gives, and whether that dict is empty; None where the dict is another
    expression, may be given positionally or unpacked (``*args``, ``**options``), or holds ``**`` items."""
    keyword, position = packed
    starred = any(isinstance(a, ast.Starred) for a in call.args)
    given_positionally = position is not None and (starred or len(call.args) > position)
    if given_positionally or any(k.arg is None for k in call.keywords):
        return None
    given = [k.value for k in call.keywords if k.arg == keyword]
    if not given:
        return after_arguments(call)
    value = given[0]
    if not isinstance(value, ast.Dict) or None in value.keys:
        return None
    return (value.lineno, value.col_offset + 1), not value.keys


def probe_position(call: ast.Call, scheduler: Scheduler) -> tuple[tuple[int, int], bool] | None:
    """Where the scheduler's probe goes, and whether it stands alone (the call's first argument, or the
    only item of `Probe.PACKED`'s literal dict); None where it does not fit."""
    probe = scheduler.probe
    positional = not any(isinstance(a, ast.Starred) for a in call.args)
    if probe is Probe.KEYWORD:
        return after_arguments(call)
    if probe is Probe.PACKED and scheduler.packed is not None:
        return packed_position(call, scheduler.packed)
    if probe is Probe.POSITIONAL and call.args and positional:
        # After the last positional argument, before any keyword: ``f(fn, x, 0, name=...)``.
        return end_of(call.args[-1]), False
    given = {keyword.arg for keyword in call.keywords}
    if probe is Probe.ARGUMENT and len(call.args) == 1 and positional and not given & {"arg", "args", None}:
        # The target alone: ``execute_activity(fn, 0, start_to_close_timeout=...)``.
        return end_of(call.args[0]), False
    return None


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
    # Whether the probe is the call's only argument (no comma before it), or `Probe.PACKED`'s only item.
    probe_alone: bool = False
    # For `Probe.PACKED`: the keyword planted with its dict; None where the item goes into the call's dict.
    packed_keyword: str | None = None

    def lines(self) -> range:
        return range(self.first_line, self.last_line + 1)


def scheduling_calls_in(
    path: str, source: bytes, schedulers: Mapping[str, Scheduler]
) -> list[SchedulingCall]:
    tree = ast.parse(source, filename=path)
    modules = imported_modules(tree)
    tasks = set(called_tasks(tree)) if CALLED_TASK in schedulers else set()
    # ``obj.__call__(...)`` is no task's call: `CALLED_TASK` is found only through its decorator.
    spelled = {name: scheduler for name, scheduler in schedulers.items() if name != CALLED_TASK}
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        found = called_scheduler(node.func, spelled, modules)
        if node in tasks:
            found = CALLED_TASK, schedulers[CALLED_TASK]
        if found:
            name, scheduler = found
            at = probe_position(node, scheduler)
            call = SchedulingCall(path, name, node.lineno, end_of(node)[0], None, None)
            if at is not None:
                call = replace(call, probe_at=at[0], probe=scheduler.probe, probe_alone=at[1])
                if scheduler.packed is not None and not given_keyword(node, scheduler.packed[0]):
                    call = replace(call, packed_keyword=scheduler.packed[0])
            calls.append(call)
    return sorted(calls, key=lambda call: (call.first_line, call.last_line))


def scheduling_calls(
    root: Path, names: Iterable[str] | None = None, schedulers: Mapping[str, Scheduler] | None = None
) -> list[SchedulingCall]:
    """Every call under ``root`` spelled like one of the ``schedulers`` (by default `registered_schedulers`)
    named in ``names`` (by default all of them): ``name(...)`` for a function or a class, ``obj.name(...)``,
    and `CALLED_TASK`'s ``task(...)`` of a task defined in the same scope (`called_tasks`)."""
    known = registered_schedulers() if schedulers is None else schedulers
    wanted = {name: known[name] for name in (known if names is None else names) if name in known}
    if not wanted:
        return []
    names_spelled = sorted(wanted.keys() - {CALLED_TASK})
    spelled = re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in names_spelled) + rb")\(")
    calls = []
    for file in sorted(root.rglob("*.py")):
        source = file.read_bytes()
        if (names_spelled and spelled.search(source)) or (
            CALLED_TASK in wanted and TASK_DECORATOR_SPELLED.search(source)
        ):
            calls.extend(scheduling_calls_in(file.relative_to(root).as_posix(), source, wanted))
    return calls


def given_keyword(call: ast.Call, keyword: str) -> bool:
    return any(k.arg == keyword for k in call.keywords)


def planted(call: SchedulingCall) -> bytes:
    """The probe's text, with the comma that separates it from its neighbour unless it stands alone."""
    if call.probe is Probe.PACKED and call.packed_keyword is None:
        item = f'"{PROBE_KEYWORD}": {PROBE_ARGUMENT}'
        return item.encode() if call.probe_alone else f"{item}, ".encode()
    if call.probe is Probe.PACKED:
        text = f'{call.packed_keyword}={{"{PROBE_KEYWORD}": {PROBE_ARGUMENT}}}'
    else:
        text = f"{PROBE_KEYWORD}=0" if call.probe is Probe.KEYWORD else PROBE_ARGUMENT
    return text.encode() if call.probe_alone else f", {text}".encode()


def plant_probes(root: Path, calls: Sequence[SchedulingCall]) -> None:
    """Plants each call's probe on the line where it goes: no line moves, so errors keep their lines.

    Raises `SyntaxError` if a planted module no longer parses.
    """
    by_path: dict[str, list[tuple[tuple[int, int], bytes]]] = {}
    for call in calls:
        if call.probe_at is not None and call.probe is not None:
            by_path.setdefault(call.path, []).append((call.probe_at, planted(call)))
    for path, probes in by_path.items():
        file = root / path
        lines = file.read_bytes().splitlines(keepends=True)
        for (line, column), text in sorted(probes, key=lambda item: item[0], reverse=True):
            lines[line - 1] = lines[line - 1][:column] + text + lines[line - 1][column:]
        source = b"".join(lines)
        ast.parse(source, filename=path)
        file.write_bytes(source)
