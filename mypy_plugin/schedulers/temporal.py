"""Temporal (temporalio 1.17 to 1.35): activities and child workflows scheduled from a workflow, and
workflows started by a client.

Every call takes the target first, then one positional ``arg`` or a sequence ``args=``, never both
(``ValueError``), then keyword-only options; no keyword ever reaches the task. The worker calls the activity
or the workflow's run method with the decoded arguments (``fn(*args)``), on an instance it makes itself: a
method given through its class (``Child.run``) is called without ``self``. A string target is the task's
name, resolved by the worker, and is not checked. The declared overloads tie ``arg`` to the target's
parameter through one type variable, which mypy cannot solve for correct calls (``[1, 2]`` for a
``list[float]``): the call's type is solved from the target alone.

1.35 defines the functions in private modules (``workflow/_activities.py``, ``workflow/_workflow_ops.py``,
``client/_client.py``), which are the names mypy looks up; 1.17 in ``temporalio.workflow`` and
``temporalio.client``. Both are registered.
"""

from __future__ import annotations

from typing import Final

from .spec import Param, SchedulerSpec, SingleOrPacked

_ACTIVITY_MODULES: Final = ("temporalio.workflow._activities", "temporalio.workflow")
_CHILD_WORKFLOW_MODULES: Final = ("temporalio.workflow._workflow_ops", "temporalio.workflow")
_CLIENTS: Final = ("temporalio.client._client.Client", "temporalio.client.Client")

# ``start_*`` returns a handle; ``execute_*`` awaits the task's result (``async def``).
_ACTIVITY_SCHEDULERS: Final = tuple(
    f"{verb}_{kind}{variant}"
    for verb in ("start", "execute")
    for kind in ("activity", "local_activity")
    for variant in ("", "_method")
)
_WORKFLOW_SCHEDULERS: Final = ("start_child_workflow", "execute_child_workflow")
_CLIENT_SCHEDULERS: Final = ("start_workflow", "execute_workflow")
_ARG_OR_ARGS: Final = SingleOrPacked(Param("arg"), Param("args"))


# An activity, local or not, without either timeout: the workflow raises ValueError when it schedules it
# (``_outbound_schedule_activity`` in worker/_workflow_instance.py, 1.17 and 1.35).
_ACTIVITY_TIMEOUTS: Final = frozenset({"start_to_close_timeout", "schedule_to_close_timeout"})


# A function without ``@activity.defn``: ``TypeError("Activity ... missing attributes, was it decorated with
# @activity.defn?")`` when the workflow schedules it (activity.py, ``_Definition.must_from_callable``).
_ACTIVITY_DECORATOR: Final = "temporalio.activity.defn"


def _entry(
    owner: str,
    member: str,
    target: str,
    is_method: bool,
    requires_one_of: frozenset[str] = frozenset(),
    target_decorator: str | None = None,
) -> SchedulerSpec:
    return SchedulerSpec(
        owner=owner,
        member=member,
        name=member,
        target=Param(target, 0, accepts_name=True, supplies_self=True),
        arguments=_ARG_OR_ARGS,
        coroutines="awaited",
        is_method=is_method,
        solved_from_target=True,
        requires_one_of=requires_one_of,
        target_decorator=target_decorator,
    )


SCHEDULERS: Final[tuple[SchedulerSpec, ...]] = (
    *(
        _entry(module, member, "activity", False, _ACTIVITY_TIMEOUTS, _ACTIVITY_DECORATOR)
        for module in _ACTIVITY_MODULES
        for member in _ACTIVITY_SCHEDULERS
    ),
    *(
        _entry(module, member, "workflow", is_method=False)
        for module in _CHILD_WORKFLOW_MODULES
        for member in _WORKFLOW_SCHEDULERS
    ),
    *(
        _entry(client, member, "workflow", is_method=True)
        for client in _CLIENTS
        for member in _CLIENT_SCHEDULERS
    ),
)
