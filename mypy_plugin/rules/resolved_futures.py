"""Futures among the task's arguments that the scheduler replaces by their results before the call.

Dask's ``client.submit(total, [f, 2])`` calls ``total([3, 2])`` once ``f`` has its result: the task's
parameters are checked against the results (`FutureResolution`), not against the futures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from mypy.checker import TypeChecker
from mypy.errors import ErrorInfo
from mypy.maptype import map_instance_to_supertype
from mypy.nodes import DictExpr, Expression, ListExpr, SetExpr, StarExpr, TempNode, TupleExpr
from mypy.plugin import FunctionContext, MethodContext
from mypy.types import (
    AnyType,
    Instance,
    TupleType,
    Type,
    TypedDictType,
    TypeOfAny,
    UnboundType,
    UnionType,
    get_proper_type,
)

from .. import errorcodes
from ..records import Record
from ..schedulers import FutureResolution, SchedulerSpec
from ..task_calls import TaskCall, argument_types
from .task_arguments import call_task

# Containers whose futures are replaced, and which the task receives as the plain builtin class.
_ITEM_CONTAINERS: Final = ("builtins.list", "builtins.set", "builtins.tuple")
# Abstract containers: the object behind one may be a list (its futures replaced) or a generator (kept).
_ABSTRACT_COLLECTIONS: Final = frozenset(
    {
        "typing.Iterable",
        "typing.Collection",
        "typing.Container",
        "typing.Reversible",
        "typing.Sequence",
        "typing.MutableSequence",
        "typing.AbstractSet",
        "typing.MutableSet",
    }
)
_ABSTRACT_MAPPINGS: Final = frozenset({"typing.Mapping", "typing.MutableMapping"})
# Recursive type aliases stop here: deeper futures are left as they are.
_MAX_DEPTH: Final = 8


class Resolved(Record):
    """The task's call with the futures' results in their place.

    ``places``: where (line, column) an argument or a literal's item written as a future now stands for
    its result. ``guessed``: whether a future inside an abstract container (``Sequence[Future[int]]``)
    was replaced, which the scheduler does only if the object is a list, tuple, set or dict.
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
    args = [resolver.argument(arg) for arg in task.args]
    if not resolver.places:
        return None
    call = TaskCall(task.target, task.target_type, args, task.kinds, task.names)
    return Resolved(call, frozenset(resolver.places), resolver.guessed)


def note_resolved(api: TypeChecker, errors: list[ErrorInfo], resolved: Resolved, spec: SchedulerSpec) -> None:
    """Say, once, why an argument written as a future is reported with its result's type."""
    for error in errors:
        if error.severity == "error" and (error.line, error.column) in resolved.places:
            context = TempNode(AnyType(TypeOfAny.special_form))
            context.line, context.column = error.line, error.column
            api.note(errorcodes.resolved_future(spec.name), context, code=error.code)
            return


class _Resolver:
    """Replaces futures in the arguments' expressions (literals item by item) and types."""

    def __init__(
        self, api: TypeChecker, resolution: FutureResolution, abstract: bool, found: dict[int, Type]
    ) -> None:
        self.api: Final = api
        self.resolution: Final = resolution
        self.abstract: Final = abstract
        self.found: Final = found
        self.places: set[tuple[int, int]] = set()
        self.guessed = False

    def argument(self, expr: Expression) -> Expression:
        """``expr``, or a stand-in for it with the futures replaced: a literal rebuilt, a value's type."""
        if self.resolution.nested:
            literal = self._literal(expr)
            if literal is not None:
                return literal
        typ = self._type_of(expr)
        resolved = None if typ is None else self.type(typ, 0)
        if resolved is None:
            return expr
        self.places.add((expr.line, expr.column))
        return TempNode(resolved, context=expr)

    def _literal(self, expr: Expression) -> Expression | None:
        """A list, tuple, set or dict literal rebuilt with its items' futures replaced (kept if none is).

        The literal stays one, for mypy to infer it again in the context of the task's parameter.
        """
        new: Expression
        if isinstance(expr, ListExpr | TupleExpr | SetExpr):
            items = [self._item(item) for item in expr.items]
            if all(new is old for new, old in zip(items, expr.items, strict=True)):
                return expr
            new = type(expr)(items)
        elif isinstance(expr, DictExpr):
            entries = [(key, self.argument(value)) for key, value in expr.items]
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
        return new

    def _item(self, item: Expression) -> Expression:
        if not isinstance(item, StarExpr):
            return self.argument(item)
        inner = self.argument(item.expr)
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

    def type(self, typ: Type, depth: int) -> Type | None:
        """``typ`` with its futures replaced by their results; None if it holds none that are replaced."""
        proper = get_proper_type(typ)
        if depth > _MAX_DEPTH:
            return None
        if isinstance(proper, UnionType):
            items = [self.type(item, depth + 1) for item in proper.items]
            if all(item is None for item in items):
                return None
            return UnionType.make_union(
                [old if new is None else new for old, new in zip(proper.items, items, strict=True)]
            )
        if isinstance(proper, Instance):
            value = self._wrapped_value(proper, depth)
            if value is not None:
                return value
            result = self._future_result(proper)
            if result is not None or not self.resolution.nested:
                return result
            return self._container(proper, depth)
        if not self.resolution.nested:
            return None
        if isinstance(proper, TupleType):
            value = self._wrapped_value(proper.partial_fallback, depth, proper)
            if value is not None:
                return value
            items = [self.type(item, depth + 1) for item in proper.items]
            if all(item is None for item in items):
                return None
            return proper.copy_modified(
                items=[old if new is None else new for old, new in zip(proper.items, items, strict=True)]
            )
        if isinstance(proper, TypedDictType):
            values = [self.type(value, depth + 1) for value in proper.items.values()]
            if all(value is None for value in values):
                return None
            return proper.copy_modified(
                item_types=[
                    old if new is None else new
                    for old, new in zip(proper.items.values(), values, strict=True)
                ]
            )
        return None

    def _wrapped_value(
        self, instance: Instance, depth: int, as_tuple: TupleType | None = None
    ) -> Type | None:
        """The value a wrapper the scheduler unwraps holds, its futures replaced unless it is a quote.

        The value's type is the wrapper's first type argument, or for a wrapper that is a tuple of one item
        (``as_tuple``), that item; ``Any`` where it is not known.
        """
        resolution = self.resolution
        if not resolution.unwrapped and not resolution.quoted:
            return None
        for base in instance.type.mro:
            if base.fullname in resolution.unwrapped or base.fullname in resolution.quoted:
                if as_tuple is not None:
                    args: Sequence[Type] = as_tuple.items
                else:
                    args = map_instance_to_supertype(instance, base).args
                value = args[0] if args else AnyType(TypeOfAny.from_omitted_generics)
                if isinstance(get_proper_type(value), UnboundType):
                    # A type variable the library's ``__new__`` left unsolved (``tuple[T?, ...]``).
                    value = AnyType(TypeOfAny.special_form)
                if base.fullname in resolution.quoted:
                    return value
                return self.type(value, depth + 1) or value
        return None

    def _future_result(self, instance: Instance) -> Type | None:
        """The result of a future: its first type argument; ``Any`` where it has none (not generic)."""
        for base in instance.type.mro:
            if base.fullname in self.resolution.classes:
                args = map_instance_to_supertype(instance, base).args
                return args[0] if args else AnyType(TypeOfAny.from_omitted_generics)
        return None

    def _container(self, instance: Instance, depth: int) -> Type | None:
        """A list, tuple, set or dict (a subclass's too) as the builtin the task receives, futures replaced.

        An abstract container's futures are replaced only when ``abstract`` is asked for (a guess).
        """
        fullname = instance.type.fullname
        if self.abstract and (fullname in _ABSTRACT_COLLECTIONS or fullname in _ABSTRACT_MAPPINGS):
            position = 1 if fullname in _ABSTRACT_MAPPINGS else 0
            if len(instance.args) <= position:
                return None
            item = self.type(instance.args[position], depth + 1)
            if item is None:
                return None
            self.guessed = True
            args = list(instance.args)
            args[position] = item
            return instance.copy_modified(args=args)
        for base in instance.type.mro:
            if base.fullname == "builtins.dict":
                mapped = map_instance_to_supertype(instance, base)
                value = self.type(mapped.args[1], depth + 1)
                if value is None:
                    return None
                return self.api.named_generic_type("builtins.dict", [mapped.args[0], value])
            if base.fullname in _ITEM_CONTAINERS:
                item = self.type(map_instance_to_supertype(instance, base).args[0], depth + 1)
                return None if item is None else self.api.named_generic_type(base.fullname, [item])
        return None


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
