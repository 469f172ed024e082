"""Partial calls completed later by arguments put before them (Celery's ``task.s(...)`` in a chain)."""

from __future__ import annotations

from mypy.nodes import ARG_NAMED, ARG_POS, ARG_STAR, Expression, TempNode
from mypy.types import AnyType, CallableType, ProperType, TypeOfAny

from ..callables import with_optional_parameters
from ..task_calls import TaskCall


def completed_later(task: TaskCall, callee: ProperType) -> tuple[TaskCall, ProperType]:
    """A partial call as it can be checked: nothing is missing yet, and positional arguments may shift.

    Arguments put before the given ones later (a chain's previous result) move them to later
    parameters: their types are checked only when no positional parameter is left for one.
    """
    callee = with_optional_parameters(callee)
    if _nothing_before(task, callee):
        return task, callee
    unknown = AnyType(TypeOfAny.special_form)
    args: list[Expression] = [
        TempNode(unknown, context=arg) if kind in (ARG_POS, ARG_STAR) else arg
        for arg, kind in zip(task.args, task.kinds, strict=True)
    ]
    return TaskCall(task.target, task.target_type, args, task.kinds, task.names), callee


def _nothing_before(task: TaskCall, signature: ProperType) -> bool:
    """Whether no positional argument can be put before the given ones without too many of them.

    True when the given positional arguments fill every positional parameter up to the first one
    given by keyword (or all of them), so that the types can be checked where they stand.
    """
    if not isinstance(signature, CallableType) or ARG_STAR in signature.arg_kinds or ARG_STAR in task.kinds:
        return False
    keywords = {name for name, kind in zip(task.names, task.kinds, strict=True) if kind == ARG_NAMED}
    free = 0
    for name, kind in zip(signature.arg_names, signature.arg_kinds, strict=True):
        if not kind.is_positional() or name in keywords:
            break
        free += 1
    return task.kinds.count(ARG_POS) == free
