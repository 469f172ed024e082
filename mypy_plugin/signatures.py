"""The scheduler's own signature, rewritten for mypy to check the call against, and its return type."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from mypy.checker import TypeChecker
from mypy.erasetype import erase_typevars
from mypy.lookup import lookup_fully_qualified
from mypy.nodes import (
    ARG_NAMED,
    ARG_OPT,
    ARG_POS,
    ARG_STAR,
    ARG_STAR2,
    CallExpr,
    Context,
    Decorator,
    Expression,
    FuncBase,
    FuncDef,
    TempNode,
    Var,
)
from mypy.plugin import FunctionContext, MethodContext
from mypy.subtypes import find_member, is_subtype
from mypy.typeops import get_all_type_vars
from mypy.types import (
    AnyType,
    CallableType,
    Instance,
    Overloaded,
    ProperType,
    Type,
    TypeOfAny,
    get_proper_type,
)

from .registry import Receiver, SchedulerSpec, Variadic
from .task_calls import argument_types

# The parameter added to a scheduler that passes only positional arguments, to collect task keywords.
TASK_KEYWORDS: Final = "__bgtyped_task_keywords"


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
    arg_kinds = list(signature.arg_kinds)
    if positional_only_target_by_keyword(spec, arg_names, call):
        # Reported by the plugin, which shows the fix, instead of mypy's "Too few arguments".
        arg_kinds[index] = ARG_OPT
    # Only a target with a known position can be found again once its name is gone.
    if variadic and spec.target.position is not None and _given_positionally(call, index):
        arg_names[index] = None
    if variadic and arguments.kwargs is None and ARG_STAR2 not in arg_kinds:
        # Task keywords the scheduler does not pass on are reported by the plugin, naming the task.
        arg_types.append(any_type)
        arg_kinds.append(ARG_STAR2)
        arg_names.append(TASK_KEYWORDS)
    # A callback of the task's result takes what the target returns: it does not determine it either.
    callbacks = {
        position for param in spec.result_callbacks if (position := param.index_in(arg_names)) is not None
    }
    still_inferred = {
        tv.id for i, typ in enumerate(arg_types) if i not in callbacks for tv in get_all_type_vars(typ)
    }
    variables = [tv for tv in signature.variables if tv.id in still_inferred]
    erased = [tv.id for tv in signature.variables if tv.id not in still_inferred]
    arg_types = [erase_typevars(typ, erased) if i in callbacks else typ for i, typ in enumerate(arg_types)]
    return signature.copy_modified(
        arg_types=arg_types,
        arg_kinds=arg_kinds,
        arg_names=arg_names,
        variables=variables,
        ret_type=erase_typevars(signature.ret_type, erased),
    )


def scheduler_return_type(ctx: FunctionContext | MethodContext, spec: SchedulerSpec) -> Type:
    """The type of the scheduling call, inferred from the scheduler's declared signature.

    ``await asyncio.to_thread(f, 1)`` has the type ``f`` returns: mypy infers it from the declared
    signature, on the argument types it has already found, with its messages muted (the arguments were
    checked against the task). If the task's arguments are wrong, the type is still the one inferred,
    as mypy infers it without the plugin.
    """
    api = ctx.api
    call = ctx.context
    if not isinstance(api, TypeChecker) or not isinstance(call, CallExpr):
        return ctx.default_return_type
    if isinstance(ctx, MethodContext) and _returns_fixed_type(ctx.type, spec.member):
        return ctx.default_return_type  # ``add_task`` returns None: nothing to infer, no lookup needed
    declared = declared_signature(ctx, spec, api)
    if not isinstance(declared, CallableType | Overloaded) or not any(
        get_all_type_vars(item.ret_type) for item in declared.items
    ):
        # The return type does not depend on the call: mypy found it on the opaque signature.
        return ctx.default_return_type
    found = argument_types(ctx)
    if any(id(arg) not in found for arg in call.args):
        return ctx.default_return_type
    typed_args: list[Expression] = [TempNode(found[id(arg)], context=arg) for arg in call.args]
    # First in the type context of the call, as mypy would; then without it, so that a context the
    # result does not fit (``x: int = await asyncio.to_thread(f)``) is reported as an assignment.
    checker = api.expr_checker
    type_context = checker.type_context[-1]
    inferred: list[Type] = []
    for context in (type_context, None):
        checker.type_context.append(context)
        try:
            with api.msg.filter_errors() as watcher:
                returned, _ = checker.check_call(
                    declared, typed_args, call.arg_kinds, call, arg_names=call.arg_names
                )
        finally:
            checker.type_context.pop()
        if not watcher.has_new_errors():
            return returned
        inferred.append(returned)
    # The task's arguments are wrong (reported against the task): the type is still the one mypy infers
    # without the plugin, in the call's context, so that what is done with the result is checked as it
    # would be; unless the result does not fit that context, which is then reported as above.
    with_context, without_context = inferred
    if type_context is None or is_subtype(without_context, type_context):
        return with_context
    return without_context


def _returns_fixed_type(receiver: Type, member: str) -> bool:
    """Whether the method's declared return type has no type variable, of its own or of its class.

    Read from the definition, without binding it to the receiver (what `_declared_signature` does): a
    return type without type variables stays the same once bound.
    """
    receiver = get_proper_type(receiver)
    if not isinstance(receiver, Instance):
        return False
    method = receiver.type.get_method(member)
    signature = method.type if isinstance(method, FuncDef) else None
    return isinstance(signature, CallableType) and not get_all_type_vars(signature.ret_type)


def declared_signature(
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


def positional_only_target_by_keyword(
    spec: SchedulerSpec, arg_names: Sequence[str | None], call: Context
) -> bool:
    """``add_task(func=f)`` where the scheduler's ``func`` is positional-only (bgtyped's)."""
    target = spec.target
    if isinstance(target, Receiver) or target.name is None or target.name in arg_names:
        return False
    if target.position is None or not isinstance(call, CallExpr):
        return False
    given_by_keyword = any(
        kind == ARG_NAMED and name == target.name
        for kind, name in zip(call.arg_kinds, call.arg_names, strict=True)
    )
    return given_by_keyword and not _given_positionally(call, target.position)
