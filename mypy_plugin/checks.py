"""The order in which a scheduling call meets the rules (one module each, in ``rules/``)."""

from __future__ import annotations

from typing import Final

from mypy.checker import TypeChecker
from mypy.errorcodes import ARG_TYPE
from mypy.messages import format_type
from mypy.nodes import CallExpr, LambdaExpr
from mypy.plugin import FunctionContext, MethodContext
from mypy.types import NoneType, Type, UnionType, get_proper_type
from mypy.types_utils import remove_optional

from . import errorcodes, signatures
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
from .definitions import scheduled_result, task_definition
from .named_jobs import named_job
from .records import Record
from .rendering import expression_name
from .rules.arg_or_args import report_arg_and_args
from .rules.completed_later import completed_later
from .rules.dropped_arguments import report_dropped_by_packed
from .rules.dropped_positionals import keywords_only
from .rules.forwarded_keywords import report_dropped_forwarded_keywords
from .rules.job_options import without_misspelt_options
from .rules.lambdas import lambda_in_context
from .rules.named_targets import may_be_name
from .rules.never_awaited import check_never_awaited
from .rules.not_callable import report_not_callable
from .rules.options import without_options
from .rules.partial_keywords import without_partial_bound_keywords
from .rules.passed_options import report_passed_options
from .rules.positional_only_schedulers import report_keywords_not_passed
from .rules.positional_only_target import report_positional_only_target
from .rules.required_options import report_missing_option
from .rules.reserved_keywords import check_reserved_keywords
from .rules.resolved_futures import call_with_resolved_futures, note_resolved, with_resolved_futures
from .rules.result_callbacks import check_result_callbacks
from .rules.signature_calls import signature_reported
from .rules.string_args import report_string_args
from .rules.supplied_keywords import check_supplied_keywords
from .rules.supplied_self import without_supplied_self
from .rules.task_arguments import report_task_errors
from .rules.undecorated_target import report_undecorated_target
from .rules.unpacked_keywords import report_unpacked_keywords
from .schedulers import Param, Receiver, SchedulerSpec, SignatureReceiver
from .task_calls import TaskCall, kept, task_call
from .task_objects import receiver_target


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
    report_dropped_forwarded_keywords(api, ctx, spec)
    if report_string_args(api, ctx, spec) or report_positional_only_target(api, ctx, spec):
        return NOTHING_FOUND
    report_missing_option(api, ctx, spec)
    if report_arg_and_args(api, ctx, spec):
        return NOTHING_FOUND
    task = task_call(ctx, spec)
    if task is None:
        return NOTHING_FOUND
    found: dict[int, Type] = {}
    if isinstance(task.target, LambdaExpr):
        resolved = with_resolved_futures(api, ctx, task, spec)
        lambda_type = lambda_in_context(api, ctx, task if resolved is None else resolved.task)
        found[id(task.target)] = lambda_type
        task = TaskCall(task.target, lambda_type, task.args, task.kinds, task.names)
    check_reserved_keywords(api, task, spec, ctx.context)
    target_type = task.target_type
    if isinstance(spec.target, Param) and spec.target.accepts_none:
        proper = get_proper_type(target_type)
        if isinstance(proper, NoneType) and not isinstance(task.target, CallExpr):
            return Checked(False, found)
        if isinstance(proper, UnionType):
            target_type = remove_optional(proper)
    job_name = None
    if isinstance(spec.target, Param) and spec.target.accepts_name and may_be_name(api, target_type):
        jobs = spec.target.job_names
        job = None if jobs is None else named_job(api, task.target, jobs, spec.name, task.names)
        if job is None:
            return Checked(False, found)
        job_name, target_type = job.name, job.signature
    # A receiver is the task itself (``send_email.delay(...)``): its name is the one the call spells; a job
    # named by a string is named after that string.
    forced_name = job_name or (expression_name(task.target) if isinstance(spec.target, Receiver) else None)
    definition = (
        task_definition(api, task.target, task.target_type, spec)
        if isinstance(spec.target, Receiver)
        else None
    )
    if definition is not None:
        target: Target = Callee(definition)
        if spec.checked_against != "declared":
            forced_name = None  # the definition found is the task's own, and names it
    elif spec.checked_against != "declared":
        return Checked(False, found)  # no definition: mypy checks the declared signature
    elif isinstance(spec.target, Receiver) and spec.target.parameters is not None:
        target = receiver_target(api, task, spec.target)
    else:
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
        report_not_callable(api, task, target, spec, ctx.context)
        return Checked(True, found)
    if isinstance(spec.target, Param) and spec.target.supplies_self:
        target = Callee(
            without_supplied_self(target.signature), target.bound_positionally, target.wraps_sync_def
        )
    name = forced_name or display_name(target.signature) or expression_name(task.target)
    report_undecorated_target(api, task, target.signature, spec, name)
    if isinstance(spec.target, SignatureReceiver):
        # What the signature's own call reports (a coroutine never awaited too) is reported once, there.
        if signature_reported(api, ctx, spec.target, spec, task, target.signature):
            return Checked(False, found)
        reported = False
    else:
        reported = check_never_awaited(api, task, target, spec, name)
    task = without_partial_bound_keywords(api, task, target, spec, name)
    task = without_options(api, ctx, task, target, spec, name)
    task = report_passed_options(api, task, target, spec, name)
    if job_name is not None and isinstance(spec.target, Param) and spec.target.job_names is not None:
        task = without_misspelt_options(api, task, target, spec.target.job_names, spec.name, name)
    dropped = report_dropped_by_packed(api, ctx, spec, name)
    task, supplied = check_supplied_keywords(api, task, target, spec, name, ctx.context)
    not_passed = report_keywords_not_passed(api, ctx, spec, task, target, name)
    unpacked = report_unpacked_keywords(api, ctx, spec, task, name)
    signature = target.signature
    if unpacked:
        signature = with_optional_parameters(signature, unpacked)
    if supplied:
        signature = with_optional_parameters(signature, supplied)
    task, signature = keywords_only(api, ctx.context, task, signature, spec, name)
    if not_passed:
        # Reported as keywords the task never receives: the rest of the call is checked without them,
        # and what they were meant for is not reported missing as well.
        task = kept(task, [i for i, arg in enumerate(task.args) if id(arg) not in not_passed])
        signature = with_optional_parameters(signature, set(not_passed.values()))
    if spec.completed_later:
        task, signature = completed_later(task, signature)
    elif dropped or spec.completed_after:
        # What the dropped arguments were meant for is reported missing by them already; a call completed
        # after its arguments gets the rest later.
        signature = with_optional_parameters(signature)
    task, result, errors, resolved_futures = call_with_resolved_futures(api, ctx, task, spec, signature)
    if errors:
        # Checked again, only now, with the task named after itself and its scheduler for the messages.
        callee = with_name(signature, spec.name, fallback=expression_name(task.target), forced=forced_name)
        report_task_errors(api, task, callee, ctx.context, signatures.declared_call_codes(ctx, spec, found))
        if resolved_futures is not None:
            note_resolved(api, errors, resolved_futures, spec)
    elif not reported:
        check_result_callbacks(api, ctx, spec, result, name)
    returned = scheduled_result(ctx.default_return_type, result, spec) if definition is not None else None
    return Checked(reported, found, returned)
