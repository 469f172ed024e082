"""What a scheduling call holds when its scheduler awaits an ``async def`` task: the coroutine's value.

prefect's ``Task.submit`` and Dask's ``Client.submit`` declare their result generic in what the task returns
(``PrefectFuture[R]``, ``Future[T]``), which for an ``async def`` is its coroutine. Their engines await that
coroutine (prefect's ``run_task_async``, a Dask worker's task whose function is a coroutine function), so
the future holds the value: ``fetch.submit(1).result()`` is what ``fetch`` returns. Where a scheduler awaits
(``coroutines="awaited"``) a task the plugin sees to be an ``async def``, the task's coroutine is replaced
by its value wherever the call's type carries it as a type argument. A sync ``def`` returning a coroutine
is not awaited, and a task whose definition is not seen is not guessed at: both keep the declared type.
"""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.erasetype import erase_typevars
from mypy.nodes import CallExpr, Expression, FuncDef, MemberExpr, TempNode
from mypy.plugin import FunctionContext, MethodContext
from mypy.subtypes import is_subtype
from mypy.types import CallableType, Instance, Type, get_proper_type

from .callables import COROUTINE
from .definitions import decorated_task
from .schedulers import Param, Receiver, SchedulerSpec
from .task_calls import single_actual


def awaited_value(typ: Type) -> Type | None:
    """What awaiting a ``Coroutine[Any, Any, T]`` gives (``T``); None for any other type."""
    proper = get_proper_type(typ)
    if isinstance(proper, Instance) and proper.type.fullname == COROUTINE and proper.args:
        return proper.args[-1]
    return None


def with_awaited_task(ctx: FunctionContext | MethodContext, spec: SchedulerSpec, returned: Type) -> Type:
    """``returned``, the scheduling call's type, with the task's coroutine replaced by its value.

    Only where ``spec`` awaits the coroutine of an ``async def`` task and the task is one; ``returned``
    itself otherwise. The call's own type is never replaced, only its type arguments, at any depth
    (``list[State[...]]``): an ``async def`` scheduler's own coroutine stays.
    """
    if spec.coroutines != "awaited" or not _carries_coroutine(returned):
        return returned
    coroutine = _async_task_coroutine(ctx, spec)
    if coroutine is None:
        return returned
    # A generic task's coroutine (``Coroutine[Any, Any, T]``) is solved by each call: any solution counts.
    return _replaced(returned, erase_typevars(coroutine))


def with_awaited_target(
    ctx: FunctionContext | MethodContext, spec: SchedulerSpec, call: CallExpr, typed: list[Expression]
) -> list[Expression]:
    """``typed``, the call's arguments as found, with an awaited ``async def`` target returning its value.

    The declared signature then solves the result from what the task gives (``Future[bytes]``), also in a
    type context: ``page: Future[bytes] = client.submit(fetch, url)`` is correct, not a mismatch.
    """
    if spec.coroutines != "awaited" or not isinstance(spec.target, Param):
        return typed
    group = single_actual(ctx, spec.target.index_in(ctx.callee_arg_names))
    if group is None:
        return typed
    signature = get_proper_type(ctx.arg_types[group][0])
    if not isinstance(signature, CallableType) or not _plain_async_def(signature.definition):
        return typed
    value = awaited_value(signature.ret_type)
    if value is None:
        return typed
    target = ctx.args[group][0]
    awaited = signature.copy_modified(ret_type=value)
    pairs = zip(call.args, typed, strict=True)
    return [TempNode(awaited, context=arg) if arg is target else found for arg, found in pairs]


def _carries_coroutine(typ: Type) -> bool:
    proper = get_proper_type(typ)
    if not isinstance(proper, Instance):
        return False
    return any(awaited_value(arg) is not None or _carries_coroutine(arg) for arg in proper.args)


def _replaced(typ: Type, coroutine: Type) -> Type:
    proper = get_proper_type(typ)
    if not isinstance(proper, Instance) or not proper.args:
        return typ
    return proper.copy_modified(args=[_awaited_argument(arg, coroutine) for arg in proper.args])


def _awaited_argument(arg: Type, coroutine: Type) -> Type:
    value = awaited_value(arg)
    if value is not None and is_subtype(arg, coroutine):
        return value
    return _replaced(arg, coroutine)


def _async_task_coroutine(ctx: FunctionContext | MethodContext, spec: SchedulerSpec) -> Type | None:
    """The coroutine type the scheduled task returns, if it is an ``async def`` the plugin sees."""
    target = spec.target
    if isinstance(target, Param):
        return _async_function_coroutine(ctx, target)
    if isinstance(target, Receiver) and isinstance(ctx, MethodContext):
        return _async_task_object_coroutine(ctx)
    return None


def _async_function_coroutine(ctx: FunctionContext | MethodContext, target: Param) -> Type | None:
    """A function target's coroutine: a plain ``async def`` (a decorator may have made it sync)."""
    group = single_actual(ctx, target.index_in(ctx.callee_arg_names))
    if group is None:
        return None
    signature = get_proper_type(ctx.arg_types[group][0])
    if not isinstance(signature, CallableType) or not _plain_async_def(signature.definition):
        return None
    return _coroutine(signature)


def _plain_async_def(definition: object) -> bool:
    if not isinstance(definition, FuncDef) or not definition.is_coroutine:
        return False
    return not definition.is_decorated or definition.is_static or definition.is_class


def _async_task_object_coroutine(ctx: MethodContext) -> Type | None:
    """The coroutine of the ``async def`` a task object was made from (``@task async def``, a Ray actor's
    method), found through its decorated definition.

    Only the definition tells an ``async def`` from a sync ``def`` returning a coroutine. A decorator below
    the task's own that keeps the coroutine type cannot be told apart from none: mypy's cache keeps the
    decorated type, not the decorators.
    """
    api = ctx.api
    receiver = ctx.type
    call = ctx.context
    if not isinstance(api, TypeChecker) or not isinstance(receiver, Instance):
        return None
    if not isinstance(call, CallExpr) or not isinstance(call.callee, MemberExpr):
        return None
    decorated = decorated_task(api, call.callee.expr, receiver)
    if decorated is None or not decorated.func.is_coroutine:
        return None
    signature = decorated.func.type
    return _coroutine(signature) if isinstance(signature, CallableType) else None


def _coroutine(signature: CallableType) -> Type | None:
    return signature.ret_type if awaited_value(signature.ret_type) is not None else None
