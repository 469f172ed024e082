"""Published packages' source, for the real-code mypy benchmark: pinned wheels, downloaded once and unpacked.

The wheels are pinned by version and sha256 and fetched once into the cache the published-code test uses
(``tests/realworld/published.py``: the user's cache directory, or ``$BGTYPED_CACHE_DIR``); this module reuses
its download and unpacking. `published_sources` is the one entry point.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
from pathlib import Path
from types import ModuleType


def _shared() -> ModuleType:
    """``tests/realworld/published.py``, loaded by path (it needs only ``platformdirs``)."""
    name = "bgtyped_published"
    if name not in sys.modules:
        path = Path(__file__).resolve().parent.parent / "tests" / "realworld" / "published.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # before it runs: its dataclasses look their module up by name
        spec.loader.exec_module(module)
    return sys.modules[name]


published = _shared()
Release = published.Release

# Background tasks (FastAPI/Starlette) in the first five; threads, executors, loop callbacks and task groups
# in the others, where only a few calls schedule anything and the plugin's fixed costs show.
RELEASES = (
    *published.BACKGROUND_TASK_RELEASES,
    *(r for r in published.DEFERRED_CALL_RELEASES if r.name in {"distributed", "jupyter-server"}),
    Release(
        "uvicorn",
        "0.54.0",
        "uvicorn-0.54.0-py3-none-any.whl",
        "505bdb0f318731d45f1f712071fc781a8981f6847a31c902c9f5e652d4f67faf",
    ),
    # Binary wheels: the Python sources are the same on every platform; this one file is what is pinned.
    Release(
        "aiohttp",
        "3.14.5",
        "aiohttp-3.14.5-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl",
        "50a195903119008fe9cc68710535eb37f556ffffd6a7759afe70a2c145587045",
    ),
    Release(
        "tornado",
        "6.6.1",
        "tornado-6.6.1-cp311-abi3-manylinux1_x86_64.manylinux_2_28_x86_64.manylinux_2_5_x86_64.whl",
        "1b6ff57cc69b339f8feb9e7b567b0e0eacb16bfaf234159496623ef7a67ba640",
    ),
)

# The tags of the pinned binary wheels, so that pip fetches those files whatever the running interpreter.
WHEEL_TAGS = (
    "--only-binary=:all:",
    *("--python-version", "3.11", "--implementation", "cp"),
    *("--abi", "cp311", "--abi", "abi3", "--abi", "none"),
    *("--platform", "manylinux_2_28_x86_64", "--platform", "any"),
)


def published_sources() -> Path:
    """A directory holding the Python sources of every pinned release, unpacked once into the cache.

    Raises `RuntimeError` with pip's output when the wheels cannot be downloaded (needs network access once).
    """
    wheels: list[Path] = published.download(RELEASES, WHEEL_TAGS)
    cache: Path = published.cache_dir()
    key = hashlib.sha256("\n".join(r.requirement for r in RELEASES).encode()).hexdigest()[:16]
    root = cache / f"sources-{key}"
    if root.is_dir():
        return root
    with tempfile.TemporaryDirectory(dir=cache) as staging:
        unpacked = Path(staging, "sources")
        published.unpack(wheels, unpacked)
        try:
            os.replace(unpacked, root)
        except OSError:
            if not root.is_dir():  # not a concurrent run that finished first
                raise
    return root
