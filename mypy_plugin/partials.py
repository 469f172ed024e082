"""``functools.partial``: keep what a partial still accepts, and what it already passes, across partials.

mypy records what a partial still accepts in the ``__mypy_partial`` extra attribute of its type. A partial
made from another partial starts from ``partial.__call__`` (``*args: Any, **kwargs: Any``) instead and
forgets it; starting from the inner partial's recorded signature keeps nested partials checked.

The partial's type also records the signature of the function it wraps (innermost, for nested partials):
the parameters missing from what the partial still accepts are the ones it passes by position, and a task
keyword of the same name fails at run time even where ``**kwargs`` would take it. A marker says whether that
function is a plain sync ``def`` (for the never-awaited rule). Types and markers, unlike the definitions they
point to, survive mypy's cache, so warm runs see the same.
"""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.plugin import FunctionContext
from mypy.types import CallableType, Instance, ProperType, Type, get_proper_type

from .callables import (
    WRAPPED_SIGNATURE,
    WRAPS_SYNC_DEF,
    is_plain_sync_def,
    partial_signature,
    wrapped_signature,
)
from .compat import handle_partial_with_callee, partial_new_callback


def new_partial(ctx: FunctionContext) -> Type:
    """The hook of ``functools.partial(...)``: mypy's own, fed the inner signature of a nested partial."""
    if len(ctx.arg_types) != 3 or len(ctx.arg_types[0]) != 1 or not isinstance(ctx.api, TypeChecker):
        return partial_new_callback(ctx)
    callee = get_proper_type(ctx.arg_types[0][0])
    inner = partial_signature(callee) if isinstance(callee, Instance) else None
    if inner is None:
        result = get_proper_type(partial_new_callback(ctx))
    else:
        result = get_proper_type(handle_partial_with_callee(ctx, callee=inner))
    if not isinstance(result, Instance) or partial_signature(result) is None:
        return result
    # mypy made a partial of it, so the callee is callable: extracting its signature reports nothing.
    wrapped: CallableType | None
    if isinstance(callee, Instance) and inner is not None:
        wrapped = wrapped_signature(callee) or inner
    else:
        wrapped = ctx.api.extract_callable_type(callee, ctx=ctx.context)
    if wrapped is None:
        return result
    result = result.copy_with_extra_attr(WRAPPED_SIGNATURE, wrapped)
    if _wraps_sync_def(callee, wrapped, ctx.api):
        assert result.extra_attrs is not None  # set just above
        result.extra_attrs.immutable.add(WRAPS_SYNC_DEF)
    return result


def _wraps_sync_def(callee: ProperType, wrapped: CallableType, chk: TypeChecker) -> bool:
    """Decided now, while the wrapped function's definition is at hand (mypy's cache drops it)."""
    if isinstance(callee, Instance) and partial_signature(callee) is not None:
        return callee.extra_attrs is not None and WRAPS_SYNC_DEF in callee.extra_attrs.immutable
    return is_plain_sync_def(wrapped, chk)
