"""Task keywords given to a scheduler that passes positional arguments only (``call_soon``)."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.errorcodes import CALL_ARG
from mypy.nodes import ARG_NAMED, ARG_STAR2
from mypy.plugin import FunctionContext, MethodContext
from mypy.types import CallableType, Overloaded, ProperType, UnionType, get_proper_type

from .. import messages
from ..callables import Callee
from ..rendering import render, source_text
from ..schedulers import SchedulerSpec
from ..task_calls import TASK_KEYWORDS, TaskCall
from .options import takes_keyword


def report_keywords_not_passed(
    api: TypeChecker,
    ctx: FunctionContext | MethodContext,
    spec: SchedulerSpec,
    task: TaskCall,
    target: Callee,
    name: str,
) -> dict[int, str]:
    """Report task keywords, which the task takes, given to a scheduler that passes only positional arguments.

    The fix binds them with ``functools.partial``; a keyword the task does not take stays in the task's
    call, where mypy reports it as unexpected (a partial would fail the same way). Returns the keywords
    reported, by ``id`` of their value.
    """
    reported: dict[int, str] = {}
    if TASK_KEYWORDS not in ctx.callee_arg_names:
        return reported
    index = ctx.callee_arg_names.index(TASK_KEYWORDS)
    for arg, kind, keyword in zip(ctx.args[index], ctx.arg_kinds[index], ctx.arg_names[index], strict=True):
        if kind == ARG_NAMED and keyword is not None and accepts_keyword(target.signature, keyword):
            target_text = render(task.target) or source_text(api, task.target)
            fix = messages.keyword_fix(target_text, keyword, render(arg) or source_text(api, arg))
            api.fail(messages.keyword_not_passed(spec.name, name, keyword, fix), arg, code=CALL_ARG)
            reported[id(arg)] = keyword
    return reported


def accepts_keyword(signature: ProperType, keyword: str) -> bool:
    """Whether a target takes ``keyword`` by name, as a parameter of its own or through its ``**kwargs``."""
    if isinstance(signature, CallableType):
        return ARG_STAR2 in signature.arg_kinds or takes_keyword(signature, keyword)
    if isinstance(signature, Overloaded):
        return any(accepts_keyword(item, keyword) for item in signature.items)
    if isinstance(signature, UnionType):
        return all(accepts_keyword(get_proper_type(item), keyword) for item in signature.items)
    return False
