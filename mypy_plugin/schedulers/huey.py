"""huey (3.5): a task is the ``TaskWrapper`` that ``@huey.task()`` or ``@huey.periodic_task(...)`` makes.

Calling it enqueues (``__call__`` hands everything to ``s``), and ``s`` takes huey's own keywords out of
the task's: ``eta``, ``delay``, ``id``, ``retries``, ``retry_delay``, ``retry_backoff``, ``priority``,
``expires``, ``timeout``. ``schedule(args=, kwargs=, eta=, delay=, ...)`` takes the task's arguments packed.
``call_local`` calls the function itself, here and now. A pipeline step made by ``s`` receives the previous
result after its own arguments (``Task.extend_data``). A ``context=True`` task is called by the worker with
``task=`` the running task (``create_task``'s ``execute``). huey refuses an ``async def`` when it is decorated
and calls a sync one in a thread: a returned coroutine is never awaited.
"""

from __future__ import annotations

from typing import Final

from .spec import Packed, Param, Receiver, SchedulerSpec, Variadic

_WRAPPER: Final = "huey.api.TaskWrapper"
# The stubs' name for what ``task(context=True)`` returns: a TaskWrapper whose worker passes ``task=``.
_CONTEXT_WRAPPER: Final = "huey.api._ContextTaskWrapper"
_FUNCTION: Final = Receiver(attribute="func")
HUEY_OPTIONS: Final = frozenset(
    {"eta", "delay", "id", "retries", "retry_delay", "retry_backoff", "priority", "expires", "timeout"}
)
_ENQUEUE_ARGUMENTS: Final = Variadic(options=HUEY_OPTIONS)
_KEYWORD_SAFE: Final = "schedule(kwargs={...}, delay=0)"


def _entries(owner: str, supplied: frozenset[str]) -> tuple[SchedulerSpec, ...]:
    return (
        SchedulerSpec(
            owner=owner,
            member="__call__",
            # The call of the task itself enqueues it: messages name huey as the scheduler.
            name="huey",
            target=_FUNCTION,
            arguments=_ENQUEUE_ARGUMENTS,
            reserved_keywords=frozenset({"self"}),
            keyword_safe_alternative=_KEYWORD_SAFE,
            coroutines="dropped",
            supplied_keywords=supplied,
        ),
        SchedulerSpec(
            owner=owner,
            member="s",
            name="s",
            target=_FUNCTION,
            arguments=_ENQUEUE_ARGUMENTS,
            reserved_keywords=frozenset({"self"}),
            keyword_safe_alternative=_KEYWORD_SAFE,
            coroutines="dropped",
            completed_after=True,
            supplied_keywords=supplied,
        ),
        SchedulerSpec(
            owner=owner,
            member="schedule",
            name="schedule",
            target=_FUNCTION,
            arguments=Packed(Param("args", 0), Param("kwargs", 1)),
            coroutines="dropped",
            supplied_keywords=supplied,
        ),
    )


SCHEDULERS: Final[tuple[SchedulerSpec, ...]] = (
    *_entries(_WRAPPER, frozenset()),
    *_entries(_CONTEXT_WRAPPER, frozenset({"task"})),
    # Called here and now, by the caller, who receives whatever the function returns.
    SchedulerSpec(
        owner=_WRAPPER,
        member="call_local",
        name="call_local",
        target=_FUNCTION,
        reserved_keywords=frozenset({"self"}),
        coroutines="result-awaited",
    ),
)
