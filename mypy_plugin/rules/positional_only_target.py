"""A target given by keyword to a scheduler that takes it by position only: ``add_task(func=f)``."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.errorcodes import CALL_ARG
from mypy.nodes import CallExpr
from mypy.plugin import FunctionContext, MethodContext

from .. import messages
from ..rendering import render_fix
from ..schedulers import Receiver, SchedulerSpec


def report_positional_only_target(
    api: TypeChecker, ctx: FunctionContext | MethodContext, spec: SchedulerSpec
) -> None:
    """Report ``add_task(func=f, ...)`` where ``func`` is positional-only, with the call as it should be.

    For a call that `signatures.positional_only_target_by_keyword` finds so.
    """
    call = ctx.context
    assert isinstance(call, CallExpr) and not isinstance(spec.target, Receiver)
    parameter = spec.target.name
    assert parameter is not None  # a target given by keyword has a name
    target = next(arg for arg, name in zip(call.args, call.arg_names, strict=True) if name == parameter)
    others = [
        (arg, kind, name)
        for arg, kind, name in zip(call.args, call.arg_kinds, call.arg_names, strict=True)
        if arg is not target
    ]
    # The target called with the task's arguments, as `render_fix` spells a scheduling call from it.
    written = CallExpr(
        target, [a for a, _, _ in others], [k for _, k, _ in others], [n for _, _, n in others]
    )
    fix = render_fix(spec, written)
    api.fail(messages.target_positional_only(spec.name, parameter, fix), call, code=CALL_ARG)
