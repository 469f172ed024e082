"""A scheduling call split into the scheduled target and the arguments the task will receive."""

from __future__ import annotations

from typing import Final

from mypy.checker import TypeChecker
from mypy.nodes import (
    ARG_NAMED,
    ARG_POS,
    ARG_STAR,
    ARG_STAR2,
    ArgKind,
    CallExpr,
    DictExpr,
    Expression,
    MemberExpr,
    StrExpr,
    TempNode,
)
from mypy.plugin import CheckerPluginInterface, FunctionContext, MethodContext
from mypy.subtypes import find_member
from mypy.types import (
    AnyType,
    Instance,
    Type,
    TypeOfAny,
    get_proper_type,
)

from .records import Record
from .schedulers import (
    JobNames,
    Mapped,
    Receiver,
    SchedulerSpec,
    SignatureReceiver,
    SingleOrPacked,
    Variadic,
)

# The parameter added to a scheduler that passes only positional arguments, to collect task keywords.
TASK_KEYWORDS: Final = "__bgtyped_task_keywords"


class TaskCall(Record):
    """The scheduled call as the task will receive it, in the order it was written."""

    __slots__ = ("args", "kinds", "names", "target", "target_type")

    def __init__(
        self,
        target: Expression,
        target_type: Type,
        args: list[Expression],
        kinds: list[ArgKind],
        names: list[str | None],
    ) -> None:
        self.target: Final = target
        self.target_type: Final = target_type
        self.args: Final = args
        self.kinds: Final = kinds
        self.names: Final = names


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
        task = variadic_arguments(ctx, arguments, call)
        if task is not None and arguments.packed_keywords is not None and switched_to_packed(ctx, arguments):
            from .packed_arguments import switched_arguments

            task = switched_arguments(ctx, arguments, task)
    elif isinstance(arguments, Mapped):
        from .mapped_calls import mapped_arguments

        task = mapped_arguments(ctx, arguments, call)
    elif isinstance(arguments, SingleOrPacked):
        from .packed_arguments import single_or_packed_arguments

        task = single_or_packed_arguments(ctx, arguments)
    else:
        from .packed_arguments import packed_arguments

        task = packed_arguments(ctx, arguments)
    if task is None:
        return None
    if isinstance(spec.target, Receiver) and spec.target.merged_keywords is not None:
        task = _with_merged_keywords(ctx, spec.target, call, task)
    args, kinds, names = task
    if isinstance(spec.target, SignatureReceiver):
        made = made_signature(call, spec.target)
        if made is None:
            return None
        args, kinds, names = _with_signature_arguments(made, spec.target, (args, kinds, names))
    return TaskCall(target[0], target[1], args, kinds, names)


def _target(
    ctx: FunctionContext | MethodContext, spec: SchedulerSpec, call: CallExpr
) -> tuple[Expression, Type] | None:
    target = spec.target
    if isinstance(target, SignatureReceiver):
        made = made_signature(call, target)
        if made is None or not isinstance(made.callee, MemberExpr) or not isinstance(ctx.api, TypeChecker):
            return None
        task_type = ctx.api.lookup_type_or_none(made.callee.expr)
        proper = get_proper_type(task_type)
        if not isinstance(proper, Instance) or not proper.type.has_base(target.task_class):
            return None
        return made.callee.expr, proper
    if isinstance(target, Receiver):
        if not isinstance(ctx, MethodContext):
            return None
        if spec.member == "__call__":
            return call.callee, _receiver_function(ctx.type, target)
        if not isinstance(call.callee, MemberExpr):
            return None
        if target.configured_by is not None:
            configured = configured_task(ctx.api, call, target.configured_by)
            return None if configured is None else configured[:2]
        return call.callee.expr, _receiver_function(ctx.type, target)
    group = single_actual(ctx, target.index_in(ctx.callee_arg_names))
    if group is None:
        return None
    if target.job_names is not None and _built_job(target.job_names, ctx.arg_types[group][0]):
        return None
    return ctx.args[group][0], ctx.arg_types[group][0]


def _built_job(job_names: JobNames, target_type: Type) -> bool:
    """Whether the target is a job built beforehand (saq's ``enqueue(Job(...))``): its function is unknown."""
    built = job_names.built
    proper = get_proper_type(target_type)
    return built is not None and isinstance(proper, Instance) and proper.type.has_base(built)


def made_signature(call: CallExpr, receiver: SignatureReceiver) -> CallExpr | None:
    """The call that made the signature a method is called on (``add.s(2)`` in ``add.s(2).delay(3)``)."""
    if not isinstance(call.callee, MemberExpr):
        return None
    made = call.callee.expr
    if not isinstance(made, CallExpr) or not isinstance(made.callee, MemberExpr):
        return None
    return made if made.callee.name in receiver.mutable | receiver.immutable else None


def _with_signature_arguments(made: CallExpr, receiver: SignatureReceiver, given: Arguments) -> Arguments:
    """The task's arguments: the signature's own, and the call's as the signature takes them.

    A mutable signature puts the call's positional arguments first, and its keywords replace the
    signature's of the same name; an immutable one ignores them.
    """
    own = (list(made.args), list(made.arg_kinds), list(made.arg_names))
    assert isinstance(made.callee, MemberExpr)
    if made.callee.name in receiver.immutable:
        return own
    replaced = {name for name, kind in zip(given[2], given[1], strict=True) if kind == ARG_NAMED}
    args: list[Expression] = []
    kinds: list[ArgKind] = []
    names: list[str | None] = []
    for positional in (True, False):
        for source in (given, own) if positional else (own, given):
            for arg, kind, name in zip(*source, strict=True):
                if kind.is_positional(star=True) != positional or (source is own and name in replaced):
                    continue
                args.append(arg)
                kinds.append(kind)
                names.append(name)
    return args, kinds, names


def _receiver_function(receiver: Type, target: Receiver) -> Type:
    """The receiver's type, or that of its attribute holding the function when the entry names one."""
    proper = get_proper_type(receiver)
    if target.attribute is None or not isinstance(proper, Instance):
        return receiver
    function = find_member(target.attribute, proper, proper)
    return receiver if function is None else function


def configured_task(
    api: CheckerPluginInterface, call: CallExpr, configured_by: tuple[str, str]
) -> tuple[Expression, Type, CallExpr] | None:
    """The task, its type and the configuring call, for ``task.configure(...).defer()``.

    None unless the scheduling method is called on the result of ``configured_by`` (a class and its
    method) called on an instance of that class.
    """
    owner, method = configured_by
    callee = call.callee
    if not isinstance(callee, MemberExpr) or not isinstance(callee.expr, CallExpr):
        return None
    configuring = callee.expr
    if not isinstance(configuring.callee, MemberExpr) or configuring.callee.name != method:
        return None
    task = configuring.callee.expr
    if not isinstance(api, TypeChecker) or not api.has_type(task):
        return None
    task_type = get_proper_type(api.lookup_type(task))
    if not isinstance(task_type, Instance) or not task_type.type.has_base(owner):
        return None
    return task, task_type, configuring


def _with_merged_keywords(
    ctx: FunctionContext | MethodContext, receiver: Receiver, call: CallExpr, task: Arguments
) -> Arguments:
    """The task's keywords given to the configuring call (``task_kwargs={...}``) before the call's own.

    A dict literal with string keys gives its entries, but those the scheduling call gives again; any
    other value may give any keyword, as ``**value``.
    """
    assert receiver.configured_by is not None and receiver.merged_keywords is not None
    configured = configured_task(ctx.api, call, receiver.configured_by)
    if configured is None or receiver.merged_keywords not in configured[2].arg_names:
        return task
    configuring = configured[2]
    value = configuring.args[configuring.arg_names.index(receiver.merged_keywords)]
    args, kinds, names = task
    if isinstance(value, DictExpr) and all(isinstance(key, StrExpr) for key, _ in value.items):
        given = set(names)
        items: Items = [
            (item, ARG_NAMED, key.value)
            for key, item in value.items
            if isinstance(key, StrExpr) and key.value not in given
        ]
    else:
        items = [(TempNode(AnyType(TypeOfAny.special_form), context=value), ARG_STAR2, None)]
    return (
        [item for item, _, _ in items] + args,
        [kind for _, kind, _ in items] + kinds,
        [name for _, _, name in items] + names,
    )


def single_actual(ctx: FunctionContext | MethodContext, index: int | None) -> int | None:
    """``index`` if the scheduler's parameter there got exactly one argument, given plainly."""
    if index is None or index >= len(ctx.args) or len(ctx.args[index]) != 1:
        return None
    return index if ctx.arg_kinds[index][0] in (ARG_POS, ARG_NAMED) else None


Arguments = tuple[list[Expression], list[ArgKind], list[str | None]]
Items = list[tuple[Expression, ArgKind, str | None]]


def variadic_arguments(
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
    if arguments.kwargs is None and TASK_KEYWORDS in names:
        # Keywords the scheduler does not pass on stay in the task's call: each is reported once, as a
        # keyword the task takes but never receives, or as one it does not take at all.
        index = names.index(TASK_KEYWORDS)
        for arg, kind, arg_name in zip(
            ctx.args[index], ctx.arg_kinds[index], ctx.arg_names[index], strict=True
        ):
            if kind == ARG_NAMED:
                args.append(arg)
                kinds.append(kind)
                arg_names.append(arg_name)
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


def switched_to_packed(ctx: FunctionContext | MethodContext, arguments: Variadic) -> bool:
    """Whether the call gives the task's arguments packed, in one of ``arguments.packed_keywords``."""
    if arguments.packed_keywords is None:
        return False
    groups = variadic_groups(ctx, arguments)
    return any(name in arguments.packed_keywords for index in groups for name in ctx.arg_names[index])


def variadic_groups(ctx: FunctionContext | MethodContext, arguments: Variadic) -> list[int]:
    """The scheduler's parameters that take the task's arguments: its ``*args`` and ``**kwargs``.

    A keyword argument is looked for in both: mypy before 1.16 gives ``args=...`` to a ``*args`` parameter.
    """
    names = ctx.callee_arg_names
    slots = (arguments.args, arguments.kwargs)
    return [names.index(name) for name in slots if name is not None and name in names]


def argument_types(ctx: FunctionContext | MethodContext) -> dict[int, Type]:
    """The type mypy found for each argument of the scheduling call, by ``id`` of its expression."""
    return {
        id(arg): typ
        for group_args, group_types in zip(ctx.args, ctx.arg_types, strict=True)
        for arg, typ in zip(group_args, group_types, strict=True)
    }


def kept(task: TaskCall, indices: list[int]) -> TaskCall:
    """The task's call with only the arguments at ``indices``."""
    return TaskCall(
        task.target,
        task.target_type,
        [task.args[i] for i in indices],
        [task.kinds[i] for i in indices],
        [task.names[i] for i in indices],
    )
