"""The rules checked on a scheduling call: the task's arguments and the misuse rules."""

from __future__ import annotations

import json
from typing import Final

from mypy.argmap import map_actuals_to_formals
from mypy.checker import TypeChecker
from mypy.erasetype import erase_typevars, remove_instance_last_known_values
from mypy.errorcodes import ARG_TYPE, CALL_ARG, CALL_OVERLOAD, MISC
from mypy.errors import ErrorInfo
from mypy.messages import format_type
from mypy.nodes import (
    ARG_NAMED,
    ARG_NAMED_OPT,
    ARG_OPT,
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
    TempNode,
    UnaryExpr,
)
from mypy.plugin import CheckerPluginInterface, FunctionContext, MethodContext
from mypy.subtypes import is_proper_subtype, is_subtype
from mypy.types import (
    AnyType,
    CallableType,
    Instance,
    NoneType,
    Overloaded,
    ProperType,
    Type,
    TypeOfAny,
    UninhabitedType,
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
    PartlyCallable,
    Unchecked,
    bound_task_definition,
    display_name,
    is_plain_sync_def,
    may_not_be_coroutine,
    resolve,
    runs_only_when_awaited,
    with_name,
)
from .registry import Packed, Param, Receiver, Record, SchedulerSpec, Variadic
from .task_calls import (
    TASK_KEYWORDS,
    TaskCall,
    argument_types,
    single_actual,
    switched_to_packed,
    task_call,
    variadic_groups,
)


class Checked(Record):
    """What checking a scheduling call found.

    ``target_reported``: the target itself was reported (not callable, or its awaitable never awaited);
    the call's result then keeps the opaque type, and mypy does not report the same mistake again through
    it (an unused coroutine). ``found``: argument types inferred again by the plugin (a lambda target, in
    the context of the task's arguments), by ``id`` of their expression.
    """

    __slots__ = ("found", "target_reported")

    def __init__(self, target_reported: bool = False, found: dict[int, Type] | None = None) -> None:
        self.target_reported: Final = target_reported
        self.found: Final[dict[int, Type]] = {} if found is None else found


NOTHING_FOUND: Final = Checked()
# The codes mypy's call checking gives a wrong argument: a missing, surplus or unexpected one, one of the
# wrong type, or none that an overload takes ("Too many positional arguments" is ``misc`` before mypy 2.2).
ARGUMENT_CODES: Final = (ARG_TYPE, CALL_ARG, CALL_OVERLOAD, MISC)


def check_scheduling_call(ctx: FunctionContext | MethodContext, spec: SchedulerSpec) -> Checked:
    """Report every rule a scheduling call breaks, each mistake once."""
    api = ctx.api
    if not isinstance(api, TypeChecker):
        return NOTHING_FOUND
    if _report_string_args(api, ctx, spec) or _report_positional_only_target(api, ctx, spec):
        return NOTHING_FOUND
    task = task_call(ctx, spec)
    if task is None:
        return NOTHING_FOUND
    found: dict[int, Type] = {}
    if isinstance(task.target, LambdaExpr):
        lambda_type = _lambda_in_context(api, ctx, task)
        found[id(task.target)] = lambda_type
        task = TaskCall(task.target, lambda_type, task.args, task.kinds, task.names)
    _check_reserved_keywords(api, task, spec, ctx.context)
    target_type = task.target_type
    if isinstance(spec.target, Param) and spec.target.accepts_none:
        proper = get_proper_type(target_type)
        if isinstance(proper, NoneType) and not isinstance(task.target, CallExpr):
            return Checked(False, found)
        if isinstance(proper, UnionType):
            target_type = remove_optional(proper)
    if isinstance(spec.target, Param) and spec.target.accepts_name and _may_be_name(api, target_type):
        return Checked(False, found)
    target = resolve(target_type, api, task.target)
    if isinstance(target, PartlyCallable):
        # mypy reports such a union as an argument of the wrong type: its code stays, and the callable
        # members are checked.
        message = errorcodes.partly_callable(
            spec.name, format_type(target_type, api.options), format_type(target.others, api.options)
        )
        api.fail(message, task.target, code=ARG_TYPE)
        target = target.callable
    if isinstance(target, Unchecked):
        return Checked(False, found)
    if isinstance(target, NotCallable):
        _report_not_callable(api, task, target, spec, ctx.context)
        return Checked(True, found)
    # A receiver is the task itself (``send_email.delay(...)``): its name is the one the call spells.
    forced_name = _expression_name(task.target) if isinstance(spec.target, Receiver) else None
    if isinstance(spec.target, Receiver):
        definition = bound_task_definition(task.target, task.target_type)
        if definition is not None:
            target = Callee(definition)
    name = forced_name or display_name(target.signature) or _expression_name(task.target)
    reported = _check_never_awaited(api, task, target, spec, name)
    task = _without_partial_bound_keywords(api, task, target, spec, name)
    task = _without_options(api, ctx, task, target, spec, name)
    dropped = _report_dropped_by_packed(api, ctx, spec, name)
    not_passed = _report_keywords_not_passed(api, ctx, spec, task, target, name)
    signature = target.signature
    if not_passed:
        # Reported as keywords the task never receives: the rest of the call is checked without them,
        # and what they were meant for is not reported missing as well.
        task = _kept(task, [i for i, arg in enumerate(task.args) if id(arg) not in not_passed])
        signature = _optional(signature, set(not_passed.values()))
    if spec.completed_later:
        task, signature = _completed_later(task, signature)
    elif dropped:
        # What the dropped arguments were meant for is reported missing by them already.
        signature = _optional(signature)
    result, errors = _call_task(api, task, signature, ctx.context)
    if errors:
        # Checked again, only now, with the task named after itself and its scheduler for the messages.
        callee = with_name(signature, spec.name, fallback=_expression_name(task.target), forced=forced_name)
        _report_task_errors(api, task, callee, ctx.context, signatures.declared_call_codes(ctx, spec, found))
    elif not reported:
        _check_result_callbacks(api, ctx, spec, result, name)
    return Checked(reported, found)


def _lambda_in_context(api: TypeChecker, ctx: FunctionContext | MethodContext, task: TaskCall) -> Type:
    """A lambda target's type, inferred again with the task's arguments as its parameters' types.

    mypy infers a lambda's parameters from the callable type it is expected to be; against the scheduler's
    own ``Callable[P, T]`` that is the types of the scheduled arguments. The plugin's signature expects
    ``object`` there, so the lambda is inferred again in the context of a callable taking the arguments
    it will be called with: errors in its body are found, and its result has its type.
    """
    expr = task.target
    assert isinstance(expr, LambdaExpr)
    found = argument_types(ctx)
    actual_types = [_actual_type(api, arg, found) for arg in task.args]
    formals = map_actuals_to_formals(
        task.kinds, task.names, expr.arg_kinds, expr.arg_names, lambda i: actual_types[i]
    )
    unknown = AnyType(TypeOfAny.special_form)
    param_types: list[Type] = []
    for kind, actuals in zip(expr.arg_kinds, formals, strict=True):
        # A parameter with a default keeps it: its type is the default's as much as the argument's (mypy
        # before 2.0 would check the default against the argument's type).
        given = (
            len(actuals) == 1
            and kind.is_required()
            and not kind.is_star()
            and task.kinds[actuals[0]] in (ARG_POS, ARG_NAMED)
        )
        param_types.append(actual_types[actuals[0]] if given else unknown)
    context = CallableType(
        param_types,
        list(expr.arg_kinds),
        list(expr.arg_names),
        unknown,
        api.named_type("builtins.function"),
    )
    return api.expr_checker.accept(expr, type_context=context)


def _actual_type(api: TypeChecker, expr: Expression, found: dict[int, Type]) -> Type:
    """The type mypy found for a task's argument, as a parameter's type (``int``, not ``Literal[1]?``)."""
    if isinstance(expr, TempNode):
        typ = expr.type
    elif id(expr) in found:
        typ = found[id(expr)]
    elif api.has_type(expr):
        typ = api.lookup_type(expr)
    else:
        return AnyType(TypeOfAny.special_form)
    return remove_instance_last_known_values(typ)


def _report_string_args(api: TypeChecker, ctx: FunctionContext | MethodContext, spec: SchedulerSpec) -> bool:
    """Report a string given as the positional arguments: ``args=("a.png")`` lacks a comma.

    Where the scheduler's declared parameter refuses a string, mypy has reported it: the fix is a note.
    """
    given = _packed_args_value(ctx, spec.arguments)
    if given is None:
        return False
    expr, value_type, parameter = given
    # Proper: ``Any`` (an unannotated parameter) fits ``str`` yet may be anything.
    if not is_proper_subtype(value_type, api.named_type("builtins.str")):
        return False
    message = errorcodes.string_args(spec.name, parameter, render(expr))
    if _refused_by_declaration(ctx, spec, parameter, value_type):
        api.note(message, expr, code=ARG_TYPE)
    else:
        api.fail(message, expr, code=ARG_TYPE)
    return True


def _packed_args_value(
    ctx: FunctionContext | MethodContext, arguments: Variadic | Packed
) -> tuple[Expression, Type, str] | None:
    """The value given as the task's positional arguments packed in a tuple, and the keyword taking it."""
    if isinstance(arguments, Packed):
        if arguments.args is None:
            return None
        group = single_actual(ctx, arguments.args.index_in(ctx.callee_arg_names))
        if group is None:
            return None
        return ctx.args[group][0], ctx.arg_types[group][0], arguments.args.name or "args"
    if arguments.packed_keywords is None:
        return None
    keyword = arguments.packed_keywords[0]
    for index in variadic_groups(ctx, arguments):
        for arg, typ, name in zip(ctx.args[index], ctx.arg_types[index], ctx.arg_names[index], strict=True):
            if name == keyword:
                return arg, typ, keyword
    return None


def _refused_by_declaration(
    ctx: FunctionContext | MethodContext, spec: SchedulerSpec, parameter: str, value: Type
) -> bool:
    """Whether the scheduler method's declared ``parameter`` refuses ``value`` (mypy reports it itself)."""
    if not isinstance(ctx, MethodContext) or not isinstance(ctx.api, TypeChecker):
        return False
    declared = signatures.declared_signature(ctx, spec, ctx.api)
    if not isinstance(declared, CallableType) or parameter not in declared.arg_names:
        return False
    return not is_subtype(value, declared.arg_types[declared.arg_names.index(parameter)])


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
    # The target called with the task's arguments, as `_render_fix` spells a scheduling call from it.
    written = CallExpr(
        target, [a for a, _, _ in others], [k for _, k, _ in others], [n for _, _, n in others]
    )
    fix = _render_fix(spec, written)
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
    if spec.reserved_keywords.isdisjoint(task.names):
        return
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
    if spec.coroutines == "required":
        returned = _not_coroutine_return(signature)
        if returned is not None:
            text = errorcodes.not_async(spec.name, name, format_type(returned, api.options))
            api.fail(text, task.target, code=errorcodes.TASK_NOT_ASYNC)
        return False
    if not isinstance(signature, CallableType):
        return False
    if spec.coroutines == "result-awaited" or not runs_only_when_awaited(signature.ret_type):
        return False
    if spec.coroutines == "dropped":
        message = errorcodes.never_awaited_by
    elif not (isinstance(task.target, LambdaExpr) or _wraps_sync_def(target, signature, api)):
        return False
    elif spec.awaits_sync_results:
        message = errorcodes.awaited_in_thread
    else:
        message = errorcodes.never_awaited
    type_text = format_type(_returned_on(api, task, signature), api.options)
    api.fail(message(spec.name, name, type_text), task.target, code=errorcodes.TASK_NEVER_AWAITED)
    return True


def _returned_on(api: TypeChecker, task: TaskCall, signature: CallableType) -> Type:
    """What a generic target returns on the task's arguments (``Task[None]``, not ``Task[_T]``).

    Type variables the arguments do not solve become ``Any``; a message never shows one unsolved.
    """
    if not signature.variables:
        return signature.ret_type
    return erase_typevars(_call_task(api, task, signature, task.target)[0])


def _not_coroutine_return(signature: ProperType) -> Type | None:
    """What the target returns, if it may be something other than a coroutine on some call.

    Overloads: the call may pick any item returning a coroutine, so only all of them failing counts. A union
    of callables: any member may be the one called.
    """
    if isinstance(signature, CallableType):
        return signature.ret_type if may_not_be_coroutine(signature.ret_type) else None
    if isinstance(signature, Overloaded):
        returns = [item.ret_type for item in signature.items]
        if all(may_not_be_coroutine(returned) for returned in returns):
            return UnionType.make_union(returns)
        return None
    if isinstance(signature, UnionType):
        for item in signature.items:
            returned = _not_coroutine_return(get_proper_type(item))
            if returned is not None:
                return returned
    return None


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
    return _kept(task, kept)


def _may_be_name(api: TypeChecker, typ: Type) -> bool:
    """Whether a target may be a string: the import path of a function, resolved by the worker."""
    proper = get_proper_type(typ)
    items = proper.items if isinstance(proper, UnionType) else [proper]
    text = api.named_type("builtins.str")
    return any(is_subtype(item, text) for item in items)


def _without_options(
    api: TypeChecker,
    ctx: FunctionContext | MethodContext,
    task: TaskCall,
    target: Callee,
    spec: SchedulerSpec,
    name: str,
) -> TaskCall:
    """The task's call without the keywords the scheduler takes out of ``**kwargs`` as its own options.

    An option that the task also takes by name is reported and left in, for its type to be checked:
    the scheduler takes it, and the task never receives it.
    """
    arguments = spec.arguments
    if not isinstance(arguments, Variadic) or not arguments.options or switched_to_packed(ctx, arguments):
        return task
    kept: list[int] = []
    for i, (arg, kind, keyword) in enumerate(zip(task.args, task.kinds, task.names, strict=True)):
        if kind != ARG_NAMED or keyword not in arguments.options:
            kept.append(i)
        elif _takes_keyword(target.signature, keyword):
            message = errorcodes.option_keyword(spec.name, keyword, name, spec.keyword_safe_alternative)
            api.fail(message, arg, code=errorcodes.TASK_RESERVED_KEYWORD)
            kept.append(i)
    return _kept(task, kept)


def _takes_keyword(signature: ProperType, keyword: str) -> bool:
    """Whether a target has a parameter named ``keyword`` (its ``**kwargs`` does not count)."""
    if isinstance(signature, CallableType):
        return any(
            name == keyword and not kind.is_star()
            for name, kind in zip(signature.arg_names, signature.arg_kinds, strict=True)
        )
    if isinstance(signature, Overloaded):
        return any(_takes_keyword(item, keyword) for item in signature.items)
    if isinstance(signature, UnionType):
        return any(_takes_keyword(get_proper_type(item), keyword) for item in signature.items)
    return False


def _report_dropped_by_packed(
    api: TypeChecker, ctx: FunctionContext | MethodContext, spec: SchedulerSpec, name: str
) -> bool:
    """Report task arguments a scheduler drops because its packed keywords carry the task's arguments.

    Returns whether any was reported.
    """
    arguments = spec.arguments
    if not isinstance(arguments, Variadic) or not switched_to_packed(ctx, arguments):
        return False
    packed = arguments.packed_keywords
    assert packed is not None
    seen: set[int] = set()
    reported = False
    for parameter in (arguments.args, arguments.kwargs):
        if parameter is None or parameter not in ctx.callee_arg_names:
            continue
        index = ctx.callee_arg_names.index(parameter)
        for arg, kind, keyword in zip(
            ctx.args[index], ctx.arg_kinds[index], ctx.arg_names[index], strict=True
        ):
            # A ``*value`` or ``**value`` may be empty: nothing would be dropped.
            if id(arg) in seen or kind in (ARG_STAR, ARG_STAR2):
                continue
            seen.add(id(arg))
            if kind == ARG_NAMED and (
                keyword in packed or keyword in arguments.options or keyword in spec.reserved_keywords
            ):
                continue
            message = errorcodes.dropped_by_packed(spec.name, name, keyword, packed)
            api.fail(message, arg, code=CALL_ARG)
            reported = True
    return reported


def _report_keywords_not_passed(
    api: TypeChecker,
    ctx: FunctionContext | MethodContext,
    spec: SchedulerSpec,
    task: TaskCall,
    target: Callee,
    name: str,
) -> dict[int, str]:
    """Report task keywords, which the task takes, given to a scheduler that passes only positional arguments.

    The fix binds them with ``functools.partial``; a keyword the task does not take stays in the task's
    call, where mypy reports it as unexpected (a partial would fail the same way). Returns the keywords
    reported, by ``id`` of their value.
    """
    reported: dict[int, str] = {}
    if TASK_KEYWORDS not in ctx.callee_arg_names:
        return reported
    index = ctx.callee_arg_names.index(TASK_KEYWORDS)
    for arg, kind, keyword in zip(ctx.args[index], ctx.arg_kinds[index], ctx.arg_names[index], strict=True):
        if kind == ARG_NAMED and keyword is not None and _accepts_keyword(target.signature, keyword):
            target_text = render(task.target) or _source_text(api, task.target)
            fix = errorcodes.keyword_fix(target_text, keyword, render(arg) or _source_text(api, arg))
            api.fail(errorcodes.keyword_not_passed(spec.name, name, keyword, fix), arg, code=CALL_ARG)
            reported[id(arg)] = keyword
    return reported


def _source_text(api: TypeChecker, expr: Expression) -> str | None:
    """The expression as written, if it is written on one line of a file mypy can read again."""
    read_source = api.msg.errors.read_source
    if read_source is None or expr.end_line != expr.line or expr.end_column is None or expr.column < 0:
        return None
    lines = read_source(api.path)
    if lines is None or not 0 < expr.line <= len(lines):
        return None
    text = lines[expr.line - 1][expr.column : expr.end_column]
    return text or None


def _accepts_keyword(signature: ProperType, keyword: str) -> bool:
    """Whether a target takes ``keyword`` by name, as a parameter of its own or through its ``**kwargs``."""
    if isinstance(signature, CallableType):
        return ARG_STAR2 in signature.arg_kinds or _takes_keyword(signature, keyword)
    if isinstance(signature, Overloaded):
        return any(_accepts_keyword(item, keyword) for item in signature.items)
    if isinstance(signature, UnionType):
        return all(_accepts_keyword(get_proper_type(item), keyword) for item in signature.items)
    return False


def _completed_later(task: TaskCall, callee: ProperType) -> tuple[TaskCall, ProperType]:
    """A partial call as it can be checked: nothing is missing yet, and positional arguments may shift.

    Arguments put before the given ones later (a chain's previous result) move them to later
    parameters: their types are checked only when no positional parameter is left for one.
    """
    callee = _optional(callee)
    if _nothing_before(task, callee):
        return task, callee
    unknown = AnyType(TypeOfAny.special_form)
    args: list[Expression] = [
        TempNode(unknown, context=arg) if kind in (ARG_POS, ARG_STAR) else arg
        for arg, kind in zip(task.args, task.kinds, strict=True)
    ]
    return TaskCall(task.target, task.target_type, args, task.kinds, task.names), callee


def _optional_parameters(signature: CallableType, names: set[str] | None = None) -> CallableType:
    """The signature with its parameters named in ``names`` (all of them if None) optional."""
    optional = {ARG_POS: ARG_OPT, ARG_NAMED: ARG_NAMED_OPT}
    return signature.copy_modified(
        arg_kinds=[
            optional.get(kind, kind) if names is None or name in names else kind
            for kind, name in zip(signature.arg_kinds, signature.arg_names, strict=True)
        ]
    )


def _optional(signature: ProperType, names: set[str] | None = None) -> ProperType:
    """The same signature(s) with the parameters named in ``names`` (all of them if None) optional."""
    if isinstance(signature, CallableType):
        return _optional_parameters(signature, names)
    if isinstance(signature, Overloaded):
        return Overloaded([_optional_parameters(item, names) for item in signature.items])
    if isinstance(signature, UnionType):
        return UnionType.make_union([_optional(get_proper_type(item), names) for item in signature.items])
    return signature


def _nothing_before(task: TaskCall, signature: ProperType) -> bool:
    """Whether no positional argument can be put before the given ones without too many of them.

    True when the given positional arguments fill every positional parameter up to the first one
    given by keyword (or all of them), so that the types can be checked where they stand.
    """
    if not isinstance(signature, CallableType) or ARG_STAR in signature.arg_kinds or ARG_STAR in task.kinds:
        return False
    keywords = {name for name, kind in zip(task.names, task.kinds, strict=True) if kind == ARG_NAMED}
    free = 0
    for name, kind in zip(signature.arg_names, signature.arg_kinds, strict=True):
        if not kind.is_positional() or name in keywords:
            break
        free += 1
    return task.kinds.count(ARG_POS) == free


def _check_result_callbacks(
    api: TypeChecker, ctx: FunctionContext | MethodContext, spec: SchedulerSpec, result: Type, name: str
) -> None:
    """Check that each callback called with the task's return value can take it."""
    for parameter in spec.result_callbacks:
        group = single_actual(ctx, parameter.index_in(ctx.callee_arg_names))
        if group is None:
            continue
        expr = ctx.args[group][0]
        if isinstance(expr, LambdaExpr):
            # Its parameter types were inferred from the scheduler's signature, not from the task.
            continue
        callback = resolve(remove_optional(ctx.arg_types[group][0]), api, expr)
        # One that cannot take one argument at all breaks the scheduler's own signature: mypy reports it.
        if not isinstance(callback, Callee) or not _takes_one_argument(api, callback, expr):
            continue
        if not _takes_one_argument(api, callback, expr, result):
            message = errorcodes.result_callback(
                spec.name,
                parameter.name or f"argument {parameter.position}",
                render(expr),
                name,
                format_type(result, api.options),
            )
            api.fail(message, expr, code=ARG_TYPE)


def _takes_one_argument(
    api: TypeChecker, callback: Callee, expr: Expression, value: Type | None = None
) -> bool:
    """Whether ``callback`` can be called with one argument of type ``value`` (of any type if None)."""
    argument = TempNode(UninhabitedType() if value is None else value, context=expr)
    with api.msg.filter_errors() as watcher:
        api.expr_checker.check_call(callback.signature, [argument], [ARG_POS], expr)
    return not watcher.has_new_errors()


def _kept(task: TaskCall, kept: list[int]) -> TaskCall:
    """The task's call with only the arguments at the ``kept`` indices."""
    return TaskCall(
        task.target,
        task.target_type,
        [task.args[i] for i in kept],
        [task.kinds[i] for i in kept],
        [task.names[i] for i in kept],
    )


def _report_task_errors(
    api: TypeChecker, task: TaskCall, callee: Type, context: Context, mypy_codes: set[str] | None
) -> None:
    """Report what mypy's own call checking finds wrong with the task's arguments, against ``callee``.

    ``mypy_codes``: the codes mypy alone reports on the scheduling call, if known. An argument mistake
    keeps one of them: through ``Callable[[*Ts], T]`` mypy reports a missing or surplus argument as an
    argument of the wrong type (``arg-type``), and an ignore comment written for it keeps applying.
    """
    errors = _call_task(api, task, callee, context)[1]
    for name in _overload_names(callee):
        for error in errors:
            error.message = errorcodes.requote_overload_name(error.message, name)
    if mypy_codes is not None and ARG_TYPE.code in mypy_codes:
        for error in errors:
            if error.code in ARGUMENT_CODES and error.code.code not in mypy_codes:
                error.code = ARG_TYPE
    api.msg.add_errors(errors)


def _call_task(
    api: TypeChecker, task: TaskCall, callee: Type, context: Context
) -> tuple[Type, list[ErrorInfo]]:
    """What the task returns on its arguments, and mypy's errors on the call, not reported yet."""
    call = CallExpr(task.target, task.args, task.kinds, task.names)
    call.set_line(context)
    checker = api.expr_checker
    checker.type_context.append(None)
    try:
        with api.msg.filter_errors(save_filtered_errors=True) as watcher:
            result = checker.check_call(callee, task.args, task.kinds, call, arg_names=task.names)[0]
    finally:
        checker.type_context.pop()
    return result, watcher.filtered_errors()


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
