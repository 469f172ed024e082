"""Task keywords that collide with the scheduler's own parameters."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.nodes import ARG_NAMED, CallExpr, Context
from mypy.plugin import CheckerPluginInterface

from .. import errorcodes, messages
from ..schedulers import Receiver, SchedulerSpec
from ..task_calls import TaskCall


def check_reserved_keywords(
    api: CheckerPluginInterface, task: TaskCall, spec: SchedulerSpec, context: Context
) -> None:
    reserved = spec.reserved_keywords
    when_configured = spec.reserved_when_configured
    if not when_configured.isdisjoint(task.names) and isinstance(api, TypeChecker):
        from ..definitions import configured

        if configured(api, task.target, task.target_type):
            reserved = reserved | when_configured
    if reserved.isdisjoint(task.names):
        return
    # Keywords a configuring call gave before the scheduler do not collide with its parameters.
    merged = isinstance(spec.target, Receiver) and spec.target.merged_keywords is not None
    given = {id(arg) for arg in context.args} if merged and isinstance(context, CallExpr) else None
    for arg, kind, name in zip(task.args, task.kinds, task.names, strict=True):
        if given is not None and id(arg) not in given:
            continue
        if kind == ARG_NAMED and name in reserved:
            message = messages.reserved_keyword(spec.name, name, spec.keyword_safe_alternative)
            api.fail(message, arg, code=errorcodes.TASK_RESERVED_KEYWORD)
