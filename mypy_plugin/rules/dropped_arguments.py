"""Task arguments a scheduler drops because its packed keywords (``args=``, ``kwargs=``) carry them."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.errorcodes import CALL_ARG
from mypy.nodes import ARG_NAMED, ARG_STAR, ARG_STAR2
from mypy.plugin import FunctionContext, MethodContext

from .. import messages
from ..schedulers import SchedulerSpec, Variadic
from ..task_calls import switched_to_packed


def report_dropped_by_packed(
    api: TypeChecker, ctx: FunctionContext | MethodContext, spec: SchedulerSpec, name: str
) -> bool:
    """Report task arguments a scheduler drops because its packed keywords carry the task's arguments.

    Returns whether any was reported.
    """
    arguments = spec.arguments
    if not isinstance(arguments, Variadic) or not switched_to_packed(ctx, arguments):
        return False
    packed = arguments.packed_keywords
    assert packed is not None
    seen: set[int] = set()
    reported = False
    for parameter in (arguments.args, arguments.kwargs):
        if parameter is None or parameter not in ctx.callee_arg_names:
            continue
        index = ctx.callee_arg_names.index(parameter)
        for arg, kind, keyword in zip(
            ctx.args[index], ctx.arg_kinds[index], ctx.arg_names[index], strict=True
        ):
            # A ``*value`` or ``**value`` may be empty: nothing would be dropped.
            if id(arg) in seen or kind in (ARG_STAR, ARG_STAR2):
                continue
            seen.add(id(arg))
            if kind == ARG_NAMED and (
                keyword in packed or keyword in arguments.options or keyword in spec.reserved_keywords
            ):
                continue
            message = messages.dropped_by_packed(spec.name, name, keyword, packed)
            api.fail(message, arg, code=CALL_ARG)
            reported = True
    return reported
