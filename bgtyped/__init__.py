"""Background tasks whose arguments are checked against the function they schedule."""

from __future__ import annotations

import os as _os
from typing import TYPE_CHECKING

__all__ = ["BackgroundTask", "BackgroundTasks", "__version__", "check_call", "check_types"]

__version__ = "0.4.0"

if TYPE_CHECKING:
    from ._check import check_call
    from ._tasks import BackgroundTask, BackgroundTasks
    from ._value_types import check_types
else:

    def __getattr__(name: str) -> object:
        # Loaded on first use: the mypy plugin (bgtyped.mypy) imports this package, and should not pay for
        # Starlette and anyio at every mypy start.
        if name in ("BackgroundTask", "BackgroundTasks"):
            from . import _tasks

            return getattr(_tasks, name)
        if name == "check_call":
            from ._check import check_call

            return check_call
        if name == "check_types":
            from ._value_types import check_types

            return check_types
        raise AttributeError(f"module 'bgtyped' has no attribute {name!r}")


# Value checking is opt-in; off, nothing of it is imported.
if _os.environ.get("BGTYPED_CHECK_TYPES", "") not in ("", "0"):
    from ._value_types import check_types_from_environment

    check_types_from_environment()
