"""Build order for jobs named by a string: the code that enqueues them is checked after the worker.

mypy checks a module after the modules it imports; code that enqueues ``"send_email"`` rarely imports the
worker. A module whose source spells one of the enqueueing methods is given the configured worker modules,
and the project's modules they import, as dependencies: they are analysed first in a cold run, and a
change to a job's signature rechecks it in a warm one. A change to the worker module's function list may
leave its types unchanged: the digest of its source is part of the module's settings, so it is rechecked.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Final

from .registry import Registry
from .schedulers import Param
from .worker_sources import imported_modules, module_file, source_digest

# mypy's priority for an import inside a function (``mypy.build.PRI_LOW``): the weakest that orders them.
_PRIORITY: Final = 20


class JobDependencies:
    """The worker modules configured per library, and the methods whose calls name their jobs."""

    __slots__ = ("_members", "_modules", "_roots")

    def __init__(self, settings: tuple[str, ...], members: frozenset[str], mypy_path: list[str]) -> None:
        self._modules: Final = tuple(dict.fromkeys(setting.partition(":")[0] for setting in settings))
        self._members: Final = members
        self._roots: Final = (*mypy_path, os.getcwd())

    @classmethod
    def build(
        cls, worker_settings: tuple[tuple[str, str], ...], registry: Registry, mypy_path: list[str]
    ) -> JobDependencies:
        """From the configured (library, settings) pairs: the methods of those libraries that name jobs."""
        libraries = {library for library, _ in worker_settings}
        members = frozenset(
            spec.member
            for owners in registry.by_member.values()
            for spec in owners.values()
            if isinstance(spec.target, Param)
            and spec.target.job_names is not None
            and spec.target.job_names.library in libraries
        )
        return cls(tuple(setting for _, setting in worker_settings), members, mypy_path)

    def additional_deps(self, module: str, path: str) -> list[tuple[int, str, int]]:
        if module in self._modules or not self._enqueues(path):
            return []
        deps: dict[str, None] = {}
        for worker in self._modules:
            deps[worker] = None
            source = module_file(worker, self._roots)
            if source is not None:
                for imported in imported_modules(source, worker):
                    if imported != module and module_file(imported, self._roots) is not None:
                        deps[imported] = None
        return [(_PRIORITY, dep, -1) for dep in deps]

    def config_data(self, module: str, path: str) -> str | None:
        """The digest of the worker modules' sources for a module that enqueues jobs; None for others."""
        if module in self._modules or not self._enqueues(path):
            return None
        sources = [module_file(worker, self._roots) for worker in self._modules]
        return ",".join(source_digest(str(source)) if source else "" for source in sources)

    def _enqueues(self, path: str) -> bool:
        try:
            stat = Path(path).stat()
        except OSError:
            return False
        return _spells_any(path, (stat.st_mtime_ns, stat.st_size), self._members)


@lru_cache(maxsize=4096)
def _spells_any(path: str, stamp: tuple[int, int], members: frozenset[str]) -> bool:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any(f".{member}(" in text for member in members)
