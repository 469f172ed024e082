"""prefect (3.6 to 3.8): a task's ``submit``, ``map``, ``delay`` and ``apply_async``.

``Task[P, R]`` carries the task's parameters; prefect binds them when the call is made
(``inspect.signature(fn).bind``) and resolves every ``PrefectFuture`` and ``State`` among them, at any
depth, to its result before the task runs, unwrapping ``allow_failure(...)`` and ``quote(...)`` (whose
value is passed as it is). ``return_state=`` and ``wait_for=`` are ``submit``'s own (a task may not have
parameters of those names: prefect refuses it when decorated); ``map`` also takes ``deferred=``.
A task defined in a class body gets the instance (or the class, for a class method) first.
The engine awaits an ``async def`` task; a sync ``def`` returning a coroutine has its coroutine as the
result.
"""

from __future__ import annotations

from typing import Final

from .spec import FutureResolution, Mapped, Packed, Param, Receiver, SchedulerSpec, Variadic

_TASK: Final = "prefect.tasks.Task"
_TASK_OBJECT: Final = Receiver(parameters=0, returns=1, binds_methods=True)
# prefect.utilities.engine.resolve_inputs (visit_collection with remove_annotations=True).
_FUTURES: Final = FutureResolution(
    frozenset({"prefect.futures.PrefectFuture", "prefect.client.schemas.objects.State"}),
    nested=True,
    unwrapped=frozenset({"prefect.utilities.annotations.allow_failure"}),
    quoted=frozenset({"prefect.utilities.annotations.quote"}),
)
_SUBMIT_OPTIONS: Final = frozenset({"return_state", "wait_for"})

SCHEDULERS: Final[tuple[SchedulerSpec, ...]] = (
    SchedulerSpec(
        owner=_TASK,
        member="submit",
        name="submit",
        target=_TASK_OBJECT,
        arguments=Variadic(options=_SUBMIT_OPTIONS),
        resolved_futures=_FUTURES,
    ),
    # Each run gets an item of every iterable argument, positional or keyword (a dict's keys); the rest, and
    # unmapped(...)'s value, reach every run whole (prefect.utilities.callables.expand_mapping_parameters).
    SchedulerSpec(
        owner=_TASK,
        member="map",
        name="map",
        target=_TASK_OBJECT,
        arguments=Mapped(
            iterables="args",
            options=_SUBMIT_OPTIONS | {"deferred"},
            maps_keywords=True,
            whole=frozenset({"prefect.utilities.annotations.unmapped"}),
            scalars_whole=True,
        ),
        keyword_safe_alternative="submit()",
        resolved_futures=_FUTURES,
    ),
    SchedulerSpec(owner=_TASK, member="delay", name="delay", target=_TASK_OBJECT, resolved_futures=_FUTURES),
    SchedulerSpec(
        owner=_TASK,
        member="apply_async",
        name="apply_async",
        target=_TASK_OBJECT,
        arguments=Packed(Param("args", 0), Param("kwargs", 1)),
        resolved_futures=_FUTURES,
    ),
)
