"""Keywords a scheduler takes out of ``**kwargs`` as its own options: never the task's."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.nodes import ARG_NAMED
from mypy.plugin import FunctionContext, MethodContext
from mypy.types import CallableType, Overloaded, ProperType, UnionType, get_proper_type

from .. import errorcodes, messages
from ..callables import Callee
from ..schedulers import Packed, SchedulerSpec, SingleOrPacked, Variadic
from ..task_calls import TaskCall, kept, switched_to_packed


def without_options(
    api: TypeChecker,
    ctx: FunctionContext | MethodContext,
    task: TaskCall,
    target: Callee,
    spec: SchedulerSpec,
    name: str,
) -> TaskCall:
    """The task's call without the keywords the scheduler takes out of ``**kwargs`` as its own options.

    An option that the task also takes by name is reported and left in, for its type to be checked:
    the scheduler takes it, and the task never receives it. An option the scheduler declares as a
    parameter of its own (Dask's ``key=``) is bound there by mypy; the same is reported of it.
    """
    arguments = spec.arguments
    if isinstance(arguments, Packed | SingleOrPacked) or not arguments.options:
        return task
    if isinstance(arguments, Variadic) and switched_to_packed(ctx, arguments):
        return task
    keep: list[int] = []
    for i, (arg, kind, keyword) in enumerate(zip(task.args, task.kinds, task.names, strict=True)):
        if kind != ARG_NAMED or keyword not in arguments.options:
            keep.append(i)
        elif takes_keyword(target.signature, keyword):
            message = messages.option_keyword(spec.name, keyword, name, spec.keyword_safe_alternative)
            api.fail(message, arg, code=errorcodes.TASK_RESERVED_KEYWORD)
            keep.append(i)
    return _with_declared_options(api, ctx, kept(task, keep), target, spec, name, arguments.options)


def _with_declared_options(
    api: TypeChecker,
    ctx: FunctionContext | MethodContext,
    task: TaskCall,
    target: Callee,
    spec: SchedulerSpec,
    name: str,
    options: frozenset[str],
) -> TaskCall:
    """The task's call with the options given to the scheduler's own parameters that the task takes too.

    Each is reported, and added for its type to be checked, instead of reported missing as well.
    """
    args, kinds, names = list(task.args), list(task.kinds), list(task.names)
    for index, parameter in enumerate(ctx.callee_arg_names):
        if parameter not in options or not takes_keyword(target.signature, parameter):
            continue
        for arg, kind in zip(ctx.args[index], ctx.arg_kinds[index], strict=True):
            if kind == ARG_NAMED:
                message = messages.option_keyword(spec.name, parameter, name, spec.keyword_safe_alternative)
                api.fail(message, arg, code=errorcodes.TASK_RESERVED_KEYWORD)
                args.append(arg)
                kinds.append(kind)
                names.append(parameter)
    if len(args) == len(task.args):
        return task
    return TaskCall(task.target, task.target_type, args, kinds, names)


def takes_keyword(signature: ProperType, keyword: str) -> bool:
    """Whether a target has a parameter named ``keyword`` (its ``**kwargs`` does not count)."""
    if isinstance(signature, CallableType):
        return any(
            name == keyword and not kind.is_star()
            for name, kind in zip(signature.arg_names, signature.arg_kinds, strict=True)
        )
    if isinstance(signature, Overloaded):
        return any(takes_keyword(item, keyword) for item in signature.items)
    if isinstance(signature, UnionType):
        return any(takes_keyword(get_proper_type(item), keyword) for item in signature.items)
    return False
