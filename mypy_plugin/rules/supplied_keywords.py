"""Keywords the worker adds to the task's call itself (huey's context tasks receive ``task=``)."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.errorcodes import CALL_ARG
from mypy.nodes import ARG_NAMED, Context
from mypy.types import CallableType, Overloaded, ProperType, UnionType, get_proper_type

from .. import errorcodes, messages
from ..callables import Callee
from ..schedulers import SchedulerSpec
from ..task_calls import TaskCall, kept


def check_supplied_keywords(
    api: TypeChecker, task: TaskCall, target: Callee, spec: SchedulerSpec, name: str, context: Context
) -> tuple[TaskCall, set[str]]:
    """Report a supplied keyword the caller gives too, or that the task cannot take.

    Returns the task's call without the caller's values for them (the worker replaces those), and the
    keywords the task receives from the worker, for its check to take them as given.
    """
    if not spec.supplied_keywords:
        return task, set()
    keep: list[int] = []
    for i, (arg, kind, keyword) in enumerate(zip(task.args, task.kinds, task.names, strict=True)):
        if kind == ARG_NAMED and keyword in spec.supplied_keywords:
            message = messages.supplied_keyword_given(spec.name, name, keyword)
            api.fail(message, arg, code=errorcodes.TASK_RESERVED_KEYWORD)
        else:
            keep.append(i)
    for keyword in sorted(spec.supplied_keywords):
        if not _accepts_keyword(target.signature, keyword):
            api.fail(messages.supplied_keyword_refused(spec.name, name, keyword), context, code=CALL_ARG)
    return kept(task, keep), set(spec.supplied_keywords)


def _accepts_keyword(signature: ProperType, keyword: str) -> bool:
    """Whether a call may pass ``keyword=``: a parameter of that name, or ``**kwargs``; unknown shapes may."""
    if isinstance(signature, CallableType):
        return signature.is_ellipsis_args or signature.argument_by_name(keyword) is not None
    if isinstance(signature, Overloaded):
        return any(_accepts_keyword(item, keyword) for item in signature.items)
    if isinstance(signature, UnionType):
        return all(_accepts_keyword(get_proper_type(item), keyword) for item in signature.items)
    return True
