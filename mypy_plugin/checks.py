"""The rules checked on a scheduling call: the task's arguments and the misuse rules."""

from __future__ import annotations

import json

from mypy.checker import TypeChecker
from mypy.errorcodes import ARG_TYPE, CALL_ARG
from mypy.messages import format_type
from mypy.nodes import (
    ARG_NAMED,
    ARG_POS,
    ARG_STAR,
    ARG_STAR2,
    ArgKind,
    CallExpr,
    Context,
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
from mypy.plugin import CheckerPluginInterface, FunctionContext, MethodContext
from mypy.subtypes import is_subtype
from mypy.types import (
    CallableType,
    Instance,
    NoneType,
    Overloaded,
    Type,
    UnionType,
    get_proper_type,
)
from mypy.types_utils import remove_optional

from . import errorcodes, signatures
from .callables import (
    COROUTINE,
    PARTIAL,
    Callee,
    NotCallable,
    Unchecked,
    bound_task_definition,
    display_name,
    is_awaitable,
    is_plain_sync_def,
    may_not_be_coroutine,
    resolve,
    with_name,
)
from .registry import Coroutines, Packed, Param, Receiver, SchedulerSpec, Variadic
from .task_calls import TaskCall, single_actual, task_call


def check_scheduling_call(ctx: FunctionContext | MethodContext, spec: SchedulerSpec) -> bool:
    """Report every rule a scheduling call breaks, each mistake once.

    Returns whether the target itself was reported (not callable, or its awaitable never awaited):
    the call's result then keeps the opaque type, and mypy does not report the same mistake again
    through it (an unused coroutine).
    """
    api = ctx.api
    if not isinstance(api, TypeChecker):
        return False
    if _report_string_args(api, ctx, spec) or _report_positional_only_target(api, ctx, spec):
        return False
    task = task_call(ctx, spec)
    if task is None:
        return False
    _check_reserved_keywords(api, task, spec, ctx.context)
    target_type = task.target_type
    if isinstance(spec.target, Param) and spec.target.accepts_none:
        proper = get_proper_type(target_type)
        if isinstance(proper, NoneType) and not isinstance(task.target, CallExpr):
            return False
        if isinstance(proper, UnionType):
            target_type = remove_optional(proper)
    target = resolve(target_type, api, task.target)
    if isinstance(target, Unchecked):
        return False
    if isinstance(target, NotCallable):
        _report_not_callable(api, task, target, spec, ctx.context)
        return True
    # A receiver is the task itself (``send_email.delay(...)``): its name is the one the call spells.
    forced_name = _expression_name(task.target) if isinstance(spec.target, Receiver) else None
    if isinstance(spec.target, Receiver):
        definition = bound_task_definition(task.target, task.target_type)
        if definition is not None:
            target = Callee(definition)
    name = forced_name or display_name(target.signature) or _expression_name(task.target)
    reported = _check_never_awaited(api, task, target, spec, name)
    task = _without_partial_bound_keywords(api, task, target, spec, name)
    callee = with_name(
        target.signature, spec.name, fallback=_expression_name(task.target), forced=forced_name
    )
    _check_arguments(api, task, callee, ctx.context)
    return reported


def _report_string_args(api: TypeChecker, ctx: FunctionContext | MethodContext, spec: SchedulerSpec) -> bool:
    """Report a string given as the positional arguments: ``args=("a.png")`` lacks a comma."""
    arguments = spec.arguments
    if not isinstance(arguments, Packed) or arguments.args is None:
        return False
    group = single_actual(ctx, arguments.args.index_in(ctx.callee_arg_names))
    if group is None or not is_subtype(ctx.arg_types[group][0], api.named_type("builtins.str")):
        return False
    expr = ctx.args[group][0]
    parameter = arguments.args.name or "args"
    api.fail(errorcodes.string_args(spec.name, parameter, render(expr)), expr, code=ARG_TYPE)
    return True


def _report_positional_only_target(
    api: TypeChecker, ctx: FunctionContext | MethodContext, spec: SchedulerSpec
) -> bool:
    """Report ``add_task(func=f, ...)`` where ``func`` is positional-only, with the call as it should be."""
    call = ctx.context
    if not isinstance(call, CallExpr) or isinstance(spec.target, Receiver):
        return False
    if not signatures.positional_only_target_by_keyword(spec, ctx.callee_arg_names, call):
        return False
    parameter = spec.target.name
    assert parameter is not None  # a target given by keyword has a name
    target = next(arg for arg, name in zip(call.args, call.arg_names, strict=True) if name == parameter)
    others = [
        (arg, kind, name)
        for arg, kind, name in zip(call.args, call.arg_kinds, call.arg_names, strict=True)
        if arg is not target
    ]
    rendered = [render(arg) for arg, _, _ in others]
    fix = None
    callee = render(target)
    if callee is not None and None not in rendered:
        parts = [callee] + [
            _spelled(text, kind, name)
            for text, (_, kind, name) in zip(rendered, others, strict=True)
            if text is not None
        ]
        fix = f"{spec.name}({', '.join(parts)})"
    api.fail(errorcodes.target_positional_only(spec.name, parameter, fix), call, code=CALL_ARG)
    return True


def _spelled(text: str, kind: ArgKind, name: str | None) -> str:
    """An argument as written in a call: ``value``, ``*value``, ``**value``, ``name=value``."""
    if kind == ARG_STAR:
        return f"*{text}"
    if kind == ARG_STAR2:
        return f"**{text}"
    return text if name is None else f"{name}={text}"


def _check_reserved_keywords(
    api: CheckerPluginInterface, task: TaskCall, spec: SchedulerSpec, context: Context
) -> None:
    for arg, kind, name in zip(task.args, task.kinds, task.names, strict=True):
        if kind == ARG_NAMED and name in spec.reserved_keywords:
            message = errorcodes.reserved_keyword(spec.name, name, spec.keyword_safe_alternative)
            api.fail(message, arg, code=errorcodes.TASK_RESERVED_KEYWORD)


def _report_not_callable(
    api: TypeChecker, task: TaskCall, target: NotCallable, spec: SchedulerSpec, context: Context
) -> None:
    type_text = format_type(target.type, api.options)
    if not (target.awaitable or target.none):
        api.fail(errorcodes.not_callable(spec.name, type_text), context, code=errorcodes.TASK_NOT_CALLABLE)
        return
    if target.none:
        kind = "None"
    elif isinstance(target.type, Instance) and target.type.type.has_base(COROUTINE):
        kind = "a coroutine"
    else:
        kind = f"an awaitable {type_text}"
    expr = task.target
    if not isinstance(expr, CallExpr):
        api.fail(errorcodes.call_result(spec.name, kind, None), context, code=errorcodes.TASK_CALL_RESULT)
        return
    what = errorcodes.call_result_of(kind, render(expr.callee) or "the function")
    message = errorcodes.call_result(spec.name, what, _render_fix(spec, expr))
    if target.none and api.expr_checker.always_returns_none(expr.callee):
        # mypy has reported the call as not returning a value; add the fix to its error.
        api.note(message, expr, code=errorcodes.TASK_CALL_RESULT)
    else:
        api.fail(message, expr, code=errorcodes.TASK_CALL_RESULT)


def _expression_name(expr: Expression) -> str:
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
        return _expression_name(expr.args[0])
    return "task"


def _check_never_awaited(
    api: TypeChecker, task: TaskCall, target: Callee, spec: SchedulerSpec, name: str
) -> bool:
    """Report a target whose coroutine (or other awaitable) the scheduler never awaits."""
    signature = target.signature
    if not isinstance(signature, CallableType):
        return False
    type_text = format_type(signature.ret_type, api.options)
    if spec.coroutines is Coroutines.REQUIRED:
        if may_not_be_coroutine(signature.ret_type):
            text = errorcodes.not_async(spec.name, name, type_text)
            api.fail(text, task.target, code=errorcodes.TASK_NOT_ASYNC)
        return False
    if not is_awaitable(signature.ret_type):
        return False
    if spec.coroutines is Coroutines.DROPPED:
        message = errorcodes.never_awaited_by
    elif not (isinstance(task.target, LambdaExpr) or _wraps_sync_def(target, signature, api)):
        return False
    elif spec.awaits_sync_results:
        message = errorcodes.awaited_in_thread
    else:
        message = errorcodes.never_awaited
    api.fail(message(spec.name, name, type_text), task.target, code=errorcodes.TASK_NEVER_AWAITED)
    return True


def _wraps_sync_def(target: Callee, signature: CallableType, api: TypeChecker) -> bool:
    if target.wraps_sync_def is not None:
        return target.wraps_sync_def
    return is_plain_sync_def(signature, api)


def _without_partial_bound_keywords(
    api: TypeChecker, task: TaskCall, target: Callee, spec: SchedulerSpec, name: str
) -> TaskCall:
    if not target.bound_positionally:
        return task
    kept: list[int] = []
    for i, (arg, kind, keyword) in enumerate(zip(task.args, task.kinds, task.names, strict=True)):
        if kind == ARG_NAMED and keyword is not None and keyword in target.bound_positionally:
            api.fail(errorcodes.bound_by_partial(name, spec.name, keyword), arg, code=CALL_ARG)
        else:
            kept.append(i)
    return TaskCall(
        task.target,
        task.target_type,
        [task.args[i] for i in kept],
        [task.kinds[i] for i in kept],
        [task.names[i] for i in kept],
    )


def _check_arguments(api: TypeChecker, task: TaskCall, callee: Type, context: Context) -> None:
    """Check the task's arguments with mypy's own call checking, the callee named after task and scheduler."""
    call = CallExpr(task.target, task.args, task.kinds, task.names)
    call.set_line(context)
    checker = api.expr_checker
    checker.type_context.append(None)
    try:
        with api.msg.filter_errors(save_filtered_errors=True) as watcher:
            checker.check_call(callee, task.args, task.kinds, call, arg_names=task.names)
    finally:
        checker.type_context.pop()
    errors = watcher.filtered_errors()
    for name in _overload_names(callee):
        for error in errors:
            error.message = errorcodes.requote_overload_name(error.message, name)
    api.msg.add_errors(errors)


def _overload_names(callee: Type) -> set[str]:
    """The names given to a task's overloads, which mypy quotes whole (`errorcodes.overload_name`)."""
    proper = get_proper_type(callee)
    if isinstance(proper, UnionType):
        return {name for item in proper.items for name in _overload_names(item)}
    if isinstance(proper, Overloaded):
        return {item.name for item in proper.items if item.name is not None}
    return set()


def _render_fix(spec: SchedulerSpec, call: CallExpr) -> str | None:
    """The scheduling call as it should have been written, for the simple calls `render` can spell."""
    callee = render(call.callee)
    rendered = [render(arg) for arg in call.args]
    if callee is None or None in rendered:
        return None
    items = list(zip(rendered, call.arg_kinds, call.arg_names, strict=True))
    arguments = spec.arguments
    if isinstance(arguments, Variadic):
        parts = [callee] + [_spelled(text, kind, name) for text, kind, name in items if text is not None]
        return f"{spec.name}({', '.join(parts)})"
    return _render_packed_fix(spec, arguments, callee, items)


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
    return None
