"""Scheduling mistakes. Each is marked by a `# mistake:` line; the ignore comments on the line after it say
which checker reports it (mypy reads `type: ignore`, basedpyright reads `pyright: ignore`), and both checkers
insist that every ignore is needed. A mistake without a checker's comment is one that checker misses."""

import functools
from collections.abc import Coroutine
from typing import Any, TypeVar, overload

from fastapi import FastAPI

from bgtyped import BackgroundTask, BackgroundTasks
from bgtyped.fastapi import Tasks

N = TypeVar("N", bound=float)

app = FastAPI()


def send_email(to: str, *, subject: str = "") -> None: ...


async def notify(user_id: int) -> None: ...


def log_event(event: str, /) -> None: ...


def notify_later(user_id: int) -> Coroutine[Any, Any, None]:
    return notify(user_id)


class Mailer:
    def send(self, to: str) -> None: ...


class Report:
    def __init__(self, title: str) -> None: ...


class Counter:
    def __call__(self, amount: int) -> None: ...


@overload
def parse(raw: str) -> str: ...
@overload
def parse(raw: bytes, encoding: str) -> str: ...
def parse(raw: str | bytes, encoding: str = "utf-8") -> str:
    return raw if isinstance(raw, str) else raw.decode(encoding)


def clamp(value: N, low: N, high: N) -> N:
    return value


def arguments(tasks: BackgroundTasks, mailer: Mailer) -> None:
    # mistake: an argument of the wrong type
    tasks.add_task(send_email, 42)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    # mistake: a keyword argument of the wrong type
    tasks.add_task(send_email, "a@b.c", subject=3)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    # mistake: a missing argument
    tasks.add_task(send_email)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    # mistake: an extra positional argument
    tasks.add_task(send_email, "a@b.c", "Welcome")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    # mistake: an unknown keyword argument
    tasks.add_task(send_email, "a@b.c", subjet="Welcome")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    # mistake: an argument given twice
    tasks.add_task(send_email, "a@b.c", to="b@b.c")  # type: ignore[misc]  # pyright: ignore[reportCallIssue]
    # mistake: a positional-only parameter passed by keyword
    tasks.add_task(log_event, event="signup")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    # mistake: unpacked arguments of the wrong type
    tasks.add_task(send_email, *[1])  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    # mistake: an async function given the wrong argument
    tasks.add_task(notify, "1")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    # mistake: a bound method given the wrong argument
    tasks.add_task(mailer.send, 1)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    # mistake: a class given the wrong constructor argument
    tasks.add_task(Report, 2024)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    # mistake: a callable instance given the wrong argument
    tasks.add_task(Counter(), "one")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    # mistake: no overload of the function accepts the arguments
    tasks.add_task(parse, b"raw")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    # mistake: a generic function given arguments outside its bound
    tasks.add_task(clamp, "a", "b", "c")  # pyright: ignore[reportArgumentType]
    # mistake: a partial given the wrong remaining argument
    tasks.add_task(functools.partial(send_email, "a@b.c"), subject=3)  # pyright: ignore[reportArgumentType]
    # mistake: a partial given an argument its function already has
    tasks.add_task(functools.partial(send_email, "a@b.c"), "b@b.c")  # pyright: ignore[reportCallIssue]


def not_a_function(tasks: BackgroundTasks) -> None:
    # mistake: the result of the call scheduled instead of the function
    tasks.add_task(send_email("a@b.c"))  # type: ignore[func-returns-value, arg-type]  # pyright: ignore[reportCallIssue, reportArgumentType]
    # mistake: the coroutine scheduled instead of the async function
    tasks.add_task(notify(1))  # type: ignore[arg-type]  # pyright: ignore[reportCallIssue, reportArgumentType]
    # mistake: something that cannot be called
    tasks.add_task(42)  # type: ignore[arg-type]  # pyright: ignore[reportCallIssue, reportArgumentType]


def never_awaited(tasks: BackgroundTasks) -> None:
    # mistake: a lambda that creates a coroutine (Starlette runs it in a thread and drops the coroutine)
    tasks.add_task(lambda: notify(1))
    # mistake: a plain function that returns a coroutine
    tasks.add_task(notify_later, 1)


def constructors() -> None:
    # mistake: a task built with the wrong argument
    BackgroundTask(send_email, 42)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    # mistake: a task's function given by keyword (it is positional-only)
    BackgroundTask(func=send_email)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    # mistake: a function where a task list expects tasks
    BackgroundTasks([send_email])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]


@app.post("/signup")
async def signup(email: str, tasks: Tasks) -> None:
    # mistake: the FastAPI dependency's tasks given the wrong argument
    tasks.add_task(send_email, 42)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


@app.post("/invite")
async def invite(email: str, tasks: BackgroundTasks) -> None:
    # mistake: a route parameter annotated plainly (FastAPI injects its own class here, unchecked)
    tasks.add_task(send_email, email)
