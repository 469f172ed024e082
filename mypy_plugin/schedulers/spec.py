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
    ``supplies_self``: whether the worker makes the instance a method target runs on, so that a method
    given through its class (Temporal's ``Child.run``) is called without its first parameter.
    ``job_names``: the string is instead a job's name, which the worker looks up in its own function list
    (`JobNames`): a literal name is resolved through the worker settings the project names, and checked.
    """

    __slots__ = ("accepts_name", "accepts_none", "job_names", "name", "position", "supplies_self")

    def __init__(
        self,
        name: str | None,
        position: int | None = None,
        accepts_none: bool = False,
        accepts_name: bool = False,
        supplies_self: bool = False,
        job_names: JobNames | None = None,
    ) -> None:
        self.name: Final = name
        self.position: Final = position
        self.accepts_none: Final = accepts_none
        self.accepts_name: Final = accepts_name or job_names is not None
        self.supplies_self: Final = supplies_self
        self.job_names: Final = job_names

    def index_in(self, names: Sequence[str | None]) -> int | None:
        if self.name is not None and self.name in names:
            return names.index(self.name)
        if self.position is not None and self.position < len(names):
            return self.position
        return None


class JobNames(Record):
    """Jobs named by a string that the worker looks up in its function list (arq, saq).

    ``library`` says how a worker's list is written and read (``"arq"``, ``"saq"``); ``settings`` are the
    worker settings the project names (``"app.worker:WorkerSettings"``), empty until configured: a name is
    then left unchecked. Both libraries' workers call the function with their context first.
    ``options`` are the scheduler's own keywords, for the one a misspelt keyword resembles.
    ``built``: the class of a job built beforehand, which may be given instead of a name (saq's ``Job``); its
    function is not known where it is enqueued, so such a call is not checked.
    """

    __slots__ = ("built", "library", "options", "settings")

    def __init__(
        self,
        library: str,
        options: frozenset[str],
        settings: tuple[str, ...] = (),
        built: str | None = None,
    ) -> None:
        self.library: Final = library
        self.options: Final = options
        self.settings: Final = settings
        self.built: Final = built


class Receiver(Record):
    """The scheduled function is the object the scheduling method is called on (``task.delay(...)``).

    ``attribute``: the receiver's attribute holding the function, whose type is the task's signature where
    the receiver's own type does not say it (huey's ``TaskWrapper.func``: calling the wrapper enqueues).
    ``parameters`` and ``returns``: the task's signature is read from the receiver's type arguments, its
    parameters from the ParamSpec at index ``parameters`` and its return type from index ``returns``, instead
    of from its ``__call__`` (procrastinate's ``Task[P, R, Args]`` is deferred with ``Args``).
    ``configured_by``: a class and its method whose result is the receiver (``task.configure(...).defer()``):
    the task is the object that method was called on, and that call's keyword ``merged_keywords`` (a dict)
    gives task keywords, those of the scheduling call taking precedence. Without such a call the scheduling
    call is not one.
    ``binds_methods``: a task defined in a class body and reached through an instance (``Svc().meth``) is
    given the instance as its first argument.
    ``context``: the class of a context the worker passes positionally before the caller's arguments, where
    the task's full signature (the ParamSpec at index 0) starts with it and the one the caller gives does
    not (procrastinate's ``pass_context=True``): a caller's keyword named like that parameter collides.
    """

    __slots__ = (
        "attribute",
        "binds_methods",
        "configured_by",
        "context",
        "merged_keywords",
        "parameters",
        "returns",
    )

    def __init__(
        self,
        attribute: str | None = None,
        parameters: int | None = None,
        returns: int | None = None,
        configured_by: tuple[str, str] | None = None,
        merged_keywords: str | None = None,
        binds_methods: bool = False,
        context: str | None = None,
    ) -> None:
        self.attribute: Final = attribute
        self.parameters: Final = parameters
        self.returns: Final = returns
        self.configured_by: Final = configured_by
        self.merged_keywords: Final = merged_keywords
        self.binds_methods: Final = binds_methods
        self.context: Final = context


class SignatureReceiver(Receiver):
    """The scheduled function is the task behind the signature the method is called on, made in the same
    expression by one of the task's methods (Celery's ``add.s(2).delay(3)``).

    A signature made by a ``mutable`` member puts the call's positional arguments before its own and its
    keywords over its own (Celery's ``s``); one made by an ``immutable`` member keeps only its own (``si``).
    ``task_class`` is the class of the tasks those members belong to. A signature from anywhere else (a
    variable) hides its task: the call is not checked.
    """

    __slots__ = ("immutable", "mutable", "task_class")

    def __init__(self, task_class: str, mutable: frozenset[str], immutable: frozenset[str]) -> None:
        super().__init__()
        self.task_class: Final = task_class
        self.mutable: Final = mutable
        self.immutable: Final = immutable


class Variadic(Record):
    """The task's arguments are the scheduler's own ``*args`` and ``**kwargs`` (named here; no ``args`` for
    a scheduler that passes keywords only).

    ``options`` are keywords the scheduler takes as its own, out of ``**kwargs`` (RQ's ``job_timeout``,
    ``description``) or as parameters of its own (Dask's ``key``, ``retries``): they never reach the task.
    ``packed_keywords`` name two keywords (a tuple and a dict) that, when either is given, carry the task's
    arguments instead; the scheduler then drops every other task argument (RQ's
    ``enqueue(f, args=(1,), kwargs={"x": 2})``). ``passed_options`` are the options of a sibling scheduler
    that this one does not take but passes to the task (Celery's ``delay`` passes ``countdown=5`` to the
    task; ``apply_async`` takes it); ``options_alternative`` names that sibling. ``drops_positionals``: the
    scheduler accepts positional arguments but passes the task its keywords only (procrastinate's
    ``defer``): the task's parameters can only be given by name.
    """

    __slots__ = (
        "args",
        "drops_positionals",
        "kwargs",
        "options",
        "options_alternative",
        "packed_keywords",
        "passed_options",
    )

    def __init__(
        self,
        args: str | None = "args",
        kwargs: str | None = "kwargs",
        options: frozenset[str] = frozenset(),
        packed_keywords: tuple[str, str] | None = None,
        passed_options: frozenset[str] = frozenset(),
        options_alternative: str | None = None,
        drops_positionals: bool = False,
    ) -> None:
        self.args: Final = args
        self.kwargs: Final = kwargs
        self.options: Final = options
        self.packed_keywords: Final = packed_keywords
        self.passed_options: Final = passed_options
        self.options_alternative: Final = options_alternative
        self.drops_positionals: Final = drops_positionals


class Packed(Record):
    """The task's arguments come as a positional tuple and a keyword dict (``args=``, ``kwargs=``)."""

    __slots__ = ("args", "kwargs")

    def __init__(self, args: Param | None, kwargs: Param | None) -> None:
        self.args: Final = args
        self.kwargs: Final = kwargs


class Mapped(Record):
    """The task is called once per item: its i-th positional argument is an item of the i-th iterable.

    ``iterables`` names the scheduler's ``*iterables`` parameter; ``kwargs`` its ``**kwargs``, whose
    keywords reach every call as they are (Dask's ``client.map(f, xs, ys, scale=2)`` calls ``f(x, y,
    scale=2)``). ``options`` are keywords the scheduler takes for itself, as for `Variadic`.
    ``maps_keywords``: keyword arguments are mapped too (prefect's ``add.map([1, 2], y=[3, 4])``).
    ``whole``: wrapper classes whose value reaches every call whole, unwrapped (prefect's ``unmapped(x)``).
    ``scalars_whole``: a value that is not iterable, or a ``str`` or ``bytes``, reaches every call whole.
    """

    __slots__ = ("iterables", "kwargs", "maps_keywords", "options", "scalars_whole", "whole")

    def __init__(
        self,
        iterables: str = "iterables",
        kwargs: str | None = "kwargs",
        options: frozenset[str] = frozenset(),
        maps_keywords: bool = False,
        whole: frozenset[str] = frozenset(),
        scalars_whole: bool = False,
    ) -> None:
        self.iterables: Final = iterables
        self.kwargs: Final = kwargs
        self.options: Final = options
        self.maps_keywords: Final = maps_keywords
        self.whole: Final = whole
        self.scalars_whole: Final = scalars_whole


class FutureResolution(Record):
    """Futures the scheduler replaces by their results before it calls the task.

    ``classes``: fully qualified names of the future classes (their subclasses too): an argument of such a
    class reaches the task as the future's result, its first type argument (``Future[int]`` as ``int``;
    a future whose result type is unknown as ``Any``). ``nested``: the scheduler also replaces the futures
    it finds inside lists, tuples, sets and dict values, at any depth, and hands the task plain ``list``,
    ``tuple``, ``set`` and ``dict`` objects in their place (Dask's ``parse_input``); without it only an
    argument that is itself a future is replaced (Ray's ``ObjectRef``). Either way, each item of a
    ``*value`` and each value of a ``**value`` is an argument itself, whatever the container.
    ``unwrapped``: wrapper classes the scheduler takes the value out of (prefect's ``allow_failure(future)``),
    whose futures it replaces in turn; ``quoted``: wrappers whose value it passes as it is (prefect's
    ``quote(...)``).
    """

    __slots__ = ("classes", "nested", "quoted", "unwrapped")

    def __init__(
        self,
        classes: frozenset[str],
        nested: bool = True,
        unwrapped: frozenset[str] = frozenset(),
        quoted: frozenset[str] = frozenset(),
    ) -> None:
        self.classes: Final = classes
        self.nested: Final = nested
        self.unwrapped: Final = unwrapped
        self.quoted: Final = quoted


class SingleOrPacked(Record):
    """The task takes one positional argument (``arg``), or the items of a packed sequence (``args=``).

    Giving both is a mistake the scheduler raises for (Temporal's ValueError); no keyword ever reaches the
    task. A sequence is looked into when its shape is known (a list or tuple literal, a fixed-length tuple).
    """

    __slots__ = ("arg", "args")

    def __init__(self, arg: Param, args: Param) -> None:
        self.arg: Final = arg
        self.args: Final = args


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

# What a receiver's task arguments are checked against (a `Receiver` entry):
# - "declared": the task's signature as the receiver's type gives it; where that type has lost the
#   parameters (a ParamSpec of ``...`` or ``Any``: Celery's ``@app.task``), the decorated definition the
#   receiver names;
# - "definition": always the decorated definition the receiver names (``f`` of ``f.remote(...)``,
#   ``h.m`` of ``h.m.remote(...)``), because the declared signature rejects correct calls (Ray's
#   ``RemoteFunction0.remote`` takes positional arguments only); where no definition is found, the call
#   is left to mypy on the declared signature;
# - "constructor": the constructor of the class the receiver is generic in (Ray's ``ActorClass[C]``).
CheckedAgainst = Literal["declared", "definition", "constructor"]


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
    ``resolved_futures``: the futures the scheduler replaces by their results among the task's arguments
    (`FutureResolution`); their results are what the task's parameters are checked against.
    ``target_decorator``: the decorator a function target must carry, or the scheduler raises (Temporal's
    ``temporalio.activity.defn``); only a plain function or method of source code without any decorator is
    reported, since another decorator may apply it.
    ``requires_one_of``: options of which the scheduler raises unless one is given (Temporal's activity
    timeouts).
    ``solved_from_target``: the call's type is solved from the target alone, the task's arguments standing
    for nothing, where the declared signature's own inference fails on correct calls: Temporal's overloads
    tie ``arg`` to the target's parameter through one type variable, which mypy cannot solve for ``[1, 2]``
    given to a ``list[float]``. The arguments themselves are checked against the task.
    ``checked_against``: what a receiver's task arguments are checked against (`CheckedAgainst`).
    ``reserved_when_configured``: keywords that fail at run time only once the receiver went through a
    configuration call whose result is still the task (Ray's ``f.options(...).remote(self=1)``, where
    ``f.remote(self=1)`` works).
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
        "checked_against",
        "completed_after",
        "completed_later",
        "coroutines",
        "forwarded_keywords",
        "is_method",
        "keyword_safe_alternative",
        "member",
        "name",
        "owner",
        "requires_one_of",
        "reserved_keywords",
        "reserved_when_configured",
        "resolved_futures",
        "result_callbacks",
        "schedules",
        "solved_from_target",
        "supplied_keywords",
        "target",
        "target_decorator",
    )

    def __init__(
        self,
        owner: str,
        member: str,
        name: str,
        target: Param | Receiver = _FUNC,
        arguments: Variadic | Packed | Mapped | SingleOrPacked = _ARGS_AND_KWARGS,
        reserved_keywords: frozenset[str] = frozenset(),
        keyword_safe_alternative: str | None = None,
        coroutines: Coroutines = "awaited",
        schedules: bool = True,
        is_method: bool = True,
        result_callbacks: tuple[Param, ...] = (),
        completed_later: bool = False,
        awaits_sync_results: bool = False,
        resolved_futures: FutureResolution | None = None,
        solved_from_target: bool = False,
        requires_one_of: frozenset[str] = frozenset(),
        target_decorator: str | None = None,
        checked_against: CheckedAgainst = "declared",
        reserved_when_configured: frozenset[str] = frozenset(),
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
        self.resolved_futures: Final = resolved_futures
        self.solved_from_target: Final = solved_from_target
        self.requires_one_of: Final = requires_one_of
        self.target_decorator: Final = target_decorator
        self.checked_against: Final = checked_against
        self.reserved_when_configured: Final = reserved_when_configured
        self.completed_after: Final = completed_after
        self.supplied_keywords: Final = supplied_keywords
        self.forwarded_keywords: Final = forwarded_keywords

    def replaced(self, **changes: object) -> SchedulerSpec:
        """The same entry with the fields named in ``changes`` given those values."""
        fields = dict(self.fields())
        fields.update(changes)
        return SchedulerSpec(**fields)  # type: ignore[arg-type]

    def named(self, name: str) -> SchedulerSpec:
        """The same entry, with messages calling the scheduler ``name`` (a decorator form of it)."""
        return self.replaced(name=name)

    @property
    def fullname(self) -> str:
        return f"{self.owner}.{self.member}"
