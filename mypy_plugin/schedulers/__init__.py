"""The schedulers the plugin knows: one module per library family, the data model in `spec`.

A family's module is imported only once a module its entries name is part of the build (`FAMILIES`): the
entries of a library that a project does not use cost it nothing.
"""

from __future__ import annotations

from importlib import import_module
from typing import Final

from .spec import (
    CONSTRUCTOR,
    COROUTINE_POLICIES,
    CheckedAgainst,
    Coroutines,
    ForwardedKeywords,
    FutureResolution,
    JobNames,
    Mapped,
    Packed,
    Param,
    Receiver,
    SchedulerSpec,
    SignatureReceiver,
    SingleOrPacked,
    Variadic,
)

# Each family's module, and the modules defining the classes and functions its entries name (the test of
# the families checks the two agree). A call can only reach an entry once the module defining the entry's
# class or function is loaded: the family is loaded with the first of them.
FAMILIES: Final[dict[str, tuple[str, ...]]] = {
    "stdlib": (
        "asyncio.events",
        "asyncio.threads",
        "concurrent.futures._base",
        "multiprocessing.context",
        "multiprocessing.pool",
        "multiprocessing.process",
        "sched",
        "threading",
    ),
    "starlette": (
        "bgtyped",
        "bgtyped._tasks",
        "fastapi.background",
        "starlette.background",
        "starlette.concurrency",
    ),
    "anyio_trio": ("anyio.abc._tasks", "anyio.to_thread", "trio._core._run"),
    "apscheduler": (
        "apscheduler.schedulers.asyncio",
        "apscheduler.schedulers.base",
        "apscheduler.schedulers.blocking",
    ),
    "arq": ("arq.connections",),
    "celery": ("celery.app.task", "celery.canvas"),
    "dask": ("distributed.cfexecutor", "distributed.client"),
    "dramatiq": ("dramatiq.actor",),
    "huey": ("huey.api",),
    "prefect": ("prefect.tasks",),
    "procrastinate": ("procrastinate.jobs", "procrastinate.tasks"),
    "ray": ("ray._private.worker", "ray.actor"),
    "rq": ("bgtyped.rq", "rq.queue"),
    "saq": ("saq.queue.base",),
    "temporal": (
        "temporalio.client",
        "temporalio.client._client",
        "temporalio.workflow",
        "temporalio.workflow._activities",
        "temporalio.workflow._workflow_ops",
    ),
}


def family_schedulers(family: str) -> tuple[SchedulerSpec, ...]:
    """The entries of ``family``, a key of `FAMILIES`, importing its module."""
    schedulers: tuple[SchedulerSpec, ...] = import_module(f"{__name__}.{family}").SCHEDULERS
    return schedulers


def builtin_schedulers() -> tuple[SchedulerSpec, ...]:
    """Every family's entries (all of their modules imported)."""
    return tuple(spec for family in FAMILIES for spec in family_schedulers(family))


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
    named = Param(
        target.name, target.position, job_names=JobNames(jobs.library, jobs.options, settings, jobs.built)
    )
    return spec.replaced(target=named)


__all__ = [
    "CONSTRUCTOR",
    "COROUTINE_POLICIES",
    "FAMILIES",
    "CheckedAgainst",
    "Coroutines",
    "ForwardedKeywords",
    "FutureResolution",
    "JobNames",
    "Mapped",
    "Packed",
    "Param",
    "Receiver",
    "SchedulerSpec",
    "SignatureReceiver",
    "SingleOrPacked",
    "Variadic",
    "builtin_schedulers",
    "family_schedulers",
    "with_worker_settings",
]
