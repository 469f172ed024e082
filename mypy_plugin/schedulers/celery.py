"""Celery: the receiver is the task (``send_email.delay(...)``), and signatures (``.s()``, ``.si()``) and
their own ``delay``/``apply_async`` when made in the same expression (``add.s(2).delay(3)``).

``si`` is complete and immutable; ``s`` and ``signature`` (``subtask``) are partial, completed by a chain's
previous result.
"""

from __future__ import annotations

from typing import Final

from .spec import Packed, Param, Receiver, SchedulerSpec, SignatureReceiver, Variadic

_CELERY_TASK: Final = "celery.app.task.Task"

# The options ``Task.apply_async`` documents (Celery 5.7.0, ``celery/app/task.py``), its own named parameters
# and ``router``, which it hands to ``send_task``. ``delay`` takes none of them: it passes each to the task.
APPLY_ASYNC_OPTIONS: Final = frozenset(
    {
        "add_to_parent",
        "compression",
        "connection",
        "countdown",
        "eta",
        "exchange",
        "expires",
        "headers",
        "ignore_result",
        "link",
        "link_error",
        "priority",
        "producer",
        "publisher",
        "queue",
        "retry",
        "retry_policy",
        "router",
        "routing_key",
        "serializer",
        "shadow",
        "soft_time_limit",
        "task_id",
        "time_limit",
    }
)
_DELAY_ARGUMENTS: Final = Variadic(passed_options=APPLY_ASYNC_OPTIONS, options_alternative="apply_async")
# A signature made in the same expression: ``s`` takes more arguments later, ``si`` is immutable.
_MADE_SIGNATURE: Final = SignatureReceiver(
    task_class=_CELERY_TASK, mutable=frozenset({"s"}), immutable=frozenset({"si"})
)

SCHEDULERS: Final[tuple[SchedulerSpec, ...]] = (
    SchedulerSpec(
        owner=_CELERY_TASK,
        member="delay",
        name="delay",
        target=Receiver(),
        arguments=_DELAY_ARGUMENTS,
        coroutines="dropped",
    ),
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
    SchedulerSpec(
        owner="celery.canvas.Signature",
        member="delay",
        name="delay",
        target=_MADE_SIGNATURE,
        arguments=Variadic(
            args="partial_args",
            kwargs="partial_kwargs",
            passed_options=APPLY_ASYNC_OPTIONS,
            options_alternative="apply_async",
        ),
        coroutines="dropped",
    ),
    SchedulerSpec(
        owner="celery.canvas.Signature",
        member="apply_async",
        name="apply_async",
        target=_MADE_SIGNATURE,
        arguments=Packed(Param("args", 0), Param("kwargs", 1)),
        coroutines="dropped",
    ),
)
