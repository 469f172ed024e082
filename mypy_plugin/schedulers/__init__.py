"""The schedulers the plugin knows: one module per library family, the data model in `spec`.

Entries of libraries that are not installed are never looked up: a call can only reach an entry through a
class or function mypy has analysed.
"""

from __future__ import annotations

from typing import Final

from . import anyio_trio, celery, dask, dramatiq, prefect, procrastinate, rq, starlette, stdlib
from .spec import (
    CONSTRUCTOR,
    COROUTINE_POLICIES,
    Coroutines,
    FutureResolution,
    Mapped,
    Packed,
    Param,
    Receiver,
    SchedulerSpec,
    Variadic,
)

BUILTIN_SCHEDULERS: Final[tuple[SchedulerSpec, ...]] = (
    starlette.SCHEDULERS
    + stdlib.SCHEDULERS
    + anyio_trio.SCHEDULERS
    + celery.SCHEDULERS
    + dask.SCHEDULERS
    + dramatiq.SCHEDULERS
    + rq.SCHEDULERS
    + procrastinate.SCHEDULERS
    + prefect.SCHEDULERS
)

__all__ = [
    "BUILTIN_SCHEDULERS",
    "CONSTRUCTOR",
    "COROUTINE_POLICIES",
    "Coroutines",
    "FutureResolution",
    "Mapped",
    "Packed",
    "Param",
    "Receiver",
    "SchedulerSpec",
    "Variadic",
]
