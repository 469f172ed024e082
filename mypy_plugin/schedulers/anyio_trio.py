"""anyio and trio: worker threads, and task groups (nurseries) that start an ``async def`` task.

Their ``start_soon`` and ``run_sync`` pass positional arguments only.
"""

from __future__ import annotations

from typing import Final

from .spec import Param, SchedulerSpec, Variadic

SCHEDULERS: Final[tuple[SchedulerSpec, ...]] = (
    SchedulerSpec(
        owner="anyio.to_thread",
        member="run_sync",
        name="run_sync",
        arguments=Variadic(kwargs=None),
        coroutines="dropped",
        is_method=False,
    ),
    SchedulerSpec(
        owner="anyio.abc._tasks.TaskGroup",
        member="start_soon",
        name="start_soon",
        arguments=Variadic(kwargs=None),
        coroutines="required",
    ),
    SchedulerSpec(
        owner="trio._core._run.Nursery",
        member="start_soon",
        name="start_soon",
        target=Param("async_fn", 0),
        arguments=Variadic(kwargs=None),
        coroutines="required",
    ),
)
