"""A scheduling call split into the scheduled target and the arguments the task will receive."""

from __future__ import annotations

from typing import NamedTuple

from mypy.nodes import (
    ARG_NAMED,
    ARG_POS,
    ARG_STAR,
    ARG_STAR2,
    ArgKind,
    CallExpr,
    DictExpr,
    Expression,
    ListExpr,
    MemberExpr,
    StarExpr,
    StrExpr,
    TupleExpr,
)
from mypy.plugin import FunctionContext, MethodContext
from mypy.subtypes import is_subtype
from mypy.types import (
    AnyType,
    NoneType,
    Type,
    TypeOfAny,
    get_proper_type,
)

from .registry import Packed, Receiver, SchedulerSpec, Variadic


class TaskCall(NamedTuple):
    """The scheduled call as the task will receive it, in the order it was written."""

    target: Expression
    target_type: Type
    args: list[Expression]
    kinds: list[ArgKind]
    names: list[str | None]


def task_call(ctx: FunctionContext | MethodContext, spec: SchedulerSpec) -> TaskCall | None:
    """Split the scheduling call into the target and the task's arguments, if the call says it plainly."""
    call = ctx.context
    if not isinstance(call, CallExpr):
        return None
    target = _target(ctx, spec, call)
    if target is None:
        return None
    arguments = spec.arguments
    if isinstance(arguments, Variadic):
        task = _variadic_arguments(ctx, arguments, call)
        if task is not None and switched_to_packed(ctx, arguments):
            task = _switched_arguments(ctx, arguments, task)
    else:
        task = _packed_arguments(ctx, arguments)
    if task is None:
        return None
    args, kinds, names = task
    return TaskCall(target[0], target[1], args, kinds, names)


def _target(
    ctx: FunctionContext | MethodContext, spec: SchedulerSpec, call: CallExpr
) -> tuple[Expression, Type] | None:
    target = spec.target
    if isinstance(target, Receiver):
        if not isinstance(ctx, MethodContext) or not isinstance(call.callee, MemberExpr):
            return None
        return call.callee.expr, ctx.type
    group = single_actual(ctx, target.index_in(ctx.callee_arg_names))
    if group is None:
        return None
    return ctx.args[group][0], ctx.arg_types[group][0]


def single_actual(ctx: FunctionContext | MethodContext, index: int | None) -> int | None:
    """``index`` if the scheduler's parameter there got exactly one argument, given plainly."""
    if index is None or index >= len(ctx.args) or len(ctx.args[index]) != 1:
        return None
    return index if ctx.arg_kinds[index][0] in (ARG_POS, ARG_NAMED) else None


Arguments = tuple[list[Expression], list[ArgKind], list[str | None]]


def _variadic_arguments(
    ctx: FunctionContext | MethodContext, arguments: Variadic, call: CallExpr
) -> Arguments | None:
    names = ctx.callee_arg_names
    args: list[Expression] = []
    kinds: list[ArgKind] = []
    arg_names: list[str | None] = []
    for name in (arguments.args, arguments.kwargs):
        if name is None:
            continue
        if name not in names:
            return None
        index = names.index(name)
        args += ctx.args[index]
        kinds += ctx.arg_kinds[index]
        arg_names += ctx.arg_names[index]
    if ARG_STAR not in kinds and ARG_STAR2 not in kinds:
        return args, kinds, arg_names
    # mypy lists a ``*value`` or ``**value`` once per parameter it fills; the call's own list has each
    # argument once, in the order mypy numbers them.
    task_actuals = {id(arg) for arg in args}
    selected = [
        (arg, kind, name)
        for arg, kind, name in zip(call.args, call.arg_kinds, call.arg_names, strict=True)
        if id(arg) in task_actuals
    ]
    return [a for a, _, _ in selected], [k for _, k, _ in selected], [n for _, _, n in selected]


def _packed_arguments(ctx: FunctionContext | MethodContext, arguments: Packed) -> Arguments | None:
    args: list[Expression] = []
    kinds: list[ArgKind] = []
    names: list[str | None] = []
    any_type = AnyType(TypeOfAny.implementation_artifact)
    iterable = ctx.api.named_generic_type("typing.Iterable", [any_type])
    mapping = ctx.api.named_generic_type(
        "typing.Mapping", [ctx.api.named_generic_type("builtins.str", []), any_type]
    )
    slots = (
        (arguments.args, _positional_items, iterable),
        (arguments.kwargs, _keyword_items, mapping),
    )
    for param, unpack, container in slots:
        if param is None:
            continue
        index = param.index_in(ctx.callee_arg_names)
        if index is None or index >= len(ctx.args) or not ctx.args[index]:
            continue
        group = single_actual(ctx, index)
        if group is None:
            return None
        expr = ctx.args[group][0]
        value_type = get_proper_type(ctx.arg_types[group][0])
        if isinstance(value_type, NoneType):
            continue
        if not is_subtype(value_type, container):
            # Not a sequence or mapping at all: mypy reports it against the scheduler's own parameter.
            return None
        for item, kind, name in unpack(expr):
            args.append(item)
            kinds.append(kind)
            names.append(name)
    return args, kinds, names


def _positional_items(expr: Expression) -> list[tuple[Expression, ArgKind, str | None]]:
    """A tuple or list literal item by item; any other value as ``*value``, which mypy unpacks by type."""
    if isinstance(expr, TupleExpr | ListExpr):
        return [
            (item.expr, ARG_STAR, None) if isinstance(item, StarExpr) else (item, ARG_POS, None)
            for item in expr.items
        ]
    return [(expr, ARG_STAR, None)]


def _keyword_items(expr: Expression) -> list[tuple[Expression, ArgKind, str | None]]:
    """A dict literal with string keys entry by entry; any other value as ``**value``."""
    if isinstance(expr, DictExpr) and all(isinstance(key, StrExpr | None) for key, _ in expr.items):
        return [
            (value, ARG_NAMED, key.value) if isinstance(key, StrExpr) else (value, ARG_STAR2, None)
            for key, value in expr.items
        ]
    return [(expr, ARG_STAR2, None)]


def switched_to_packed(ctx: FunctionContext | MethodContext, arguments: Variadic) -> bool:
    """Whether the call gives the task's arguments packed, in one of ``arguments.packed_keywords``."""
    if arguments.packed_keywords is None or arguments.kwargs not in ctx.callee_arg_names:
        return False
    index = ctx.callee_arg_names.index(arguments.kwargs)
    return any(name in arguments.packed_keywords for name in ctx.arg_names[index])


def _switched_arguments(
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
    found = {
        id(arg): typ
        for group_args, group_types in zip(ctx.args, ctx.arg_types, strict=True)
        for arg, typ in zip(group_args, group_types, strict=True)
    }
    given = {name: value for value, kind, name in zip(values, kinds, names, strict=True) if kind == ARG_NAMED}
    any_type = AnyType(TypeOfAny.implementation_artifact)
    containers = (
        ctx.api.named_generic_type("typing.Iterable", [any_type]),
        ctx.api.named_generic_type(
            "typing.Mapping", [ctx.api.named_generic_type("builtins.str", []), any_type]
        ),
    )
    task: Arguments = ([], [], [])
    for keyword, unpack, container in zip(
        arguments.packed_keywords, (_positional_items, _keyword_items), containers, strict=True
    ):
        expr = given.get(keyword)
        if expr is None or id(expr) not in found:
            continue
        value_type = get_proper_type(found[id(expr)])
        if isinstance(value_type, NoneType):
            continue
        if not is_subtype(value_type, container):
            return None
        for item, kind, name in unpack(expr):
            task[0].append(item)
            task[1].append(kind)
            task[2].append(name)
    return task
