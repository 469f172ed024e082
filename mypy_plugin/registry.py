"""How a call finds its scheduler entry: the entries by member name, looked up along the receiver's MRO.

Subclasses are covered and the most specific entry wins; an override that changes the scheduler's shape
makes the class a different API, left alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from mypy.nodes import ARG_STAR, ARG_STAR2, ArgKind, FuncDef, TypeInfo, Var
from mypy.types import AnyType, CallableType, Instance, TypeType, UnionType, get_proper_type
from mypy.types_utils import remove_optional

from .schedulers.spec import CONSTRUCTOR, Mapped, Packed, Receiver, SchedulerSpec, Variadic


class Registry:
    """The schedulers indexed by member name, so that most lookups end at one dictionary miss.

    Entries are added as their families are loaded; an entry already there for the same callable (the
    project's own) keeps its place.
    """

    __slots__ = ("by_member", "functions")

    def __init__(self) -> None:
        self.by_member: Final[dict[str, dict[str, SchedulerSpec]]] = {}
        self.functions: Final[dict[str, SchedulerSpec]] = {}

    @classmethod
    def build(cls, specs: Iterable[SchedulerSpec]) -> Registry:
        """A registry of ``specs``; of two entries for the same callable, the later one."""
        registry = cls()
        for spec in specs:
            if spec.is_method:
                registry.by_member.setdefault(spec.member, {})[spec.owner] = spec
            else:
                registry.functions[spec.fullname] = spec
        return registry

    def add(self, specs: Iterable[SchedulerSpec]) -> None:
        """Add ``specs``, but where the registry has an entry for the same callable already."""
        for spec in specs:
            if spec.is_method:
                self.by_member.setdefault(spec.member, {}).setdefault(spec.owner, spec)
            else:
                self.functions.setdefault(spec.fullname, spec)

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
    if isinstance(arguments, Variadic | Mapped):
        star = arguments.args if isinstance(arguments, Variadic) else arguments.iterables
        if star is not None and not _has(names, kinds, star, ARG_STAR):
            return False
        if arguments.kwargs is not None and not _has(names, kinds, arguments.kwargs, ARG_STAR2):
            return False
    else:
        given = (arguments.args, arguments.kwargs) if isinstance(arguments, Packed) else (arguments.arg,)
        slots = [slot for slot in given if slot is not None]
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
    if isinstance(target_type, UnionType) and spec.target.accepts_name:
        # A function or its import path (APScheduler's ``func: Callable[..., object] | str``).
        return any(isinstance(get_proper_type(item), CallableType) for item in target_type.items)
    return isinstance(target_type, CallableType | AnyType)


def _has(names: Sequence[str | None], kinds: Sequence[ArgKind], name: str, kind: ArgKind) -> bool:
    return name in names and kinds[names.index(name)] == kind
