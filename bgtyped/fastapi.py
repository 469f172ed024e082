"""FastAPI glue: ``tasks: Tasks`` in a route gives a bgtyped ``BackgroundTasks``.

FastAPI injects its own ``BackgroundTasks`` into any parameter annotated with a subclass of Starlette's,
so a plain ``tasks: bgtyped.BackgroundTasks`` parameter would silently receive FastAPI's class. ``Tasks``
declares a dependency instead.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Annotated

import fastapi
from starlette.responses import Response

from ._tasks import BackgroundTasks, report_unfinished

__all__ = ["Tasks", "request_tasks"]


class _RequestTasks(BackgroundTasks):
    """The tasks of one request: run by FastAPI's background tasks or, failing that, when the request ends.

    They stay open until the ``Tasks`` dependency exits, so that a task added meanwhile (in the exit code of
    a dependency with ``yield``) still runs.
    """

    async def __call__(self) -> None:
        await self._run_pending()


async def request_tasks(injected: fastapi.BackgroundTasks) -> AsyncIterator[BackgroundTasks]:
    """The dependency behind ``Tasks``: one bgtyped ``BackgroundTasks`` per request.

    The tasks ride on FastAPI's own background tasks, so they run after the response like FastAPI's. When the
    handler returns a ``Response`` that already has its own ``background``, FastAPI drops its injected tasks;
    then these run once that response (and its own background) has been sent, when the dependency exits,
    also when that background raised. When the handler raises, none run, and the tasks that do not run are
    named on the ``bgtyped`` logger.
    """
    tasks = _RequestTasks()
    injected.add_task(tasks)
    try:
        yield tasks
    except Exception as failure:
        if _raised_by_a_response(failure):  # the handler returned; its response or its own background failed
            await tasks._run_pending()
        else:
            reason = f"dropped: the request failed with {type(failure).__name__} before its response"
            report_unfinished(reason, None, tasks.tasks[tasks._ran :], logging.WARNING)
        raise
    except BaseException as stop:
        report_unfinished(f"stopped by {type(stop).__name__}", None, tasks.tasks[tasks._ran :])
        raise
    else:
        await tasks._run_pending()
    finally:
        tasks._close()


def _raised_by_a_response(failure: BaseException) -> bool:
    """Whether ``failure`` came out of sending a response (or running its own background), not the handler.

    FastAPI throws both kinds into this dependency, which is given no view of the response; the traceback
    tells them apart: it passes through the ``Response.__call__`` that was sending.
    """
    traceback = failure.__traceback__
    while traceback is not None:
        frame = traceback.tb_frame
        if frame.f_code.co_name == "__call__" and isinstance(frame.f_locals.get("self"), Response):
            return True
        traceback = traceback.tb_next
    return False


Tasks = Annotated[BackgroundTasks, fastapi.Depends(request_tasks)]
