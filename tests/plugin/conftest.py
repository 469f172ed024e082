"""The YAML cases in this directory run mypy with the plugin enabled (``mypy.ini`` here).

pytest-mypy-plugins runs the ``mypy`` found on ``PATH``; the cases must run the one installed next to the
interpreter running the tests, which is the one that can import the plugin. Its default mypy cache sits in
the system's temporary directory, shared with any other session's cases; these cases get their own, per
process, removed at the end.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from pytest_mypy_plugins.item import YamlTestItem

PLUGIN_DIR = Path(__file__).parent
PLUGIN_INI = PLUGIN_DIR / "mypy.ini"
SCRIPTS_DIR = Path(sys.executable).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    plugin_items = [
        item for item in items if isinstance(item, YamlTestItem) and PLUGIN_DIR in item.path.parents
    ]
    if not plugin_items:
        return
    cache = Path(tempfile.mkdtemp(prefix="bgtyped-plugin-cases-"))
    config.add_cleanup(lambda: shutil.rmtree(cache, ignore_errors=True))
    for item in plugin_items:
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
