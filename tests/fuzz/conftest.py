"""Makes the helper package ``fuzzlib`` importable as ``bgtyped_fuzzlib``, whatever pytest's import mode.

pytest imports a directory's conftest before its test modules, so they can import it by that name.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import pytest

PACKAGE = "bgtyped_fuzzlib"


def _register_fuzzlib() -> None:
    if PACKAGE in sys.modules:
        return
    path = Path(__file__).parent / "fuzzlib"
    spec = importlib.util.spec_from_file_location(
        PACKAGE, path / "__init__.py", submodule_search_locations=[str(path)]
    )
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = package
    spec.loader.exec_module(package)


_register_fuzzlib()


def _queue_tests_conftest() -> types.ModuleType:
    """The queue tests' conftest, whose Redis server (started for the session, installed in CI when
    missing) the differential test of jobs named by a string runs its workers against."""
    name = "bgtyped_queue_conftest"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, Path(__file__).parent.parent / "queues" / "conftest.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


redis_url = _queue_tests_conftest().redis_url


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache per test process: the first batch is checked cold, the later ones reuse the libraries."""
    return tmp_path_factory.mktemp("mypy-cache")
