"""Starlette's and FastAPI's background tasks, bgtyped's own, and Starlette's thread pool.

The tasks run after the response is sent; Starlette awaits an ``async def`` task and runs a ``def`` one in
its thread pool.
"""

from __future__ import annotations

from typing import Final

from .spec import CONSTRUCTOR, SchedulerSpec

_STARLETTE_RESERVED: Final = frozenset({"func", "self"})

BACKGROUND_TASKS: Final[tuple[SchedulerSpec, ...]] = (
    SchedulerSpec(
        owner="starlette.background.BackgroundTasks",
        member="add_task",
        name="add_task",
        reserved_keywords=_STARLETTE_RESERVED,
        keyword_safe_alternative='bgtyped\'s "add_task"',
    ),
    SchedulerSpec(
        owner="starlette.background.BackgroundTask",
        member=CONSTRUCTOR,
        name="BackgroundTask",
        reserved_keywords=_STARLETTE_RESERVED,
        keyword_safe_alternative='bgtyped\'s "BackgroundTask"',
    ),
    SchedulerSpec(
        owner="starlette.background.BackgroundTasks",
        member=CONSTRUCTOR,
        name="BackgroundTasks",
        schedules=False,
    ),
    SchedulerSpec(
        owner="fastapi.background.BackgroundTasks",
        member="add_task",
        name="add_task",
        reserved_keywords=_STARLETTE_RESERVED,
        keyword_safe_alternative='bgtyped\'s "add_task"',
    ),
    # bgtyped's classes, under their public names (what its stubs define) and where the runtime defines
    # them (what mypy sees when it reads the package's source instead of the stubs).
    *(
        spec
        for module in ("bgtyped", "bgtyped._tasks")
        for spec in (
            SchedulerSpec(
                owner=f"{module}.BackgroundTasks",
                member="add_task",
                name="add_task",
                awaits_sync_results=True,
            ),
            SchedulerSpec(
                owner=f"{module}.BackgroundTask",
                member=CONSTRUCTOR,
                name="BackgroundTask",
                awaits_sync_results=True,
            ),
            SchedulerSpec(
                owner=f"{module}.BackgroundTasks", member=CONSTRUCTOR, name="BackgroundTasks", schedules=False
            ),
        )
    ),
)

THREAD_POOL: Final[tuple[SchedulerSpec, ...]] = (
    SchedulerSpec(
        owner="starlette.concurrency",
        member="run_in_threadpool",
        name="run_in_threadpool",
        reserved_keywords=frozenset({"func"}),
        coroutines="dropped",
        is_method=False,
    ),
)

SCHEDULERS: Final = BACKGROUND_TASKS + THREAD_POOL
