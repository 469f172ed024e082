"""Keywords given to a ``functools.partial`` target for parameters its partial already fills by position."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.errorcodes import CALL_ARG
from mypy.nodes import ARG_NAMED

from .. import messages
from ..callables import Callee
from ..schedulers import SchedulerSpec
from ..task_calls import TaskCall, kept


def without_partial_bound_keywords(
    api: TypeChecker, task: TaskCall, target: Callee, spec: SchedulerSpec, name: str
) -> TaskCall:
    if not target.bound_positionally:
        return task
    keep: list[int] = []
    for i, (arg, kind, keyword) in enumerate(zip(task.args, task.kinds, task.names, strict=True)):
        if kind == ARG_NAMED and keyword is not None and keyword in target.bound_positionally:
            api.fail(messages.bound_by_partial(name, spec.name, keyword), arg, code=CALL_ARG)
        else:
            keep.append(i)
    return kept(task, keep)
