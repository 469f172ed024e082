"""A scheduling call's type solved from its target alone (`SchedulerSpec.solved_from_target`)."""

from __future__ import annotations

from collections.abc import Sequence

from mypy.nodes import CallExpr, Expression, TempNode
from mypy.plugin import FunctionContext, MethodContext
from mypy.types import UninhabitedType

from .schedulers import Packed, SchedulerSpec, SingleOrPacked, Variadic


def without_task_arguments(
    ctx: FunctionContext | MethodContext, spec: SchedulerSpec, call: CallExpr, typed: Sequence[Expression]
) -> list[Expression]:
    """``typed`` (the call's arguments, as found) with the task's arguments standing for nothing (``Never``).

    What a value of ``Never`` type gives a type variable fits any bound the target sets: only the target
    determines the result. The task's arguments were checked against the task itself.
    """
    task_values = {id(arg) for index in _task_groups(ctx, spec) for arg in ctx.args[index]}
    return [
        TempNode(UninhabitedType(), context=arg) if id(arg) in task_values else found
        for arg, found in zip(call.args, typed, strict=True)
    ]


def _task_groups(ctx: FunctionContext | MethodContext, spec: SchedulerSpec) -> list[int]:
    """The scheduler's parameters that take the task's arguments, by their index in the call's groups."""
    arguments = spec.arguments
    if isinstance(arguments, SingleOrPacked):
        params = [arguments.arg.name, arguments.args.name]
    elif isinstance(arguments, Packed):
        params = [param.name for param in (arguments.args, arguments.kwargs) if param is not None]
    else:
        assert isinstance(arguments, Variadic)
        params = [arguments.args, arguments.kwargs, *(arguments.packed_keywords or ())]
    names = ctx.callee_arg_names
    return [names.index(name) for name in params if name is not None and name in names]
