"""Task keywords that collide with the scheduler's own parameters."""

from __future__ import annotations

from mypy.nodes import ARG_NAMED, Context
from mypy.plugin import CheckerPluginInterface

from .. import errorcodes
from ..schedulers import SchedulerSpec
from ..task_calls import TaskCall


def check_reserved_keywords(
    api: CheckerPluginInterface, task: TaskCall, spec: SchedulerSpec, context: Context
) -> None:
    if spec.reserved_keywords.isdisjoint(task.names):
        return
    for arg, kind, name in zip(task.args, task.kinds, task.names, strict=True):
        if kind == ARG_NAMED and name in spec.reserved_keywords:
            message = errorcodes.reserved_keyword(spec.name, name, spec.keyword_safe_alternative)
            api.fail(message, arg, code=errorcodes.TASK_RESERVED_KEYWORD)
