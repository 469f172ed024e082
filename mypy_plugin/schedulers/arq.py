"""arq (0.28): ``ArqRedis.enqueue_job("name", *args, _job_id=..., **kwargs)``, a job named by a string.

The worker looks the name up in its function list (``WorkerSettings.functions``: functions, or
``arq.worker.func(fn, name=...)``) and calls ``fn(ctx, *args, **kwargs)``. arq's options are keyword-only
parameters spelt with a leading underscore: every other keyword reaches the job.
"""

from __future__ import annotations

from typing import Final

from .spec import JobNames, Param, SchedulerSpec, Variadic

# ``ArqRedis.enqueue_job``'s own keyword-only parameters.
ARQ_OPTIONS: Final = frozenset(
    {"_job_id", "_queue_name", "_defer_until", "_defer_by", "_expires", "_job_try"}
)
ARQ_JOBS: Final = JobNames("arq", ARQ_OPTIONS)

SCHEDULERS: Final[tuple[SchedulerSpec, ...]] = (
    SchedulerSpec(
        owner="arq.connections.ArqRedis",
        member="enqueue_job",
        name="enqueue_job",
        target=Param("function", 0, job_names=ARQ_JOBS),
        # Declared parameters of ``enqueue_job``: a job parameter of the same name never receives them.
        arguments=Variadic(options=ARQ_OPTIONS),
        reserved_keywords=frozenset({"self", "function"}),
    ),
)
