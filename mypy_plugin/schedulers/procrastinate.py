"""procrastinate (3.7.3 to 3.10): ``task.defer(**kwargs)``, ``defer_async``, both after ``task.configure()``.

The worker calls the task with the deferred keywords only (``task(*job_args, **task_kwargs)``, where
``job_args`` is the job's context for a ``pass_context=True`` task, and empty otherwise); ``defer`` binds
positional arguments to ``*_`` and drops them. ``Task[P, R, Args]`` carries in ``Args`` what the caller
passes: the task's parameters without the context, or without a periodic task's ``timestamp``.
``configure(task_kwargs={...})`` gives keywords that ``defer``'s own override. The worker awaits an
``async def`` task, and the awaitable a sync one returns.
"""

from __future__ import annotations

from typing import Final

from .spec import Receiver, SchedulerSpec, Variadic

_TASK: Final = "procrastinate.tasks.Task"
_KEYWORDS_ONLY: Final = Variadic(args="_", kwargs="task_kwargs", drops_positionals=True)
# ``defer(self, ...)``: a task keyword named ``self`` is given twice.
_RESERVED: Final = frozenset({"self"})
_ALTERNATIVE: Final = "configure(task_kwargs={...}).defer()"
# A ``pass_context=True`` task is ``Task[Concatenate[JobContext, P], R, P]``: the worker passes the context
# first, positionally.
_CONTEXT: Final = "procrastinate.job_context.JobContext"

SCHEDULERS: Final[tuple[SchedulerSpec, ...]] = tuple(
    SchedulerSpec(
        owner=owner,
        member=member,
        name=member,
        target=target,
        arguments=_KEYWORDS_ONLY,
        reserved_keywords=_RESERVED,
        keyword_safe_alternative=_ALTERNATIVE,
        coroutines="result-awaited",
    )
    for member in ("defer", "defer_async")
    for owner, target in (
        (_TASK, Receiver(parameters=2, returns=1, context=_CONTEXT)),
        (
            "procrastinate.jobs.JobDeferrer",
            Receiver(
                parameters=2,
                returns=1,
                configured_by=(_TASK, "configure"),
                merged_keywords="task_kwargs",
                context=_CONTEXT,
            ),
        ),
    )
)
