"""Celery: the receiver is the task (``send_email.delay(...)``), and signatures (``.s()``, ``.si()``).

``si`` is complete and immutable; ``s`` and ``signature`` (``subtask``) are partial, completed by a chain's
previous result.
"""

from __future__ import annotations

from typing import Final

from .spec import Packed, Param, Receiver, SchedulerSpec

_CELERY_TASK: Final = "celery.app.task.Task"

SCHEDULERS: Final[tuple[SchedulerSpec, ...]] = (
    SchedulerSpec(owner=_CELERY_TASK, member="delay", name="delay", target=Receiver(), coroutines="dropped"),
    SchedulerSpec(
        owner=_CELERY_TASK,
        member="apply_async",
        name="apply_async",
        target=Receiver(),
        arguments=Packed(Param("args", 0), Param("kwargs", 1)),
        coroutines="dropped",
    ),
    SchedulerSpec(owner=_CELERY_TASK, member="si", name="si", target=Receiver(), coroutines="dropped"),
    SchedulerSpec(
        owner=_CELERY_TASK,
        member="s",
        name="s",
        target=Receiver(),
        coroutines="dropped",
        completed_later=True,
    ),
    *(
        SchedulerSpec(
            owner=_CELERY_TASK,
            member=member,
            name=member,
            target=Receiver(),
            arguments=Packed(Param("args", 0), Param("kwargs", 1)),
            coroutines="dropped",
            completed_later=True,
        )
        for member in ("signature", "subtask")
    ),
)
