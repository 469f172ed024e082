"""The scheduler data model: one `SchedulerSpec` entry per scheduling callable.

An entry names the class (or module) that defines the scheduling callable, where the scheduled function sits
in the call, how its arguments are handed over and which keywords collide with the scheduler's own
parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal, get_args

from ..records import Record

CONSTRUCTOR: Final = "__init__"


class Param(Record):
    """A parameter of the scheduler: by name, or by position (``self`` not counted) if positional-only.

    ``accepts_none``: whether None may stand in the place of a target (``Thread(target=None)`` runs nothing,
    by design). ``accepts_name``: whether a string may stand in the place of a target, the import path of
    the function, resolved by the worker (RQ's ``enqueue("app.tasks.send")``); it is not checked.
    """

    __slots__ = ("accepts_name", "accepts_none", "name", "position")

    def __init__(
        self,
        name: str | None,
        position: int | None = None,
        accepts_none: bool = False,
        accepts_name: bool = False,
    ) -> None:
        self.name: Final = name
        self.position: Final = position
        self.accepts_none: Final = accepts_none
        self.accepts_name: Final = accepts_name

    def index_in(self, names: Sequence[str | None]) -> int | None:
        if self.name is not None and self.name in names:
            return names.index(self.name)
        if self.position is not None and self.position < len(names):
            return self.position
        return None


class Receiver(Record):
    """The scheduled function is the object the scheduling method is called on (``task.delay(...)``).

    ``attribute``: the receiver's attribute holding the function, whose type is the task's signature where
    the receiver's own type does not say it (huey's ``TaskWrapper.func``: calling the wrapper enqueues).
    """

    __slots__ = ("attribute",)

    def __init__(self, attribute: str | None = None) -> None:
        self.attribute: Final = attribute


class Variadic(Record):
    """The task's arguments are the scheduler's own ``*args`` and ``**kwargs`` (named here).

    ``options`` are keywords the scheduler takes out of ``**kwargs`` as its own (RQ's ``job_timeout``,
    ``description``): they never reach the task. ``packed_keywords`` name two keywords (a tuple and a
    dict) that, when either is given, carry the task's arguments instead; the scheduler then drops every
    other task argument (RQ's ``enqueue(f, args=(1,), kwargs={"x": 2})``).
    """

    __slots__ = ("args", "kwargs", "options", "packed_keywords")

    def __init__(
        self,
        args: str = "args",
        kwargs: str | None = "kwargs",
        options: frozenset[str] = frozenset(),
        packed_keywords: tuple[str, str] | None = None,
    ) -> None:
        self.args: Final = args
        self.kwargs: Final = kwargs
        self.options: Final = options
        self.packed_keywords: Final = packed_keywords


class Packed(Record):
    """The task's arguments come as a positional tuple and a keyword dict (``args=``, ``kwargs=``)."""

    __slots__ = ("args", "kwargs")

    def __init__(self, args: Param | None, kwargs: Param | None) -> None:
        self.args: Final = args
        self.kwargs: Final = kwargs


class ForwardedKeywords(Record):
    """The scheduler's ``**keywords`` (named ``parameter``) build what its ``selector`` parameter names.

    APScheduler's ``add_job(f, "interval", minutes=5)`` passes ``minutes`` to the trigger class named
    "interval". Given an instance of ``instance_of`` instead, the scheduler uses it as it is and drops the
    keywords.
    """

    __slots__ = ("instance_of", "parameter", "selector")

    def __init__(self, parameter: str, selector: Param, instance_of: str) -> None:
        self.parameter: Final = parameter
        self.selector: Final = selector
        self.instance_of: Final = instance_of


# What a scheduler does with the coroutine an ``async def`` target returns:
# - "awaited": awaited (Starlette's tasks); a sync callable's awaitable result is not;
# - "dropped": the target is only called, in a thread, a process or a callback (never awaited);
# - "required": the target must return a coroutine, or the scheduler raises (a task group's start_soon);
# - "result-awaited": the scheduler awaits any coroutine the call returns, from a sync ``def`` too (RQ
#   runs ``asyncio.run`` on it).
Coroutines = Literal["awaited", "dropped", "required", "result-awaited"]
COROUTINE_POLICIES: Final[tuple[Coroutines, ...]] = get_args(Coroutines)


# The defaults of most entries: the function first (``func``), then its own ``*args, **kwargs``.
_FUNC: Final = Param("func", 0)
_ARGS_AND_KWARGS: Final = Variadic()


class SchedulerSpec(Record):
    """One scheduling callable.

    ``owner`` is the fully qualified name of the class defining ``member`` (a method, or ``__init__`` for
    the constructor); for a plain function (``is_method`` false), ``owner`` is its module and ``member``
    its name. ``name`` is how messages call the scheduler.
    ``schedules`` is false for an entry that shadows a more general one without scheduling anything
    (``BackgroundTasks(tasks)`` takes tasks, not a function).
    ``coroutines`` says what becomes of the coroutine of an ``async def`` target (`Coroutines`).
    ``reserved_keywords`` fail at run time as task keywords; ``keyword_safe_alternative`` names a
    scheduler that takes them, for the message (and, for a keyword the scheduler takes as an option,
    the scheduler through which the task receives it).
    ``result_callbacks`` are the scheduler's parameters taking a function called with the task's return
    value (``Pool.apply_async(callback=)``).
    ``completed_later`` marks a call that gives only part of the task's arguments, completed later by
    positional arguments put before them (Celery's ``task.s(...)``, whose chain passes the previous
    result first): missing arguments are not reported, nor positional types, unless no positional
    parameter is left for an argument to come before them.
    ``awaits_sync_results``: the awaitable a sync target returns is awaited too, after the target ran in
    a thread (bgtyped's tasks).
    ``completed_after``: the call may give only the first of the task's arguments; more are added after
    them later (a huey pipeline step, ``task.s(...)``, receives the previous result appended): missing
    arguments are not reported.
    ``supplied_keywords`` are added to the task's call by the worker (huey's context tasks receive
    ``task=``): the task must take them, and the caller cannot give them.
    ``forwarded_keywords``: the scheduler's ``**keywords`` that build another object (`ForwardedKeywords`).
    """

    __slots__ = (
        "arguments",
        "awaits_sync_results",
        "completed_after",
        "completed_later",
        "coroutines",
        "forwarded_keywords",
        "is_method",
        "keyword_safe_alternative",
        "member",
        "name",
        "owner",
        "reserved_keywords",
        "result_callbacks",
        "schedules",
        "supplied_keywords",
        "target",
    )

    def __init__(
        self,
        owner: str,
        member: str,
        name: str,
        target: Param | Receiver = _FUNC,
        arguments: Variadic | Packed = _ARGS_AND_KWARGS,
        reserved_keywords: frozenset[str] = frozenset(),
        keyword_safe_alternative: str | None = None,
        coroutines: Coroutines = "awaited",
        schedules: bool = True,
        is_method: bool = True,
        result_callbacks: tuple[Param, ...] = (),
        completed_later: bool = False,
        awaits_sync_results: bool = False,
        completed_after: bool = False,
        supplied_keywords: frozenset[str] = frozenset(),
        forwarded_keywords: ForwardedKeywords | None = None,
    ) -> None:
        self.owner: Final = owner
        self.member: Final = member
        self.name: Final = name
        self.target: Final = target
        self.arguments: Final = arguments
        self.reserved_keywords: Final = reserved_keywords
        self.keyword_safe_alternative: Final = keyword_safe_alternative
        self.coroutines: Final = coroutines
        self.schedules: Final = schedules
        self.is_method: Final = is_method
        self.result_callbacks: Final = result_callbacks
        self.completed_later: Final = completed_later
        self.awaits_sync_results: Final = awaits_sync_results
        self.completed_after: Final = completed_after
        self.supplied_keywords: Final = supplied_keywords
        self.forwarded_keywords: Final = forwarded_keywords

    def named(self, name: str) -> SchedulerSpec:
        """The same entry, with messages calling the scheduler ``name`` (a decorator form of it)."""
        return SchedulerSpec(
            owner=self.owner,
            member=self.member,
            name=name,
            target=self.target,
            arguments=self.arguments,
            reserved_keywords=self.reserved_keywords,
            keyword_safe_alternative=self.keyword_safe_alternative,
            coroutines=self.coroutines,
            schedules=self.schedules,
            is_method=self.is_method,
            result_callbacks=self.result_callbacks,
            completed_later=self.completed_later,
            awaits_sync_results=self.awaits_sync_results,
            completed_after=self.completed_after,
            supplied_keywords=self.supplied_keywords,
            forwarded_keywords=self.forwarded_keywords,
        )

    @property
    def fullname(self) -> str:
        return f"{self.owner}.{self.member}"
