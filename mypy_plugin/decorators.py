"""Schedulers that are decorators: ``@scheduler.scheduled_job(trigger, args=..., kwargs=...)`` on a function.

The decorator factory's call gives the scheduler's arguments; the function it decorates is the target. mypy
checks the factory's call first and then applies its result to the function: at that point (the result's
``__call__``), the decorated function and the factory's call are both known, and the pair is checked as the
scheduling call they make together (APScheduler's ``scheduled_job`` calls ``add_job(func, trigger, args,
kwargs, ...)``).
"""

from __future__ import annotations

from typing import Final

from mypy.argmap import map_actuals_to_formals
from mypy.checker import TypeChecker
from mypy.nodes import ARG_POS, CallExpr, Context, Decorator, Expression, MemberExpr, TempNode
from mypy.plugin import MethodContext
from mypy.types import CallableType, Instance, Type, get_proper_type

from .records import Record
from .registry import Registry


class DecoratorScheduler(Record):
    """A decorator factory (``member`` of a registered scheduler class) whose result schedules a function.

    ``applied`` is the fully qualified ``__call__`` of the factory's result, as the stubs declare it;
    ``scheduler`` the member whose entry checks the pair, with the function as its first argument.
    """

    __slots__ = ("applied", "member", "scheduler")

    def __init__(self, applied: str, member: str, scheduler: str) -> None:
        self.applied: Final = applied
        self.member: Final = member
        self.scheduler: Final = scheduler


DECORATOR_SCHEDULERS: Final = {
    entry.applied: entry
    for entry in (
        DecoratorScheduler("apscheduler.schedulers.base._ScheduledJob.__call__", "scheduled_job", "add_job"),
    )
}


def check_decorated(registry: Registry, entry: DecoratorScheduler, ctx: MethodContext) -> Type:
    """Check the decorated function against the arguments of the decorator factory's call."""
    from .checks import check_scheduling_call

    api = ctx.api
    if not isinstance(api, TypeChecker) or len(ctx.args) != 1 or len(ctx.args[0]) != 1:
        return ctx.default_return_type
    factory = _factory_call(ctx.context, ctx.args[0][0], entry)
    if factory is None or not isinstance(factory.callee, MemberExpr):
        return ctx.default_return_type
    # Every type is known once the decorator expression has been checked; a missing one is left alone.
    if not all(api.has_type(expr) for expr in (factory.callee, factory.callee.expr, *factory.args)):
        return ctx.default_return_type
    scheduler = get_proper_type(api.lookup_type(factory.callee.expr))
    factory_type = get_proper_type(api.lookup_type(factory.callee))
    if not isinstance(scheduler, Instance) or not isinstance(factory_type, CallableType):
        return ctx.default_return_type
    spec = registry.for_class(scheduler.type, entry.scheduler)
    if spec is None:
        return ctx.default_return_type
    function = _named_after(ctx.arg_types[0][0], ctx.context)
    pair = _scheduling_context(ctx, api, entry, factory, factory_type, scheduler, function)
    check_scheduling_call(pair, spec.named(entry.member))
    return ctx.default_return_type


def _factory_call(context: object, applied_to: Expression, entry: DecoratorScheduler) -> CallExpr | None:
    """The decorator expression whose result is being applied to the function.

    With one such decorator on the function, it. With several, the one at the position mypy gives the
    function's type: the decorator's own on newer mypy releases, the decorated definition's on older ones
    (the first decorator's position), where it cannot tell them apart and none is taken.
    """
    if not isinstance(context, Decorator):
        return None
    candidates = [
        expr
        for expr in context.decorators
        if isinstance(expr, CallExpr)
        and isinstance(expr.callee, MemberExpr)
        and expr.callee.name == entry.member
    ]
    if len(candidates) == 1:
        return candidates[0]
    position = (applied_to.line, applied_to.column)
    if position == (context.line, context.column):
        return None
    return next((expr for expr in candidates if (expr.line, expr.column) == position), None)


def _named_after(function: Type, context: Context) -> Type:
    """A decorated function's type, named after the definition when the decorators below left it unnamed."""
    proper = get_proper_type(function)
    if isinstance(proper, CallableType) and proper.name is None and isinstance(context, Decorator):
        return proper.copy_modified(name=context.func.name)
    return function


def _scheduling_context(
    ctx: MethodContext,
    api: TypeChecker,
    entry: DecoratorScheduler,
    factory: CallExpr,
    factory_type: CallableType,
    scheduler: Instance,
    function_type: Type,
) -> MethodContext:
    """The call ``scheduler.<scheduler>(function, <the factory's arguments>)``, as a hook would see it."""
    arg_types = [api.lookup_type(arg) for arg in factory.args]
    formal_to_actual = map_actuals_to_formals(
        factory.arg_kinds,
        factory.arg_names,
        factory_type.arg_kinds,
        factory_type.arg_names,
        lambda i: arg_types[i],
    )
    target = TempNode(function_type, context=factory)
    receiver = factory.callee.expr if isinstance(factory.callee, MemberExpr) else factory.callee
    call = CallExpr(
        MemberExpr(receiver, entry.scheduler),
        [target, *factory.args],
        [ARG_POS, *factory.arg_kinds],
        [None, *factory.arg_names],
    )
    call.set_line(factory)
    return MethodContext(
        type=scheduler,
        arg_types=[[function_type], *([arg_types[i] for i in actuals] for actuals in formal_to_actual)],
        arg_kinds=[[ARG_POS], *([factory.arg_kinds[i] for i in actuals] for actuals in formal_to_actual)],
        callee_arg_names=["func", *factory_type.arg_names],
        arg_names=[[None], *([factory.arg_names[i] for i in actuals] for actuals in formal_to_actual)],
        default_return_type=ctx.default_return_type,
        args=[[target], *([factory.args[i] for i in actuals] for actuals in formal_to_actual)],
        context=call,
        api=api,
    )
