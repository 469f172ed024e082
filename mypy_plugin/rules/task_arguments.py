"""The task's arguments checked by mypy's own call checking against its signature, in the task's name."""

from __future__ import annotations

from typing import Final

from mypy.checker import TypeChecker
from mypy.errorcodes import ARG_TYPE, CALL_ARG, CALL_OVERLOAD, MISC, ErrorCode
from mypy.errors import ErrorInfo
from mypy.nodes import CallExpr, Context
from mypy.types import Overloaded, Type, UnionType, get_proper_type

from ..task_calls import TaskCall

# The codes mypy's call checking gives a wrong argument: a missing, surplus or unexpected one, one of the
# wrong type, or none that an overload takes ("Too many positional arguments" is ``misc`` before mypy 2.2).
ARGUMENT_CODES: Final = (ARG_TYPE, CALL_ARG, CALL_OVERLOAD, MISC)


def report_task_errors(
    api: TypeChecker, task: TaskCall, callee: Type, context: Context, mypy_codes: set[str] | None
) -> None:
    """Report what mypy's own call checking finds wrong with the task's arguments, against ``callee``.

    ``mypy_codes``: the codes mypy alone reports on the scheduling call, if known. An argument mistake
    keeps one of them: through ``Callable[[*Ts], T]`` mypy reports a missing or surplus argument as an
    argument of the wrong type (``arg-type``), and an ignore comment written for it keeps applying.
    """
    from .. import messages

    errors = call_task(api, task, callee, context)[1]
    for name in _overload_names(callee):
        for error in errors:
            error.message = messages.requote_overload_name(error.message, name)
    kept_code = _mypy_argument_code(mypy_codes)
    if kept_code is not None:
        assert mypy_codes is not None
        for error in errors:
            if error.code in ARGUMENT_CODES and error.code.code not in mypy_codes:
                error.code = kept_code
    api.msg.add_errors(errors)


def _mypy_argument_code(mypy_codes: set[str] | None) -> ErrorCode | None:
    """The code mypy alone gives the argument mistake, where the plugin's own would differ.

    ``arg-type`` through ``Callable[[*Ts], T]``; ``call-overload`` where the scheduler is overloaded
    (prefect's ``submit``): mypy then reports any wrong task argument as no overload matching.
    """
    if mypy_codes is None:
        return None
    if ARG_TYPE.code in mypy_codes:
        return ARG_TYPE
    if CALL_OVERLOAD.code in mypy_codes:
        return CALL_OVERLOAD
    return None


def call_task(
    api: TypeChecker, task: TaskCall, callee: Type, context: Context
) -> tuple[Type, list[ErrorInfo]]:
    """What the task returns on its arguments, and mypy's errors on the call, not reported yet."""
    call = CallExpr(task.target, task.args, task.kinds, task.names)
    call.set_line(context)
    checker = api.expr_checker
    checker.type_context.append(None)
    try:
        with api.msg.filter_errors(save_filtered_errors=True) as watcher:
            result = checker.check_call(callee, task.args, task.kinds, call, arg_names=task.names)[0]
    finally:
        checker.type_context.pop()
    return result, watcher.filtered_errors()


def _overload_names(callee: Type) -> set[str]:
    """The names given to a task's overloads, which mypy quotes whole (`messages.overload_name`)."""
    proper = get_proper_type(callee)
    if isinstance(proper, UnionType):
        return {name for item in proper.items for name in _overload_names(item)}
    if isinstance(proper, Overloaded):
        return {item.name for item in proper.items if item.name is not None}
    return set()
