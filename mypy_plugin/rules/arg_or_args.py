"""A scheduler taking one argument or a packed sequence, given both (Temporal raises ValueError)."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.errorcodes import CALL_ARG
from mypy.plugin import FunctionContext, MethodContext

from .. import messages
from ..packed_arguments import given_value
from ..schedulers import SchedulerSpec, SingleOrPacked


def report_arg_and_args(api: TypeChecker, ctx: FunctionContext | MethodContext, spec: SchedulerSpec) -> bool:
    """Report ``arg`` and ``args=`` given together; returns whether it was reported."""
    arguments = spec.arguments
    if not isinstance(arguments, SingleOrPacked):
        return False
    packed = given_value(ctx, arguments.args)
    if packed is None or given_value(ctx, arguments.arg) is None:
        return False
    message = messages.arg_and_args(spec.name, arguments.arg.name or "arg", arguments.args.name or "args")
    api.fail(message, packed[0], code=CALL_ARG)
    return True
