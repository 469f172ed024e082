"""dramatiq: the receiver is the actor (``send_email.send(...)``); the worker awaits an ``async def`` one."""

from __future__ import annotations

from typing import Final

from .spec import Packed, Param, Receiver, SchedulerSpec

SCHEDULERS: Final[tuple[SchedulerSpec, ...]] = (
    SchedulerSpec(owner="dramatiq.actor.Actor", member="send", name="send", target=Receiver()),
    SchedulerSpec(
        owner="dramatiq.actor.Actor",
        member="send_with_options",
        name="send_with_options",
        target=Receiver(),
        arguments=Packed(Param("args"), Param("kwargs")),
    ),
)
