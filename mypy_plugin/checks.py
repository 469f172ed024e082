"""The checks run on a scheduling call: the task's arguments and the misuse rules."""

from __future__ import annotations

import json
from typing import Final, NamedTuple

from mypy.checker import TypeChecker
from mypy.erasetype import erase_typevars
from mypy.errorcodes import ARG_TYPE, CALL_ARG
from mypy.lookup import lookup_fully_qualified
from mypy.messages import format_type
from mypy.nodes import (
    ARG_NAMED,
    ARG_POS,
    ARG_STAR,
    ARG_STAR2,
    ArgKind,
    CallExpr,
    Context,
    Decorator,
    DictExpr,
    Expression,
    FloatExpr,
    FuncBase,
    IntExpr,
    LambdaExpr,
    ListExpr,
    MemberExpr,
    NameExpr,
    StarExpr,
    StrExpr,
    TempNode,
    TupleExpr,
    UnaryExpr,
    Var,
)
from mypy.plugin import CheckerPluginInterface, FunctionContext, MethodContext
from mypy.subtypes import find_member, is_subtype
from mypy.typeops import get_all_type_vars
from mypy.types import (
    AnyType,
    CallableType,
    Instance,
    LiteralType,
    NoneType,
    Overloaded,
    ProperType,
    TupleType,
    Type,
    TypedDictType,
    TypeOfAny,
    UnionType,
    get_proper_type,
)
from mypy.types_utils import remove_optional

from . import errorcodes
from .callables import (
    Callee,
    NotCallable,
    Unchecked,
    display_name,
    is_awaitable,
    is_plain_sync_def,
    resolve,
    with_name,
)
from .registry import Coroutines, Packed, Param, Receiver, SchedulerSpec, Variadic

COROUTINE: Final = "typing.Coroutine"


def scheduler_signature(signature: CallableType, spec: SchedulerSpec, call: Context) -> CallableType:
    """The scheduler's signature with the task's part made opaque, for mypy to check the call against.

    The task's arguments are checked against the task itself afterwards (`check_scheduling_call`);
    leaving the ParamSpec in place would have mypy solve it and report the same mistakes a second time,
    under the scheduler's name. The target becomes ``object``: the plugin reports what is not callable.
    Type variables that only the target or its arguments determined are erased here; the return type
    the call really has is inferred afterwards from the declared signature (`scheduler_return_type`).
    When the target is given positionally its parameter is made positional-only, so that a task
    keyword of the same name reaches the reserved-keyword rule instead of mypy's "multiple values" error.
    """
    arguments = spec.arguments
    any_type = AnyType(TypeOfAny.implementation_artifact)
    if isinstance(spec.target, Receiver):
        if not isinstance(arguments, Variadic):
            return signature
        # A receiver generic in a ParamSpec has had ``*args: P.args, **kwargs: P.kwargs`` expanded into
        # the task's own parameters; put the variadic parameters back.
        names = [arguments.args, arguments.kwargs]
        kinds = [ARG_STAR, ARG_STAR2]
        if arguments.kwargs is None:
            names, kinds = names[:1], kinds[:1]
        return signature.copy_modified(
            arg_types=[any_type] * len(kinds), arg_kinds=kinds, arg_names=names, variables=()
        )
    variadic = isinstance(arguments, Variadic)
    arg_types = [
        any_type if variadic and kind in (ARG_STAR, ARG_STAR2) else typ
        for typ, kind in zip(signature.arg_types, signature.arg_kinds, strict=True)
    ]
    arg_names = list(signature.arg_names)
    index = spec.target.index_in(arg_names)
    if index is None:
        return signature
    # ``object``, taken from the MRO of the signature's own fallback (``builtins.function``).
    arg_types[index] = Instance(signature.fallback.type.mro[-1], [])
    # Only a target with a known position can be found again once its name is gone.
    if variadic and spec.target.position is not None and _given_positionally(call, index):
        arg_names[index] = None
    still_inferred = {tv.id for typ in arg_types for tv in get_all_type_vars(typ)}
    variables = [tv for tv in signature.variables if tv.id in still_inferred]
    erased = [tv.id for tv in signature.variables if tv.id not in still_inferred]
    return signature.copy_modified(
        arg_types=arg_types,
        arg_names=arg_names,
        variables=variables,
        ret_type=erase_typevars(signature.ret_type, erased),
    )


def scheduler_return_type(ctx: FunctionContext | MethodContext, spec: SchedulerSpec) -> Type:
    """The type of the scheduling call, inferred from the scheduler's declared signature.

    ``await asyncio.to_thread(f, 1)`` has the type ``f`` returns: mypy infers it from the declared
    signature, on the argument types it has already found, with its messages muted (the arguments were
    checked against the task). If that inference fails, the call's type stays what mypy found on the
    opaque signature.
    """
    api = ctx.api
    call = ctx.context
    if not isinstance(api, TypeChecker) or not isinstance(call, CallExpr):
        return ctx.default_return_type
    declared = _declared_signature(ctx, spec, api)
    if not isinstance(declared, CallableType | Overloaded) or not any(
        get_all_type_vars(item.ret_type) for item in declared.items
    ):
        # The return type does not depend on the call: mypy found it on the opaque signature.
        return ctx.default_return_type
    found = {
        id(arg): typ
        for args, types in zip(ctx.args, ctx.arg_types, strict=True)
        for arg, typ in zip(args, types, strict=True)
    }
    if any(id(arg) not in found for arg in call.args):
        return ctx.default_return_type
    typed_args: list[Expression] = [TempNode(found[id(arg)], context=arg) for arg in call.args]
    # First in the type context of the call, as mypy would; then without it, so that a context the
    # result does not fit (``x: int = await asyncio.to_thread(f)``) is reported as an assignment.
    checker = api.expr_checker
    for context in (checker.type_context[-1], None):
        checker.type_context.append(context)
        try:
            with api.msg.filter_errors() as watcher:
                inferred, _ = checker.check_call(
                    declared, typed_args, call.arg_kinds, call, arg_names=call.arg_names
                )
        finally:
            checker.type_context.pop()
        if not watcher.has_new_errors():
            return inferred
    return ctx.default_return_type


def _declared_signature(
    ctx: FunctionContext | MethodContext, spec: SchedulerSpec, api: TypeChecker
) -> ProperType | None:
    """The scheduler's own signature, as declared (what the signature hook was given)."""
    if isinstance(ctx, MethodContext):
        receiver = ctx.type
        if not isinstance(receiver, Instance):
            return None
        return get_proper_type(find_member(spec.member, receiver, receiver))
    if spec.is_method:
        return None  # a constructor: the class's own type arguments do not come from the target
    symbol = lookup_fully_qualified(spec.fullname, api.modules)
    node = None if symbol is None else symbol.node
    if isinstance(node, Decorator):
        node = node.var
    if isinstance(node, FuncBase | Var):
        return get_proper_type(node.type)
    return None


def _given_positionally(call: Context, index: int) -> bool:
    """Whether plain positional arguments reach parameter ``index`` (a ``*value`` first leaves it open)."""
    if not isinstance(call, CallExpr):
        return False
    positional = 0
    for kind in call.arg_kinds:
        if kind == ARG_STAR:
            return False
        if kind == ARG_POS:
            positional += 1
            if positional > index:
                return True
    return False


class TaskCall(NamedTuple):
    """The scheduled call as the task will receive it, in the order it was written."""

    target: Expression
    target_type: Type
    args: list[Expression]
    kinds: list[ArgKind]
    names: list[str | None]


def task_call(ctx: FunctionContext | MethodContext, spec: SchedulerSpec) -> TaskCall | None:
    """Split the scheduling call into the target and the task's arguments, if the call says it plainly."""
    call = ctx.context
    if not isinstance(call, CallExpr):
        return None
    target = _target(ctx, spec, call)
    if target is None:
        return None
    arguments = spec.arguments
    if isinstance(arguments, Variadic):
        task = _variadic_arguments(ctx, arguments, call)
    else:
        task = _packed_arguments(ctx, arguments)
    if task is None:
        return None
    args, kinds, names = task
    return TaskCall(target[0], target[1], args, kinds, names)


def _target(
    ctx: FunctionContext | MethodContext, spec: SchedulerSpec, call: CallExpr
) -> tuple[Expression, Type] | None:
    target = spec.target
    if isinstance(target, Receiver):
        if not isinstance(ctx, MethodContext) or not isinstance(call.callee, MemberExpr):
            return None
        return call.callee.expr, ctx.type
    group = _single_actual(ctx, target.index_in(ctx.callee_arg_names))
    if group is None:
        return None
    return ctx.args[group][0], ctx.arg_types[group][0]


def _single_actual(ctx: FunctionContext | MethodContext, index: int | None) -> int | None:
    """``index`` if the scheduler's parameter there got exactly one argument, given plainly."""
    if index is None or index >= len(ctx.args) or len(ctx.args[index]) != 1:
        return None
    return index if ctx.arg_kinds[index][0] in (ARG_POS, ARG_NAMED) else None


Arguments = tuple[list[Expression], list[ArgKind], list[str | None]]


def _variadic_arguments(
    ctx: FunctionContext | MethodContext, arguments: Variadic, call: CallExpr
) -> Arguments | None:
    names = ctx.callee_arg_names
    args: list[Expression] = []
    kinds: list[ArgKind] = []
    arg_names: list[str | None] = []
    for name in (arguments.args, arguments.kwargs):
        if name is None:
            continue
        if name not in names:
            return None
        index = names.index(name)
        args += ctx.args[index]
        kinds += ctx.arg_kinds[index]
        arg_names += ctx.arg_names[index]
    if ARG_STAR not in kinds and ARG_STAR2 not in kinds:
        return args, kinds, arg_names
    # mypy lists a ``*value`` or ``**value`` once per parameter it fills; the call's own list has each
    # argument once, in the order mypy numbers them.
    task_actuals = {id(arg) for arg in args}
    selected = [
        (arg, kind, name)
        for arg, kind, name in zip(call.args, call.arg_kinds, call.arg_names, strict=True)
        if id(arg) in task_actuals
    ]
    return [a for a, _, _ in selected], [k for _, k, _ in selected], [n for _, _, n in selected]


def _packed_arguments(ctx: FunctionContext | MethodContext, arguments: Packed) -> Arguments | None:
    args: list[Expression] = []
    kinds: list[ArgKind] = []
    names: list[str | None] = []
    any_type = AnyType(TypeOfAny.implementation_artifact)
    iterable = ctx.api.named_generic_type("typing.Iterable", [any_type])
    mapping = ctx.api.named_generic_type(
        "typing.Mapping", [ctx.api.named_generic_type("builtins.str", []), any_type]
    )
    slots = (
        (arguments.args, _positional_items, iterable),
        (arguments.kwargs, _keyword_items, mapping),
    )
    for param, unpack, container in slots:
        if param is None:
            continue
        index = param.index_in(ctx.callee_arg_names)
        if index is None or index >= len(ctx.args) or not ctx.args[index]:
            continue
        group = _single_actual(ctx, index)
        if group is None:
            return None
        expr = ctx.args[group][0]
        value_type = get_proper_type(ctx.arg_types[group][0])
        if isinstance(value_type, NoneType):
            continue
        if not is_subtype(value_type, container):
            # Not a sequence or mapping at all: mypy reports it against the scheduler's own parameter.
            return None
        for item, kind, name in unpack(expr):
            args.append(item)
            kinds.append(kind)
            names.append(name)
    return args, kinds, names


def _positional_items(expr: Expression) -> list[tuple[Expression, ArgKind, str | None]]:
    """A tuple or list literal item by item; any other value as ``*value``, which mypy unpacks by type."""
    if isinstance(expr, TupleExpr | ListExpr):
        return [
            (item.expr, ARG_STAR, None) if isinstance(item, StarExpr) else (item, ARG_POS, None)
            for item in expr.items
        ]
    return [(expr, ARG_STAR, None)]


def _keyword_items(expr: Expression) -> list[tuple[Expression, ArgKind, str | None]]:
    """A dict literal with string keys entry by entry; any other value as ``**value``."""
    if isinstance(expr, DictExpr) and all(isinstance(key, StrExpr | None) for key, _ in expr.items):
        return [
            (value, ARG_NAMED, key.value) if isinstance(key, StrExpr) else (value, ARG_STAR2, None)
            for key, value in expr.items
        ]
    return [(expr, ARG_STAR2, None)]


def check_scheduling_call(ctx: FunctionContext | MethodContext, spec: SchedulerSpec) -> bool:
    """Report every rule a scheduling call breaks, each mistake once.

    Returns whether the target itself was reported (not callable, or its awaitable never awaited):
    the call's result then keeps the opaque type, and mypy does not report the same mistake again
    through it (an unused coroutine).
    """
    api = ctx.api
    if not isinstance(api, TypeChecker):
        return False
    if _report_string_args(api, ctx, spec):
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
    group = _single_actual(ctx, arguments.args.index_in(ctx.callee_arg_names))
    if group is None or not is_subtype(ctx.arg_types[group][0], api.named_type("builtins.str")):
        return False
    expr = ctx.args[group][0]
    parameter = arguments.args.name or "args"
    api.fail(errorcodes.string_args(spec.name, parameter, render(expr)), expr, code=ARG_TYPE)
    return True


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
    """A name for a target that has none of its own, from how the call spells it."""
    if isinstance(expr, NameExpr | MemberExpr):
        return expr.name
    if isinstance(expr, LambdaExpr):
        return "lambda"
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
        if not is_awaitable(signature.ret_type) and not _may_be_awaitable(signature.ret_type):
            text = errorcodes.not_async(spec.name, name, type_text)
            api.fail(text, task.target, code=errorcodes.TASK_NOT_ASYNC)
        return False
    if not is_awaitable(signature.ret_type):
        return False
    if spec.coroutines is Coroutines.DROPPED:
        message = errorcodes.never_awaited_by
    elif isinstance(task.target, LambdaExpr) or _wraps_sync_def(target, signature, api):
        message = errorcodes.never_awaited
    else:
        return False
    api.fail(message(spec.name, name, type_text), task.target, code=errorcodes.TASK_NEVER_AWAITED)
    return True


def _may_be_awaitable(typ: Type) -> bool:
    """Whether a value of type ``typ`` may be awaitable at run time: ``Any``, ``object``, a type variable."""
    proper = get_proper_type(typ)
    if isinstance(proper, UnionType):
        return any(_may_be_awaitable(item) for item in proper.items)
    if isinstance(proper, Instance):
        return proper.type.fullname == "builtins.object" or proper.type.is_protocol
    return not isinstance(proper, NoneType | LiteralType | TupleType | TypedDictType | CallableType)


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
        checker.check_call(callee, task.args, task.kinds, call, arg_names=task.names)
    finally:
        checker.type_context.pop()


def _render_fix(spec: SchedulerSpec, call: CallExpr) -> str | None:
    """The scheduling call as it should have been written, for the simple calls `render` can spell."""
    callee = render(call.callee)
    rendered = [render(arg) for arg in call.args]
    if callee is None or None in rendered:
        return None
    items = list(zip(rendered, call.arg_kinds, call.arg_names, strict=True))
    arguments = spec.arguments
    if isinstance(arguments, Variadic):
        parts = [callee]
        for text, kind, name in items:
            if kind == ARG_STAR:
                text = f"*{text}"
            elif kind == ARG_STAR2:
                text = f"**{text}"
            elif name is not None:
                text = f"{name}={text}"
            parts.append(f"{text}")
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
