"""A lambda target, inferred again with the scheduled arguments as its parameters' types."""

from __future__ import annotations

from mypy.argmap import map_actuals_to_formals
from mypy.checker import TypeChecker
from mypy.erasetype import remove_instance_last_known_values
from mypy.nodes import ARG_NAMED, ARG_POS, Expression, LambdaExpr, TempNode
from mypy.plugin import FunctionContext, MethodContext
from mypy.types import AnyType, CallableType, Type, TypeOfAny

from ..task_calls import TaskCall, argument_types


def lambda_in_context(api: TypeChecker, ctx: FunctionContext | MethodContext, task: TaskCall) -> Type:
    """A lambda target's type, inferred again with the task's arguments as its parameters' types.

    mypy infers a lambda's parameters from the callable type it is expected to be; against the scheduler's
    own ``Callable[P, T]`` that is the types of the scheduled arguments. The plugin's signature expects
    ``object`` there, so the lambda is inferred again in the context of a callable taking the arguments
    it will be called with: errors in its body are found, and its result has its type.
    """
    expr = task.target
    assert isinstance(expr, LambdaExpr)
    found = argument_types(ctx)
    actual_types = [_actual_type(api, arg, found) for arg in task.args]
    formals = map_actuals_to_formals(
        task.kinds, task.names, expr.arg_kinds, expr.arg_names, lambda i: actual_types[i]
    )
    unknown = AnyType(TypeOfAny.special_form)
    param_types: list[Type] = []
    for kind, actuals in zip(expr.arg_kinds, formals, strict=True):
        # A parameter with a default keeps it: its type is the default's as much as the argument's (mypy
        # before 2.0 would check the default against the argument's type).
        given = (
            len(actuals) == 1
            and kind.is_required()
            and not kind.is_star()
            and task.kinds[actuals[0]] in (ARG_POS, ARG_NAMED)
        )
        param_types.append(actual_types[actuals[0]] if given else unknown)
    context = CallableType(
        param_types, list(expr.arg_kinds), list(expr.arg_names), unknown, api.named_type("builtins.function")
    )
    return api.expr_checker.accept(expr, type_context=context)


def _actual_type(api: TypeChecker, expr: Expression, found: dict[int, Type]) -> Type:
    """The type mypy found for a task's argument, as a parameter's type (``int``, not ``Literal[1]?``)."""
    if isinstance(expr, TempNode):
        typ = expr.type
    elif id(expr) in found:
        typ = found[id(expr)]
    elif api.has_type(expr):
        typ = api.lookup_type(expr)
    else:
        return AnyType(TypeOfAny.special_form)
    return remove_instance_last_known_values(typ)
