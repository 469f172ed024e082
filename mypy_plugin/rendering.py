"""Source-like text of the expressions in a scheduling call, for messages: a call as it should be written."""

from __future__ import annotations

import json

from mypy.checker import TypeChecker
from mypy.nodes import (
    ARG_NAMED,
    ARG_POS,
    ARG_STAR,
    ARG_STAR2,
    ArgKind,
    CallExpr,
    Expression,
    FloatExpr,
    IntExpr,
    LambdaExpr,
    MemberExpr,
    NameExpr,
    RefExpr,
    StrExpr,
    UnaryExpr,
)

from .callables import PARTIAL
from .schedulers import Mapped, Packed, Param, SchedulerSpec, SingleOrPacked, Variadic


def _spelled(text: str, kind: ArgKind, name: str | None) -> str:
    """An argument as written in a call: ``value``, ``*value``, ``**value``, ``name=value``."""
    if kind == ARG_STAR:
        return f"*{text}"
    if kind == ARG_STAR2:
        return f"**{text}"
    return text if name is None else f"{name}={text}"


def expression_name(expr: Expression) -> str:
    """A name for a target that has none of its own, as the call spells it (``fn``, ``self.fn``).

    A ``functools.partial(fn, ...)`` is named after the function it wraps.
    """
    if isinstance(expr, NameExpr):
        return expr.name
    if isinstance(expr, MemberExpr):
        return render(expr) or expr.name
    if isinstance(expr, LambdaExpr):
        return "lambda"
    if (
        isinstance(expr, CallExpr)
        and isinstance(expr.callee, RefExpr)
        and expr.callee.fullname == PARTIAL
        and expr.args
        and expr.arg_kinds[0] == ARG_POS
    ):
        return expression_name(expr.args[0])
    return "task"


def source_text(api: TypeChecker, expr: Expression) -> str | None:
    """The expression as written, if it is written on one line of a file mypy can read again."""
    read_source = api.msg.errors.read_source
    if read_source is None or expr.end_line != expr.line or expr.end_column is None or expr.column < 0:
        return None
    lines = read_source(api.path)
    if lines is None or not 0 < expr.line <= len(lines):
        return None
    text = lines[expr.line - 1][expr.column : expr.end_column]
    return text or None


def render_fix(spec: SchedulerSpec, call: CallExpr, api: TypeChecker | None = None) -> str | None:
    """The scheduling call as it should have been written, for the simple calls `render` can spell.

    With ``api``, an expression `render` cannot spell is taken as written in the source, if on one line.
    """
    callee = spelled(call.callee, api)
    rendered = [spelled(arg, api) for arg in call.args]
    if callee is None or None in rendered:
        return None
    items = list(zip(rendered, call.arg_kinds, call.arg_names, strict=True))
    arguments = spec.arguments
    if isinstance(arguments, Variadic):
        parts = [callee] + [_spelled(text, kind, name) for text, kind, name in items if text is not None]
        return f"{spec.name}({', '.join(parts)})"
    if isinstance(arguments, Mapped):
        return None  # the call's arguments would have to become iterables of them
    if isinstance(arguments, SingleOrPacked):
        return _render_single_or_packed_fix(spec, callee, items)
    return _render_packed_fix(spec, arguments, callee, items)


def _render_single_or_packed_fix(
    spec: SchedulerSpec, callee: str, items: list[tuple[str | None, ArgKind, str | None]]
) -> str | None:
    """The target and its one argument, or its arguments packed: ``execute_activity(f, args=[1, 2])``."""
    if any(kind != ARG_POS for _, kind, _ in items):
        return None
    texts = [text for text, _, _ in items if text is not None]
    if len(texts) > 1:
        return f"{spec.name}({callee}, args=[{', '.join(texts)}])"
    return f"{spec.name}({', '.join([callee, *texts])})"


def _render_packed_fix(
    spec: SchedulerSpec, arguments: Packed, callee: str, items: list[tuple[str | None, ArgKind, str | None]]
) -> str | None:
    """The target and its arguments as keywords of a tuple-and-dict scheduler: ``target=f, args=(1,)``."""
    positional = [f"{text}" for text, kind, _ in items if kind == ARG_POS]
    keywords = [f"{json.dumps(name)}: {text}" for text, kind, name in items if kind == ARG_NAMED]
    target = spec.target
    if any(kind not in (ARG_POS, ARG_NAMED) for _, kind, _ in items) or not isinstance(target, Param):
        return None
    parts = [callee if target.name is None else f"{target.name}={callee}"]
    for values, param, text in (
        (positional, arguments.args, f"({', '.join(positional)}{',' if len(positional) == 1 else ''})"),
        (keywords, arguments.kwargs, f"{{{', '.join(keywords)}}}"),
    ):
        if not values:
            continue
        if param is None or param.name is None:
            return None
        parts.append(f"{param.name}={text}")
    return ", ".join(parts)


def spelled(expr: Expression, api: TypeChecker | None) -> str | None:
    """`render`'s text of ``expr``, else (with ``api``) its text in the source."""
    text = render(expr)
    if text is None and api is not None:
        return source_text(api, expr)
    return text


def render(expr: Expression) -> str | None:
    """Source-like text of a simple expression (names, attributes, literals); None for anything else."""
    if isinstance(expr, NameExpr):
        return expr.name
    if isinstance(expr, MemberExpr):
        base = render(expr.expr)
        return None if base is None else f"{base}.{expr.name}"
    if isinstance(expr, IntExpr | FloatExpr):
        return repr(expr.value)
    if isinstance(expr, StrExpr):
        return json.dumps(expr.value)
    if isinstance(expr, UnaryExpr) and expr.op == "-":
        operand = render(expr.expr)
        return None if operand is None else f"-{operand}"
    if isinstance(expr, CallExpr) and not (
        isinstance(expr.callee, MemberExpr) and isinstance(expr.callee.expr, StrExpr)
    ):
        # ``Path("x").exists``: a bound method is spelled with the call that made its receiver. (mypy
        # reads an f-string as a call of ``str.format``: it is not spelled so.)
        callee = render(expr.callee)
        rendered = [render(arg) for arg in expr.args]
        if callee is None or None in rendered:
            return None
        parts = [
            _spelled(text, kind, name)
            for text, kind, name in zip(rendered, expr.arg_kinds, expr.arg_names, strict=True)
            if text is not None
        ]
        return f"{callee}({', '.join(parts)})"
    return None
