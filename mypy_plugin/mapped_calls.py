"""The arguments of a mapping scheduler's calls of the task: an item of each iterable, the same keywords."""

from __future__ import annotations

from typing import Final

from mypy.checker import TypeChecker
from mypy.erasetype import remove_instance_last_known_values
from mypy.nodes import (
    ARG_NAMED,
    ARG_POS,
    ARG_STAR,
    ARG_STAR2,
    CallExpr,
    DictExpr,
    Expression,
    LambdaExpr,
    ListComprehension,
    ListExpr,
    SetExpr,
    StarExpr,
    TempNode,
    TupleExpr,
)
from mypy.plugin import FunctionContext, MethodContext
from mypy.subtypes import is_subtype
from mypy.types import (
    AnyType,
    Instance,
    TupleType,
    Type,
    TypeOfAny,
    UnboundType,
    UnionType,
    get_proper_type,
)

from .schedulers import Mapped, Variadic
from .task_calls import Arguments, argument_types, variadic_arguments


def mapped_arguments(
    ctx: FunctionContext | MethodContext, arguments: Mapped, call: CallExpr
) -> Arguments | None:
    """The arguments of one of the task's calls by a mapping scheduler: an item of each iterable, in order.

    ``*iterables`` of unknown number leave the task's positional arguments unchecked.
    """
    given = variadic_arguments(ctx, Variadic(arguments.iterables, arguments.kwargs), call)
    if given is None:
        return None
    values, kinds, names = given
    positional = {id(arg) for arg in ctx.args[ctx.callee_arg_names.index(arguments.iterables)]}
    unknown = AnyType(TypeOfAny.special_form)
    args: list[Expression] = []
    for value, kind in zip(values, kinds, strict=True):
        if id(value) not in positional and not (arguments.maps_keywords and kind != ARG_POS):
            args.append(value)
        elif kind == ARG_STAR2:
            # Each value of a ``**mapping`` mapped: their items' types are not known.
            args.append(TempNode(unknown, context=value))
        elif kind == ARG_STAR:
            if ARG_NAMED in kinds:
                # As for packed arguments of unknown length: ``*Any`` would fill a parameter named too.
                return [TempNode(unknown), TempNode(unknown)], [ARG_STAR, ARG_STAR2], [None, None]
            args.append(TempNode(unknown, context=value))
        else:
            args.append(TempNode(_mapped_item(ctx, arguments, value), context=value))
    return args, kinds, names


def _mapped_item(ctx: FunctionContext | MethodContext, arguments: Mapped, iterable: Expression) -> Type:
    """The type of the items of an iterable a mapping scheduler takes one call's argument from.

    A list, tuple or set literal gives the union of its items' types (each call takes one), with
    ``Any`` for an item whose own type depends on where it goes (a literal, a lambda); any other
    iterable its item type; a value that is not iterable ``Any`` (mypy reports it against the
    scheduler's parameter). A value the scheduler passes whole to every call (`Mapped.whole`,
    `Mapped.scalars_whole`) gives its own type.
    """
    api = ctx.api
    unknown = AnyType(TypeOfAny.special_form)
    if not isinstance(api, TypeChecker):
        return unknown
    whole = _passed_whole(api, arguments, argument_types(ctx).get(id(iterable)))
    if whole is not None:
        return whole
    if isinstance(iterable, ListExpr | TupleExpr | SetExpr) and not any(
        isinstance(item, StarExpr) for item in iterable.items
    ):
        items = [
            unknown
            if isinstance(item, _CONTEXT_DEPENDENT) or not api.has_type(item)
            else api.lookup_type(item)
            for item in iterable.items
        ]
        return UnionType.make_union([remove_instance_last_known_values(item) for item in items])
    found = argument_types(ctx).get(id(iterable))
    if found is None:
        return unknown
    with api.msg.filter_errors():
        return api.analyze_iterable_item_type_without_expression(found, iterable)[1]


def _passed_whole(api: TypeChecker, arguments: Mapped, found: Type | None) -> Type | None:
    """The type of what reaches every call whole: a wrapper's value, or a value not mapped over."""
    if found is None:
        return None
    proper = get_proper_type(found)
    instance = proper.partial_fallback if isinstance(proper, TupleType) else proper
    if not isinstance(instance, Instance):
        return None
    for base in instance.type.mro:
        if base.fullname in arguments.whole:
            # A wrapper that is a tuple of its value (prefect's) holds it as its item.
            items = proper.items if isinstance(proper, TupleType) else instance.args
            value = items[0] if items else AnyType(TypeOfAny.from_omitted_generics)
            unsolved = isinstance(get_proper_type(value), UnboundType)
            return AnyType(TypeOfAny.special_form) if unsolved else value
    if not arguments.scalars_whole:
        return None
    iterable = api.named_generic_type("typing.Iterable", [AnyType(TypeOfAny.special_form)])
    if any(instance.type.has_base(name) for name in _SCALAR_SEQUENCES) or not is_subtype(found, iterable):
        return found
    return None


# Iterables a scheduler that maps over iterables passes whole (prefect's ``map``): text, not its characters.
_SCALAR_SEQUENCES: Final = ("builtins.str", "builtins.bytes", "builtins.bytearray")
# Items whose type mypy infers from where they go: as an item of a mapped literal, their type is unknown.
_CONTEXT_DEPENDENT: Final = (ListExpr, TupleExpr, SetExpr, DictExpr, LambdaExpr, ListComprehension)
