"""FastAPI routes that ask for ``bgtyped.BackgroundTasks`` (or another subclass of Starlette's) get FastAPI's.

mypy has no hook for a decorator that is itself a call (``@app.post("/users")``), but it does call the
method hook of ``FastAPI.post`` for the call that makes the decorator. The route function is then found
as the definition whose decorator list holds that very call expression (by identity, never by name);
``app.add_api_route(path, endpoint)`` names its endpoint directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from mypy.checker import TypeChecker
from mypy.nodes import (
    Block,
    CallExpr,
    ClassDef,
    Decorator,
    Expression,
    ForStmt,
    FuncDef,
    IfStmt,
    MypyFile,
    OverloadedFuncDef,
    RefExpr,
    Statement,
    SymbolNode,
    TryStmt,
    TypeInfo,
    WhileStmt,
    WithStmt,
)
from mypy.plugin import MethodContext
from mypy.types import CallableType, Instance, Type, UnboundType, get_proper_type

from . import errorcodes, messages

ROUTE_CLASSES: Final = ("fastapi.applications.FastAPI", "fastapi.routing.APIRouter")
ROUTE_DECORATORS: Final = frozenset(
    {"get", "put", "post", "delete", "options", "head", "patch", "trace", "api_route"}
)
ADD_ROUTE: Final = "add_api_route"
ROUTE_METHODS: Final = ROUTE_DECORATORS | {ADD_ROUTE}
ENDPOINT_PARAMETER: Final = "endpoint"
BGTYPED_TASKS: Final = ("bgtyped.BackgroundTasks", "bgtyped._tasks.BackgroundTasks")
STARLETTE_TASKS: Final = "starlette.background.BackgroundTasks"
INJECTED_CLASSES: Final = frozenset({STARLETTE_TASKS, "fastapi.background.BackgroundTasks"})
DEPENDENCY_MARKERS: Final = frozenset({"fastapi.param_functions.Depends", "fastapi.param_functions.Security"})


def is_route_class(info: TypeInfo) -> bool:
    return any(info.has_base(name) for name in ROUTE_CLASSES)


def check_route_registration(member: str, ctx: MethodContext) -> Type:
    """The hook of ``get``, ``post``, ... ``add_api_route`` on a FastAPI app or router."""
    api = ctx.api
    if isinstance(api, TypeChecker) and isinstance(ctx.type, Instance):
        route = _registered_function(api, member, ctx)
        if route is not None:
            check_route(api, route)
    return ctx.default_return_type


def _registered_function(api: TypeChecker, member: str, ctx: MethodContext) -> FuncDef | None:
    if member == ADD_ROUTE:
        if ENDPOINT_PARAMETER not in ctx.callee_arg_names:
            return None
        endpoints = ctx.args[ctx.callee_arg_names.index(ENDPOINT_PARAMETER)]
        if len(endpoints) != 1 or not isinstance(endpoints[0], RefExpr):
            return None
        node = endpoints[0].node
        if isinstance(node, Decorator):
            return node.func
        return node if isinstance(node, FuncDef) else None
    call = ctx.context
    if not isinstance(call, CallExpr):
        return None
    decorated = _decorated_by(api.tree.defs, call)
    return None if decorated is None else decorated.func


def _decorated_by(statements: Iterable[Statement], call: CallExpr) -> Decorator | None:
    """The definition that ``call`` decorates, looking only into statements that span its line."""
    for statement in statements:
        if isinstance(statement, Decorator) and any(d is call for d in statement.decorators):
            return statement
        end_line = statement.end_line
        if end_line is not None and end_line < call.line:
            continue
        for block in _blocks(statement):
            found = _decorated_by(block.body, call)
            if found is not None:
                return found
    return None


def _blocks(statement: Statement) -> list[Block]:
    if isinstance(statement, Decorator):
        return [statement.func.body]
    if isinstance(statement, FuncDef):
        return [statement.body]
    if isinstance(statement, OverloadedFuncDef):
        return [] if statement.impl is None else _blocks(statement.impl)
    if isinstance(statement, ClassDef):
        return [statement.defs]
    if isinstance(statement, IfStmt):
        return [*statement.body, *([statement.else_body] if statement.else_body else [])]
    if isinstance(statement, WithStmt):
        return [statement.body]
    if isinstance(statement, ForStmt | WhileStmt):
        return [statement.body, *([statement.else_body] if statement.else_body else [])]
    if isinstance(statement, TryStmt):
        blocks = [statement.body, *statement.handlers]
        return blocks + [b for b in (statement.else_body, statement.finally_body) if b is not None]
    return []


def check_route(api: TypeChecker, route: FuncDef) -> None:
    analyzed = route.type
    written = route.unanalyzed_type
    if not isinstance(analyzed, CallableType) or not isinstance(written, CallableType):
        return
    if len(written.arg_types) != len(route.arguments) or len(analyzed.arg_types) != len(route.arguments):
        return
    for argument, written_type, analyzed_type in zip(
        route.arguments, written.arg_types, analyzed.arg_types, strict=True
    ):
        if _has_dependency_default(argument.initializer):
            continue
        replaced = _replaced_by_injection(analyzed_type)
        if replaced is not None and _names_a_class(api, written_type):
            bgtyped = replaced.fullname in BGTYPED_TASKS
            api.fail(
                messages.fastapi_injection(
                    argument.variable.name, route.name, None if bgtyped else replaced.name
                ),
                argument,
                code=errorcodes.TASK_FASTAPI_INJECTION,
            )


def _replaced_by_injection(typ: Type) -> TypeInfo | None:
    """The class of the annotation, if FastAPI replaces it with its own: any subclass of Starlette's.

    Starlette's and FastAPI's own classes lose nothing.
    """
    proper = get_proper_type(typ)
    if not isinstance(proper, Instance) or proper.type.fullname in INJECTED_CLASSES:
        return None
    return proper.type if proper.type.has_base(STARLETTE_TASKS) else None


def _names_a_class(api: TypeChecker, written: Type) -> bool:
    """Whether the annotation as written names a class, not ``Annotated[...]`` or an alias of it."""
    if not isinstance(written, UnboundType) or written.args:
        return False
    return isinstance(_lookup(api, written.name), TypeInfo)


def _lookup(api: TypeChecker, name: str) -> SymbolNode | None:
    head, *rest = name.split(".")
    try:
        node = api.lookup(head).node
    except KeyError:
        return None
    for part in rest:
        if not isinstance(node, MypyFile):
            return None
        symbol = node.names.get(part)
        if symbol is None:
            return None
        node = symbol.node
    return node


def _has_dependency_default(initializer: Expression | None) -> bool:
    return (
        isinstance(initializer, CallExpr)
        and isinstance(initializer.callee, RefExpr)
        and initializer.callee.fullname in DEPENDENCY_MARKERS
    )
