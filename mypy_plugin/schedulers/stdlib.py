"""The standard library: threads, processes, executors, pools, asyncio's loop callbacks and ``sched``.

None of them awaits the coroutine an ``async def`` target returns: the target is only called.
"""

from __future__ import annotations

from typing import Final

from .spec import CONSTRUCTOR, Packed, Param, SchedulerSpec, Variadic

_THREAD_ARGUMENTS: Final = Packed(Param("args", 3), Param("kwargs", 4))
_LOOP: Final = "asyncio.events.AbstractEventLoop"
_POOL: Final = "multiprocessing.pool.Pool"
_POOL_ARGUMENTS: Final = Packed(Param("args", 1), Param("kwds", 2))

SCHEDULERS: Final[tuple[SchedulerSpec, ...]] = (
    SchedulerSpec(
        owner="asyncio.threads", member="to_thread", name="to_thread", coroutines="dropped", is_method=False
    ),
    SchedulerSpec(
        owner="concurrent.futures._base.Executor",
        member="submit",
        name="submit",
        target=Param("fn", 0),
        coroutines="dropped",
    ),
    SchedulerSpec(
        owner=_LOOP,
        member="run_in_executor",
        name="run_in_executor",
        target=Param("func", 1),
        arguments=Variadic(kwargs=None),
        coroutines="dropped",
    ),
    *(
        SchedulerSpec(
            owner=_LOOP,
            member=member,
            name=member,
            target=Param("callback", position),
            arguments=Variadic(kwargs=None),
            coroutines="dropped",
        )
        for member, position in (
            ("call_soon", 0),
            ("call_soon_threadsafe", 0),
            ("call_later", 1),
            ("call_at", 1),
        )
    ),
    SchedulerSpec(
        owner="threading.Thread",
        member=CONSTRUCTOR,
        name="Thread",
        target=Param("target", 1, accepts_none=True),
        arguments=_THREAD_ARGUMENTS,
        coroutines="dropped",
    ),
    SchedulerSpec(
        owner="threading.Timer",
        member=CONSTRUCTOR,
        name="Timer",
        target=Param("function", 1),
        arguments=Packed(Param("args", 2), Param("kwargs", 3)),
        coroutines="dropped",
    ),
    SchedulerSpec(
        owner="multiprocessing.process.BaseProcess",
        member=CONSTRUCTOR,
        name="Process",
        target=Param("target", 1, accepts_none=True),
        arguments=_THREAD_ARGUMENTS,
        coroutines="dropped",
    ),
    # ``get_context().Process``: each context holds its own subclass of BaseProcess.
    SchedulerSpec(
        owner="multiprocessing.context.BaseContext",
        member="Process",
        name="Process",
        target=Param("target", 1, accepts_none=True),
        arguments=_THREAD_ARGUMENTS,
        coroutines="dropped",
    ),
    # multiprocessing pools (ThreadPool too): the callback receives the task's return value.
    SchedulerSpec(owner=_POOL, member="apply", name="apply", arguments=_POOL_ARGUMENTS, coroutines="dropped"),
    SchedulerSpec(
        owner=_POOL,
        member="apply_async",
        name="apply_async",
        arguments=_POOL_ARGUMENTS,
        coroutines="dropped",
        result_callbacks=(Param("callback", 3),),
    ),
    *(
        SchedulerSpec(
            owner="sched.scheduler",
            member=member,
            name=member,
            target=Param("action", 2),
            arguments=Packed(Param("argument", 3), Param("kwargs", 4)),
            coroutines="dropped",
        )
        for member in ("enter", "enterabs")
    ),
)
