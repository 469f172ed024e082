"""A scheduled object that is not callable: a coroutine, ``None``, or what a call returned."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.messages import format_type
from mypy.nodes import CallExpr, Context
from mypy.types import Instance

from .. import errorcodes, messages
from ..callables import COROUTINE, NotCallable
from ..rendering import render_fix, spelled
from ..schedulers import SchedulerSpec
from ..task_calls import TaskCall


def report_not_callable(
    api: TypeChecker, task: TaskCall, target: NotCallable, spec: SchedulerSpec, context: Context
) -> None:
    type_text = format_type(target.type, api.options)
    expr = task.target
    if not (target.awaitable or target.none):
        if isinstance(expr, CallExpr):
            # Any call's result, ``HANDLERS[key](arg)`` too: the function and its arguments were meant.
            message = _call_result(api, spec, expr, f"{type_text}, not callable")
            api.fail(message, expr, code=errorcodes.TASK_NOT_CALLABLE)
        else:
            message = messages.not_callable(spec.name, type_text)
            api.fail(message, context, code=errorcodes.TASK_NOT_CALLABLE)
        return
    if target.none:
        kind = "None"
    elif isinstance(target.type, Instance) and target.type.type.has_base(COROUTINE):
        kind = "a coroutine"
    else:
        kind = f"an awaitable {type_text}"
    if not isinstance(expr, CallExpr):
        api.fail(messages.call_result(spec.name, kind, None), context, code=errorcodes.TASK_CALL_RESULT)
        return
    message = _call_result(api, spec, expr, kind)
    if target.none and api.expr_checker.always_returns_none(expr.callee):
        # mypy has reported the call as not returning a value; add the fix to its error.
        api.note(message, expr, code=errorcodes.TASK_CALL_RESULT)
    else:
        api.fail(message, expr, code=errorcodes.TASK_CALL_RESULT)


def _call_result(api: TypeChecker, spec: SchedulerSpec, call: CallExpr, kind: str) -> str:
    """The message for a call's result given as the task, with the fix where the call can be spelled."""
    what = messages.call_result_of(kind, spelled(call.callee, api) or "the function")
    return messages.call_result(spec.name, what, render_fix(spec, call, api))
