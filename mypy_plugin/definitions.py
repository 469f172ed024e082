"""The function behind a task object: its decorated definition, where the object's type does not carry it.

A task object made by a decorator (Celery's ``@app.task``, Ray's ``@ray.remote``) is typed by the library's
hints, which may have lost the function's parameters (``Task[Any, Any]``) or kept only some of them (Ray's
``RemoteFunction0[int, int]``: positional types, no names, kinds or defaults). The definition the name
refers to still has them all. Only the signature and the decorated type are read, never the decorator
expressions: mypy's cache keeps the former and drops the latter, and a warm run must answer as a cold one.
"""

from __future__ import annotations

from typing import Final

from mypy.checker import TypeChecker
from mypy.nodes import FUNC_NO_INFO, CallExpr, Decorator, Expression, MemberExpr, RefExpr, TypeInfo
from mypy.types import (
    AnyType,
    CallableType,
    FunctionLike,
    Instance,
    Parameters,
    ParamSpecType,
    ProperType,
    Type,
    TypeType,
    UnionType,
    get_proper_type,
)

from .callables import without_first_parameter
from .compat import type_object_type
from .schedulers import SchedulerSpec

# The name a bound task's first parameter has by convention (Celery's ``bind=True``).
_BOUND_TASK_PARAMETER: Final = "self"


def task_definition(
    chk: TypeChecker, expr: Expression, receiver: Type, spec: SchedulerSpec
) -> CallableType | None:
    """What the task object ``expr`` (of type ``receiver``) calls its function with, from its definition.

    Looked for when ``spec`` says the declared signature cannot be trusted (``checked_against``), or when
    the receiver's ParamSpec is lost (``...`` or ``Any``). None when no definition is found, or when the
    receiver's type already says what the task takes.
    """
    proper = get_proper_type(receiver)
    if not isinstance(proper, Instance):
        return None
    if spec.checked_against == "constructor":
        return _constructor(chk, proper)
    if spec.checked_against == "declared" and not parameters_unknown(proper):
        return None
    decorated = _decorated(chk, task_expression(chk, expr, proper), proper)
    if decorated is None:
        return None
    # A library that loses the parameters may also bind the task itself (Celery's ``bind=True``).
    return _as_called(decorated, proper, binds_task=spec.checked_against == "declared")


def task_expression(chk: TypeChecker, expr: Expression, receiver: Instance) -> Expression:
    """``expr`` without the configuration calls whose result is still the task (``f.options(...)``)."""
    while isinstance(expr, CallExpr) and isinstance(expr.callee, MemberExpr):
        configured = get_proper_type(chk.lookup_type_or_none(expr.callee.expr))
        if not isinstance(configured, Instance) or configured.type is not receiver.type:
            break
        expr = expr.callee.expr
    return expr


def decorated_task(chk: TypeChecker, expr: Expression, receiver: Instance) -> Decorator | None:
    """The decorated definition the task object ``expr`` (of type ``receiver``) was made from, if found.

    Also through the class it was defined in (``Service.build``, a class method's task).
    """
    expr = task_expression(chk, expr, receiver)
    decorated = _decorated(chk, expr, receiver)
    if decorated is not None or not isinstance(expr, MemberExpr):
        return decorated
    owner = get_proper_type(chk.lookup_type_or_none(expr.expr))
    if not isinstance(owner, FunctionLike) or not owner.is_type_obj():
        return None
    symbol = owner.type_object().get(expr.name)
    if symbol is not None and isinstance(symbol.node, Decorator) and _makes(symbol.node, receiver):
        return symbol.node
    return None


def configured(chk: TypeChecker, expr: Expression, receiver: Type) -> bool:
    """Whether the task object ``expr`` was made by a configuration call (``f.options(num_cpus=1)``)."""
    proper = get_proper_type(receiver)
    return isinstance(proper, Instance) and task_expression(chk, expr, proper) is not expr


def parameters_unknown(receiver: Instance) -> bool:
    """Whether the receiver's ParamSpec is ``...`` or ``Any``: its type says nothing of the parameters."""
    for variable, argument in zip(receiver.type.defn.type_vars, receiver.args, strict=False):
        if isinstance(variable, ParamSpecType):
            proper = get_proper_type(argument)
            if isinstance(proper, AnyType):
                return True
            return isinstance(proper, Parameters | CallableType) and proper.is_ellipsis_args
    return False


def _decorated(chk: TypeChecker, expr: Expression, receiver: Instance) -> Decorator | None:
    """The decorated definition ``expr`` names, if decorating it made an object of the receiver's class.

    A name (``send``, ``tasks.send``) refers to it directly; an attribute of an object (``handle.method``)
    is looked up in the object's class, or in the class a handle is generic in (Ray's ``ActorHandle[C]``).
    """
    if isinstance(expr, RefExpr) and isinstance(expr.node, Decorator):
        return expr.node if _makes(expr.node, receiver) else None
    if not isinstance(expr, MemberExpr):
        return None
    for info in _classes_of(chk.lookup_type_or_none(expr.expr)):
        symbol = info.get(expr.name)
        if symbol is not None and isinstance(symbol.node, Decorator) and _makes(symbol.node, receiver):
            return symbol.node
    return None


def _makes(decorated: Decorator, receiver: Instance) -> bool:
    made = get_proper_type(decorated.var.type)
    return isinstance(made, Instance) and made.type is receiver.type


def _classes_of(typ: Type | None) -> list[TypeInfo]:
    """The classes whose members an object of type ``typ`` may give: its own, or those it is generic in."""
    proper = get_proper_type(typ)
    if isinstance(proper, UnionType):
        return [info for item in proper.items for info in _classes_of(item)]
    if isinstance(proper, TypeType) and isinstance(proper.item, Instance):
        return [proper.item.type]
    if not isinstance(proper, Instance):
        return []
    held = [get_proper_type(arg) for arg in proper.args]
    return [proper.type, *(arg.type for arg in held if isinstance(arg, Instance))]


def _as_called(decorated: Decorator, receiver: Instance, binds_task: bool) -> CallableType | None:
    """The definition's signature without what the library passes itself: a method's ``self``, a bound task.

    Where the library may bind the task (``binds_task``), a task is bound (Celery's ``bind=True``) when its
    first parameter is annotated with the task's own class, or, on a plain function, named ``self``.
    """
    signature = decorated.func.type
    if not isinstance(signature, CallableType):
        return None
    func = decorated.func
    if func.is_static:
        return signature
    if func.info is not FUNC_NO_INFO or (binds_task and _bound(signature, receiver)):
        if not signature.arg_kinds or not signature.arg_kinds[0].is_positional():
            return None
        return without_first_parameter(signature)
    return signature


def _bound(signature: CallableType, receiver: Instance) -> bool:
    if not signature.arg_kinds or not signature.arg_kinds[0].is_positional():
        return False
    first = get_proper_type(signature.arg_types[0])
    if isinstance(first, Instance) and receiver.type.has_base(first.type.fullname):
        return True
    return signature.arg_names[0] == _BOUND_TASK_PARAMETER


def _constructor(chk: TypeChecker, receiver: Instance) -> CallableType | None:
    """The constructor of the class the receiver is generic in (Ray's ``ActorClass[C]``)."""
    if not receiver.args:
        return None
    held = get_proper_type(receiver.args[0])
    if not isinstance(held, Instance):
        return None
    constructor = type_object_type(held.type, chk.named_type)
    return constructor if isinstance(constructor, CallableType) else None


def scheduled_result(declared: Type, returned: Type, spec: SchedulerSpec) -> ProperType | None:
    """The scheduling call's result, carrying what the task returns: ``ObjectRef[R]`` as ``ObjectRef[int]``.

    For a scheduler whose declared result is generic in the task's return type alone (one type argument);
    None for any other. An ``async def`` task's coroutine is carried as it is, for `with_awaited_task`.
    """
    proper = get_proper_type(declared)
    if spec.checked_against != "definition" or not isinstance(proper, Instance) or len(proper.args) != 1:
        return None
    return proper.copy_modified(args=[returned])
