"""Task objects whose type arguments carry the task's signature (``Task[P, R]``); tasks that are methods."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.nodes import FUNC_NO_INFO, Decorator, Expression, MemberExpr, RefExpr, TypeInfo
from mypy.typeops import get_all_type_vars
from mypy.types import (
    AnyType,
    CallableType,
    Instance,
    Parameters,
    Type,
    TypeOfAny,
    get_proper_type,
)

from . import errorcodes, messages
from .callables import Callee, Unchecked, without_first_parameter
from .schedulers import Receiver
from .task_calls import TaskCall


def receiver_signature(api: TypeChecker, receiver: Type, target: Receiver) -> CallableType | None:
    """The task's signature read from the receiver's type arguments (`Receiver.parameters`, `.returns`).

    None when the receiver does not carry it (``Any``, ``...``): the task is then not checked.
    """
    proper = get_proper_type(receiver)
    if target.parameters is None or not isinstance(proper, Instance):
        return None
    if target.parameters >= len(proper.args):
        return None
    parameters = get_proper_type(proper.args[target.parameters])
    if not isinstance(parameters, Parameters | CallableType) or parameters.is_ellipsis_args:
        return None
    returned: Type = AnyType(TypeOfAny.special_form)
    if target.returns is not None and target.returns < len(proper.args):
        returned = proper.args[target.returns]
    signature = CallableType(
        parameters.arg_types,
        parameters.arg_kinds,
        parameters.arg_names,
        returned,
        api.named_type("builtins.function"),
    )
    # A generic task's type variables (``def ident(x: T) -> T``) are solved by each call, as the task's.
    variables = {tv.id: tv for tv in get_all_type_vars(signature)}
    return signature.copy_modified(variables=list(variables.values())) if variables else signature


def bound_method_task(api: TypeChecker, expr: Expression, signature: CallableType) -> CallableType:
    """The signature without its first parameter where the library binds it, as Python binds a method's.

    That is a task defined in a class body reached through an instance (``Svc().meth``), or a class method
    (``cls``). A task reached through the class, or a static method, keeps its signature.
    """
    if not isinstance(expr, MemberExpr) or not signature.arg_kinds:
        return signature
    if not signature.arg_kinds[0].is_positional():
        return signature
    owner = expr.expr
    through_class = isinstance(owner, RefExpr) and isinstance(owner.node, TypeInfo)
    if through_class:
        assert isinstance(owner, RefExpr) and isinstance(owner.node, TypeInfo)
        info: TypeInfo | None = owner.node
    else:
        owner_type = get_proper_type(api.lookup_type(owner)) if api.has_type(owner) else None
        info = owner_type.type if isinstance(owner_type, Instance) else None
    symbol = None if info is None else info.get(expr.name)
    node = None if symbol is None else symbol.node
    if not isinstance(node, Decorator) or node.func.info is FUNC_NO_INFO or node.func.is_static:
        return signature
    if through_class and not node.func.is_class:
        return signature
    return without_first_parameter(signature)


def receiver_target(api: TypeChecker, task: TaskCall, target: Receiver) -> Callee | Unchecked:
    """The task a receiver whose type arguments carry its signature stands for, bound if it is a method."""
    signature = receiver_signature(api, task.target_type, target)
    if signature is None or context_keyword_given(api, task, target):
        return Unchecked()
    if target.binds_methods:
        signature = bound_method_task(api, task.target, signature)
    return Callee(signature)


def context_keyword_given(api: TypeChecker, task: TaskCall, target: Receiver) -> bool:
    """Report a keyword named like the parameter the worker fills with its context (`Receiver.context`).

    The name is the definition's: the task's type keeps the context's type, not its name. A positional-only
    context leaves the name to the task's ``**kwargs``.
    """
    if target.context is None:
        return False
    proper = get_proper_type(task.target_type)
    if not isinstance(proper, Instance) or not proper.args:
        return False
    full = get_proper_type(proper.args[0])
    if not isinstance(full, Parameters | CallableType) or not full.arg_types:
        return False
    first = get_proper_type(full.arg_types[0])
    if not isinstance(first, Instance) or not first.type.has_base(target.context):
        return False
    node = task.target.node if isinstance(task.target, RefExpr) else None
    if not isinstance(node, Decorator) or not node.func.arguments:
        return False
    context = node.func.arguments[0]
    name = context.variable.name
    if context.pos_only or name not in task.names:
        return False
    argument = task.args[task.names.index(name)]
    message = messages.context_keyword(node.func.name, name)
    api.fail(message, argument, code=errorcodes.TASK_RESERVED_KEYWORD)
    return True
