"""The keywords task queues take out of a scheduling call for themselves: never the task's.

Read by the runtime integrations and by the mypy plugin (``bgtyped.mypy``), so that both judge a call alike.
"""

from __future__ import annotations

from typing import Final

# The keywords `Queue.parse_args` (RQ 3.0) takes out of `enqueue`'s `**kwargs` for RQ itself; the rest go to
# the task.
RQ_OPTIONS: Final = frozenset(
    {
        "job_timeout",
        "description",
        "result_ttl",
        "ttl",
        "failure_ttl",
        "depends_on",
        "job_id",
        "at_front",
        "meta",
        "retry",
        "repeat",
        "on_success",
        "on_failure",
        "on_stopped",
        "rate_limit",
        "webhooks",
        "pipeline",
        "unique",
    }
)

# The keywords the ``delay``/``enqueue`` that RQ's ``@job`` adds to a function (``rq/decorators.py``, RQ 3.0)
# pops from its ``**kwargs``; the rest, ``job_timeout=`` too, go to the function.
RQ_JOB_OPTIONS: Final = frozenset({"depends_on", "job_id", "at_front"})
