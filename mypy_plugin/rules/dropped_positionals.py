"""Positional arguments a scheduler accepts and drops: it passes the task its keywords only."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.errorcodes import CALL_ARG
from mypy.nodes import (
    ARG_NAMED,
    ARG_NAMED_OPT,
    ARG_OPT,
    ARG_POS,
    ARG_STAR,
    ArgKind,
    CallExpr,
    Context,
    Expression,
)
from mypy.types import CallableType, ProperType

from .. import messages
from ..callables import with_optional_parameters
from ..rendering import render, source_text
from ..schedulers import SchedulerSpec, Variadic
from ..task_calls import TaskCall


def keywords_only(
    api: TypeChecker, call: Context, task: TaskCall, signature: ProperType, spec: SchedulerSpec, name: str
) -> tuple[TaskCall, ProperType]:
    """The task's call and signature as a scheduler that passes only keywords makes them.

    The task's parameters can only be given by name. Positional arguments are reported once, with the
    call written with keywords; each is then checked as the keyword it was meant for, so that the mistake
    is not reported again as a missing argument.
    """
    arguments = spec.arguments
    if not isinstance(arguments, Variadic) or not arguments.drops_positionals:
        return task, signature
    keyword_signature = _by_name(signature)
    dropped = [i for i, kind in enumerate(task.kinds) if kind in (ARG_POS, ARG_STAR)]
    if not dropped:
        return task, keyword_signature
    meant = _meant_for(task, signature)
    fix = _fix(api, call, task, meant)
    message = messages.dropped_positionals(spec.name, name, len(dropped), fix)
    api.fail(message, task.args[dropped[0]], code=CALL_ARG)
    args: list[Expression] = []
    kinds: list[ArgKind] = []
    names: list[str | None] = []
    for i, (arg, kind, keyword) in enumerate(zip(task.args, task.kinds, task.names, strict=True)):
        if i in meant:
            args.append(arg)
            kinds.append(ARG_NAMED)
            names.append(meant[i])
        elif kind not in (ARG_POS, ARG_STAR):
            args.append(arg)
            kinds.append(kind)
            names.append(keyword)
    # What a dropped argument that cannot be named was meant for is not known: nothing is reported missing.
    if len(meant) < len(dropped):
        keyword_signature = with_optional_parameters(keyword_signature)
    return TaskCall(task.target, task.target_type, args, kinds, names), keyword_signature


def _by_name(signature: ProperType) -> ProperType:
    """The signature with its positional-or-keyword parameters keyword-only (positional-only ones, unnamed,
    stay: nothing can give them)."""
    if not isinstance(signature, CallableType):
        return signature
    by_name = {ARG_POS: ARG_NAMED, ARG_OPT: ARG_NAMED_OPT}
    kinds = [
        by_name.get(kind, kind) if name is not None else kind
        for kind, name in zip(signature.arg_kinds, signature.arg_names, strict=True)
    ]
    return signature.copy_modified(arg_kinds=kinds)


def _meant_for(task: TaskCall, signature: ProperType) -> dict[int, str]:
    """The parameter each plain positional argument would have been bound to, if the call were direct.

    Arguments after a ``*value``, past the positional parameters, or meant for a parameter also given by
    name have none.
    """
    if not isinstance(signature, CallableType):
        return {}
    parameters = [
        name
        for kind, name in zip(signature.arg_kinds, signature.arg_names, strict=True)
        if kind in (ARG_POS, ARG_OPT) and name is not None
    ]
    given = {keyword for keyword in task.names if keyword is not None}
    meant: dict[int, str] = {}
    position = 0
    for i, kind in enumerate(task.kinds):
        if kind == ARG_STAR:
            break
        if kind != ARG_POS:
            continue
        if position < len(parameters) and parameters[position] not in given:
            meant[i] = parameters[position]
        position += 1
    return meant


def _fix(api: TypeChecker, call: Context, task: TaskCall, meant: dict[int, str]) -> str | None:
    """The scheduling call written with keywords, if every argument can be named and spelled."""
    callee = render(call.callee) if isinstance(call, CallExpr) else None
    parts: list[str] = []
    for i, (arg, kind, keyword) in enumerate(zip(task.args, task.kinds, task.names, strict=True)):
        if kind in (ARG_POS, ARG_STAR) and i not in meant:
            return None
        text = render(arg) or source_text(api, arg)
        if text is None:
            return None
        if i in meant:
            parts.append(f"{meant[i]}={text}")
        elif kind == ARG_NAMED:
            parts.append(f"{keyword}={text}")
        else:
            parts.append(f"**{text}")
    return None if callee is None else f"{callee}({', '.join(parts)})"
