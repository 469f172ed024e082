"""The YAML cases in this directory run mypy with the plugin enabled (``mypy.ini`` here).

They run on the oldest and the newest supported mypy (see noxfile.py). Where mypy itself answers a case
differently between the two, the case says so: expected lines hold Jinja expressions, rendered by
pytest-mypy-plugins in ``main`` (so in inline ``# E:`` comments) and in ``out`` (never in ``files``),
with these names:

- ``[{{ too_many_positional }}]``: the code of mypy's "Too many positional arguments": ``misc`` before mypy
  2.2, ``call-arg`` since;
- ``{{ defined_here(3, "send_email", "add_task") }}``, a line of ``out``: the note
  ``main:3: note: "send_email" scheduled by "add_task" defined here`` that mypy before 1.20 adds after an
  unexpected keyword or a surplus argument (nothing since);
- ``"{{ builtins }}bytes"``: the ``builtins.`` that mypy before 1.20 writes in revealed types;
- ``{{ since("1.20", 'main:6: note: ...') }}``, a line of ``out``: a line that only that mypy and later give;
- ``{{ untyped_decorator }}``, in a ``# type: ignore[...]``: the code of "Untyped decorator makes function
  untyped", ``untyped-decorator`` where mypy has that code, ``misc`` before;
- ``mypy_version``, a tuple such as ``(2, 4, 1)``, for anything else; ``skip: mypy_version < (1, 19)``
  skips a case whose feature a release lacks (the skip's reason names the expression).

A line rendered empty expects nothing. Name the mypy release in the expression, never loosen the line.

pytest-mypy-plugins runs the ``mypy`` found on ``PATH``; the cases must run the one installed next to the
interpreter running the tests, which is the one that can import the plugin. Its default mypy cache sits in
the system's temporary directory, shared with any other session's cases; these cases get their own, per
process, removed at the end.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
import tempfile
from pathlib import Path

import mypy.version
import pytest
from mypy.errorcodes import error_codes
from pytest_mypy_plugins import collect, utils
from pytest_mypy_plugins.item import YamlTestItem

PLUGIN_DIR = Path(__file__).parent
PLUGIN_INI = PLUGIN_DIR / "mypy.ini"
SCRIPTS_DIR = Path(sys.executable).parent


def release(version: str) -> tuple[int, ...]:
    """``"2.4.1"`` -> ``(2, 4, 1)``; a local suffix (``+dev.4f3c2a``) is ignored."""
    return tuple(int(part) for part in version.split("+")[0].split("."))


MYPY_VERSION = release(mypy.version.__version__)


def defined_here(line: int, task: str, scheduler: str) -> str:
    if MYPY_VERSION >= (1, 20):
        return ""
    return f'main:{line}: note: "{task}" scheduled by "{scheduler}" defined here'


def since(version: str, expected: str) -> str:
    return expected if release(version) <= MYPY_VERSION else ""


# pytest-mypy-plugins (pinned below 5) renders with this Jinja environment and evaluates ``skip:`` with
# a fixed namespace: both are given the names above.
utils._rendering_env.globals.update(
    mypy_version=MYPY_VERSION,
    too_many_positional="call-arg" if MYPY_VERSION >= (2, 2) else "misc",
    defined_here=defined_here,
    builtins="" if MYPY_VERSION >= (1, 20) else "builtins.",
    since=since,
    untyped_decorator="untyped-decorator" if "untyped-decorator" in error_codes else "misc",
)


def _collect_skipped_too(self: collect.YamlTestFile, skip_if: str) -> bool:
    # Skipped cases are collected and marked below, so that the run lists them with their reason.
    return False


collect.YamlTestFile._eval_skip = _collect_skipped_too  # type: ignore[method-assign]


def _skip_reason(item: YamlTestItem) -> str | None:
    condition = str(item.parsed_test_data.get("skip", "False"))
    namespace = {"sys": sys, "os": os, "pytest": pytest, "mypy_version": MYPY_VERSION}
    if not eval(condition, namespace):
        return None
    return f"skip: {condition} (mypy {mypy.version.__version__})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    plugin_items = [
        item for item in items if isinstance(item, YamlTestItem) and PLUGIN_DIR in item.path.parents
    ]
    if not plugin_items:
        return
    cache = Path(tempfile.mkdtemp(prefix="bgtyped-plugin-cases-"))
    config.add_cleanup(lambda: shutil.rmtree(cache, ignore_errors=True))
    for item in plugin_items:
        reason = _skip_reason(item)
        if reason is not None:
            # Skipped when run: a skip marker needs a line number, which YAML items do not report.
            item.runtest = functools.partial(pytest.skip, reason)  # type: ignore[method-assign]
        item.incremental_cache_dir = str(cache)
        if item.base_ini_fpath is None:
            item.base_ini_fpath = str(PLUGIN_INI)
        # Lets a case load this directory's test plugins (``plugins = shapes_plugin``).
        item.environment_variables["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(PLUGIN_DIR), os.environ.get("PYTHONPATH")])
        )
    path = os.environ.get("PATH", "")
    if not path.startswith(f"{SCRIPTS_DIR}{os.pathsep}"):
        os.environ["PATH"] = f"{SCRIPTS_DIR}{os.pathsep}{path}"
