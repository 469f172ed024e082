"""Dask distributed (2025.9 to 2026.8): ``Client.submit``, ``Client.map`` and the executor on a client.

The worker calls the task as ``func(*args, **kwargs)``, with every ``Future`` among the arguments (at the
top level, and inside lists, tuples, sets and dict values, at any depth) replaced by its result, and awaits
the coroutine of an ``async def`` task (not the awaitable a sync function returns). The options are
parameters of ``submit`` and ``map`` themselves: a task parameter of the same name never receives a
keyword. ``map`` calls the task once per item of its iterables, with the same keywords each time.
``dask.delayed`` is not covered: it is untyped, so mypy gives the plugin no call to check.
"""

from __future__ import annotations

from typing import Final

from .spec import FutureResolution, Mapped, Param, SchedulerSpec, Variadic

# Client.submit's own keyword parameters (distributed/client.py, 2026.8.0); ``annotations=`` is not one
# of them and reaches the task.
DASK_OPTIONS: Final = frozenset(
    {
        "key",
        "workers",
        "resources",
        "retries",
        "priority",
        "fifo_timeout",
        "allow_other_workers",
        "actor",
        "actors",
        "pure",
    }
)
# dask._task_spec.parse_input: a Future becomes a reference to its result, also inside list, set, tuple
# (named tuples too) and dict values; a frozenset, a dict key or any other object is passed as it is.
_FUTURES: Final = FutureResolution(frozenset({"distributed.client.Future"}), nested=True)
_ALTERNATIVE: Final = "submit(functools.partial(func, **kwargs))"

SCHEDULERS: Final[tuple[SchedulerSpec, ...]] = (
    SchedulerSpec(
        owner="distributed.client.Client",
        member="map",
        name="map",
        arguments=Mapped(options=DASK_OPTIONS | {"batch_size"}),
        reserved_keywords=frozenset({"func", "self"}),
        keyword_safe_alternative="map(functools.partial(func, **kwargs), ...)",
        resolved_futures=_FUTURES,
    ),
    SchedulerSpec(
        owner="distributed.client.Client",
        member="submit",
        name="submit",
        arguments=Variadic(options=DASK_OPTIONS),
        reserved_keywords=frozenset({"func", "self"}),
        keyword_safe_alternative=_ALTERNATIVE,
        resolved_futures=_FUTURES,
    ),
    # ``client.get_executor(**options).submit(fn, *args, **kwargs)`` hands everything to Client.submit:
    # the options are taken out of ``**kwargs`` there, and async def tasks awaited (unlike the standard
    # library's executors, whose entry this one overrides).
    SchedulerSpec(
        owner="distributed.cfexecutor.ClientExecutor",
        member="submit",
        name="submit",
        target=Param("fn", 0),
        arguments=Variadic(options=DASK_OPTIONS),
        reserved_keywords=frozenset({"fn", "func", "self"}),
        keyword_safe_alternative=_ALTERNATIVE,
        resolved_futures=_FUTURES,
    ),
)
