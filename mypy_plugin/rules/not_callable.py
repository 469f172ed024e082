"""A scheduled object that is not callable: a coroutine, ``None``, or what a call returned."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.messages import format_type
from mypy.nodes import CallExpr, Context
from mypy.types import Instance

from .. import errorcodes
from ..callables import COROUTINE, NotCallable
from ..rendering import render, render_fix
from ..schedulers import SchedulerSpec
from ..task_calls import TaskCall


def report_not_callable(
    api: TypeChecker, task: TaskCall, target: NotCallable, spec: SchedulerSpec, context: Context
) -> None:
    type_text = format_type(target.type, api.options)
    if not (target.awaitable or target.none):
        api.fail(errorcodes.not_callable(spec.name, type_text), context, code=errorcodes.TASK_NOT_CALLABLE)
        return
    if target.none:
        kind = "None"
    elif isinstance(target.type, Instance) and target.type.type.has_base(COROUTINE):
        kind = "a coroutine"
    else:
        kind = f"an awaitable {type_text}"
    expr = task.target
    if not isinstance(expr, CallExpr):
        api.fail(errorcodes.call_result(spec.name, kind, None), context, code=errorcodes.TASK_CALL_RESULT)
        return
    what = errorcodes.call_result_of(kind, render(expr.callee) or "the function")
    message = errorcodes.call_result(spec.name, what, render_fix(spec, expr))
    if target.none and api.expr_checker.always_returns_none(expr.callee):
        # mypy has reported the call as not returning a value; add the fix to its error.
        api.note(message, expr, code=errorcodes.TASK_CALL_RESULT)
    else:
        api.fail(message, expr, code=errorcodes.TASK_CALL_RESULT)
