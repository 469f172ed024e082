"""From the type of a scheduled object to the signature(s) it will be called with."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from mypy.checker import TypeChecker
from mypy.nodes import (
    ARG_NAMED,
    ARG_NAMED_OPT,
    ARG_OPT,
    ARG_POS,
    FUNC_NO_INFO,
    NOT_ABSTRACT,
    Context,
    Decorator,
    FuncDef,
    MypyFile,
)
from mypy.subtypes import find_member
from mypy.type_visitor import TypeQuery
from mypy.types import (
    AnyType,
    CallableType,
    FunctionLike,
    Instance,
    LiteralType,
    NoneType,
    Overloaded,
    ProperType,
    TupleType,
    Type,
    TypedDictType,
    TypeType,
    TypeVarType,
    UnboundType,
    UninhabitedType,
    UnionType,
    get_proper_type,
)

from .compat import any_type_query
from .records import Record

AWAITABLE: Final = "typing.Awaitable"
COROUTINE: Final = "typing.Coroutine"
# ``asyncio.Future`` as typeshed has defined it (``_asyncio``, earlier ``asyncio.futures``), and the
# thread pools' ``Future``.
FUTURES: Final = ("_asyncio.Future", "asyncio.futures.Future", "concurrent.futures._base.Future")
PARTIAL: Final = "functools.partial"
# Extra attributes of a partial's type: mypy's record of what it still accepts, and bgtyped's records of
# the function it wraps and (a marker) whether that function is a plain sync ``def`` of source code.
PARTIAL_SIGNATURE: Final = "__mypy_partial"
WRAPPED_SIGNATURE: Final = "__bgtyped_partial_wraps"
WRAPS_SYNC_DEF: Final = "__bgtyped_partial_wraps_sync_def"


class Callee(Record):
    """A callable target: what it will be called with (a CallableType, an Overloaded, or a union of those).

    For a ``functools.partial``: the parameters it passes by position, and whether the function it wraps
    is a plain sync ``def`` (``None`` for other targets, whose definition tells).
    """

    __slots__ = ("bound_positionally", "signature", "wraps_sync_def")

    def __init__(
        self,
        signature: ProperType,
        bound_positionally: frozenset[str] = frozenset(),
        wraps_sync_def: bool | None = None,
    ) -> None:
        self.signature: Final = signature
        self.bound_positionally: Final = bound_positionally
        self.wraps_sync_def: Final = wraps_sync_def


class Unchecked:
    """A target whose signature is unknown (``Any``, untyped): no guessing."""

    __slots__ = ()


class NotCallable(Record):
    """Something that cannot be called; ``awaitable`` and ``none`` mark what a call returned."""

    __slots__ = ("awaitable", "none", "type")

    def __init__(self, type: ProperType, awaitable: bool, none: bool) -> None:
        self.type: Final = type
        self.awaitable: Final = awaitable
        self.none: Final = none


class PartlyCallable(Record):
    """A union some of whose members are callable (``callable``) and some not (``others``, their union)."""

    __slots__ = ("callable", "others")

    def __init__(self, callable: Callee | Unchecked, others: ProperType) -> None:
        self.callable: Final = callable
        self.others: Final = others


Target = Callee | Unchecked | NotCallable | PartlyCallable


def resolve(typ: Type, chk: TypeChecker, context: Context) -> Target:
    """The signature(s) a scheduled object of type ``typ`` is called with."""
    proper = get_proper_type(typ)
    if isinstance(proper, FunctionLike):
        # A type that semantic analysis left unanalysed (printed ``Result?``) is not known: no guessing.
        return Unchecked() if _has_unanalysed(proper) else Callee(proper)
    if isinstance(proper, TypeVarType):
        return resolve(proper.upper_bound, chk, context)
    if isinstance(proper, TypeType):
        return resolve(chk.expr_checker.analyze_type_type_callee(proper.item, context), chk, context)
    if isinstance(proper, UnionType):
        return _resolve_union(proper, chk, context)
    if isinstance(proper, NoneType):
        return NotCallable(proper, awaitable=False, none=True)
    if isinstance(proper, LiteralType | TypedDictType):
        return _resolve_instance(proper, proper.fallback)
    if isinstance(proper, TupleType):
        return _resolve_instance(proper, proper.partial_fallback)
    if isinstance(proper, Instance):
        return _resolve_instance(proper, proper)
    return Unchecked()


def _has_unanalysed(signature: FunctionLike) -> bool:
    """Whether semantic analysis left a type in the signature unanalysed."""
    if isinstance(signature, CallableType) and _plain_types([*signature.arg_types, signature.ret_type]):
        return False
    return signature.accept(any_type_query(_HasUnanalysed))


# The types most signatures are made of, which hold no other type (an instance: only through its arguments).
_LEAF_TYPES: Final = (AnyType, NoneType, UninhabitedType)


def _plain_types(types: Iterable[Type]) -> bool:
    """Whether ``types`` are built of instances and leaf types only: nothing unanalysed, read at a glance.

    Most signatures are; the full query (`_HasUnanalysed`) costs several times as much.
    """
    for typ in types:
        if type(typ) is Instance:
            if typ.args and not _plain_types(typ.args):
                return False
        elif type(typ) not in _LEAF_TYPES:
            return False
    return True


class _HasUnanalysed(TypeQuery[bool]):
    # Compiled mypy lets plugins subclass TypeQuery, not its faster BoolTypeQuery.
    def strategy(self, items: list[bool]) -> bool:
        return any(items)

    def visit_unbound_type(self, t: UnboundType) -> bool:
        return True


def _resolve_instance(typ: ProperType, instance: Instance) -> Target:
    partial = partial_signature(instance)
    if partial is not None:
        if _has_unanalysed(partial):
            return Unchecked()
        wraps_sync_def = instance.extra_attrs is not None and WRAPS_SYNC_DEF in instance.extra_attrs.immutable
        return Callee(partial, _bound_positionally(partial, wrapped_signature(instance)), wraps_sync_def)
    call = find_member("__call__", instance, instance, is_operator=True)
    if call is not None:
        call = get_proper_type(call)
        if isinstance(call, FunctionLike):
            return Callee(call)
        return Unchecked()
    return NotCallable(typ, awaitable=instance.type.has_base(AWAITABLE), none=False)


def _resolve_union(union: UnionType, chk: TypeChecker, context: Context) -> Target:
    """The known members of a union, each of which may be the one called.

    Members whose signature is unknown (``Any | Callable[[int], int]``) accept anything; the known ones
    are checked, as mypy checks a direct call of the union item by item.
    """
    targets = [resolve(item, chk, context) for item in union.items]
    others = [
        get_proper_type(item)
        for item, target in zip(union.items, targets, strict=True)
        if not isinstance(target, Callee | Unchecked)
    ]
    known = [target.signature for target in targets if isinstance(target, Callee)]
    if len(others) == len(targets):
        return NotCallable(union, awaitable=False, none=False)
    callable_part: Callee | Unchecked = Callee(UnionType.make_union(known)) if known else Unchecked()
    if others:
        return PartlyCallable(callable_part, UnionType.make_union(others))
    return callable_part


def _bound_positionally(partial: CallableType, wrapped: CallableType | None) -> frozenset[str]:
    """Parameters of the partial's target that it already passes by position.

    mypy drops them from the partial's signature; when that signature ends in ``**kwargs`` a keyword of
    the same name would be accepted, yet fails at run time.
    """
    if wrapped is None:
        return frozenset()
    remaining = set(partial.arg_names)
    return frozenset(
        name
        for name, kind in zip(wrapped.arg_names, wrapped.arg_kinds, strict=True)
        if name is not None and kind.is_positional() and name not in remaining
    )


def partial_signature(instance: Instance) -> CallableType | None:
    """What a ``functools.partial`` instance still accepts, as mypy recorded it."""
    return _extra_callable(instance, PARTIAL_SIGNATURE)


def wrapped_signature(instance: Instance) -> CallableType | None:
    """The signature of the function a ``functools.partial`` instance wraps."""
    return _extra_callable(instance, WRAPPED_SIGNATURE)


def _extra_callable(instance: Instance, name: str) -> CallableType | None:
    if instance.type.fullname != PARTIAL or instance.extra_attrs is None:
        return None
    signature = get_proper_type(instance.extra_attrs.attrs.get(name))
    return signature if isinstance(signature, CallableType) else None


def is_plain_sync_def(signature: CallableType, chk: TypeChecker) -> bool:
    """A class, or a concrete ``def`` in source code that no decorator may have made async.

    A stub's ``def f() -> Coroutine[...]`` may stand for an ``async def``: only source code tells. So may a
    Protocol member or an abstract method: what runs is an implementation, which may be an ``async def``.
    """
    if signature.is_type_obj():
        return True
    definition = signature.definition
    if isinstance(definition, FuncDef) and definition.is_decorated and definition.info is not FUNC_NO_INFO:
        # Older mypy releases point a decorated method's signature to its function, not its decorators.
        member = definition.info.names.get(definition.name)
        if member is not None and isinstance(member.node, Decorator):
            definition = member.node
    if isinstance(definition, Decorator):
        # A static or class method: mypy keeps the other decorators, which may have made it async.
        if definition.decorators:
            return False
        definition = definition.func
    if not isinstance(definition, FuncDef) or definition.is_coroutine:
        return False
    if definition.is_decorated and not (definition.is_static or definition.is_class):
        return False
    if definition.abstract_status != NOT_ABSTRACT or (
        definition.info is not FUNC_NO_INFO and definition.info.is_protocol
    ):
        return False
    module = _defining_module(definition.fullname, chk)
    return module is not None and not module.is_stub


def _defining_module(fullname: str, chk: TypeChecker) -> MypyFile | None:
    name = fullname
    while "." in name:
        name = name.rpartition(".")[0]
        module = chk.modules.get(name)
        if module is not None:
            return module
    return None


def with_name(signature: ProperType, scheduler: str, fallback: str, forced: str | None = None) -> ProperType:
    """The same signature(s), named so that mypy's messages name each task and its scheduler.

    A task is named by ``forced`` if given, else by its own name, else by ``fallback`` (for a
    ``Callable`` value or a lambda, which have no name of their own). A forced name stands for a
    receiver's ``__call__``, whose definition is not the task's: mypy is not pointed to it.
    """
    from . import messages

    if isinstance(signature, CallableType):
        name = forced or display_name(signature) or fallback
        definition = None if forced else signature.definition
        return signature.copy_modified(name=messages.callee_name(name, scheduler), definition=definition)
    if isinstance(signature, Overloaded):
        name = forced or display_name(signature) or fallback
        return Overloaded(
            [
                item.copy_modified(
                    name=messages.overload_name(name, scheduler),
                    definition=None if forced else item.definition,
                )
                for item in signature.items
            ]
        )
    if isinstance(signature, UnionType):
        return UnionType.make_union(
            [with_name(get_proper_type(item), scheduler, fallback, forced) for item in signature.items]
        )
    return signature


def display_name(signature: ProperType) -> str | None:
    """The target's own name as mypy shows it (``send_email``, ``notify of Mailer``), if it has one."""
    if isinstance(signature, FunctionLike):
        name = signature.get_name()
        if name is not None and not name.startswith("<"):
            return name
    return None


def runs_only_when_awaited(typ: Type) -> bool:
    """Whether a value of type ``typ`` is, on every path, an awaitable whose work runs only when awaited.

    A coroutine, or an awaitable of unknown kind, is lost if nobody awaits it. An ``asyncio.Future``
    (a ``Task``) is work already scheduled, or a result to be set by someone else: it runs whether or not
    the value is awaited. A union that merely may be awaitable (``int | Awaitable[int]``,
    ``Any | Awaitable[Any]``) is the signature of a callback that may be sync or async, which frameworks
    tell apart at run time.
    """
    proper = get_proper_type(typ)
    if isinstance(proper, Instance):
        info = proper.type
        return info.has_base(AWAITABLE) and not any(map(info.has_base, FUTURES))
    if isinstance(proper, UnionType):
        return all(runs_only_when_awaited(item) for item in proper.items)
    return False


def may_not_be_coroutine(typ: Type) -> bool:
    """Whether a value of type ``typ`` may, on some path, be something other than a coroutine.

    ``Any``, a type variable and ``NoReturn`` say nothing; an awaitable that is not a ``Coroutine`` does.
    """
    proper = get_proper_type(typ)
    if isinstance(proper, UnionType):
        return any(may_not_be_coroutine(item) for item in proper.items)
    if isinstance(proper, Instance):
        return not proper.type.has_base(COROUTINE)
    return not isinstance(proper, AnyType | TypeVarType | UninhabitedType)


def without_first_parameter(signature: CallableType) -> CallableType:
    """The signature without its first parameter: the one that binding, or the worker, fills itself."""
    return signature.copy_modified(
        arg_types=signature.arg_types[1:],
        arg_kinds=signature.arg_kinds[1:],
        arg_names=signature.arg_names[1:],
    )


def _optional_parameters(signature: CallableType, names: set[str] | None = None) -> CallableType:
    """The signature with its parameters named in ``names`` (all of them if None) optional."""
    optional = {ARG_POS: ARG_OPT, ARG_NAMED: ARG_NAMED_OPT}
    return signature.copy_modified(
        arg_kinds=[
            optional.get(kind, kind) if names is None or name in names else kind
            for kind, name in zip(signature.arg_kinds, signature.arg_names, strict=True)
        ]
    )


def with_optional_parameters(signature: ProperType, names: set[str] | None = None) -> ProperType:
    """The same signature(s) with the parameters named in ``names`` (all of them if None) optional."""
    if isinstance(signature, CallableType):
        return _optional_parameters(signature, names)
    if isinstance(signature, Overloaded):
        return Overloaded([_optional_parameters(item, names) for item in signature.items])
    if isinstance(signature, UnionType):
        return UnionType.make_union(
            [with_optional_parameters(get_proper_type(item), names) for item in signature.items]
        )
    return signature
