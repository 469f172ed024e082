"""A scheduler that raises unless one of some options is given, called without any (Temporal's timeouts)."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.nodes import ARG_NAMED, ARG_STAR2, CallExpr
from mypy.plugin import FunctionContext, MethodContext

from .. import errorcodes, messages
from ..schedulers import SchedulerSpec


def report_missing_option(
    api: TypeChecker, ctx: FunctionContext | MethodContext, spec: SchedulerSpec
) -> None:
    """Report a call giving none of ``spec.requires_one_of``; one with ``**options`` is left alone."""
    call = ctx.context
    if not spec.requires_one_of or not isinstance(call, CallExpr) or ARG_STAR2 in call.arg_kinds:
        return
    given = {name for name, kind in zip(call.arg_names, call.arg_kinds, strict=True) if kind == ARG_NAMED}
    if given & spec.requires_one_of:
        return
    message = messages.required_option(spec.name, sorted(spec.requires_one_of, reverse=True))
    api.fail(message, call, code=errorcodes.TASK_REQUIRED_OPTION)
