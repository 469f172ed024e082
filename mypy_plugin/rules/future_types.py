"""The type the task receives for an argument that holds futures: each future as its result.

A future's result is its first type argument (``Future[int]`` gives an ``int``). Where the scheduler looks
into containers (`FutureResolution`'s ``nested``), a list, tuple, set or dict value holding futures is
received as the plain builtin with their results; each item of a ``*value`` and each value of a
``**value`` is an argument itself, whatever holds it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from mypy.checker import TypeChecker
from mypy.maptype import map_instance_to_supertype
from mypy.nodes import ARG_STAR, ARG_STAR2, ArgKind
from mypy.types import (
    AnyType,
    Instance,
    TupleType,
    Type,
    TypedDictType,
    TypeOfAny,
    TypeVarType,
    UnboundType,
    UnionType,
    get_proper_type,
)
from mypy.typevars import fill_typevars

from ..schedulers import FutureResolution

# Containers whose futures are replaced, and which the task receives as the plain builtin class.
_ITEM_CONTAINERS: Final = ("builtins.list", "builtins.set", "builtins.tuple")
# Abstract containers: the object behind one may be a list (its futures replaced) or a generator (kept).
_ABSTRACT_COLLECTIONS: Final = frozenset(
    {
        "typing.Iterable",
        "typing.Collection",
        "typing.Container",
        "typing.Reversible",
        "typing.Sequence",
        "typing.MutableSequence",
        "typing.AbstractSet",
        "typing.MutableSet",
    }
)
_ABSTRACT_MAPPINGS: Final = frozenset({"typing.Mapping", "typing.MutableMapping"})
# Recursive type aliases stop here: deeper futures are left as they are.
_MAX_DEPTH: Final = 8


class FutureTypes:
    """Replaces the futures in an argument's type by their results, as the scheduler does.

    ``abstract``: also the futures inside abstract containers (``Iterable[Future[int]]``), a guess, since
    the object behind one may be a generator, which the scheduler passes as it is; ``guessed`` records that
    one was replaced.
    """

    def __init__(self, api: TypeChecker, resolution: FutureResolution, abstract: bool) -> None:
        self.api: Final = api
        self.resolution: Final = resolution
        self.abstract: Final = abstract
        self.guessed = False

    def given(self, typ: Type, kind: ArgKind) -> Type | None:
        """The type the task receives for an argument of type ``typ`` given as ``kind`` (``*value``,
        ``**value`` or a value); None if it holds no future that is replaced."""
        if kind in (ARG_STAR, ARG_STAR2):
            return self._unpacked(typ, kind)
        return self.type(typ, 0)

    def type(self, typ: Type, depth: int) -> Type | None:
        """``typ`` with its futures replaced by their results; None if it holds none that are replaced."""
        proper = get_proper_type(typ)
        if depth > _MAX_DEPTH:
            return None
        if isinstance(proper, UnionType):
            return self._union(proper, lambda item: self.type(item, depth + 1))
        if isinstance(proper, Instance):
            value = self._wrapped_value(proper, depth)
            if value is not None:
                return value
            result = self._future_result(proper)
            if result is not None or not self.resolution.nested:
                return result
            return self._container(proper, depth)
        if not self.resolution.nested:
            return None
        if isinstance(proper, TupleType):
            value = self._wrapped_value(proper.partial_fallback, depth, proper)
            return self._tuple(proper, depth) if value is None else value
        if isinstance(proper, TypedDictType):
            return self._typed_dict(proper, depth)
        return None

    def _unpacked(self, typ: Type, kind: ArgKind) -> Type | None:
        """A ``*value`` (``kind`` ARG_STAR) or ``**value``, its items (values) resolved as arguments."""
        proper = get_proper_type(typ)
        if isinstance(proper, UnionType):
            return self._union(proper, lambda item: self._unpacked(item, kind))
        if isinstance(proper, TupleType) and kind == ARG_STAR:
            return self._tuple(proper, 0)
        if isinstance(proper, TypedDictType) and kind == ARG_STAR2:
            return self._typed_dict(proper, 0)
        protocol = "typing.Iterable" if kind == ARG_STAR else "typing.Mapping"
        if not isinstance(proper, Instance) or not proper.type.has_base(protocol):
            return None
        mapped = map_instance_to_supertype(proper, self.api.lookup_typeinfo(protocol))
        item = self.type(mapped.args[-1], 1) if mapped.args else None
        if item is None:
            return None
        return _with_item(proper, mapped, item)

    def _union(self, union: UnionType, resolve: Callable[[Type], Type | None]) -> Type | None:
        items = _merged(union.items, [resolve(item) for item in union.items])
        return None if items is None else UnionType.make_union(items)

    def _tuple(self, tuple_type: TupleType, depth: int) -> Type | None:
        items = _merged(tuple_type.items, [self.type(item, depth + 1) for item in tuple_type.items])
        return None if items is None else tuple_type.copy_modified(items=items)

    def _typed_dict(self, typed_dict: TypedDictType, depth: int) -> Type | None:
        old = list(typed_dict.items.values())
        values = _merged(old, [self.type(value, depth + 1) for value in old])
        return None if values is None else typed_dict.copy_modified(item_types=values)

    def _wrapped_value(
        self, instance: Instance, depth: int, as_tuple: TupleType | None = None
    ) -> Type | None:
        """The value a wrapper the scheduler unwraps holds, its futures replaced unless it is a quote.

        The value's type is the wrapper's first type argument, or for a wrapper that is a tuple of one item
        (``as_tuple``), that item; ``Any`` where it is not known.
        """
        resolution = self.resolution
        if not resolution.unwrapped and not resolution.quoted:
            return None
        for base in instance.type.mro:
            if base.fullname in resolution.unwrapped or base.fullname in resolution.quoted:
                if as_tuple is not None:
                    args: Sequence[Type] = as_tuple.items
                else:
                    args = map_instance_to_supertype(instance, base).args
                value = args[0] if args else AnyType(TypeOfAny.from_omitted_generics)
                if isinstance(get_proper_type(value), UnboundType):
                    # A type variable the library's ``__new__`` left unsolved (``tuple[T?, ...]``).
                    value = AnyType(TypeOfAny.special_form)
                if base.fullname in resolution.quoted:
                    return value
                return self.type(value, depth + 1) or value
        return None

    def _future_result(self, instance: Instance) -> Type | None:
        """The result of a future: its first type argument; ``Any`` where it has none (not generic)."""
        for base in instance.type.mro:
            if base.fullname in self.resolution.classes:
                args = map_instance_to_supertype(instance, base).args
                return args[0] if args else AnyType(TypeOfAny.from_omitted_generics)
        return None

    def _container(self, instance: Instance, depth: int) -> Type | None:
        """A list, tuple, set or dict (a subclass's too) as the builtin the task receives, futures replaced.

        An abstract container's futures are replaced only when ``abstract`` is asked for (a guess).
        """
        fullname = instance.type.fullname
        if self.abstract and (fullname in _ABSTRACT_COLLECTIONS or fullname in _ABSTRACT_MAPPINGS):
            position = 1 if fullname in _ABSTRACT_MAPPINGS else 0
            if len(instance.args) <= position:
                return None
            item = self.type(instance.args[position], depth + 1)
            if item is None:
                return None
            self.guessed = True
            args = list(instance.args)
            args[position] = item
            return instance.copy_modified(args=args)
        for base in instance.type.mro:
            if base.fullname == "builtins.dict":
                mapped = map_instance_to_supertype(instance, base)
                value = self.type(mapped.args[1], depth + 1)
                if value is None:
                    return None
                return self.api.named_generic_type("builtins.dict", [mapped.args[0], value])
            if base.fullname in _ITEM_CONTAINERS:
                item = self.type(map_instance_to_supertype(instance, base).args[0], depth + 1)
                return None if item is None else self.api.named_generic_type(base.fullname, [item])
        return None


def _merged(old: Sequence[Type], new: list[Type | None]) -> list[Type] | None:
    """``old`` with each type resolved in ``new`` in its place; None if none is."""
    if all(item is None for item in new):
        return None
    return [item if replaced is None else replaced for item, replaced in zip(old, new, strict=True)]


def _with_item(instance: Instance, mapped: Instance, item: Type) -> Instance:
    """``instance`` with ``item`` for its items (values), its class kept where one of its type arguments is
    the item (``Iterator[int]``, ``dict[str, int]``); ``mapped``, the protocol, with ``item`` otherwise."""
    declared = fill_typevars(instance.type)
    if isinstance(declared, Instance) and len(declared.args) == len(instance.args):
        protocol_args = map_instance_to_supertype(declared, mapped.type).args
        source = protocol_args[-1]
        # Kept only where that type argument gives the items alone (not the keys of ``Mapping[T, T]``).
        if isinstance(source, TypeVarType) and source in declared.args and source not in protocol_args[:-1]:
            args = list(instance.args)
            args[declared.args.index(source)] = item
            return instance.copy_modified(args=args)
    return mapped.copy_modified(args=[*mapped.args[:-1], item])
