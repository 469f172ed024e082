"""Task keywords that collide with the scheduler's own parameters."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.nodes import ARG_NAMED, Context
from mypy.plugin import CheckerPluginInterface

from .. import errorcodes
from ..definitions import configured
from ..schedulers import SchedulerSpec
from ..task_calls import TaskCall


def check_reserved_keywords(
    api: CheckerPluginInterface, task: TaskCall, spec: SchedulerSpec, context: Context
) -> None:
    reserved = spec.reserved_keywords
    when_configured = spec.reserved_when_configured
    if (
        not when_configured.isdisjoint(task.names)
        and isinstance(api, TypeChecker)
        and configured(api, task.target, task.target_type)
    ):
        reserved = reserved | when_configured
    if reserved.isdisjoint(task.names):
        return
    for arg, kind, name in zip(task.args, task.kinds, task.names, strict=True):
        if kind == ARG_NAMED and name in reserved:
            message = errorcodes.reserved_keyword(spec.name, name, spec.keyword_safe_alternative)
            api.fail(message, arg, code=errorcodes.TASK_RESERVED_KEYWORD)
