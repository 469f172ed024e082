"""dramatiq: the receiver is the actor (``send_email.send(...)``); the worker awaits an ``async def`` one."""

from __future__ import annotations

from typing import Final

from .spec import Packed, Param, Receiver, SchedulerSpec, Variadic

# The message options ``send_with_options`` takes (``delay``) and dramatiq 2.2's own middleware reads
# (``message.options.get(...)`` in ``dramatiq/middleware``, and the RabbitMQ broker's priority). ``send``
# takes none of them: it passes each to the actor.
MESSAGE_OPTIONS: Final = frozenset(
    {
        "broker_priority",
        "delay",
        "max_age",
        "max_backoff",
        "max_retries",
        "min_backoff",
        "notify_shutdown",
        "on_failure",
        "on_retry_exhausted",
        "on_success",
        "pipe_ignore",
        "throws",
        "time_limit",
    }
)

SCHEDULERS: Final[tuple[SchedulerSpec, ...]] = (
    SchedulerSpec(
        owner="dramatiq.actor.Actor",
        member="send",
        name="send",
        target=Receiver(),
        arguments=Variadic(passed_options=MESSAGE_OPTIONS, options_alternative="send_with_options"),
    ),
    SchedulerSpec(
        owner="dramatiq.actor.Actor",
        member="send_with_options",
        name="send_with_options",
        target=Receiver(),
        arguments=Packed(Param("args"), Param("kwargs")),
    ),
)
