"""The test matrix: the newest mypy runs everything; the oldest supported mypy and the newer Pythons run
the parts whose results can differ there.

    .venv/bin/python -m nox            # every session (the README's test command)
    .venv/bin/python -m nox -s tests   # one session; `nox -l` lists them; arguments after `--` go to pytest

- ``tests``: the Python running nox (3.11), the newest mypy: the whole suite, in nox's own environment;
- ``mypy_lowest``: the same Python, mypy ``MYPY_LOWEST``: plugin YAML cases, typing cases, fuzz tests, the
  documentation's examples;
- ``python3.12``, ``python3.13``: the newest mypy: runtime tests and plugin YAML cases (but the distributed
  engines', `ENGINE_CASES`); on 3.12 with the oldest supported beartype (``BEARTYPE_LOWEST``), so that value
  checking runs on both ends of its range.

The other sessions install the project (editable, strict) and only the extras their tests import into their
own virtual environments under `.nox/`, made by uv (the `test` extra installs it): uv links the packages from
its cache instead of copying them, so the environments add little disk after the first run. A Python that
cannot be found on `PATH` or in pyenv's versions is skipped with a message naming it; in CI (the `CI`
environment variable set to a true value) that session fails instead, so that a green run has run every
Python. Nothing is downloaded for it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import nox

# The lower end of the `mypy` extra's range in pyproject.toml (and of MINIMUM_MYPY in mypy_plugin/compat.py).
MYPY_LOWEST = "1.12.1"
NEWER_PYTHONS = ("3.12", "3.13")
# The lower end of the `types` extra's range in pyproject.toml: the Python 3.12 session runs on it.
BEARTYPE_LOWEST = "0.23.0"
# Strict editable installs: the static checkers cannot follow setuptools' default import hook.
EDITABLE = ("--config-settings", "editable_mode=strict", "-e")
# Two workers: CI's machine has two cores.
PYTEST = ("pytest", "-n", "2", "-p", "no:cacheprovider")

nox.options.sessions = ["tests", "mypy_lowest", *(f"python{version}" for version in NEWER_PYTHONS)]
nox.options.download_python = "never"
nox.options.default_venv_backend = "uv"
# uv, which nox runs to make and fill the environments, fetches no Python either.
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")
nox.options.error_on_external_run = True


def find_python(version: str) -> str | None:
    """A working ``pythonX.Y``: pyenv's newest installed X.Y, else one on ``PATH``.

    A pyenv shim on ``PATH`` answers for a version only when it is selected, so each candidate is run.
    """
    candidates: list[str] = []
    root = os.environ.get("PYENV_ROOT") or _pyenv_root()
    if root is not None:
        installed = sorted(
            Path(root, "versions").glob(f"{version}.*/bin/python{version}"),
            key=lambda path: tuple(int(part) for part in path.parents[1].name.split(".") if part.isdigit()),
        )
        candidates += [str(path) for path in reversed(installed)]
    on_path = shutil.which(f"python{version}")
    if on_path:
        candidates.append(on_path)
    check = f"import sys; sys.exit(sys.version_info[:2] != {tuple(map(int, version.split('.')))})"
    for candidate in candidates:
        if subprocess.run([candidate, "-c", check], capture_output=True, check=False).returncode == 0:
            return candidate
    return None


def _pyenv_root() -> str | None:
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        default = Path.home() / ".pyenv"
        return str(default) if default.is_dir() else None
    result = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
    return result.stdout.strip() or None


@nox.session(python=False)
def tests(session: nox.Session) -> None:
    """The whole suite on the newest mypy, in the environment nox itself runs in (the Quickstart's .venv)."""
    session.run(sys.executable, "-m", *PYTEST, *session.posargs, external=True)


@nox.session(python=sys.executable)
def mypy_lowest(session: nox.Session) -> None:
    """The oldest supported mypy: everything whose result depends on mypy."""
    session.install(*EDITABLE, ".[mypy,test-cases,test-checkers,docs]", f"mypy=={MYPY_LOWEST}")
    session.run(
        *PYTEST,
        "tests/plugin",
        "tests/typing",
        "tests/fuzz",
        "tests/test_docs.py",
        *session.posargs,
    )


def in_ci() -> bool:
    """Whether ``CI`` is set to a true value: anything but unset, empty, 0, false, no or off (any case)."""
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


def missing_python(session: nox.Session, version: str) -> NoReturn:
    """Skip a session whose Python is not found; in CI, fail it, naming the Python and how to provide it."""
    message = f"Python {version} not found on PATH nor in pyenv's versions: its tests did not run"
    if in_ci():
        session.error(
            f"{message}; CI runs every Python of the matrix: install it (`pyenv install {version}`) or put "
            f"python{version} on PATH"
        )
    session.skip(message)


# The plugin cases of the distributed engines, whose types mypy reads the same on every Python and which cost
# the most to check (Ray's alone is 818 modules for each worker): the tests and mypy_lowest sessions run them.
ENGINE_CASES = tuple(
    f"--ignore=tests/plugin/test_{name}.yml" for name in ("ray", "prefect", "temporal", "dask", "controls")
)


def _newer_python_session(version: str) -> None:
    interpreter = find_python(version)

    def session_function(session: nox.Session) -> None:
        if interpreter is None:
            missing_python(session, version)
        lowest = (f"beartype=={BEARTYPE_LOWEST}",) if version == NEWER_PYTHONS[0] else ()
        session.install(*EDITABLE, ".[mypy,test-cases]", *lowest)
        session.run(*PYTEST, "tests/runtime", "tests/plugin", *ENGINE_CASES, *session.posargs)

    session_function.__doc__ = (
        f"Python {version}, newest mypy: the runtime tests; the plugin cases but the engines' (ENGINE_CASES)."
    )
    nox.session(name=f"python{version}", python=interpreter or False)(session_function)


for _version in NEWER_PYTHONS:
    _newer_python_session(_version)
