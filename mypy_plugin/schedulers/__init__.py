"""The schedulers the plugin knows: one module per library family, the data model in `spec`.

Entries of libraries that are not installed are never looked up: a call can only reach an entry through a
class or function mypy has analysed.
"""

from __future__ import annotations

from typing import Final

from . import anyio_trio, arq, celery, dramatiq, rq, saq, starlette, stdlib
from .spec import (
    CONSTRUCTOR,
    COROUTINE_POLICIES,
    Coroutines,
    JobNames,
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
    + dramatiq.SCHEDULERS
    + rq.SCHEDULERS
    + arq.SCHEDULERS
    + saq.SCHEDULERS
)


def with_worker_settings(
    specs: tuple[SchedulerSpec, ...], worker_settings: tuple[tuple[str, str], ...]
) -> tuple[SchedulerSpec, ...]:
    """The entries naming jobs by a string, given the worker settings configured for their library."""
    if not worker_settings:
        return specs
    return tuple(_with_settings(spec, worker_settings) for spec in specs)


def _with_settings(spec: SchedulerSpec, worker_settings: tuple[tuple[str, str], ...]) -> SchedulerSpec:
    target = spec.target
    if not isinstance(target, Param) or target.job_names is None:
        return spec
    jobs = target.job_names
    settings = tuple(setting for library, setting in worker_settings if library == jobs.library)
    named = Param(target.name, target.position, job_names=JobNames(jobs.library, jobs.options, settings))
    fields = dict(spec.fields())
    fields["target"] = named
    return SchedulerSpec(**fields)  # type: ignore[arg-type]


__all__ = [
    "BUILTIN_SCHEDULERS",
    "CONSTRUCTOR",
    "COROUTINE_POLICIES",
    "Coroutines",
    "JobNames",
    "Packed",
    "Param",
    "Receiver",
    "SchedulerSpec",
    "Variadic",
    "with_worker_settings",
]
