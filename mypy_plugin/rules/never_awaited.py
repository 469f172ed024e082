"""An ``async def`` target whose coroutine is never awaited; a task group's target that is not async."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.erasetype import erase_typevars
from mypy.messages import format_type
from mypy.nodes import LambdaExpr
from mypy.types import CallableType, Overloaded, ProperType, Type, UnionType, get_proper_type

from .. import errorcodes
from ..callables import Callee, is_plain_sync_def, may_not_be_coroutine, runs_only_when_awaited
from ..schedulers import SchedulerSpec
from ..task_calls import TaskCall
from .task_arguments import call_task


def check_never_awaited(
    api: TypeChecker, task: TaskCall, target: Callee, spec: SchedulerSpec, name: str
) -> bool:
    """Report a target whose coroutine (or other awaitable) the scheduler never awaits."""
    signature = target.signature
    if spec.coroutines == "required":
        returned = _not_coroutine_return(signature)
        if returned is not None:
            from ..messages import not_async

            text = not_async(spec.name, name, format_type(returned, api.options))
            api.fail(text, task.target, code=errorcodes.TASK_NOT_ASYNC)
        return False
    if not isinstance(signature, CallableType):
        return False
    if spec.coroutines == "result-awaited" or not runs_only_when_awaited(signature.ret_type):
        return False
    dropped = spec.coroutines == "dropped"
    if not (dropped or isinstance(task.target, LambdaExpr) or _wraps_sync_def(target, signature, api)):
        return False
    from .. import messages

    if dropped:
        message = messages.never_awaited_by
    elif spec.awaits_sync_results:
        message = messages.awaited_in_thread
    else:
        message = messages.never_awaited
    type_text = format_type(_returned_on(api, task, signature), api.options)
    api.fail(message(spec.name, name, type_text), task.target, code=errorcodes.TASK_NEVER_AWAITED)
    return True


def _returned_on(api: TypeChecker, task: TaskCall, signature: CallableType) -> Type:
    """What a generic target returns on the task's arguments (``Task[None]``, not ``Task[_T]``).

    Type variables the arguments do not solve become ``Any``; a message never shows one unsolved.
    """
    if not signature.variables:
        return signature.ret_type
    return erase_typevars(call_task(api, task, signature, task.target)[0])


def _not_coroutine_return(signature: ProperType) -> Type | None:
    """What the target returns, if it may be something other than a coroutine on some call.

    Overloads: the call may pick any item returning a coroutine, so only all of them failing counts. A union
    of callables: any member may be the one called.
    """
    if isinstance(signature, CallableType):
        return signature.ret_type if may_not_be_coroutine(signature.ret_type) else None
    if isinstance(signature, Overloaded):
        returns = [item.ret_type for item in signature.items]
        if all(may_not_be_coroutine(returned) for returned in returns):
            return UnionType.make_union(returns)
        return None
    if isinstance(signature, UnionType):
        for item in signature.items:
            returned = _not_coroutine_return(get_proper_type(item))
            if returned is not None:
                return returned
    return None


def _wraps_sync_def(target: Callee, signature: CallableType, api: TypeChecker) -> bool:
    if target.wraps_sync_def is not None:
        return target.wraps_sync_def
    return is_plain_sync_def(signature, api)
