"""A string given where a scheduler takes the task's positional arguments as a tuple: ``args=("a.png")``."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.errorcodes import ARG_TYPE
from mypy.nodes import Expression
from mypy.plugin import FunctionContext, MethodContext
from mypy.subtypes import is_proper_subtype, is_subtype
from mypy.types import CallableType, Type

from .. import messages, signatures
from ..rendering import render
from ..schedulers import Mapped, Packed, SchedulerSpec, SingleOrPacked, Variadic
from ..task_calls import single_actual, variadic_groups


def report_string_args(api: TypeChecker, ctx: FunctionContext | MethodContext, spec: SchedulerSpec) -> bool:
    """Report a string given as the positional arguments: ``args=("a.png")`` lacks a comma.

    Where the scheduler's declared parameter refuses a string, mypy has reported it: the fix is a note.
    """
    given = _packed_args_value(ctx, spec.arguments)
    if given is None:
        return False
    expr, value_type, parameter = given
    # Proper: ``Any`` (an unannotated parameter) fits ``str`` yet may be anything.
    if not is_proper_subtype(value_type, api.named_type("builtins.str")):
        return False
    message = messages.string_args(spec.name, parameter, render(expr))
    if _refused_by_declaration(ctx, spec, parameter, value_type):
        api.note(message, expr, code=ARG_TYPE)
    else:
        api.fail(message, expr, code=ARG_TYPE)
    return True


def _packed_args_value(
    ctx: FunctionContext | MethodContext, arguments: Variadic | Packed | Mapped | SingleOrPacked
) -> tuple[Expression, Type, str] | None:
    """The value given as the task's positional arguments packed in a tuple, and the keyword taking it."""
    if isinstance(arguments, Mapped):
        return None
    if isinstance(arguments, Packed | SingleOrPacked):
        if arguments.args is None:
            return None
        group = single_actual(ctx, arguments.args.index_in(ctx.callee_arg_names))
        if group is None:
            return None
        return ctx.args[group][0], ctx.arg_types[group][0], arguments.args.name or "args"
    if arguments.packed_keywords is None:
        return None
    keyword = arguments.packed_keywords[0]
    for index in variadic_groups(ctx, arguments):
        for arg, typ, name in zip(ctx.args[index], ctx.arg_types[index], ctx.arg_names[index], strict=True):
            if name == keyword:
                return arg, typ, keyword
    return None


def _refused_by_declaration(
    ctx: FunctionContext | MethodContext, spec: SchedulerSpec, parameter: str, value: Type
) -> bool:
    """Whether the scheduler method's declared ``parameter`` refuses ``value`` (mypy reports it itself)."""
    if not isinstance(ctx, MethodContext) or not isinstance(ctx.api, TypeChecker):
        return False
    declared = signatures.declared_signature(ctx, spec, ctx.api)
    if not isinstance(declared, CallableType) or parameter not in declared.arg_names:
        return False
    return not is_subtype(value, declared.arg_types[declared.arg_names.index(parameter)])
