"""APScheduler (3.11): ``add_job`` and ``scheduled_job`` of every scheduler.

``add_job(func, trigger=None, args=None, kwargs=None, ..., **trigger_args)`` calls ``func(*args, **kwargs)``;
``func`` may be a ``"package.module:name"`` reference, resolved when the job is added and not checked here.
The keywords after ``kwargs`` are the scheduler's own, and ``**trigger_args`` go to the constructor of the
trigger named by a string (``_create_trigger``); beside a trigger instance they are dropped. ``scheduled_job``
is the decorator form of ``add_job``: the decorated function is the target (see `scheduled_job` in
``decorators.py``).

What becomes of an ``async def`` job depends on the executor: ``AsyncIOExecutor`` and ``TornadoExecutor``
(the defaults of ``AsyncIOScheduler`` and ``TornadoScheduler``) await a coroutine function; the thread and
process pools (``BlockingScheduler``'s and ``BackgroundScheduler``'s default), and the gevent, twisted and
debug executors, call it and drop its coroutine (``run_job`` in ``executors/base.py``). The two awaiting
executors need their scheduler's event loop, so a ``BlockingScheduler`` never has one.
"""

from __future__ import annotations

from typing import Final

from .spec import Coroutines, ForwardedKeywords, Packed, Param, SchedulerSpec

_SCHEDULERS_MODULE: Final = "apscheduler.schedulers"
_TRIGGER_KEYWORDS: Final = ForwardedKeywords(
    "trigger_args", Param("trigger", 1), "apscheduler.triggers.base.BaseTrigger"
)

# The class whose default executor decides, and what it does with a coroutine. Other schedulers (a user's
# own ``BaseScheduler``, gevent's, Qt's, twisted's) are checked as ``BaseScheduler``: only a sync callable
# returning an awaitable is reported there, which no executor awaits.
_COROUTINES: Final[tuple[tuple[str, Coroutines], ...]] = (
    (f"{_SCHEDULERS_MODULE}.base.BaseScheduler", "awaited"),
    (f"{_SCHEDULERS_MODULE}.blocking.BlockingScheduler", "dropped"),
    (f"{_SCHEDULERS_MODULE}.asyncio.AsyncIOScheduler", "awaited"),
)

SCHEDULERS: Final[tuple[SchedulerSpec, ...]] = tuple(
    SchedulerSpec(
        owner=owner,
        member="add_job",
        name="add_job",
        target=Param("func", 0, accepts_name=True),
        arguments=Packed(Param("args", 2), Param("kwargs", 3)),
        coroutines=coroutines,
        forwarded_keywords=_TRIGGER_KEYWORDS,
    )
    for owner, coroutines in _COROUTINES
)
