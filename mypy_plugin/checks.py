"""The order in which a scheduling call meets the rules (one module each, in ``rules/``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from mypy.checker import TypeChecker
from mypy.errorcodes import ARG_TYPE
from mypy.messages import format_type
from mypy.nodes import CallExpr, Expression, LambdaExpr
from mypy.plugin import FunctionContext, MethodContext
from mypy.types import NoneType, ProperType, Type, UnionType, get_proper_type
from mypy.types_utils import remove_optional

from . import signatures
from .callables import (
    Callee,
    NotCallable,
    PartlyCallable,
    Target,
    Unchecked,
    display_name,
    resolve,
    with_name,
    with_optional_parameters,
)
from .records import Record
from .rules.never_awaited import check_never_awaited
from .rules.task_arguments import call_task, report_task_errors
from .schedulers import (
    Mapped,
    Packed,
    Param,
    Receiver,
    SchedulerSpec,
    SignatureReceiver,
    SingleOrPacked,
    Variadic,
)
from .task_calls import TaskCall, kept, task_call

if TYPE_CHECKING:
    from .named_jobs import NamedJob

# A rule is imported where a call first meets the condition that makes it apply, and only then: the
# condition is tested here, on the scheduler's entry and the call, before the rule's module is loaded. A
# build whose calls give no reason for a rule never loads it (one that schedules with Starlette alone loads
# none of Ray's, Temporal's or arq's), and a call costs only the tests of the rules that cannot apply.


class Checked(Record):
    """What checking a scheduling call found.

    ``target_reported``: the target itself was reported (not callable, or its awaitable never awaited);
    the call's result then keeps the opaque type, and mypy does not report the same mistake again through
    it (an unused coroutine). ``found``: argument types inferred again by the plugin (a lambda target, in
    the context of the task's arguments), by ``id`` of their expression. ``returned``: the call's type,
    where it carries what the task returns (`scheduled_result`); None where mypy's is kept.
    """

    __slots__ = ("found", "returned", "target_reported")

    def __init__(
        self,
        target_reported: bool = False,
        found: dict[int, Type] | None = None,
        returned: Type | None = None,
    ) -> None:
        self.target_reported: Final = target_reported
        self.found: Final[dict[int, Type]] = {} if found is None else found
        self.returned: Final = returned


NOTHING_FOUND: Final = Checked()


def check_scheduling_call(ctx: FunctionContext | MethodContext, spec: SchedulerSpec) -> Checked:
    """Report every rule a scheduling call breaks, each mistake once."""
    api = ctx.api
    if not isinstance(api, TypeChecker):
        return NOTHING_FOUND
    if _scheduler_mistake(api, ctx, spec):
        return NOTHING_FOUND
    task = task_call(ctx, spec)
    if task is None:
        return NOTHING_FOUND
    found: dict[int, Type] = {}
    if isinstance(task.target, LambdaExpr):
        from .rules.lambdas import lambda_in_context

        resolved = _with_resolved_futures(api, ctx, task, spec)
        lambda_type = lambda_in_context(api, ctx, task if resolved is None else resolved)
        found[id(task.target)] = lambda_type
        task = TaskCall(task.target, lambda_type, task.args, task.kinds, task.names)
    names = task.names
    if not (spec.reserved_keywords.isdisjoint(names) and spec.reserved_when_configured.isdisjoint(names)):
        from .rules.reserved_keywords import check_reserved_keywords

        check_reserved_keywords(api, task, spec, ctx.context)
    # How the scheduler takes the target, told apart once: a parameter, or the receiver itself.
    param = spec.target if isinstance(spec.target, Param) else None
    receiver = spec.target if isinstance(spec.target, Receiver) else None
    target_type = task.target_type
    if param is not None and param.accepts_none:
        proper = get_proper_type(target_type)
        if isinstance(proper, NoneType) and not isinstance(task.target, CallExpr):
            return Checked(False, found)
        if isinstance(proper, UnionType):
            target_type = remove_optional(proper)
    job_name = None
    if param is not None and param.accepts_name:
        from .rules.named_targets import may_be_name

        if may_be_name(api, target_type):
            job = _named_job(api, task, param, spec)
            if job is None:
                return Checked(False, found)
            job_name, target_type = job.name, job.signature
    # A receiver is the task itself (``send_email.delay(...)``): its name is the one the call spells; a job
    # named by a string is named after that string.
    forced_name = job_name or (_expression_name(task.target) if receiver is not None else None)
    definition = None
    if receiver is not None:
        from .definitions import task_definition

        definition = task_definition(api, task.target, task.target_type, spec)
    if definition is not None:
        target: Target = Callee(definition)
        if spec.checked_against != "declared":
            forced_name = None  # the definition found is the task's own, and names it
    elif spec.checked_against != "declared":
        return Checked(False, found)  # no definition: mypy checks the declared signature
    elif receiver is not None and receiver.parameters is not None:
        from .task_objects import receiver_target

        target = receiver_target(api, task, receiver)
    else:
        target = resolve(target_type, api, task.target)
    if isinstance(target, PartlyCallable):
        # mypy reports such a union as an argument of the wrong type: its code stays, and the callable
        # members are checked.
        from .messages import partly_callable

        message = partly_callable(
            spec.name, format_type(target_type, api.options), format_type(target.others, api.options)
        )
        api.fail(message, task.target, code=ARG_TYPE)
        target = target.callable
    if isinstance(target, Unchecked):
        return Checked(False, found)
    if isinstance(target, NotCallable):
        from .rules.not_callable import report_not_callable

        report_not_callable(api, task, target, spec, ctx.context)
        return Checked(True, found)
    if param is not None and param.supplies_self:
        from .rules.supplied_self import without_supplied_self

        target = Callee(
            without_supplied_self(target.signature), target.bound_positionally, target.wraps_sync_def
        )
    name = forced_name or display_name(target.signature) or _expression_name(task.target)
    if spec.target_decorator is not None:
        from .rules.undecorated_target import report_undecorated_target

        report_undecorated_target(api, task, target.signature, spec, name)
    if isinstance(receiver, SignatureReceiver):
        from .rules.signature_calls import signature_reported

        # What the signature's own call reports (a coroutine never awaited too) is reported once, there.
        if signature_reported(api, ctx, receiver, spec, task, target.signature):
            return Checked(False, found)
        reported = False
    else:
        reported = check_never_awaited(api, task, target, spec, name)
    task, signature = _task_as_passed(api, ctx, spec, task, target, name, job_name)
    if spec.resolved_futures is None:
        result, errors = call_task(api, task, signature, ctx.context)
        resolved_futures = None
    else:
        from .rules.resolved_futures import call_with_resolved_futures

        task, result, errors, resolved_futures = call_with_resolved_futures(api, ctx, task, spec, signature)
    if errors:
        # Checked again, only now, with the task named after itself and its scheduler for the messages.
        callee = with_name(signature, spec.name, fallback=_expression_name(task.target), forced=forced_name)
        report_task_errors(api, task, callee, ctx.context, signatures.declared_call_codes(ctx, spec, found))
        if resolved_futures is not None:
            from .rules.resolved_futures import note_resolved

            note_resolved(api, errors, resolved_futures, spec)
    elif not reported and spec.result_callbacks:
        from .rules.result_callbacks import check_result_callbacks

        check_result_callbacks(api, ctx, spec, result, name)
    returned = None
    if definition is not None:
        from .definitions import scheduled_result

        returned = scheduled_result(ctx.default_return_type, result, spec)
    if not reported and not found and returned is None:
        return NOTHING_FOUND
    return Checked(reported, found, returned)


def _scheduler_mistake(api: TypeChecker, ctx: FunctionContext | MethodContext, spec: SchedulerSpec) -> bool:
    """Report the mistakes in the scheduler's own arguments; whether one leaves the task's unknowable."""
    if spec.forwarded_keywords is not None:
        from .rules.forwarded_keywords import report_dropped_forwarded_keywords

        report_dropped_forwarded_keywords(api, ctx, spec)
    if _takes_packed_args(spec):
        from .rules.string_args import report_string_args

        if report_string_args(api, ctx, spec):
            return True
    if signatures.positional_only_target_by_keyword(spec, ctx.callee_arg_names, ctx.context):
        from .rules.positional_only_target import report_positional_only_target

        report_positional_only_target(api, ctx, spec)
        return True
    if spec.requires_one_of:
        from .rules.required_options import report_missing_option

        report_missing_option(api, ctx, spec)
    if isinstance(spec.arguments, SingleOrPacked):
        from .rules.arg_or_args import report_arg_and_args

        return report_arg_and_args(api, ctx, spec)
    return False


def _takes_packed_args(spec: SchedulerSpec) -> bool:
    """Whether the scheduler may take the task's positional arguments as one tuple (``args=(...)``)."""
    arguments = spec.arguments
    if isinstance(arguments, Variadic):
        return arguments.packed_keywords is not None
    return isinstance(arguments, Packed | SingleOrPacked) and arguments.args is not None


def _expression_name(expr: Expression) -> str:
    from .rendering import expression_name

    return expression_name(expr)


def _named_job(api: TypeChecker, task: TaskCall, target: Param, spec: SchedulerSpec) -> NamedJob | None:
    """The job a string names, where the scheduler looks its name up in a worker's function list."""
    if target.job_names is None:
        return None
    from .named_jobs import named_job

    return named_job(api, task.target, target.job_names, spec.name, task.names)


def _task_as_passed(
    api: TypeChecker,
    ctx: FunctionContext | MethodContext,
    spec: SchedulerSpec,
    task: TaskCall,
    target: Callee,
    name: str,
    job_name: str | None,
) -> tuple[TaskCall, ProperType]:
    """The task's call as the scheduler makes it, and the signature to check it against.

    The scheduler's own keywords are taken out (those the task cannot get are reported), and so are the
    arguments it drops or never passes; what they were meant for is then not reported missing as well.
    """
    arguments = spec.arguments
    variadic = arguments if isinstance(arguments, Variadic) else None
    if not target.bound_positionally.isdisjoint(task.names):
        from .rules.partial_keywords import without_partial_bound_keywords

        task = without_partial_bound_keywords(api, task, target, spec, name)
    if isinstance(arguments, Variadic | Mapped) and arguments.options:
        from .rules.options import without_options

        task = without_options(api, ctx, task, target, spec, name)
    dropped = False
    if variadic is not None:
        if variadic.options_alternative is not None:
            from .rules.passed_options import report_passed_options

            task = report_passed_options(api, task, target, spec, name)
        if job_name is not None and isinstance(spec.target, Param) and spec.target.job_names is not None:
            from .rules.job_options import without_misspelt_options

            task = without_misspelt_options(api, task, target, spec.target.job_names, spec.name, name)
        if variadic.packed_keywords is not None:
            from .rules.dropped_arguments import report_dropped_by_packed

            dropped = report_dropped_by_packed(api, ctx, spec, name)
    signature = target.signature
    if spec.supplied_keywords:
        from .rules.supplied_keywords import check_supplied_keywords

        task, supplied = check_supplied_keywords(api, task, target, spec, name, ctx.context)
        signature = with_optional_parameters(signature, supplied) if supplied else signature
    if variadic is not None and variadic.kwargs is None:
        task, signature = _positional_arguments_only(api, ctx, spec, task, target, signature, name)
    if variadic is not None and variadic.drops_positionals:
        from .rules.dropped_positionals import keywords_only

        task, signature = keywords_only(api, ctx.context, task, signature, spec, name)
    if spec.completed_later:
        from .rules.completed_later import completed_later

        return completed_later(task, signature)
    if dropped or spec.completed_after:
        # What the dropped arguments were meant for is reported missing by them already; a call completed
        # after its arguments gets the rest later.
        signature = with_optional_parameters(signature)
    return task, signature


def _positional_arguments_only(
    api: TypeChecker,
    ctx: FunctionContext | MethodContext,
    spec: SchedulerSpec,
    task: TaskCall,
    target: Callee,
    signature: ProperType,
    name: str,
) -> tuple[TaskCall, ProperType]:
    """The task's call without the keywords a scheduler passing only positional arguments never passes."""
    from .rules.positional_only_schedulers import report_keywords_not_passed
    from .rules.unpacked_keywords import report_unpacked_keywords

    not_passed = report_keywords_not_passed(api, ctx, spec, task, target, name)
    unpacked = report_unpacked_keywords(api, ctx, spec, task, name)
    if unpacked:
        signature = with_optional_parameters(signature, unpacked)
    if not_passed:
        # Reported as keywords the task never receives: the rest of the call is checked without them,
        # and what they were meant for is not reported missing as well.
        task = kept(task, [i for i, arg in enumerate(task.args) if id(arg) not in not_passed])
        signature = with_optional_parameters(signature, set(not_passed.values()))
    return task, signature


def _with_resolved_futures(
    api: TypeChecker, ctx: FunctionContext | MethodContext, task: TaskCall, spec: SchedulerSpec
) -> TaskCall | None:
    """The task's call with its futures replaced by their results, where the scheduler resolves any."""
    if spec.resolved_futures is None:
        return None
    from .rules.resolved_futures import with_resolved_futures

    resolved = with_resolved_futures(api, ctx, task, spec)
    return None if resolved is None else resolved.task
