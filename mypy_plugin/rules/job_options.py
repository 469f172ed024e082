"""A keyword meant as the scheduler's option, spelt the way the library does not take it (arq's
``defer_by=`` for ``_defer_by=``): it reaches the job, which does not take it."""

from __future__ import annotations

import difflib

from mypy.checker import TypeChecker
from mypy.errorcodes import CALL_ARG
from mypy.nodes import ARG_NAMED, ARG_STAR2
from mypy.types import CallableType, Overloaded, ProperType, UnionType, get_proper_type

from .. import messages
from ..callables import Callee
from ..schedulers import JobNames
from ..task_calls import TaskCall, kept
from .options import takes_keyword


def without_misspelt_options(
    api: TypeChecker, task: TaskCall, target: Callee, jobs: JobNames, scheduler: str, name: str
) -> TaskCall:
    """The job's call without the keywords reported as misspelt options (each is reported once)."""
    keep: list[int] = []
    for i, (arg, kind, keyword) in enumerate(zip(task.args, task.kinds, task.names, strict=True)):
        option = None if kind != ARG_NAMED or keyword is None else _resembled(keyword, jobs.options)
        if option is None or _accepts(target.signature, keyword):
            keep.append(i)
            continue
        assert keyword is not None
        message = messages.misspelt_option(scheduler, keyword, name, option, jobs.library)
        api.fail(message, arg, code=CALL_ARG)
    return task if len(keep) == len(task.args) else kept(task, keep)


def _resembled(keyword: str, options: frozenset[str]) -> str | None:
    """The option ``keyword`` stands for: the same with arq's underscore, or a close spelling."""
    if f"_{keyword}" in options:
        return f"_{keyword}"
    close = difflib.get_close_matches(keyword, sorted(options), n=1, cutoff=0.6)
    return close[0] if close else None


def _accepts(signature: ProperType, keyword: str | None) -> bool:
    """Whether the job takes ``keyword``, by name or through its ``**kwargs``."""
    if keyword is None or takes_keyword(signature, keyword):
        return True
    if isinstance(signature, CallableType):
        return ARG_STAR2 in signature.arg_kinds
    if isinstance(signature, Overloaded):
        return any(_accepts(item, keyword) for item in signature.items)
    if isinstance(signature, UnionType):
        return any(_accepts(get_proper_type(item), keyword) for item in signature.items)
    return False
