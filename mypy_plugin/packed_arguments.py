"""The task's arguments from the values that carry them packed.

``Thread(target=f, args=(1,), kwargs={"x": 2})``, Celery's ``apply_async(args=..., kwargs=...)``, RQ's
``enqueue(f, args=(1,))``: each item of a sequence whose items mypy knows is one positional argument, each
key of a mapping whose keys it knows one keyword argument; a value of another shape leaves them unknown.
"""

from __future__ import annotations

from collections.abc import Sequence

from mypy.nodes import (
    ARG_NAMED,
    ARG_POS,
    ARG_STAR,
    ARG_STAR2,
    ArgKind,
    DictExpr,
    Expression,
    ListExpr,
    StarExpr,
    StrExpr,
    TempNode,
    TupleExpr,
)
from mypy.plugin import CheckerPluginInterface, FunctionContext, MethodContext
from mypy.subtypes import is_subtype
from mypy.types import (
    AnyType,
    NoneType,
    ProperType,
    TupleType,
    Type,
    TypedDictType,
    TypeOfAny,
    UnpackType,
    get_proper_type,
)

from .schedulers import Packed, Param, SingleOrPacked, Variadic
from .task_calls import Arguments, Items, argument_types, single_actual

# A value given for the task's packed arguments (a sequence or a mapping) and its type, if given.
PackedValue = tuple[Expression, Type] | None


def packed_arguments(ctx: FunctionContext | MethodContext, arguments: Packed) -> Arguments | None:
    """The task's arguments from a tuple-and-dict scheduler's ``args=`` and ``kwargs=`` (``Thread``)."""
    values: list[PackedValue] = []
    for param in (arguments.args, arguments.kwargs):
        index = None if param is None else param.index_in(ctx.callee_arg_names)
        if index is None or index >= len(ctx.args) or not ctx.args[index]:
            values.append(None)
            continue
        group = single_actual(ctx, index)
        if group is None:
            return None
        values.append((ctx.args[group][0], ctx.arg_types[group][0]))
    return unpacked_values(ctx, values)


def single_or_packed_arguments(
    ctx: FunctionContext | MethodContext, arguments: SingleOrPacked
) -> Arguments | None:
    """The task's one positional argument (``arg``, also when given by keyword), or the items of ``args=``.

    None when both are given (the scheduler raises, and the rule saying so is the only report), or when
    either is given in a way the call does not spell plainly (``*values``).
    """
    for param in (arguments.arg, arguments.args):
        index = param.index_in(ctx.callee_arg_names)
        if (
            index is not None
            and index < len(ctx.args)
            and ctx.args[index]
            and single_actual(ctx, index) is None
        ):
            return None
    single, packed = (given_value(ctx, param) for param in (arguments.arg, arguments.args))
    if single is not None and packed is not None:
        return None
    if single is not None:
        return [single[0]], [ARG_POS], [None]
    return unpacked_values(ctx, [packed, None])


def given_value(ctx: FunctionContext | MethodContext, param: Param) -> PackedValue:
    """The value given for the scheduler's parameter ``param`` and its type, if given plainly."""
    group = single_actual(ctx, param.index_in(ctx.callee_arg_names))
    return None if group is None else (ctx.args[group][0], ctx.arg_types[group][0])


def unpacked_values(ctx: FunctionContext | MethodContext, values: Sequence[PackedValue]) -> Arguments | None:
    """The task's arguments from the values that carry them packed: a sequence, then a mapping.

    None if a value is not a sequence or mapping at all: mypy reports it against the scheduler's own
    parameter.
    """
    any_type = AnyType(TypeOfAny.implementation_artifact)
    containers = (
        ctx.api.named_generic_type("typing.Iterable", [any_type]),
        ctx.api.named_generic_type(
            "typing.Mapping", [ctx.api.named_generic_type("builtins.str", []), any_type]
        ),
    )
    args: list[Expression] = []
    kinds: list[ArgKind] = []
    names: list[str | None] = []
    for given, unpack, container in zip(values, (_positional_items, _keyword_items), containers, strict=True):
        if given is None:
            continue
        expr, value_type = given[0], get_proper_type(given[1])
        if isinstance(value_type, NoneType):
            continue
        if not is_subtype(value_type, container):
            return None
        for item, kind, name in unpack(expr, value_type, ctx.api):
            args.append(item)
            kinds.append(kind)
            names.append(name)
    unknown_length = any(
        kind == ARG_STAR and isinstance(arg, TempNode) for arg, kind in zip(args, kinds, strict=True)
    )
    if unknown_length and ARG_NAMED in kinds:
        # mypy would have ``*Any`` fill every positional parameter, and report a keyword naming one of them
        # as given twice; at run time the positional values may stop short of it. The arguments are left
        # unchecked (``*Any, **Any``); the target itself still is.
        unknown = TempNode(AnyType(TypeOfAny.special_form))
        return [unknown, unknown], [ARG_STAR, ARG_STAR2], [None, None]
    return args, kinds, names


def _positional_items(expr: Expression, value_type: Type, api: CheckerPluginInterface) -> Items:
    """A tuple or list literal item by item; any other value as ``*value`` (looked into by length)."""
    if isinstance(expr, TupleExpr | ListExpr):
        return [
            _unpacked(item.expr, api.get_expression_type(item.expr), ARG_STAR)
            if isinstance(item, StarExpr)
            else (item, ARG_POS, None)
            for item in expr.items
        ]
    return [_unpacked(expr, value_type, ARG_STAR)]


def _keyword_items(expr: Expression, value_type: Type, api: CheckerPluginInterface) -> Items:
    """A dict literal with string keys entry by entry; any other value as ``**value``."""
    if isinstance(expr, DictExpr) and all(isinstance(key, StrExpr | None) for key, _ in expr.items):
        return [
            (value, ARG_NAMED, key.value)
            if isinstance(key, StrExpr)
            else _unpacked(value, api.get_expression_type(value), ARG_STAR2)
            for key, value in expr.items
        ]
    return [_unpacked(expr, value_type, ARG_STAR2)]


def _unpacked(expr: Expression, value_type: Type, kind: ArgKind) -> tuple[Expression, ArgKind, str | None]:
    """``*value`` or ``**value`` where the value's shape is known: a fixed-length tuple, a TypedDict.

    Any other sequence or mapping (a ``list`` or ``dict`` variable, a ``Sequence``) could hold anything that
    fits: its items are unchecked, like ``Any``, instead of each compared with the union of their types.
    """
    proper = get_proper_type(value_type)
    known = TypedDictType if kind == ARG_STAR2 else TupleType
    if isinstance(proper, known) and not _has_unpacked_items(proper):
        return expr, kind, None
    return TempNode(AnyType(TypeOfAny.special_form), context=expr), kind, None


def _has_unpacked_items(typ: ProperType) -> bool:
    """A tuple of variable length written with ``*tuple[int, ...]`` / ``*Ts`` among its items."""
    return isinstance(typ, TupleType) and any(isinstance(item, UnpackType) for item in typ.items)


def switched_arguments(
    ctx: FunctionContext | MethodContext, arguments: Variadic, variadic: Arguments
) -> Arguments | None:
    """The task's arguments from the packed keywords of a variadic scheduler (``enqueue(f, args=(1,))``).

    The scheduler drops every other task argument; a ``**value`` may hold the packed keywords too, so
    a call with one is left alone.
    """
    assert arguments.packed_keywords is not None
    values, kinds, names = variadic
    if ARG_STAR2 in kinds:
        return None
    found = argument_types(ctx)
    given = {name: value for value, kind, name in zip(values, kinds, names, strict=True) if kind == ARG_NAMED}
    packed: list[PackedValue] = []
    for keyword in arguments.packed_keywords:
        expr = given.get(keyword)
        packed.append(None if expr is None or id(expr) not in found else (expr, found[id(expr)]))
    return unpacked_values(ctx, packed)
