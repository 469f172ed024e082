from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Sequence
from typing import Annotated, Any, ParamSpec

import anyio.to_thread
from starlette import background
from typing_extensions import Doc

from ._binding import check_arguments, short_repr

P = ParamSpec("P")

logger = logging.getLogger("bgtyped")


class BackgroundTask(background.BackgroundTask):
    """One function call to make after the response is sent, checked when it is created.

    ``BackgroundTask(send_email, "a@b.c", subject="Hi")`` raises ``TypeError`` at once when the arguments do
    not bind to ``send_email``'s signature. ``async def`` functions are awaited; plain functions run in a
    threadpool, and if one returns an awaitable, that is awaited too.
    """

    func: Callable[..., Any]
    # Starlette annotates these with its __init__'s `P.args` / `P.kwargs`, which mean nothing on an instance.
    args: tuple[Any, ...]  # type: ignore[assignment]
    kwargs: dict[str, Any]  # type: ignore[assignment]
    is_async: bool

    # `func` is positional-only so that a task may take a keyword argument named `func` (or `self`).
    def __init__(self, func: Callable[P, Any], /, *args: P.args, **kwargs: P.kwargs) -> None:
        self.is_async = check_arguments(func, args, kwargs)
        self.func = func
        self.args = args
        self.kwargs = kwargs

    async def __call__(self) -> None:
        if self.is_async:
            await self.func(*self.args, **self.kwargs)
            return
        # One callable goes to the thread, so the task's own keywords never meet the threadpool's parameters.
        result = await anyio.to_thread.run_sync(functools.partial(self.func, *self.args, **self.kwargs))
        if inspect.isawaitable(result):
            await result

    def __repr__(self) -> str:
        return f"{type(self).__name__}({describe_call(self, repr)})"


class BackgroundTasks(background.BackgroundTasks):
    """Functions to call after the response is sent, each checked when it is added.

    Pass an instance as a response's ``background``; the tasks run in order once the response is sent.
    ``async def`` functions are awaited, plain ``def`` functions run in a threadpool. A failing task does not
    stop the ones after it: each failure is logged on the ``bgtyped`` logger and re-raised at the end (an
    ``ExceptionGroup`` when several failed).

    Example::

        tasks = BackgroundTasks()
        # TypeError here, in the handler, if send_email cannot take these arguments:
        tasks.add_task(send_email, "a@b.c", subject="Welcome")
        return JSONResponse({"ok": True}, background=tasks)
    """

    tasks: list[background.BackgroundTask]

    def __init__(self, tasks: Sequence[background.BackgroundTask] | None = None) -> None:
        self.tasks = list(tasks) if tasks else []

    # Positional-only `func` narrows Starlette's signature, which also accepts `func=` by keyword.
    def add_task(  # type: ignore[override]
        self,
        func: Annotated[
            Callable[P, Any],
            Doc(
                """
                The function to call after the response is sent: a plain `def` (run in a threadpool) or an
                `async def` function. Pass the function itself, not the result of calling it.
                """
            ),
        ],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> None:
        """Schedule ``func(*args, **kwargs)`` for after the response.

        The arguments are checked against ``func``'s signature now: ``TypeError`` is raised here, in the
        request handler, and nothing is added when they do not fit. Keyword arguments named ``func`` or
        ``self`` are passed on to the task.

        Example::

            tasks.add_task(send_email, "a@b.c", subject="Welcome")
        """
        # The constructor's body, without a second packing of the arguments: scheduling is a hot path.
        task = _new_task(BackgroundTask)
        task.is_async = check_arguments(func, args, kwargs)
        task.func = func
        task.args = args
        task.kwargs = kwargs
        self.tasks.append(task)

    async def __call__(self) -> None:
        failures: list[Exception] = []
        for task in self.tasks:
            try:
                await task()
            except Exception as failure:
                logger.error("background task %s failed", describe_call(task, short_repr), exc_info=failure)
                failures.append(failure)
        if len(failures) == 1:
            raise failures[0]
        if failures:
            raise ExceptionGroup(f"{len(failures)} background tasks failed", failures)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.tasks!r})"


_new_task = object.__new__


def describe_call(task: background.BackgroundTask, show: Callable[[object], str]) -> str:
    """``send_email, 'a@b.c', subject='hi'``: the task's call as it would be written."""
    func_name = getattr(task.func, "__qualname__", None)
    parts = [func_name if isinstance(func_name, str) else show(task.func)]
    parts += [show(value) for value in task.args]
    parts += [f"{name}={show(value)}" for name, value in task.kwargs.items()]
    return ", ".join(parts)
