"""The built distributions, and the wheel installed in a fresh virtual environment, as a user gets it.

``python -m build`` makes an sdist and, from it, a wheel: both pass ``twine check`` and carry the licence, the
sdist also the documentation, and the wheel equals one built straight from the source tree. That wheel is
installed, with mypy and basedpyright but without FastAPI, into a new venv. A small project there is checked
by both: mypy loads the plugin as ``bgtyped.mypy``, both checkers read the ``bgtyped-stubs`` package, and the
expected diagnostics appear.
"""

from __future__ import annotations

import fcntl
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
# The wheel is built from everything else at the top of the repository, except hidden entries and egg-info.
NOT_BUILD_INPUT = {"build", "dist", "tests", "benchmarks", "examples"}

APP = textwrap.dedent(
    """\
    import bgtyped


    def send_email(to: str, *, subject: str = "") -> None: ...


    async def notify(user_id: int) -> None: ...


    def schedule(tasks: bgtyped.BackgroundTasks) -> None:
        tasks.add_task(send_email, "a@b.c", subject="Welcome")
        tasks.add_task(send_email, 42)
        tasks.add_task(lambda: notify(1))
        tasks.add_task(notify, 1)
    """
)
WRONG_ARGUMENT_LINE = 12
NEVER_AWAITED_LINE = 13

# The runtime defines the classes in a private module, the stubs in `bgtyped` itself: the qualified names
# revealed here say which of the two a checker read. (pyright qualifies names only to tell two apart.)
PROBE = textwrap.dedent(
    """\
    import starlette.background

    import bgtyped


    def both(theirs: starlette.background.BackgroundTask, ours: bgtyped.BackgroundTask) -> None: ...


    reveal_type(bgtyped.BackgroundTasks())
    reveal_type(both)
    """
)

MYPY_CONFIG = """\
[tool.mypy]
strict = true
plugins = ["bgtyped.mypy"]
"""

PYRIGHT_CONFIG = {"typeCheckingMode": "strict", "pythonVersion": "3.11"}


def run(command: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )


def run_ok(command: list[str | Path], cwd: Path) -> str:
    result = run(command, cwd)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@dataclass(frozen=True)
class Installation:
    wheel: Path
    python: Path

    @property
    def sdist(self) -> Path:
        (sdist,) = self.wheel.parent.glob("bgtyped-*.tar.gz")
        return sdist

    @property
    def source(self) -> Path:
        return self.wheel.parent.parent / "source"


@pytest.fixture(scope="session")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    # Built once per test run: pytest-xdist workers share the directory above their own temporary roots.
    shared = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        shared = shared.parent
    root = shared / "bgtyped-wheel-install"
    with (shared / "bgtyped-wheel-install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "complete").exists():
            shutil.rmtree(root, ignore_errors=True)
            wheel = build_wheel(root)
            install(wheel, root / "venv")
            (root / "complete").write_text(str(wheel))
    return Installation(Path((root / "complete").read_text()), root / "venv" / "bin" / "python")


def build_wheel(root: Path) -> Path:
    source = root / "source"
    source.mkdir(parents=True)
    for entry in REPO.iterdir():
        if entry.name in NOT_BUILD_INPUT or entry.name.startswith(".") or entry.name.endswith(".egg-info"):
            continue
        if entry.is_dir():
            shutil.copytree(entry, source / entry.name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(entry, source / entry.name)
    dist = root / "dist"
    # No option: an sdist, then a wheel built from that sdist, as a release is made.
    run_ok([sys.executable, "-m", "build", "--outdir", dist, source], source)
    (built,) = dist.glob("bgtyped-*.whl")
    return built


def install(wheel: Path, venv: Path) -> None:
    run_ok([sys.executable, "-m", "venv", "--without-pip", venv], venv.parent)
    # The same checker versions as the development environment, so that pip can reuse its cache.
    checkers = [f"{name}=={importlib.metadata.version(name)}" for name in ("mypy", "basedpyright")]
    run_ok(
        [sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "-q", wheel, *checkers],
        venv.parent,
    )


@pytest.fixture
def wheel(installation: Installation) -> Path:
    return installation.wheel


@pytest.fixture
def venv_python(installation: Installation) -> Path:
    return installation.python


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "probe.py").write_text(PROBE)
    (tmp_path / "pyproject.toml").write_text(MYPY_CONFIG)
    (tmp_path / "pyrightconfig.json").write_text(json.dumps(PYRIGHT_CONFIG))
    return tmp_path


# The stub-only packages the wheel ships, and the folder of the repository each is made from.
STUB_PACKAGES = {"bgtyped-stubs": "bgtyped", "apscheduler-stubs": "apscheduler", "huey-stubs": "huey"}


def test_wheel_contents(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        partial_markers = {package: archive.read(f"{package}/py.typed").decode() for package in STUB_PACKAGES}
        shipped_stubs = {name: archive.read(name) for name in names if name.split("/", 1)[0] in STUB_PACKAGES}
    top_level = {name.split("/", 1)[0] for name in names}
    assert top_level == {"bgtyped", *STUB_PACKAGES, wheel.name.split("-py3")[0] + ".dist-info"}
    assert {
        "bgtyped/__init__.py",
        "bgtyped/py.typed",
        "bgtyped/fastapi.py",
        "bgtyped/mypy/__init__.py",
        "apscheduler-stubs/schedulers/base.pyi",
        "apscheduler-stubs/triggers/cron/__init__.pyi",
        "huey-stubs/api.pyi",
    } <= names
    assert {marker.strip() for marker in partial_markers.values()} == {"partial"}
    expected_stubs = {
        f"{package}/{path.relative_to(REPO / 'stubs' / folder)}": path.read_bytes()
        for package, folder in STUB_PACKAGES.items()
        for path in (REPO / "stubs" / folder).rglob("*")
        if path.is_file() and path.suffix in {".pyi", ".typed"}
    }
    assert shipped_stubs == expected_stubs


def test_import_needs_neither_fastapi_nor_mypy(venv_python: Path, tmp_path: Path) -> None:
    script = textwrap.dedent(
        """\
        import importlib.util, sys
        assert importlib.util.find_spec("fastapi") is None, "fastapi should not be installed here"
        assert importlib.util.find_spec("mypy") is not None
        import bgtyped
        assert bgtyped.__file__.startswith(sys.prefix), bgtyped.__file__
        loaded = sorted(name for name in sys.modules if name.split(".")[0] in {"fastapi", "mypy"})
        assert not loaded, loaded
        for generic_name in ("mypy_plugin", "stubs"):
            assert importlib.util.find_spec(generic_name) is None, generic_name
        print(bgtyped.__version__)
        """
    )
    output = run_ok([venv_python, "-c", script], tmp_path)
    assert output.strip() == importlib.metadata.version("bgtyped")


def test_mypy_loads_the_plugin_and_reads_the_stubs(venv_python: Path, project: Path) -> None:
    result = run([venv_python, "-m", "mypy", "--no-incremental", "app.py", "probe.py"], project)
    output = result.stdout + result.stderr
    diagnostics = re.findall(r"^(\w+\.py):(\d+): (\w+): (.*)$", result.stdout, re.MULTILINE)
    errors = {(int(line), message) for file, line, severity, message in diagnostics if severity == "error"}
    notes = [message for file, line, severity, message in diagnostics if severity == "note"]
    assert result.returncode == 1, output
    assert {line for line, _ in errors} == {WRONG_ARGUMENT_LINE, NEVER_AWAITED_LINE}, output
    (wrong_argument,) = (message for line, message in errors if line == WRONG_ARGUMENT_LINE)
    (never_awaited,) = (message for line, message in errors if line == NEVER_AWAITED_LINE)
    # Only the plugin names the task in argument errors, and only the plugin sees the unawaited coroutine.
    assert wrong_argument.endswith("[arg-type]") and '"send_email"' in wrong_argument, output
    assert never_awaited.endswith("[task-never-awaited]"), output
    assert notes == [
        'Revealed type is "bgtyped.BackgroundTasks"',
        'Revealed type is "def (theirs: starlette.background.BackgroundTask, ours: bgtyped.BackgroundTask)"',
    ], output


def test_basedpyright_reads_the_stubs(venv_python: Path, project: Path) -> None:
    result = run(
        [
            venv_python,
            "-m",
            "basedpyright",
            "--outputjson",
            "--pythonpath",
            venv_python,
            "app.py",
            "probe.py",
        ],
        project,
    )
    report = json.loads(result.stdout)
    found = {
        # The first line of each message: pyright indents the details below it with non-breaking spaces.
        (
            Path(d["file"]).name,
            d["range"]["start"]["line"] + 1,
            d.get("rule", ""),
            d["message"].splitlines()[0],
        )
        for d in report["generalDiagnostics"]
    }
    assert found == {
        (
            "app.py",
            WRONG_ARGUMENT_LINE,
            "reportArgumentType",
            'Argument of type "Literal[42]" cannot be assigned to parameter "to" of type "str"',
        ),
        ("probe.py", 9, "", 'Type of "bgtyped.BackgroundTasks()" is "BackgroundTasks"'),
        (
            "probe.py",
            10,
            "",
            'Type of "both" is '
            '"(theirs: starlette.background.BackgroundTask, ours: bgtyped.BackgroundTask) -> None"',
        ),
    }, result.stdout


def wheel_files(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_sdist_builds_the_same_wheel_as_the_source_tree(
    installation: Installation, tmp_path: Path
) -> None:
    run_ok([sys.executable, "-m", "build", "--wheel", "--outdir", tmp_path, installation.source], tmp_path)
    (from_tree,) = tmp_path.glob("bgtyped-*.whl")
    assert from_tree.name == installation.wheel.name
    assert wheel_files(from_tree) == wheel_files(installation.wheel)


def test_twine_accepts_both_distributions(installation: Installation, tmp_path: Path) -> None:
    output = run_ok(
        [sys.executable, "-m", "twine", "check", "--strict", installation.sdist, installation.wheel], tmp_path
    )
    assert output.count("PASSED") == 2, output


def test_both_distributions_ship_the_licence(installation: Installation) -> None:
    licence = (REPO / "LICENSE").read_bytes()
    assert licence.startswith(b"MIT License")
    files = wheel_files(installation.wheel)
    (dist_info,) = {name.split("/", 1)[0] for name in files if ".dist-info/" in name}
    assert files[f"{dist_info}/licenses/LICENSE"] == licence
    assert "License-File: LICENSE" in files[f"{dist_info}/METADATA"].decode()
    with tarfile.open(installation.sdist) as sdist:
        top = installation.sdist.name.removesuffix(".tar.gz")
        member = sdist.extractfile(f"{top}/LICENSE")
        assert member is not None and member.read() == licence


def test_the_sdist_ships_the_documentation(installation: Installation) -> None:
    # The site's sources and the changelog travel with the code; the wheel holds the packages only.
    expected = {"CHANGELOG.md", "mkdocs.yml"} | {
        path.relative_to(REPO).as_posix() for path in (REPO / "docs").rglob("*") if path.is_file()
    }
    top = installation.sdist.name.removesuffix(".tar.gz")
    with tarfile.open(installation.sdist) as sdist:
        shipped = {
            name.removeprefix(f"{top}/"): sdist.extractfile(name)
            for name in sdist.getnames()
            if name.removeprefix(f"{top}/") in expected
        }
        contents = {name: member.read() for name, member in shipped.items() if member is not None}
    assert contents == {name: (REPO / name).read_bytes() for name in expected}
    assert not any(name.startswith(("docs/", "mkdocs")) for name in wheel_files(installation.wheel))


def test_one_version_for_the_package_the_runtime_and_the_plugin(venv_python: Path, tmp_path: Path) -> None:
    # mypy keys its cache on the plugin's version: a release that changes diagnostics invalidates it.
    script = "import bgtyped, bgtyped.mypy; print(bgtyped.__version__, bgtyped.mypy.__version__)"
    versions = run_ok([venv_python, "-c", script], tmp_path).split()
    assert versions == [importlib.metadata.version("bgtyped")] * 2
    assert f"## {versions[0]}" in (REPO / "CHANGELOG.md").read_text()
