"""Options of a sibling scheduler given to one that passes them to the task (``delay(countdown=5)``)."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.errorcodes import CALL_ARG
from mypy.nodes import ARG_NAMED, ARG_POS, ARG_STAR, ARG_STAR2

from .. import errorcodes, messages
from ..callables import Callee
from ..rendering import spelled
from ..schedulers import SchedulerSpec, Variadic
from ..task_calls import TaskCall, kept
from .options import takes_keyword
from .positional_only_schedulers import accepts_keyword


def report_passed_options(
    api: TypeChecker, task: TaskCall, target: Callee, spec: SchedulerSpec, name: str
) -> TaskCall:
    """Report each option of the sibling scheduler that reaches the task only through its ``**kwargs``.

    A task with a parameter of that name asked for it, and is left alone. One without ``**kwargs`` cannot
    take it: that is reported here too, in place of mypy's unexpected keyword. Returns the task's call
    without the reported keywords.
    """
    arguments = spec.arguments
    if not isinstance(arguments, Variadic) or arguments.options_alternative is None:
        return task
    found = [
        i
        for i, (kind, keyword) in enumerate(zip(task.kinds, task.names, strict=True))
        if kind == ARG_NAMED
        and keyword in arguments.passed_options
        and not takes_keyword(target.signature, keyword)
    ]
    if not found:
        return task
    fix = _fix(api, task, arguments.options_alternative, arguments.passed_options)
    for i in found:
        keyword = task.names[i]
        assert keyword is not None
        received = accepts_keyword(target.signature, keyword)
        message = messages.passed_option(
            spec.name, arguments.options_alternative, keyword, name, received, fix
        )
        api.fail(message, task.args[i], code=errorcodes.TASK_OPTION_AS_ARGUMENT if received else CALL_ARG)
    return kept(task, [i for i in range(len(task.args)) if i not in found])


def _fix(api: TypeChecker, task: TaskCall, alternative: str, options: frozenset[str]) -> str | None:
    """``process.apply_async(args=("e1",), kwargs={"x": 1}, countdown=5)``, if each part can be spelled."""
    receiver = spelled(task.target, api)
    positional: list[str] = []
    keywords: list[str] = []
    given: list[str] = []
    for arg, kind, keyword in zip(task.args, task.kinds, task.names, strict=True):
        text = spelled(arg, api)
        if text is None or receiver is None:
            return None
        if kind == ARG_POS:
            positional.append(text)
        elif kind == ARG_STAR:
            positional.append(f"*{text}")
        elif kind == ARG_STAR2:
            keywords.append(f"**{text}")
        elif keyword in options:
            given.append(f"{keyword}={text}")
        else:
            keywords.append(f'"{keyword}": {text}')
    parts = []
    if positional:
        parts.append(f"args=({', '.join(positional)}{',' if len(positional) == 1 else ''})")
    if keywords:
        parts.append(f"kwargs={{{', '.join(keywords)}}}")
    return f"{receiver}.{alternative}({', '.join(parts + given)})"
