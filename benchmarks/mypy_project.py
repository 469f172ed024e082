"""Generate a type-correct project that schedules thousands of background tasks, for bench_mypy.py."""

from __future__ import annotations

from pathlib import Path

HEADER = """\
from __future__ import annotations

import functools
from typing import Any

from starlette.background import BackgroundTask, BackgroundTasks


"""

TASKS = """\
def send_{i}(to: str, subject: str, *, urgent: bool = False) -> None: ...


async def notify_{i}(user_id: int, message: str = "") -> None: ...


def log_{i}(level: int, message: str, **extra: Any) -> None: ...


class Mailer{i}:
    def send(self, to: str, retries: int = 3) -> None: ...

    async def send_later(self, to: str) -> None: ...


class Report{i}:
    def __init__(self, year: int, month: int) -> None: ...


"""

CALLS = """\
    tasks.add_task(send_{i}, "a@b.c", "hello {j}")
    tasks.add_task(send_{i}, to="a@b.c", subject="hi", urgent=True)
    tasks.add_task(notify_{i}, {j})
    tasks.add_task(notify_{i}, {j}, message="done")
    tasks.add_task(log_{i}, 20, "message", request_id="{j}")
    tasks.add_task(mailer.send, "a@b.c")
    tasks.add_task(mailer.send_later, "a@b.c")
    tasks.add_task(Report{i}, 2024, {month})
    tasks.add_task(functools.partial(send_{i}, "a@b.c"), "partial {j}")
    extra.append(BackgroundTask(notify_{i}, {j}))
"""


def module_source(index: int, groups: int) -> str:
    lines = [HEADER, TASKS.format(i=index)]
    lines.append(f"def schedule_{index}(tasks: BackgroundTasks, extra: list[BackgroundTask]) -> None:\n")
    lines.append(f"    mailer = Mailer{index}()\n")
    for group in range(groups):
        lines.append(CALLS.format(i=index, j=group, month=group % 12 + 1))
    return "".join(lines)


CALLS_PER_GROUP = CALLS.count("\n")


def generate(root: Path, modules: int, groups: int) -> int:
    """Write ``modules`` modules under ``root/app``; return the number of scheduling calls written."""
    package = root / "app"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    for index in range(modules):
        (package / f"tasks_{index:03d}.py").write_text(module_source(index, groups))
    return modules * groups * CALLS_PER_GROUP
