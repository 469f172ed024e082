"""RQ's ``@job(queue, connection=...)``: the decorated function typed as ``bgtyped.rq.JobFunction``.

RQ's decorator is untyped, so mypy gives the function ``Any``, and its ``delay(...)`` and ``enqueue(...)``
go unchecked. Typed as a `JobFunction` of the function's parameters and return type, it is called as
before, and those two are schedulers (`schedulers.rq`).
"""

from __future__ import annotations

from typing import Final

from mypy.nodes import MypyFile, TypeInfo
from mypy.plugin import MethodContext
from mypy.types import CallableType, Instance, Parameters, Type, get_proper_type

# The type given to a function decorated by ``@job``; the rq family's entries schedule through it. (Defined
# here, not there: a module importing RQ asks this module for its dependencies before the build's modules
# are known, and the family stays unloaded until RQ's own are in the build.)
JOB_FUNCTION: Final = "bgtyped.rq.JobFunction"
# What mypy calls when it applies ``@job(...)`` to a function.
JOB_DECORATOR_CALL: Final = "rq.decorators.job.__call__"
_JOB_MODULE, _, _JOB_CLASS = JOB_FUNCTION.rpartition(".")


def job_dependency(file: MypyFile) -> list[tuple[int, str, int]]:
    """``bgtyped.rq`` for a module that imports RQ, unless RQ's or bgtyped's own: it defines `JobFunction`."""
    if file.fullname.partition(".")[0] in ("rq", "bgtyped"):
        return []
    return [(10, _JOB_MODULE, -1)]


def job_function_type(ctx: MethodContext) -> Type:
    """``JobFunction[<the function's parameters>, <its return type>]``, or RQ's type if none can be."""
    if len(ctx.arg_types) != 1 or len(ctx.arg_types[0]) != 1:
        return ctx.default_return_type
    function = get_proper_type(ctx.arg_types[0][0])
    info = _job_function_info(ctx)
    if not isinstance(function, CallableType) or info is None or function.variables:
        return ctx.default_return_type
    parameters = Parameters(function.arg_types, function.arg_kinds, function.arg_names)
    return Instance(info, [parameters, function.ret_type])


def _job_function_info(ctx: MethodContext) -> TypeInfo | None:
    module = getattr(ctx.api, "modules", {}).get(_JOB_MODULE)
    node = None if module is None else module.names.get(_JOB_CLASS)
    return node.node if node is not None and isinstance(node.node, TypeInfo) else None
