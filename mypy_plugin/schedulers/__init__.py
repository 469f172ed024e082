"""The schedulers the plugin knows: one module per library family, the data model in `spec`.

A family's module is imported only once a call may reach one of its entries: a call of a function of a
module its entries name, or of a member its entries name on a class of such a module or a subclass
(`FAMILIES`, `FAMILY_MEMBERS`). The entries of a library that a project does not call cost it nothing,
even where its modules are in the build (every Starlette application imports ``threading`` and ``asyncio``).
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


# The names each family's entries give: a member of a class (a constructor as ``__init__``), or a function's
# own name. A query tells from them, before the family is loaded, whether it may reach one of its entries (the
# test of the families checks the two agree).
FAMILY_NAMES: Final[dict[str, frozenset[str]]] = {
    "stdlib": frozenset(
        {
            "Process",
            "__init__",
            "apply",
            "apply_async",
            "call_at",
            "call_later",
            "call_soon",
            "call_soon_threadsafe",
            "enter",
            "enterabs",
            "run_in_executor",
            "submit",
            "to_thread",
        }
    ),
    "starlette": frozenset({"__init__", "add_task", "run_in_threadpool"}),
    "anyio_trio": frozenset({"run_sync", "start_soon"}),
    "apscheduler": frozenset({"add_job"}),
    "arq": frozenset({"enqueue_job"}),
    "celery": frozenset({"apply_async", "delay", "s", "si", "signature", "subtask"}),
    "dask": frozenset({"map", "submit"}),
    "dramatiq": frozenset({"send", "send_with_options"}),
    "huey": frozenset({"__call__", "call_local", "s", "schedule"}),
    "prefect": frozenset({"apply_async", "delay", "map", "submit"}),
    "procrastinate": frozenset({"defer", "defer_async"}),
    "ray": frozenset({"remote"}),
    "rq": frozenset({"delay", "enqueue", "enqueue_at", "enqueue_call", "enqueue_in"}),
    "saq": frozenset({"apply", "enqueue"}),
    "temporal": frozenset(
        {
            "execute_activity",
            "execute_activity_method",
            "execute_child_workflow",
            "execute_local_activity",
            "execute_local_activity_method",
            "execute_workflow",
            "start_activity",
            "start_activity_method",
            "start_child_workflow",
            "start_local_activity",
            "start_local_activity_method",
            "start_workflow",
        }
    ),
}
# The family of each module that `FAMILIES` lists.
FAMILY_OF_MODULE: Final[dict[str, str]] = {
    module: family for family, modules in FAMILIES.items() for module in modules
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
    "FAMILY_NAMES",
    "FAMILY_OF_MODULE",
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
