"""Callbacks called with the task's return value (``Pool.apply_async(callback=)``)."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.errorcodes import ARG_TYPE
from mypy.messages import format_type
from mypy.nodes import ARG_POS, Expression, LambdaExpr, TempNode
from mypy.plugin import FunctionContext, MethodContext
from mypy.types import Type, UninhabitedType
from mypy.types_utils import remove_optional

from .. import messages
from ..callables import Callee, resolve
from ..rendering import render
from ..schedulers import SchedulerSpec
from ..task_calls import single_actual


def check_result_callbacks(
    api: TypeChecker, ctx: FunctionContext | MethodContext, spec: SchedulerSpec, result: Type, name: str
) -> None:
    """Check that each callback called with the task's return value can take it."""
    for parameter in spec.result_callbacks:
        group = single_actual(ctx, parameter.index_in(ctx.callee_arg_names))
        if group is None:
            continue
        expr = ctx.args[group][0]
        if isinstance(expr, LambdaExpr):
            # Its parameter types were inferred from the scheduler's signature, not from the task.
            continue
        callback = resolve(remove_optional(ctx.arg_types[group][0]), api, expr)
        # One that cannot take one argument at all breaks the scheduler's own signature: mypy reports it.
        if not isinstance(callback, Callee) or not _takes_one_argument(api, callback, expr):
            continue
        if not _takes_one_argument(api, callback, expr, result):
            message = messages.result_callback(
                spec.name,
                parameter.name or f"argument {parameter.position}",
                render(expr),
                name,
                format_type(result, api.options),
            )
            api.fail(message, expr, code=ARG_TYPE)


def _takes_one_argument(
    api: TypeChecker, callback: Callee, expr: Expression, value: Type | None = None
) -> bool:
    """Whether ``callback`` can be called with one argument of type ``value`` (of any type if None)."""
    argument = TempNode(UninhabitedType() if value is None else value, context=expr)
    with api.msg.filter_errors() as watcher:
        api.expr_checker.check_call(callback.signature, [argument], [ARG_POS], expr)
    return not watcher.has_new_errors()
