"""Makes ``published.py`` importable as ``bgtyped_published``, whatever pytest's import mode.

pytest imports a directory's conftest before its test modules, so they can import it by that name; a benchmark
can load the same file with ``importlib`` (it depends only on the installed ``bgtyped.mypy`` and ``platformdirs``).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

MODULE = "bgtyped_published"


def _register_published() -> None:
    if MODULE in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(MODULE, Path(__file__).parent / "published.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered before it runs: its dataclasses look their module up by name.
    sys.modules[MODULE] = module
    spec.loader.exec_module(module)


_register_published()
