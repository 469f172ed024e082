"""The schedulers: calls that take a function and the arguments it will be called with later.

Every scheduler is one `SchedulerSpec` entry. An entry names the class (or module) that defines the
scheduling callable, where the scheduled function sits in the call, how its arguments are handed over and
which keywords collide with the scheduler's own parameters. Dispatch looks the receiver's class up and walks
its MRO, so subclasses are covered and the most specific entry wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Final, Literal, get_args

from mypy.nodes import ARG_STAR, ARG_STAR2, ArgKind, FuncDef, TypeInfo, Var
from mypy.types import AnyType, CallableType, Instance, TypeType, get_proper_type
from mypy.types_utils import remove_optional

from bgtyped._queue_options import RQ_OPTIONS

CONSTRUCTOR: Final = "__init__"


class Record:
    """A value object: its fields are its ``__slots__``; records compare, hash and print by them.

    mypy imports the plugin in every run, cached or not: a plain slotted class costs about a tenth of a
    ``NamedTuple`` to define. Fields are ``Final``; nothing assigns them after ``__init__``.
    """

    __slots__ = ()

    def fields(self) -> list[tuple[str, object]]:
        """The fields' names and values, in the order of ``__slots__``."""
        names: tuple[str, ...] = type(self).__slots__
        return [(name, getattr(self, name)) for name in names]

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and isinstance(other, Record) and other.fields() == self.fields()

    def __hash__(self) -> int:
        return hash((type(self), tuple(value for _, value in self.fields())))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.fields())
        return f"{type(self).__name__}({fields})"


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
    """The scheduled function is the object the scheduling method is called on (``task.delay(...)``)."""

    __slots__ = ()


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
    """

    __slots__ = (
        "arguments",
        "awaits_sync_results",
        "completed_later",
        "coroutines",
        "is_method",
        "keyword_safe_alternative",
        "member",
        "name",
        "owner",
        "reserved_keywords",
        "result_callbacks",
        "schedules",
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

    @property
    def fullname(self) -> str:
        return f"{self.owner}.{self.member}"


_STARLETTE_RESERVED: Final = frozenset({"func", "self"})

BACKGROUND_TASKS: Final[tuple[SchedulerSpec, ...]] = (
    SchedulerSpec(
        owner="starlette.background.BackgroundTasks",
        member="add_task",
        name="add_task",
        reserved_keywords=_STARLETTE_RESERVED,
        keyword_safe_alternative='bgtyped\'s "add_task"',
    ),
    SchedulerSpec(
        owner="starlette.background.BackgroundTask",
        member=CONSTRUCTOR,
        name="BackgroundTask",
        reserved_keywords=_STARLETTE_RESERVED,
        keyword_safe_alternative='bgtyped\'s "BackgroundTask"',
    ),
    SchedulerSpec(
        owner="starlette.background.BackgroundTasks",
        member=CONSTRUCTOR,
        name="BackgroundTasks",
        schedules=False,
    ),
    SchedulerSpec(
        owner="fastapi.background.BackgroundTasks",
        member="add_task",
        name="add_task",
        reserved_keywords=_STARLETTE_RESERVED,
        keyword_safe_alternative='bgtyped\'s "add_task"',
    ),
    # bgtyped's classes, under their public names (what its stubs define) and where the runtime defines
    # them (what mypy sees when it reads the package's source instead of the stubs).
    *(
        spec
        for module in ("bgtyped", "bgtyped._tasks")
        for spec in (
            SchedulerSpec(
                owner=f"{module}.BackgroundTasks",
                member="add_task",
                name="add_task",
                awaits_sync_results=True,
            ),
            SchedulerSpec(
                owner=f"{module}.BackgroundTask",
                member=CONSTRUCTOR,
                name="BackgroundTask",
                awaits_sync_results=True,
            ),
            SchedulerSpec(
                owner=f"{module}.BackgroundTasks",
                member=CONSTRUCTOR,
                name="BackgroundTasks",
                schedules=False,
            ),
        )
    ),
)


_THREAD_ARGUMENTS: Final = Packed(Param("args", 3), Param("kwargs", 4))
_LOOP: Final = "asyncio.events.AbstractEventLoop"
_CELERY_TASK: Final = "celery.app.task.Task"
_POOL: Final = "multiprocessing.pool.Pool"
_POOL_ARGUMENTS: Final = Packed(Param("args", 1), Param("kwds", 2))
_RQ_QUEUE: Final = "rq.queue.Queue"
_RQ_ENQUEUE_ARGUMENTS: Final = Variadic(options=RQ_OPTIONS, packed_keywords=("args", "kwargs"))

# Everywhere else a function and its arguments are handed over to be called later: threads, processes,
# executors, event loop callbacks, task groups and task queues. Entries of libraries that are not
# installed are never looked up.
DEFERRED_CALLS: Final[tuple[SchedulerSpec, ...]] = (
    SchedulerSpec(
        owner="starlette.concurrency",
        member="run_in_threadpool",
        name="run_in_threadpool",
        reserved_keywords=frozenset({"func"}),
        coroutines="dropped",
        is_method=False,
    ),
    SchedulerSpec(
        owner="asyncio.threads",
        member="to_thread",
        name="to_thread",
        coroutines="dropped",
        is_method=False,
    ),
    SchedulerSpec(
        owner="anyio.to_thread",
        member="run_sync",
        name="run_sync",
        arguments=Variadic(kwargs=None),
        coroutines="dropped",
        is_method=False,
    ),
    SchedulerSpec(
        owner="concurrent.futures._base.Executor",
        member="submit",
        name="submit",
        target=Param("fn", 0),
        coroutines="dropped",
    ),
    SchedulerSpec(
        owner=_LOOP,
        member="run_in_executor",
        name="run_in_executor",
        target=Param("func", 1),
        arguments=Variadic(kwargs=None),
        coroutines="dropped",
    ),
    *(
        SchedulerSpec(
            owner=_LOOP,
            member=member,
            name=member,
            target=Param("callback", position),
            arguments=Variadic(kwargs=None),
            coroutines="dropped",
        )
        for member, position in (
            ("call_soon", 0),
            ("call_soon_threadsafe", 0),
            ("call_later", 1),
            ("call_at", 1),
        )
    ),
    SchedulerSpec(
        owner="anyio.abc._tasks.TaskGroup",
        member="start_soon",
        name="start_soon",
        arguments=Variadic(kwargs=None),
        coroutines="required",
    ),
    SchedulerSpec(
        owner="threading.Thread",
        member=CONSTRUCTOR,
        name="Thread",
        target=Param("target", 1, accepts_none=True),
        arguments=_THREAD_ARGUMENTS,
        coroutines="dropped",
    ),
    SchedulerSpec(
        owner="threading.Timer",
        member=CONSTRUCTOR,
        name="Timer",
        target=Param("function", 1),
        arguments=Packed(Param("args", 2), Param("kwargs", 3)),
        coroutines="dropped",
    ),
    SchedulerSpec(
        owner="multiprocessing.process.BaseProcess",
        member=CONSTRUCTOR,
        name="Process",
        target=Param("target", 1, accepts_none=True),
        arguments=_THREAD_ARGUMENTS,
        coroutines="dropped",
    ),
    # ``get_context().Process``: each context holds its own subclass of BaseProcess.
    SchedulerSpec(
        owner="multiprocessing.context.BaseContext",
        member="Process",
        name="Process",
        target=Param("target", 1, accepts_none=True),
        arguments=_THREAD_ARGUMENTS,
        coroutines="dropped",
    ),
    # Task queues: the receiver is the task (``send_email.delay(...)``).
    SchedulerSpec(
        owner=_CELERY_TASK,
        member="delay",
        name="delay",
        target=Receiver(),
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
    SchedulerSpec(owner="dramatiq.actor.Actor", member="send", name="send", target=Receiver()),
    SchedulerSpec(
        owner="dramatiq.actor.Actor",
        member="send_with_options",
        name="send_with_options",
        target=Receiver(),
        arguments=Packed(Param("args"), Param("kwargs")),
    ),
    # Celery's signatures: ``si`` is complete and immutable; ``s`` and ``signature`` (``subtask``) are
    # partial, completed by a chain's previous result.
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
    # RQ (3.0): ``enqueue`` and its scheduled forms take RQ's options out of ``**kwargs``, and switch to
    # ``args=``/``kwargs=`` when either is given; ``enqueue_call`` takes the options as parameters.
    *(
        SchedulerSpec(
            owner=_RQ_QUEUE,
            member=member,
            name=member,
            target=Param(target, position, accepts_name=True),
            arguments=_RQ_ENQUEUE_ARGUMENTS,
            # Parameters of the method and of the ``parse_args`` it hands ``**kwargs`` to.
            reserved_keywords=frozenset({"self", "cls", "f", *extra_reserved}),
            keyword_safe_alternative=alternative,
            coroutines="result-awaited",
        )
        for member, target, position, extra_reserved, alternative in (
            ("enqueue", "f", 0, (), "enqueue_call(func, kwargs={...})"),
            ("enqueue_in", "func", 1, ("datetime",), "enqueue_in(delta, func, kwargs={...})"),
            ("enqueue_at", "f", 1, (), "enqueue_at(when, func, kwargs={...})"),
        )
    ),
    SchedulerSpec(
        owner=_RQ_QUEUE,
        member="enqueue_call",
        name="enqueue_call",
        target=Param("func", 0, accepts_name=True),
        arguments=Packed(Param("args", 1), Param("kwargs", 2)),
        coroutines="result-awaited",
    ),
    # multiprocessing pools (ThreadPool too): the callback receives the task's return value.
    SchedulerSpec(
        owner=_POOL,
        member="apply",
        name="apply",
        arguments=_POOL_ARGUMENTS,
        coroutines="dropped",
    ),
    SchedulerSpec(
        owner=_POOL,
        member="apply_async",
        name="apply_async",
        arguments=_POOL_ARGUMENTS,
        coroutines="dropped",
        result_callbacks=(Param("callback", 3),),
    ),
    *(
        SchedulerSpec(
            owner="sched.scheduler",
            member=member,
            name=member,
            target=Param("action", 2),
            arguments=Packed(Param("argument", 3), Param("kwargs", 4)),
            coroutines="dropped",
        )
        for member in ("enter", "enterabs")
    ),
    SchedulerSpec(
        owner="trio._core._run.Nursery",
        member="start_soon",
        name="start_soon",
        target=Param("async_fn", 0),
        arguments=Variadic(kwargs=None),
        coroutines="required",
    ),
)

BUILTIN_SCHEDULERS: Final[tuple[SchedulerSpec, ...]] = BACKGROUND_TASKS + DEFERRED_CALLS


class Registry:
    """The schedulers indexed by member name, so that most lookups end at one dictionary miss."""

    __slots__ = ("by_member", "functions")

    def __init__(
        self, by_member: Mapping[str, Mapping[str, SchedulerSpec]], functions: Mapping[str, SchedulerSpec]
    ) -> None:
        self.by_member: Final = by_member
        self.functions: Final = functions

    @classmethod
    def build(cls, specs: Iterable[SchedulerSpec]) -> Registry:
        by_member: dict[str, dict[str, SchedulerSpec]] = {}
        functions: dict[str, SchedulerSpec] = {}
        for spec in specs:
            if spec.is_method:
                by_member.setdefault(spec.member, {})[spec.owner] = spec
            else:
                functions[spec.fullname] = spec
        return cls(by_member, functions)

    def has_registered_base(self, info: TypeInfo, member: str) -> bool:
        """Whether a class of ``info``'s MRO has an entry for ``member`` (the MRO alone decides)."""
        owners = self.by_member.get(member)
        return owners is not None and any(base.fullname in owners for base in info.mro)

    def for_class(self, info: TypeInfo, member: str) -> SchedulerSpec | None:
        """The entry for ``info.member``, if the most specific registered base defines one that schedules.

        An override of the member in a user subclass is followed only while it keeps the scheduler's
        shape; otherwise the class is a different API and is left alone.
        """
        owners = self.by_member.get(member)
        if owners is None:
            return None
        for base in info.mro:
            spec = owners.get(base.fullname)
            if spec is None:
                continue
            if not spec.schedules:
                return None
            defining = info.get_containing_type_info(member)
            if defining is None or defining is base or _keeps_shape(defining, member, spec):
                return spec
            return None
        return None


def _keeps_shape(info: TypeInfo, member: str, spec: SchedulerSpec) -> bool:
    """Whether the member as (re)defined in ``info`` still takes target and arguments where ``spec`` says."""
    node = info.names[member].node
    if isinstance(node, Var):
        # A class held by an attribute (``context.Process``): calling it calls its constructor.
        held = get_proper_type(node.type)
        if not isinstance(held, TypeType) or not isinstance(held.item, Instance):
            return False
        constructor = held.item.type.get_containing_type_info(CONSTRUCTOR)
        return constructor is not None and _keeps_shape(constructor, CONSTRUCTOR, spec)
    if not isinstance(node, FuncDef) or node.is_static:
        return False
    names = node.arg_names[1:]
    kinds = node.arg_kinds[1:]
    arguments = spec.arguments
    if isinstance(arguments, Variadic):
        if not _has(names, kinds, arguments.args, ARG_STAR):
            return False
        if arguments.kwargs is not None and not _has(names, kinds, arguments.kwargs, ARG_STAR2):
            return False
    else:
        slots = [slot for slot in (arguments.args, arguments.kwargs) if slot is not None]
        if any(slot.index_in(names) is None for slot in slots):
            return False
    if isinstance(spec.target, Receiver):
        return True
    index = spec.target.index_in(names)
    if index is None or not kinds[index].is_positional():
        return False
    signature = node.type
    if not isinstance(signature, CallableType):
        return True  # an untyped override: nothing says it takes something else than a function
    target_type = get_proper_type(remove_optional(signature.arg_types[index + 1]))
    return isinstance(target_type, CallableType | AnyType)


def _has(names: Sequence[str | None], kinds: Sequence[ArgKind], name: str, kind: ArgKind) -> bool:
    return name in names and kinds[names.index(name)] == kind
