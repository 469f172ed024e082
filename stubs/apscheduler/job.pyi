from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger

UTC: timezone

class Job:
    id: str
    name: str
    func: Callable[..., Any]
    func_ref: str | None
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    trigger: BaseTrigger
    executor: str
    misfire_grace_time: int | None
    coalesce: bool
    max_instances: int
    next_run_time: datetime | None
    def __init__(self, scheduler: BaseScheduler, id: str | None = None, **kwargs: Any) -> None: ...
    def modify(self, **changes: Any) -> Job: ...
    def reschedule(self, trigger: BaseTrigger | str | None, **trigger_args: Any) -> Job: ...
    def pause(self) -> Job: ...
    def resume(self) -> Job: ...
    def remove(self) -> None: ...
    @property
    def pending(self) -> bool: ...
    def __eq__(self, other: object) -> bool: ...
