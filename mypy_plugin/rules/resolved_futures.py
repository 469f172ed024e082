"""Futures among the task's arguments that the scheduler replaces by their results before the call.

Dask's ``client.submit(total, [f, 2])`` calls ``total([3, 2])`` once ``f`` has its result, and Ray's
``f.remote(ray.put(1))`` calls ``f(1)``: the task's parameters are checked against the results
(`FutureResolution`), not against the futures. Each item of a ``*value`` (each value of a ``**value``) is an
argument itself, so resolved even where the scheduler looks into no container.
"""

from __future__ import annotations

from typing import Final

from mypy.checker import TypeChecker
from mypy.checkexpr import has_any_type
from mypy.errors import ErrorInfo
from mypy.nodes import (
    ARG_POS,
    ARG_STAR,
    ARG_STAR2,
    ArgKind,
    DictExpr,
    Expression,
    ListExpr,
    SetExpr,
    StarExpr,
    TempNode,
    TupleExpr,
)
from mypy.plugin import FunctionContext, MethodContext
from mypy.types import AnyType, Type, TypeOfAny

from .. import messages
from ..records import Record
from ..schedulers import FutureResolution, SchedulerSpec
from ..task_calls import TaskCall, argument_types
from .future_types import FutureTypes
from .task_arguments import call_task


class Resolved(Record):
    """The task's call with the futures' results in their place.

    ``places``: where (line, column) an argument, a literal or a literal's item holding a future now stands
    for its result, for mypy's errors there to be explained. ``guessed``: whether a future inside an abstract
    container (``Sequence[Future[int]]``) was replaced, which the scheduler does only if the object is a list,
    tuple, set or dict.
    """

    __slots__ = ("guessed", "places", "task")

    def __init__(self, task: TaskCall, places: frozenset[tuple[int, int]], guessed: bool) -> None:
        self.task: Final = task
        self.places: Final = places
        self.guessed: Final = guessed


def with_resolved_futures(
    api: TypeChecker,
    ctx: FunctionContext | MethodContext,
    task: TaskCall,
    spec: SchedulerSpec,
    abstract: bool = True,
) -> Resolved | None:
    """The task's call as the scheduler makes it, each future replaced by its result; None if none is.

    ``abstract``: also replace the futures inside abstract containers (``Iterable[Future[int]]``).
    """
    resolution = spec.resolved_futures
    if resolution is None:
        return None
    resolver = _Resolver(api, resolution, abstract, argument_types(ctx))
    args = [resolver.argument(arg, kind) for arg, kind in zip(task.args, task.kinds, strict=True)]
    if not resolver.places:
        return None
    call = TaskCall(task.target, task.target_type, args, task.kinds, task.names)
    return Resolved(call, frozenset(resolver.places), resolver.types.guessed)


def note_resolved(api: TypeChecker, errors: list[ErrorInfo], resolved: Resolved, spec: SchedulerSpec) -> None:
    """Say, once, why an argument written as a future is reported with its result's type."""
    for error in errors:
        if error.severity == "error" and (error.line, error.column) in resolved.places:
            context = TempNode(AnyType(TypeOfAny.special_form))
            context.line, context.column = error.line, error.column
            api.note(messages.resolved_future(spec.name), context, code=error.code)
            return


class _Resolver:
    """Replaces futures in the arguments' expressions: literals item by item, other values by type."""

    def __init__(
        self, api: TypeChecker, resolution: FutureResolution, abstract: bool, found: dict[int, Type]
    ) -> None:
        self.api: Final = api
        self.resolution: Final = resolution
        self.types: Final = FutureTypes(api, resolution, abstract)
        self.found: Final = found
        self.places: set[tuple[int, int]] = set()

    def argument(self, expr: Expression, kind: ArgKind = ARG_POS) -> Expression:
        """``expr``, or a stand-in for it with the futures replaced: a literal rebuilt, a value's type.

        ``kind``: how ``expr`` is given; the items of a ``*`` or ``**`` argument are resolved as arguments.
        """
        literal = self._literal(expr, kind)
        if literal is not None:
            return literal
        resolved = self._resolved_type(expr, kind)
        if resolved is None:
            return expr
        self.places.add((expr.line, expr.column))
        return TempNode(resolved, context=expr)

    def _resolved_type(self, expr: Expression, kind: ArgKind) -> Type | None:
        typ = self._type_of(expr)
        resolved = None if typ is None else self.types.given(typ, kind)
        if resolved is None or isinstance(expr, TempNode) or not has_any_type(resolved):
            return resolved
        # mypy inferred the argument in the context of the scheduler's ``*args: Any``, which makes
        # ``ray.put(1)`` an ``ObjectRef[Any]``: on its own, it is an ``ObjectRef[int]``.
        with self.api.msg.filter_errors():
            alone = self.types.given(self.api.expr_checker.accept(expr), kind)
        return resolved if alone is None else alone

    def _literal(self, expr: Expression, kind: ArgKind) -> Expression | None:
        """A list, tuple, set or dict literal rebuilt with its items' futures replaced (kept if none is).

        Only where its items are resolved: the scheduler looks into containers, or the literal is unpacked
        into arguments. The literal stays one, for mypy to infer it again in the context of the task's
        parameter.
        """
        unpacked = kind in (ARG_STAR, ARG_STAR2)
        nested = self.resolution.nested and not unpacked
        new: Expression
        if isinstance(expr, ListExpr | TupleExpr | SetExpr) and (nested or kind == ARG_STAR):
            items = [self._item(item) for item in expr.items]
            if all(new is old for new, old in zip(items, expr.items, strict=True)):
                return expr
            new = type(expr)(items)
        elif isinstance(expr, DictExpr) and (nested or kind == ARG_STAR2):
            entries = [
                (key, self.argument(value, ARG_POS if key is not None else ARG_STAR2))
                for key, value in expr.items
            ]
            pairs = zip(entries, expr.items, strict=True)
            changed = [key for (key, new), (_, old) in pairs if new is not old]
            if not changed:
                return expr
            # mypy reports a dict entry of the wrong type at its key.
            self.places.update((key.line, key.column) for key in changed if key is not None)
            new = DictExpr(entries)
        else:
            return None
        new.set_line(expr)
        self.places.add((expr.line, expr.column))
        return new

    def _item(self, item: Expression) -> Expression:
        if not isinstance(item, StarExpr):
            return self.argument(item)
        inner = self.argument(item.expr, ARG_STAR)
        if inner is item.expr:
            return item
        star = StarExpr(inner)
        star.valid = item.valid
        star.set_line(item)
        return star

    def _type_of(self, expr: Expression) -> Type | None:
        if isinstance(expr, TempNode):
            return expr.type
        if id(expr) in self.found:
            return self.found[id(expr)]
        return self.api.lookup_type(expr) if self.api.has_type(expr) else None


def call_with_resolved_futures(
    api: TypeChecker,
    ctx: FunctionContext | MethodContext,
    task: TaskCall,
    spec: SchedulerSpec,
    signature: Type,
) -> tuple[TaskCall, Type, list[ErrorInfo], Resolved | None]:
    """The task's call as checked (its futures replaced), what it returns, its errors, the replacement.

    A future inside an abstract container is replaced by a guess: a call the guess makes wrong is
    checked again with those futures kept, and accepted if it fits so (never wrong about working code).
    """
    resolved = with_resolved_futures(api, ctx, task, spec)
    if resolved is None:
        return (task, *call_task(api, task, signature, ctx.context), None)
    result, errors = call_task(api, resolved.task, signature, ctx.context)
    if errors and resolved.guessed:
        certain = with_resolved_futures(api, ctx, task, spec, abstract=False)
        certain_task = task if certain is None else certain.task
        certain_result, certain_errors = call_task(api, certain_task, signature, ctx.context)
        if not certain_errors:
            return certain_task, certain_result, certain_errors, certain
    return resolved.task, result, errors, resolved
