"""bgtyped's own error codes; the wording of its messages is in `messages`.

Argument mistakes are reported by mypy's call checking under its own ``arg-type`` and ``call-arg`` codes;
the plugin only names the callee (``"send_email" scheduled by "add_task"``). Importing this module registers
the codes with mypy, which then accepts them in ``enable_error_code`` and ``disable_error_code``.
"""

from __future__ import annotations

from typing import Final

from mypy.errorcodes import ErrorCode

CATEGORY: Final = "bgtyped"

TASK_CALL_RESULT: Final = ErrorCode(
    "task-call-result",
    "A call's result (a coroutine, an awaitable, None) is scheduled instead of the function",
    CATEGORY,
)
TASK_NOT_CALLABLE: Final = ErrorCode("task-not-callable", "The scheduled object is not callable", CATEGORY)
TASK_NEVER_AWAITED: Final = ErrorCode(
    "task-never-awaited",
    "A sync callable returning an awaitable is scheduled: it runs in a thread, its result is never awaited",
    CATEGORY,
)
TASK_NOT_ASYNC: Final = ErrorCode(
    "task-not-async",
    "A scheduler requiring a coroutine (a task group's start_soon) is given a function that may return none",
    CATEGORY,
)
TASK_RESERVED_KEYWORD: Final = ErrorCode(
    "task-reserved-keyword",
    "A task keyword collides with a parameter of the scheduler itself",
    CATEGORY,
)
TASK_REQUIRED_OPTION: Final = ErrorCode(
    "task-required-option",
    "A scheduler that raises unless one of some options is given (Temporal's activity timeouts) gets none",
    CATEGORY,
)
TASK_UNDECORATED: Final = ErrorCode(
    "task-undecorated",
    "A function without the decorator its scheduler requires (Temporal's @activity.defn) is scheduled",
    CATEGORY,
)
TASK_UNKNOWN_JOB: Final = ErrorCode(
    "task-unknown-job",
    "A job is enqueued by a name that none of the configured worker settings registers",
    CATEGORY,
)
TASK_OPTION_AS_ARGUMENT: Final = ErrorCode(
    "task-option-as-argument",
    "A sibling scheduler's option (Celery's apply_async, dramatiq's send_with_options) given to one that "
    "passes it to the task's **kwargs as an argument",
    CATEGORY,
)
TASK_FASTAPI_INJECTION: Final = ErrorCode(
    "task-fastapi-injection",
    "A FastAPI route parameter annotated with a subclass of Starlette's BackgroundTasks receives FastAPI's",
    CATEGORY,
)
