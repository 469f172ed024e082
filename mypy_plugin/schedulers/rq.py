"""RQ (3.0): ``enqueue`` and its scheduled forms, ``enqueue_call``, and ``@job``'s ``delay``/``enqueue``.

``enqueue`` takes RQ's options out of ``**kwargs``, and switches to ``args=``/``kwargs=`` when either is
given; ``enqueue_call`` takes the options as parameters. The worker runs ``asyncio.run`` on any coroutine
the task returns.
"""

from __future__ import annotations

from typing import Final

from bgtyped._queue_options import RQ_JOB_OPTIONS, RQ_OPTIONS

from ..rq_jobs import JOB_FUNCTION
from .spec import Packed, Param, Receiver, SchedulerSpec, Variadic

_RQ_QUEUE: Final = "rq.queue.Queue"
_RQ_ENQUEUE_ARGUMENTS: Final = Variadic(options=RQ_OPTIONS, packed_keywords=("args", "kwargs"))

SCHEDULERS: Final[tuple[SchedulerSpec, ...]] = (
    *(
        SchedulerSpec(
            owner=_RQ_QUEUE,
            member=member,
            name=member,
            target=Param(target, position, accepts_name=True),
            arguments=_RQ_ENQUEUE_ARGUMENTS,
            # Parameters of the method and of the ``parse_args`` it hands ``**kwargs`` to.
            reserved_keywords=frozenset({"self", "cls", "f", *extra_reserved}),
            keyword_safe_alternative=alternative,
            coroutines="result-awaited",
        )
        for member, target, position, extra_reserved, alternative in (
            ("enqueue", "f", 0, (), "enqueue_call(func, kwargs={...})"),
            ("enqueue_in", "func", 1, ("datetime",), "enqueue_in(delta, func, kwargs={...})"),
            ("enqueue_at", "f", 1, (), "enqueue_at(when, func, kwargs={...})"),
        )
    ),
    SchedulerSpec(
        owner=_RQ_QUEUE,
        member="enqueue_call",
        name="enqueue_call",
        target=Param("func", 0, accepts_name=True),
        arguments=Packed(Param("args", 1), Param("kwargs", 2)),
        coroutines="result-awaited",
    ),
    *(
        SchedulerSpec(
            owner=JOB_FUNCTION,
            member=member,
            name=member,
            target=Receiver(),
            arguments=Variadic(options=RQ_JOB_OPTIONS),
            coroutines="result-awaited",
        )
        for member in ("delay", "enqueue")
    ),
)
