"""FastAPI glue: ``tasks: Tasks`` in a route gives a bgtyped ``BackgroundTasks``.

FastAPI injects its own ``BackgroundTasks`` into any parameter annotated with a subclass of Starlette's,
so a plain ``tasks: bgtyped.BackgroundTasks`` parameter would silently receive FastAPI's class. ``Tasks``
declares a dependency instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import fastapi

from ._tasks import BackgroundTasks

__all__ = ["Tasks", "request_tasks"]


class _RequestTasks(BackgroundTasks):
    """The tasks of one request; remembers whether they were started, so that they run exactly once."""

    started = False

    async def __call__(self) -> None:
        self.started = True
        await super().__call__()


async def request_tasks(injected: fastapi.BackgroundTasks) -> AsyncIterator[BackgroundTasks]:
    """The dependency behind ``Tasks``: one bgtyped ``BackgroundTasks`` per request.

    The tasks ride on FastAPI's own background tasks, so they run after the response like FastAPI's. When the
    handler returns a ``Response`` that already has its own ``background``, FastAPI drops its injected tasks;
    then these run once that response (and its own background) has been sent, when the dependency exits.
    """
    tasks = _RequestTasks()
    injected.add_task(tasks)
    yield tasks
    if tasks.tasks and not tasks.started:
        await tasks()


Tasks = Annotated[BackgroundTasks, fastapi.Depends(request_tasks)]
