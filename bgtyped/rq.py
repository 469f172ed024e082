"""RQ: a ``Queue`` that refuses, in the caller, a job whose arguments would fail on the worker.

``rq.Queue`` stores whatever it is given; a job whose arguments do not fit its function is serialised, sits
in Redis, and raises ``TypeError`` on a worker later. ``bgtyped.rq.Queue`` binds them when the job is made.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar

import rq

from . import _check
from ._queue_options import RQ_OPTIONS

if TYPE_CHECKING:
    from datetime import datetime, timedelta

    from redis.client import Pipeline
    from rq.job import Job
    from rq.queue import EnqueueData

__all__ = ["JobFunction", "Queue"]

_P = ParamSpec("_P")
_R_co = TypeVar("_R_co", covariant=True)


class Queue(rq.Queue):
    """An ``rq.Queue`` whose every way of enqueuing a callable checks the task's arguments first.

    ``enqueue``, ``enqueue_call``, ``enqueue_in``, ``enqueue_at``, ``enqueue_many`` and RQ's ``@job``
    decorator given this queue (or ``queue_class=Queue``) bind the task's arguments, after RQ has taken its
    own option keywords out, as the worker will call the task. When they do not bind, the ``TypeError``
    the worker would raise is raised in the caller and nothing is enqueued. ``enqueue``, ``enqueue_at`` and
    ``enqueue_in`` also raise ``TypeError`` where RQ would drop arguments: given ``args=`` or ``kwargs=``,
    RQ ignores the task's other positional and keyword arguments. A function named by a string
    (``"app.tasks.resize"``) is not checked: it is imported only on the worker.

    Example::

        queue = Queue(connection=Redis())
        queue.enqueue(resize, "a.png")  # TypeError: resize() missing 1 required positional argument: 'width'
    """

    def create_job(
        self, func: Any, args: Any = None, kwargs: Any = None, *options: Any, **keywords: Any
    ) -> Job:
        # Every enqueuing method makes its jobs here, with the task's arguments as the worker will pass them.
        _check_job(func, args, kwargs)
        return super().create_job(func, args, kwargs, *options, **keywords)

    def enqueue(self, f: Any, *args: Any, **kwargs: Any) -> Job:
        _refuse_dropped_arguments("enqueue", args, kwargs)
        return super().enqueue(f, *args, **kwargs)

    def enqueue_at(self, datetime: datetime, f: Any, *args: Any, **kwargs: Any) -> Job:
        _refuse_dropped_arguments("enqueue_at", args, kwargs)
        return super().enqueue_at(datetime, f, *args, **kwargs)  # type: ignore[no-any-return]

    def enqueue_in(self, time_delta: timedelta, func: Any, *args: Any, **kwargs: Any) -> Job:
        _refuse_dropped_arguments("enqueue_in", args, kwargs)
        return super().enqueue_in(time_delta, func, *args, **kwargs)

    def enqueue_many(
        self, job_datas: Iterable[EnqueueData], pipeline: Pipeline | None = None, group_id: str | None = None
    ) -> list[Job]:
        # All of them before any: RQ writes the jobs without dependencies before it makes the others.
        job_datas = list(job_datas)
        for data in job_datas:
            _check_job(data.func, data.args, data.kwargs)
        return super().enqueue_many(job_datas, pipeline=pipeline, group_id=group_id)


def _check_job(func: object, args: object, kwargs: object) -> None:
    """Raise the worker's ``TypeError`` unless ``func(*args, **kwargs)`` binds (``None`` meaning none)."""
    if isinstance(func, str):
        return  # imported by name on the worker only
    if args is None:
        args = ()
    if kwargs is None:
        kwargs = {}
    if not isinstance(args, (tuple, list)) or not isinstance(kwargs, dict) or not callable(func):
        return  # RQ refuses these itself, with its own message
    # Through the module, so that a check switched in `_check` at run time applies here too.
    _check.check_call(func, *args, **kwargs)


def _refuse_dropped_arguments(method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Raise ``TypeError`` when RQ would ignore task arguments given beside ``args=``/``kwargs=``."""
    if "args" not in kwargs and "kwargs" not in kwargs:
        return
    dropped = [name for name in kwargs if name not in RQ_OPTIONS and name not in ("args", "kwargs")]
    if args:
        raise TypeError(
            f"{method}() takes the task's arguments either positionally or in args=/kwargs=, not both: "
            f"put the {len(args)} positional argument(s) into args="
        )
    if dropped:
        raise TypeError(
            f"{method}() given args= or kwargs= passes the task nothing else: "
            f"{', '.join(dropped)} would be dropped; put them into kwargs="
        )


class JobFunction(Protocol[_P, _R_co]):
    """A function decorated by RQ's ``@job(queue, connection=...)``, as the bgtyped mypy plugin types it.

    It is called as before; ``delay`` and ``enqueue`` make a job of the call and return it. Of their
    keywords RQ takes ``depends_on``, ``job_id`` and ``at_front`` for itself; every other argument goes to
    the function, on the worker.
    """

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co: ...

    def delay(self, *args: _P.args, **kwargs: _P.kwargs) -> Job: ...

    def enqueue(self, *args: _P.args, **kwargs: _P.kwargs) -> Job: ...
