"""The scheduler's own signature, rewritten for mypy to check the call against, and its return type."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Final

from mypy.checker import TypeChecker
from mypy.erasetype import erase_typevars
from mypy.errors import ErrorInfo
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
    RefExpr,
    TempNode,
    TypeInfo,
    Var,
)
from mypy.plugin import CheckerPluginInterface, FunctionContext, MethodContext
from mypy.subtypes import find_member, is_same_type
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

from .compat import type_object_type
from .records import Record
from .schedulers import Mapped, Param, Receiver, SchedulerSpec, SingleOrPacked, Variadic
from .task_calls import TASK_KEYWORDS, argument_types, configured_task


class CallShape(Record):
    """What of a scheduling call changes its scheduler's rewritten signature (`scheduler_signature`).

    ``target_by_keyword``: ``add_task(func=f)`` where ``func`` is positional-only (the plugin reports it,
    not mypy). ``target_positionally``: the target is given positionally, and its parameter loses its name.
    """

    __slots__ = ("target_by_keyword", "target_positionally")

    def __init__(self, target_by_keyword: bool, target_positionally: bool) -> None:
        self.target_by_keyword: Final = target_by_keyword
        self.target_positionally: Final = target_positionally


# The four shapes, each made once: every scheduling call has one.
_SHAPES: Final = {
    (by_keyword, positionally): CallShape(by_keyword, positionally)
    for by_keyword in (False, True)
    for positionally in (False, True)
}


def call_shape(signature: CallableType, spec: SchedulerSpec, call: Context) -> CallShape:
    target = spec.target
    if isinstance(target, Receiver):
        return _SHAPES[False, False]
    by_keyword = positional_only_target_by_keyword(spec, signature.arg_names, call)
    # Only a target with a known position can be found again once its name is gone.
    if not isinstance(spec.arguments, Variadic | Mapped) or target.position is None:
        return _SHAPES[by_keyword, False]
    index = target.index_in(signature.arg_names)
    return _SHAPES[by_keyword, index is not None and _given_positionally(call, index)]


class SchedulerSignatures:
    """The rewritten signatures of one build, each computed once.

    A scheduler's signature, as mypy gives it for a call, is determined by its definition and the
    receiver it is bound to; the rewriting by the entry and the call's shape. Signatures without a
    definition are rewritten at every call. Cleared at each build (`clear`): definitions may change.
    """

    def __init__(self) -> None:
        self._rewritten: dict[tuple[int, object, Type | None, bool, bool], CallableType] = {}

    def clear(self) -> None:
        self._rewritten.clear()

    def rewrite(
        self,
        signature: CallableType,
        spec: SchedulerSpec,
        call: Context,
        receiver: Type | None,
        api: CheckerPluginInterface | None = None,
    ) -> CallableType:
        target = spec.target
        if isinstance(target, Receiver) and target.configured_by is not None:
            # ``deferrer.defer(...)`` on a value whose task is not known here stays the declared call.
            if api is None or not isinstance(call, CallExpr):
                return signature
            if configured_task(api, call, target.configured_by) is None:
                return signature
        shape = call_shape(signature, spec, call)
        if signature.definition is None:
            return scheduler_signature(signature, spec, shape)
        # The registry keeps its entries for the plugin's life: an entry's identity names it.
        key = (id(spec), signature.definition, receiver, shape.target_by_keyword, shape.target_positionally)
        rewritten = self._rewritten.get(key)
        if rewritten is None:
            rewritten = self._rewritten[key] = scheduler_signature(signature, spec, shape)
        return rewritten


def scheduler_signature(signature: CallableType, spec: SchedulerSpec, shape: CallShape) -> CallableType:
    """The scheduler's signature with the task's part made opaque, for mypy to check the call against.

    The task's arguments are checked against the task itself afterwards (`check_scheduling_call`);
    leaving the ParamSpec in place would have mypy solve it and report the same mistakes a second time,
    under the scheduler's name. A parameter carrying the task's arguments packed (`SingleOrPacked`) keeps
    its declared type, bar the type variables tying it to the target: mypy still checks the value itself.
    The target becomes ``object``: the plugin reports what is not callable.
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
        if spec.target.configured_by is not None:
            # The declared keywords keep their type (what the queue can store); ``*args`` is added, for
            # positional arguments to be reported as the task's, dropped.
            return signature.copy_modified(
                arg_types=[any_type, *signature.arg_types],
                arg_kinds=[ARG_STAR, *signature.arg_kinds],
                arg_names=[arguments.args, *signature.arg_names],
            )
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
    arg_types = list(signature.arg_types)
    arg_kinds = list(signature.arg_kinds)
    arg_names = list(signature.arg_names)
    opaque = {i for i, kind in enumerate(arg_kinds) if kind.is_star()} if variadic else set()
    for i in opaque:
        arg_types[i] = any_type
    if isinstance(arguments, SingleOrPacked):
        packed = {i for i, name in enumerate(arg_names) if name in (arguments.arg.name, arguments.args.name)}
        _loosen_packed(arg_types, packed, signature)
        opaque |= packed
    index = spec.target.index_in(arg_names)
    if index is None:
        return signature
    # ``object``, taken from the MRO of the signature's own fallback (``builtins.function``).
    arg_types[index] = Instance(signature.fallback.type.mro[-1], [])
    opaque.add(index)
    if shape.target_by_keyword:
        # Reported by the plugin, which shows the fix, instead of mypy's "Too few arguments".
        arg_kinds[index] = ARG_OPT
    if shape.target_positionally:
        arg_names[index] = None
    if isinstance(arguments, Variadic) and arguments.kwargs is None and ARG_STAR2 not in arg_kinds:
        # Task keywords the scheduler does not pass on are reported by the plugin, naming the task.
        arg_types.append(any_type)
        arg_kinds.append(ARG_STAR2)
        arg_names.append(TASK_KEYWORDS)
    if not signature.variables:
        return signature.copy_modified(arg_types=arg_types, arg_kinds=arg_kinds, arg_names=arg_names)
    # A callback of the task's result takes what the target returns: it does not determine it either.
    callbacks = {
        position for param in spec.result_callbacks if (position := param.index_in(arg_names)) is not None
    }
    still_inferred = {
        tv.id
        for i, typ in enumerate(arg_types)
        if i not in callbacks and i not in opaque
        for tv in get_all_type_vars(typ)
    }
    variables = [tv for tv in signature.variables if tv.id in still_inferred]
    erased = [tv.id for tv in signature.variables if tv.id not in still_inferred]
    if callbacks and erased:
        arg_types = [
            erase_typevars(typ, erased) if i in callbacks else typ for i, typ in enumerate(arg_types)
        ]
    return signature.copy_modified(
        arg_types=arg_types,
        arg_kinds=arg_kinds,
        arg_names=arg_names,
        variables=variables,
        ret_type=erase_typevars(signature.ret_type, erased) if erased else signature.ret_type,
    )


def _loosen_packed(arg_types: list[Type], packed: set[int], signature: CallableType) -> None:
    """The declared types of the parameters carrying the task's arguments, without the type variables that
    tie them to the target (Temporal's ``arg: ParamType``), in place.

    What the items are to the target is checked against the target itself; what the value is to the
    parameter (``args=None`` for a ``Sequence[Any]``) stays mypy's to report, as it reports it alone.
    """
    ids = [tv.id for tv in signature.variables]
    for i in packed:
        arg_types[i] = erase_typevars(arg_types[i], ids) if ids else arg_types[i]


def scheduler_return_type(
    ctx: FunctionContext | MethodContext, spec: SchedulerSpec, found_again: Mapping[int, Type]
) -> Type:
    """The type of the scheduling call, as declared (`declared_return_type`), with an awaited task's value."""
    returned = declared_return_type(ctx, spec, found_again)
    proper = get_proper_type(returned)
    if spec.coroutines != "awaited" or not isinstance(proper, Instance) or not proper.args:
        return returned  # nothing in it can hold the task's coroutine
    from .awaited_results import with_awaited_task

    return with_awaited_task(ctx, spec, returned)


def declared_return_type(
    ctx: FunctionContext | MethodContext, spec: SchedulerSpec, found_again: Mapping[int, Type]
) -> Type:
    """The type of the scheduling call, inferred from the scheduler's declared signature, as mypy infers it.

    ``await asyncio.to_thread(f, 1)`` has the type ``f`` returns: mypy infers it from the declared
    signature, on the argument types it has already found (or the plugin found again: ``found_again``),
    with its messages muted (the arguments were checked against the task). As mypy does, the type context
    of the call comes first (``x: int = await asyncio.to_thread(f)`` solves the result as ``int``); where
    that context makes the call wrong, mypy's own error is reported, with its code: what mypy alone
    reports for the same mistake stays on the same line, and so do the ignore comments written for it.
    """
    api = ctx.api
    call = ctx.context
    if not isinstance(api, TypeChecker) or not isinstance(call, CallExpr):
        return ctx.default_return_type
    declared = declared_signature(ctx, spec, api)
    if not isinstance(declared, CallableType | Overloaded) or not _returns_per_call(declared):
        # The return type does not depend on the call: mypy found it on the opaque signature.
        return ctx.default_return_type
    typed_args = _typed_arguments(ctx, call, found_again)
    if typed_args is None:
        return ctx.default_return_type
    if spec.coroutines == "awaited" and isinstance(spec.target, Param):
        from .awaited_results import with_awaited_target

        typed_args = with_awaited_target(ctx, spec, call, typed_args)
    if spec.solved_from_target and _declared_call(api, declared, typed_args, call, None)[1]:
        from .solving import without_task_arguments

        typed_args = without_task_arguments(ctx, spec, call, typed_args)
    type_context = api.expr_checker.type_context[-1]
    returned, errors = _declared_call(api, declared, typed_args, call, type_context)
    if not errors:
        return returned
    without_context = errors
    if type_context is not None:
        without_context = _declared_call(api, declared, typed_args, call, None)[1]
    if isinstance(declared, Overloaded) and any(error.severity == "error" for error in without_context):
        # No overload takes the call, which the plugin checked against the task (prefect's ``submit``
        # given ``wait_for=`` alone): mypy would answer ``Any``; the type found on the rewritten
        # signature stands.
        return ctx.default_return_type
    if type_context is not None:
        # The errors the context alone causes: those the call has without it were reported by the plugin
        # against the task, or waived by it.
        api.msg.add_errors(_only_new(errors, without_context))
    return returned


def _returns_per_call(declared: CallableType | Overloaded) -> bool:
    """Whether what the scheduler returns depends on the call: a type variable, or overloads returning
    different types (prefect's ``submit(..., return_state=True)`` gives a ``State``)."""
    items = declared.items
    if any(get_all_type_vars(item.ret_type) for item in items):
        return True
    return any(not is_same_type(item.ret_type, items[0].ret_type) for item in items[1:])


def declared_call_codes(
    ctx: FunctionContext | MethodContext, spec: SchedulerSpec, found_again: Mapping[int, Type]
) -> set[str] | None:
    """The codes of the errors mypy alone reports on the scheduling call, checked on its declared signature.

    A constructor's is the one of the class called (a subclass of the registered one, maybe), checked as a
    plain function: as the class itself, its call would be the plugin's to check again. None where the
    declared signature is not known.
    """
    api = ctx.api
    call = ctx.context
    if not isinstance(api, TypeChecker) or not isinstance(call, CallExpr):
        return None
    declared = declared_signature(ctx, spec, api)
    if declared is None and isinstance(call.callee, RefExpr) and isinstance(call.callee.node, TypeInfo):
        constructor = type_object_type(call.callee.node, api.named_type)
        function = api.named_type("builtins.function")
        if isinstance(constructor, CallableType):
            declared = constructor.copy_modified(fallback=function)
        elif isinstance(constructor, Overloaded):
            declared = Overloaded([item.copy_modified(fallback=function) for item in constructor.items])
    typed_args = _typed_arguments(ctx, call, found_again)
    if not isinstance(declared, CallableType | Overloaded) or typed_args is None:
        return None
    errors = _declared_call(api, declared, typed_args, call, api.expr_checker.type_context[-1])[1]
    return {error.code.code for error in errors if error.severity == "error" and error.code is not None}


def _typed_arguments(
    ctx: FunctionContext | MethodContext, call: CallExpr, found_again: Mapping[int, Type]
) -> list[Expression] | None:
    """The call's arguments as mypy found them: each a `TempNode` of its type, but a lambda inferred again.

    A lambda the plugin inferred again is inferred once more on the declared signature, as mypy alone
    infers it: its body is checked against the result the context asks for.
    """
    found = argument_types(ctx)
    found.update(found_again)
    if any(id(arg) not in found for arg in call.args):
        return None
    return [arg if id(arg) in found_again else TempNode(found[id(arg)], context=arg) for arg in call.args]


def _declared_call(
    api: TypeChecker, declared: Type, args: list[Expression], call: CallExpr, type_context: Type | None
) -> tuple[Type, list[ErrorInfo]]:
    """The type of ``call`` on the ``declared`` signature in ``type_context``, and its errors, unreported."""
    checker = api.expr_checker
    checker.type_context.append(type_context)
    try:
        with api.msg.filter_errors(save_filtered_errors=True) as watcher:
            returned, _ = checker.check_call(declared, args, call.arg_kinds, call, arg_names=call.arg_names)
    finally:
        checker.type_context.pop()
    return returned, watcher.filtered_errors()


def _only_new(errors: list[ErrorInfo], known: list[ErrorInfo]) -> list[ErrorInfo]:
    """The errors of ``errors`` not at the place and code of one of ``known``, each with its notes."""
    places = Counter((e.line, e.column, e.code) for e in known if e.severity == "error")
    new: list[ErrorInfo] = []
    keep = False
    for error in errors:
        if error.severity == "error":
            place = (error.line, error.column, error.code)
            keep = places[place] == 0
            if not keep:
                places[place] -= 1
        if keep:
            new.append(error)
    return new


def returns_fixed_type(info: TypeInfo, member: str) -> bool:
    """Whether the method's declared return type has no type variable, of its own or of its class.

    Read from the definition, without binding it to a receiver (what `declared_signature` does): a
    return type without type variables stays the same once bound. Its scheduling calls then have the
    type mypy found on the rewritten signature.
    """
    method = info.get_method(member)
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
    # Most calls name no argument after the target: one look at the call's names settles them.
    if not isinstance(call, CallExpr) or isinstance(target, Receiver) or target.name is None:
        return False
    if target.name not in call.arg_names:
        return False
    if target.position is None or target.name in arg_names:
        return False
    given_by_keyword = any(
        kind == ARG_NAMED and name == target.name
        for kind, name in zip(call.arg_kinds, call.arg_names, strict=True)
    )
    return given_by_keyword and not _given_positionally(call, target.position)
