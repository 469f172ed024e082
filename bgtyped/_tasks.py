from __future__ import annotations

import functools
import inspect
import logging
import operator
import types
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, ParamSpec, SupportsIndex

import anyio.to_thread
from starlette import background
from typing_extensions import Doc

from . import _binding
from ._binding import COROUTINE_MARK, UNVOUCHED, check_arguments, short_repr

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
        self.is_async = check_arguments(func, args, kwargs, "BackgroundTask")
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

    Pass an instance as a response's ``background``; the tasks run in order once the response is sent,
    including tasks added while they run. ``async def`` functions are awaited, plain ``def`` functions run in
    a threadpool. A failing task does not stop the ones after it, and is not raised into the server: each
    failure is logged once, with its traceback, on the ``bgtyped`` logger (ERROR), then one WARNING line names
    every task that failed. Tasks cancelled (at shutdown) or skipped after a ``BaseException`` are named on
    the same logger, and the exception propagates. Once the tasks have run, ``add_task`` raises
    ``RuntimeError``: a task added then would never run.

    Example::

        tasks = BackgroundTasks()
        # TypeError here, in the handler, if send_email cannot take these arguments:
        tasks.add_task(send_email, "a@b.c", subject="Welcome")
        return JSONResponse({"ok": True}, background=tasks)
    """

    # Starlette's __init__ is kept: `tasks` is a plain list until the tasks have run (see _close).
    tasks: list[background.BackgroundTask]
    _ran = 0  # how many of `tasks` have been started

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

        The arguments are checked now against what ``func`` will really accept: ``TypeError`` is raised
        here, in the request handler, and nothing is added when they do not fit; callables whose parameters
        cannot be known (builtins, ``(*args, **kwargs)`` wrappers) are accepted. Keyword arguments named
        ``func`` or ``self`` are passed on to the task. ``RuntimeError`` is raised when these tasks have
        already run: the task would never run.

        Example::

            tasks.add_task(send_email, "a@b.c", subject="Welcome")
        """
        # The constructor's body with the binding check's shortcut inlined: scheduling is a hot path, and a
        # vouched call makes no second Python call (see _binding.vouched_calls).
        if type(func) is _FunctionType:
            keywords_fit, defaults, kwdefaults, is_async = vouched_calls.get(func) or vouched_calls.get(
                id(func.__code__), UNVOUCHED
            )
            try:
                fit = keywords_fit[len(args)]
            except IndexError:  # more positional arguments than the function takes
                fit = None
            if (
                fit is None
                or (kwargs and not fit(kwargs))
                or (defaults is not None and func.__defaults__ is not defaults)
                or (kwdefaults is not None and func.__kwdefaults__ is not kwdefaults)
            ):
                is_async = check_arguments(func, args, kwargs)
            elif not is_async and COROUTINE_MARK is not None:
                is_async = getattr(func, "_is_coroutine_marker", None) is COROUTINE_MARK
        else:
            is_async = check_arguments(func, args, kwargs)
        task = _ScheduledTask()
        task.is_async = is_async
        task.func = func
        task.args = args
        task.kwargs = kwargs
        self.tasks.append(task)

    async def __call__(self) -> None:
        try:
            await self._run_pending()
        finally:
            self._close()

    async def _run_pending(self) -> None:
        """Run the tasks not started yet, in order, including any added meanwhile; report what failed."""
        failed: list[background.BackgroundTask] = []
        tasks = self.tasks
        # A list iterator goes on to tasks appended meanwhile: a task may schedule a follow-up.
        pending = iter(tasks)
        pending.__setstate__(self._ran)  # type: ignore[attr-defined]
        task: background.BackgroundTask  # set before anything can raise: only a task's run raises
        try:
            while True:
                # The loop is Starlette's own; a failure leaves it and comes back to the same iterator.
                try:
                    for task in pending:
                        await task()
                    break
                except Exception as failure:
                    logger.error("background task %s failed", _describe(task), exc_info=failure)
                    failed.append(task)
        except BaseException as stop:
            started = len(tasks) - operator.length_hint(pending)
            report_unfinished(f"stopped by {type(stop).__name__}", task, tasks[started:])
            raise
        finally:
            self._ran = len(tasks)
        if failed:
            logger.warning(
                "%d of %d background tasks failed: %s",
                len(failed),
                len(tasks),
                "; ".join(map(_describe, failed)),
            )

    def _close(self) -> None:
        """From now on, adding a task raises: it would never run."""
        # A copy once per response: a plain list until then keeps construction as cheap as Starlette's.
        if type(self.tasks) is not _RanTasks:
            self.tasks = _RanTasks(self.tasks)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.tasks!r})"


_FunctionType = types.FunctionType
# Assigned, not imported: Python 3.11 compiles a method call on an imported name as an attribute load, which
# makes a bound-method object per call. Value checking swaps this name (see _value_types).
vouched_calls = _binding.vouched_calls


class _ScheduledTask(BackgroundTask):
    """A task made by ``BackgroundTasks.add_task``, which has checked its call and sets its attributes.

    Calling this class skips ``BackgroundTask.__init__``, at a fifth less than
    ``object.__new__(BackgroundTask)``.
    """

    # mypy before 2.0 compares this with BackgroundTask.__init__'s signature; later releases do not.
    __init__ = object.__init__  # type: ignore[assignment, unused-ignore]

    def __repr__(self) -> str:
        return f"BackgroundTask({describe_call(self, repr)})"


class _RanTasks(list[background.BackgroundTask]):
    """The tasks of a ``BackgroundTasks`` that has run: adding to it raises instead of losing the task."""

    __slots__ = ()

    def append(self, task: background.BackgroundTask) -> None:
        raise RuntimeError(
            f"background task {_describe(task)} was added after the background tasks of its response had "
            "run, so it would never run: add it before the response is sent (in the handler or a "
            "dependency), or call it yourself"
        )

    def extend(self, tasks: Iterable[background.BackgroundTask]) -> None:
        for task in tasks:
            self.append(task)

    def insert(self, index: SupportsIndex, task: background.BackgroundTask) -> None:
        self.append(task)


def report_unfinished(
    reason: str,
    interrupted: background.BackgroundTask | None,
    not_run: Sequence[background.BackgroundTask],
    level: int = logging.ERROR,
) -> None:
    """Name, once, on the ``bgtyped`` logger, the task that did not finish and those that will not run."""
    parts = [] if interrupted is None else [f"{_describe(interrupted)} did not finish"]
    if not_run:
        parts.append(f"{len(not_run)} did not run: {'; '.join(map(_describe, not_run))}")
    if parts:
        logger.log(level, "background tasks %s: %s", reason, "; ".join(parts))


def _describe(task: background.BackgroundTask) -> str:
    return describe_call(task, short_repr)


def describe_call(task: background.BackgroundTask, show: Callable[[object], str]) -> str:
    """``send_email, 'a@b.c', subject='hi'``: the task's call as it would be written."""
    func = getattr(task, "func", None)
    if func is None:  # not a single call (a BackgroundTasks inside another)
        return show(task)
    func_name = getattr(func, "__qualname__", None)
    parts = [func_name if isinstance(func_name, str) else show(func)]
    parts += [show(value) for value in task.args]
    parts += [f"{name}={show(value)}" for name, value in task.kwargs.items()]
    return ", ".join(parts)
