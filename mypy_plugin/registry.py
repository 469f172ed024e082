"""The schedulers: calls that take a function and the arguments it will be called with later.

Every scheduler is one `SchedulerSpec` entry. An entry names the class (or module) that defines the
scheduling callable, where the scheduled function sits in the call, how its arguments are handed over and
which keywords collide with the scheduler's own parameters. Dispatch looks the receiver's class up and walks
its MRO, so subclasses are covered and the most specific entry wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from mypy.nodes import ARG_STAR, ARG_STAR2, ArgKind, FuncDef, TypeInfo
from mypy.types import AnyType, CallableType, get_proper_type

CONSTRUCTOR: Final = "__init__"


@dataclass(frozen=True)
class Param:
    """A parameter of the scheduler: by name, or by position (``self`` not counted) if positional-only."""

    name: str | None
    position: int | None = None

    def index_in(self, names: Sequence[str | None]) -> int | None:
        if self.name is not None and self.name in names:
            return names.index(self.name)
        if self.position is not None and self.position < len(names):
            return self.position
        return None


@dataclass(frozen=True)
class Receiver:
    """The scheduled function is the object the scheduling method is called on (``task.delay(...)``)."""


@dataclass(frozen=True)
class Variadic:
    """The task's arguments are the scheduler's own ``*args`` and ``**kwargs`` (named here)."""

    args: str = "args"
    kwargs: str | None = "kwargs"


@dataclass(frozen=True)
class Packed:
    """The task's arguments come as a positional tuple and a keyword dict (``args=``, ``kwargs=``)."""

    args: Param | None
    kwargs: Param | None


@dataclass(frozen=True)
class SchedulerSpec:
    """One scheduling callable.

    ``owner`` is the fully qualified name of the class defining ``member`` (a method, or ``__init__`` for
    the constructor); for a plain function (``is_method`` false), ``owner`` is its module and ``member``
    its name. ``name`` is how messages call the scheduler.
    ``schedules`` is false for an entry that shadows a more general one without scheduling anything
    (``BackgroundTasks(tasks)`` takes tasks, not a function).
    ``awaits_coroutines`` says whether an ``async def`` target is awaited (Starlette's tasks) or only
    called, its coroutine dropped (a thread). A sync target returning an awaitable is never awaited.
    ``reserved_keywords`` fail at run time as task keywords; ``keyword_safe_alternative`` names a
    scheduler that takes them, for the message.
    """

    owner: str
    member: str
    name: str
    target: Param | Receiver = Param("func", 0)
    arguments: Variadic | Packed = Variadic()
    reserved_keywords: frozenset[str] = frozenset()
    keyword_safe_alternative: str | None = None
    awaits_coroutines: bool = True
    schedules: bool = True
    is_method: bool = True

    @property
    def fullname(self) -> str:
        return f"{self.owner}.{self.member}"


_STARLETTE_RESERVED: Final = frozenset({"func", "self"})

BUILTIN_SCHEDULERS: Final[tuple[SchedulerSpec, ...]] = (
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
            SchedulerSpec(owner=f"{module}.BackgroundTasks", member="add_task", name="add_task"),
            SchedulerSpec(owner=f"{module}.BackgroundTask", member=CONSTRUCTOR, name="BackgroundTask"),
            SchedulerSpec(
                owner=f"{module}.BackgroundTasks",
                member=CONSTRUCTOR,
                name="BackgroundTasks",
                schedules=False,
            ),
        )
    ),
)


@dataclass(frozen=True)
class Registry:
    """The schedulers indexed by member name, so that most lookups end at one dictionary miss."""

    by_member: Mapping[str, Mapping[str, SchedulerSpec]]
    functions: Mapping[str, SchedulerSpec]

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
    target_type = get_proper_type(signature.arg_types[index + 1])
    return isinstance(target_type, CallableType | AnyType)


def _has(names: Sequence[str | None], kinds: Sequence[ArgKind], name: str, kind: ArgKind) -> bool:
    return name in names and kinds[names.index(name)] == kind
