"""Building tasks and task lists, their attributes, and where Starlette accepts them."""

from collections.abc import Callable
from typing import Any, assert_type

import starlette.background
from starlette.responses import JSONResponse, Response

from bgtyped import BackgroundTask, BackgroundTasks


def send_email(to: str, *, subject: str = "") -> None: ...


async def notify(user_id: int) -> None: ...


task = BackgroundTask(send_email, "a@b.c", subject="Welcome")
assert_type(task, BackgroundTask)
assert_type(task.func, Callable[..., Any])
assert_type(task.args, tuple[Any, ...])
assert_type(task.kwargs, dict[str, Any])
assert_type(task.is_async, bool)
assert_type(repr(task), str)
assert_type(BackgroundTask(notify, 1), BackgroundTask)

assert_type(BackgroundTasks(), BackgroundTasks)
assert_type(BackgroundTasks(None), BackgroundTasks)
assert_type(BackgroundTasks([task]), BackgroundTasks)
assert_type(BackgroundTasks(tasks=[task, starlette.background.BackgroundTask(notify, 2)]), BackgroundTasks)
assert_type(BackgroundTasks((task,)), BackgroundTasks)

tasks = BackgroundTasks([task])
assert_type(tasks.tasks, list[starlette.background.BackgroundTask])
tasks.tasks.append(BackgroundTask(notify, 3))

# Both classes are Starlette's background tasks: a response takes either.
as_starlette_task: starlette.background.BackgroundTask = task
as_starlette_tasks: starlette.background.BackgroundTasks = tasks
response = Response(background=task)
json_response = JSONResponse({"ok": True}, background=tasks)


async def run_them() -> None:
    assert_type(await task(), None)
    assert_type(await tasks(), None)
