"""A function without the decorator its scheduler requires (Temporal's ``@activity.defn``)."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.nodes import FuncDef
from mypy.types import CallableType, ProperType

from .. import errorcodes, messages
from ..schedulers import SchedulerSpec
from ..task_calls import TaskCall


def report_undecorated_target(
    api: TypeChecker, task: TaskCall, signature: ProperType, spec: SchedulerSpec, name: str
) -> None:
    """Report a plain function or method of source code, without any decorator, where one is required.

    Another decorator may apply the required one (a project's own ``@my_activity``), and a stub does not
    show decorators: those are left alone.
    """
    decorator = spec.target_decorator
    if decorator is None or not isinstance(signature, CallableType):
        return
    definition = signature.definition
    if not isinstance(definition, FuncDef) or definition.is_decorated or not _in_source(definition, api):
        return
    # As it is written: ``activity.defn`` for ``temporalio.activity.defn``.
    written = ".".join(decorator.split(".")[-2:])
    api.fail(messages.undecorated(spec.name, name, written), task.target, code=errorcodes.TASK_UNDECORATED)


def _in_source(definition: FuncDef, api: TypeChecker) -> bool:
    """Whether the function is defined in a module of source code (a stub does not show decorators)."""
    name = definition.fullname
    while "." in name:
        name = name.rpartition(".")[0]
        module = api.modules.get(name)
        if module is not None:
            return not module.is_stub
    return False
