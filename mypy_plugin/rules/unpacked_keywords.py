"""A mapping unpacked (``**opts``) into a scheduler that passes positional arguments only.

The scheduler raises TypeError for any keyword, so a mapping that holds one fails; an empty one does not.
Reported: a dict literal with a key, and a TypedDict with a key (one whose keys are all optional too, which
mypy alone reports as extra arguments). A ``dict[str, int]`` value may be empty at run time, and the call
then works: it is left alone, as mypy leaves it.
"""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.errorcodes import CALL_ARG, MISC
from mypy.nodes import ARG_STAR2, DictExpr, Expression, StrExpr
from mypy.plugin import FunctionContext, MethodContext
from mypy.types import Type, TypedDictType, get_proper_type

from .. import messages
from ..rendering import spelled
from ..schedulers import SchedulerSpec
from ..task_calls import TASK_KEYWORDS, TaskCall


def report_unpacked_keywords(
    api: TypeChecker, ctx: FunctionContext | MethodContext, spec: SchedulerSpec, task: TaskCall, name: str
) -> set[str]:
    """Report each ``**mapping`` known to hold keys, given to a scheduler passing positional arguments only.

    Returns the keywords the reported mappings are known to hold, for the task's check to take them as
    given: what they were meant for is not reported missing as well.
    """
    names: set[str] = set()
    if TASK_KEYWORDS not in ctx.callee_arg_names:
        return names
    index = ctx.callee_arg_names.index(TASK_KEYWORDS)
    # A key naming the scheduler's own parameter goes to it (``call_soon(f, **{"context": ctx})``).
    own = {name for name in ctx.callee_arg_names if name is not None}
    for arg, kind, arg_type in zip(ctx.args[index], ctx.arg_kinds[index], ctx.arg_types[index], strict=True):
        keys = _keys_held(arg, arg_type, own)
        if kind != ARG_STAR2 or keys is None:
            continue
        target_text = spelled(task.target, api)
        value = None if isinstance(arg, DictExpr) else spelled(arg, api)
        fix = messages.unpacked_keywords_fix(target_text, _bound(api, arg, value, own))
        # mypy alone reports a TypedDict's keys as extra arguments (``misc``): its code is kept for ignores.
        code = CALL_ARG if isinstance(arg, DictExpr) else MISC
        api.fail(messages.keywords_unpacked(spec.name, name, value, fix), arg, code=code)
        names |= keys
    return names


def _bound(api: TypeChecker, arg: Expression, value: str | None, own: set[str]) -> str | None:
    """What ``functools.partial`` binds: ``**opts``, or a dict literal's task entries as keywords."""
    if not isinstance(arg, DictExpr):
        return None if value is None else f"**{value}"
    if not all(isinstance(key, StrExpr) for key, _ in arg.items):
        return None
    entries = [
        (key.value, spelled(item, api))
        for key, item in arg.items
        if isinstance(key, StrExpr) and key.value not in own
    ]
    if any(text is None for _, text in entries):
        return None
    return ", ".join(f"{key}={text}" for key, text in entries)


def _keys_held(arg: Expression, arg_type: Type, own: set[str]) -> set[str] | None:
    """The task keywords a mapping holds (a TypedDict: may hold), if any; None if none is known.

    Keys in ``own`` (the scheduler's parameters) are the scheduler's, not the task's.
    """
    if isinstance(arg, DictExpr):
        keys = [key for key, _ in arg.items if key is not None]
        literal = {key.value for key in keys if isinstance(key, StrExpr)}
        if len(literal) == len(keys):
            return literal - own or None
        # A computed key may name anything, the scheduler's own parameters too.
        return None
    proper = get_proper_type(arg_type)
    if isinstance(proper, TypedDictType):
        # Optional keys too: mypy alone reports them as extra arguments, and the report is kept.
        return set(proper.items) - own or None
    return None
