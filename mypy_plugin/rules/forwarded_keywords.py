"""Keywords a scheduler passes to the object it builds, dropped when it is given that object ready-made."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.errorcodes import CALL_ARG
from mypy.nodes import ARG_NAMED
from mypy.plugin import FunctionContext, MethodContext
from mypy.types import Instance, get_proper_type

from .. import messages
from ..schedulers import SchedulerSpec
from ..task_calls import single_actual


def report_dropped_forwarded_keywords(
    api: TypeChecker, ctx: FunctionContext | MethodContext, spec: SchedulerSpec
) -> None:
    """Report the keywords meant for an object the scheduler builds, when it is given one already built.

    APScheduler's ``add_job(f, IntervalTrigger(minutes=5), seconds=30)`` uses the trigger as it is:
    ``seconds`` goes nowhere.
    """
    forwarded = spec.forwarded_keywords
    if forwarded is None or forwarded.parameter not in ctx.callee_arg_names:
        return
    group = single_actual(ctx, forwarded.selector.index_in(ctx.callee_arg_names))
    if group is None:
        return
    given = get_proper_type(ctx.arg_types[group][0])
    if not isinstance(given, Instance) or not given.type.has_base(forwarded.instance_of):
        return
    index = ctx.callee_arg_names.index(forwarded.parameter)
    selector = forwarded.selector.name or forwarded.parameter
    for arg, kind, keyword in zip(ctx.args[index], ctx.arg_kinds[index], ctx.arg_names[index], strict=True):
        if kind != ARG_NAMED:
            continue  # a ``**mapping`` may be empty
        message = messages.dropped_forwarded(spec.name, keyword, selector, given.type.name)
        api.fail(message, arg, code=CALL_ARG)
