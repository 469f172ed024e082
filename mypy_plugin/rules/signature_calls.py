"""A task called through a signature made in the same expression (Celery's ``add.s(2).delay(3)``)."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.errorcodes import CALL_ARG
from mypy.nodes import CallExpr, Expression, MemberExpr, NameExpr
from mypy.plugin import FunctionContext, MethodContext
from mypy.types import ProperType

from .. import messages
from ..schedulers import Mapped, Packed, SchedulerSpec, SignatureReceiver, SingleOrPacked
from ..task_calls import TaskCall, made_signature
from .completed_later import completed_later
from .task_arguments import call_task


def signature_reported(
    api: TypeChecker,
    ctx: FunctionContext | MethodContext,
    receiver: SignatureReceiver,
    spec: SchedulerSpec,
    task: TaskCall,
    signature: ProperType,
) -> bool:
    """Whether the call is left unchecked: a mistake in the signature's own arguments, reported where it is
    made, or arguments an immutable signature ignores, reported here.
    """
    call = ctx.context
    made = made_signature(call, receiver) if isinstance(call, CallExpr) else None
    if made is None or not isinstance(made.callee, MemberExpr):
        return True
    own = TaskCall(task.target, task.target_type, made.args, made.arg_kinds, made.arg_names)
    if made.callee.name in receiver.immutable:
        if _given(ctx, spec):
            message = messages.ignored_by_immutable(spec.name, made.callee.name, task_name(task))
            api.fail(message, call, code=CALL_ARG)
            return True
        return bool(call_task(api, own, signature, call)[1])
    return bool(call_task(api, *completed_later(own, signature), call)[1])


def task_name(task: TaskCall) -> str:
    target = task.target
    return target.name if isinstance(target, NameExpr | MemberExpr) else "the task"


def _given(ctx: FunctionContext | MethodContext, spec: SchedulerSpec) -> bool:
    """Whether the call gives the task arguments (a ``None`` for a packed tuple or dict gives none)."""
    arguments = spec.arguments
    if isinstance(arguments, Packed):
        slots = [param.name for param in (arguments.args, arguments.kwargs) if param is not None]
    elif isinstance(arguments, SingleOrPacked):
        slots = [arguments.arg.name, arguments.args.name]
    elif isinstance(arguments, Mapped):
        slots = [arguments.iterables, arguments.kwargs]
    else:
        slots = [arguments.args, arguments.kwargs]
    for slot in slots:
        if slot is None or slot not in ctx.callee_arg_names:
            continue
        index = ctx.callee_arg_names.index(slot)
        if any(not _is_none(arg) for arg in ctx.args[index]):
            return True
    return False


def _is_none(arg: Expression) -> bool:
    return isinstance(arg, NameExpr) and arg.fullname == "builtins.None"
