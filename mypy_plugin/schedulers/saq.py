"""saq (0.26): ``Queue.enqueue("name", **kwargs)`` and ``Queue.apply``, a job named by a string.

``enqueue`` takes every keyword that is a field of saq's ``Job`` dataclass for the job itself, and passes
the others to the function; the worker looks the name up in its settings' ``functions`` (functions, or
``(name, function)`` pairs) and calls ``function(ctx, **kwargs)``, a sync ``def`` in a thread.
"""

from __future__ import annotations

from typing import Final

from .spec import JobNames, Param, SchedulerSpec, Variadic

# The fields of ``saq.job.Job`` but ``function`` (the name itself: a second one fails the ``Job(...)`` call).
SAQ_JOB_OPTIONS: Final = frozenset(
    {
        "kwargs",
        "queue",
        "key",
        "timeout",
        "heartbeat",
        "retries",
        "ttl",
        "retry_delay",
        "retry_backoff",
        "scheduled",
        "progress",
        "attempts",
        "completed",
        "queued",
        "started",
        "touched",
        "result",
        "error",
        "status",
        "priority",
        "group_key",
        "meta",
    }
)
# ``enqueue(job)`` enqueues a ``Job`` built beforehand: its keywords then set the job's fields.
SAQ_JOBS: Final = JobNames("saq", SAQ_JOB_OPTIONS, built="saq.job.Job")
_SAQ_QUEUE: Final = "saq.queue.base.Queue"

SCHEDULERS: Final[tuple[SchedulerSpec, ...]] = tuple(
    SchedulerSpec(
        owner=_SAQ_QUEUE,
        member=member,
        name=member,
        target=Param("job_or_func", 0, job_names=SAQ_JOBS),
        arguments=Variadic(args=None, kwargs="kwargs", options=SAQ_JOB_OPTIONS),
        # ``apply`` takes ``timeout`` and ``poll_interval`` itself (and hands ``timeout`` to the job too).
        reserved_keywords=frozenset({"self", "job_or_func", "function", *extra}),
    )
    for member, extra in (("enqueue", ()), ("apply", ("timeout", "poll_interval")))
)
