"""Arguments the scheduler replaces by their values before the task runs (Ray's ``ObjectRef``).

Ray resolves an ``ObjectRef`` given as an argument itself, positional or keyword, and passes the object it
refers to; one inside a list or a dict reaches the task as the reference. ``f.remote(ray.put(1))`` is
therefore checked as ``f(1)``, and ``f.remote([ray.put(1)])`` as it is written.
"""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.errorcodes import ARG_TYPE
from mypy.errors import ErrorInfo
from mypy.maptype import map_instance_to_supertype
from mypy.nodes import ARG_STAR, ARG_STAR2, ArgKind, Expression, TempNode
from mypy.types import AnyType, Instance, TupleType, Type, TypeOfAny, UnionType, get_proper_type

from .. import errorcodes
from ..schedulers import SchedulerSpec
from ..task_calls import TaskCall


def with_resolved_arguments(
    api: TypeChecker, task: TaskCall, spec: SchedulerSpec
) -> tuple[TaskCall, set[int]]:
    """The task's call with each resolved argument as its value, and the ``id`` of each value put in.

    A ``*value`` or ``**value`` gives its items as arguments themselves: their references are resolved too.
    """
    classes = spec.resolved_arguments
    if not classes:
        return task, set()
    args: list[Expression] = []
    replaced: set[int] = set()
    for arg, kind in zip(task.args, task.kinds, strict=True):
        value = _resolved(api, _context_free_type(api, arg), kind, classes)
        if value is None:
            args.append(arg)
        else:
            args.append(TempNode(value, context=arg))
            replaced.add(id(args[-1]))
    if not replaced:
        return task, replaced
    return TaskCall(task.target, task.target_type, args, task.kinds, task.names), replaced


def note_resolved_arguments(
    api: TypeChecker, task: TaskCall, errors: list[ErrorInfo], replaced: set[int], spec: SchedulerSpec
) -> None:
    """Say, under an error about a resolved argument, that the task was checked with its value."""
    places = {(error.line, error.column) for error in errors if error.severity == "error"}
    for arg in task.args:
        if id(arg) in replaced and (arg.line, arg.column) in places:
            api.note(errorcodes.resolved_argument(spec.name), arg, code=ARG_TYPE)


def _context_free_type(api: TypeChecker, arg: Expression) -> Type:
    """The argument's type inferred on its own: the scheduler's ``*args: Any`` made ``ray.put(1)`` give
    ``ObjectRef[Any]``. Its errors were reported when mypy checked the call."""
    if isinstance(arg, TempNode):
        return arg.type
    with api.msg.filter_errors():
        return api.expr_checker.accept(arg)


def _resolved(api: TypeChecker, typ: Type, kind: ArgKind, classes: frozenset[str]) -> Type | None:
    """The type the task receives for an argument of type ``typ``; None where nothing is resolved."""
    proper = get_proper_type(typ)
    if kind == ARG_STAR:
        if isinstance(proper, TupleType):
            items = [_value(item, classes) for item in proper.items]
            if all(item is None for item in items):
                return None
            return proper.copy_modified(
                items=[new if new is not None else old for new, old in zip(items, proper.items, strict=True)]
            )
        return _container(api, proper, "typing.Iterable", classes)
    if kind == ARG_STAR2:
        return _container(api, proper, "typing.Mapping", classes)
    return _value(proper, classes)


def _value(typ: Type, classes: frozenset[str]) -> Type | None:
    """``X`` for a reference ``Ref[X]`` (each member of a union); None if ``typ`` holds no reference."""
    proper = get_proper_type(typ)
    if isinstance(proper, UnionType):
        items = [_value(item, classes) for item in proper.items]
        if all(item is None for item in items):
            return None
        return UnionType.make_union(
            [new if new is not None else old for new, old in zip(items, proper.items, strict=True)]
        )
    if not isinstance(proper, Instance):
        return None
    for base in proper.type.mro:
        if base.fullname in classes:
            ref = map_instance_to_supertype(proper, base)
            return ref.args[0] if ref.args else AnyType(TypeOfAny.from_omitted_generics)
    return None


def _container(api: TypeChecker, typ: Type, container: str, classes: frozenset[str]) -> Type | None:
    """An iterable (``*refs``) or a mapping (``**refs``) of references, as one of their values."""
    proper = get_proper_type(typ)
    if not isinstance(proper, Instance) or not proper.type.has_base(container):
        return None
    mapped = map_instance_to_supertype(proper, api.lookup_typeinfo(container))
    if not mapped.args:
        return None
    value = _value(mapped.args[-1], classes)
    if value is None:
        return None
    return Instance(mapped.type, [*mapped.args[:-1], value])
