"""Correct scheduling of every kind of target: nothing here may be reported."""

import functools
from collections.abc import Awaitable, Callable
from typing import Any, Generic, ParamSpec, TypedDict, TypeVar, Unpack, assert_type, overload

from bgtyped import BackgroundTasks

P = ParamSpec("P")
T = TypeVar("T")
N = TypeVar("N", bound=float)


def send_email(to: str, *, subject: str = "", cc: list[str] | None = None) -> None: ...


async def notify(user_id: int, message: str = "") -> None: ...


def log_event(event: str, /, *details: object, **fields: object) -> bool:
    return True


def render(template: str, func: str, self: str) -> str:
    return template


class Mailer:
    def send(self, to: str, body: str) -> None: ...
    async def send_later(self, to: str) -> None: ...
    @classmethod
    def from_config(cls, path: str) -> "Mailer":
        return cls()

    @staticmethod
    def validate(address: str) -> bool:
        return True


class Report:
    def __init__(self, title: str, pages: int = 1) -> None: ...


class Counter:
    def __call__(self, amount: int) -> None: ...


class AsyncCounter:
    async def __call__(self, amount: int) -> None: ...


class Box(Generic[T]):
    def put(self, item: T) -> None: ...


@overload
def parse(raw: str) -> str: ...
@overload
def parse(raw: bytes, encoding: str) -> str: ...
def parse(raw: str | bytes, encoding: str = "utf-8") -> str:
    return raw if isinstance(raw, str) else raw.decode(encoding)


def first(items: list[T], default: T) -> T:
    return items[0] if items else default


def clamp(value: N, low: N, high: N) -> N:
    return value


class EmailFields(TypedDict):
    to: str
    subject: str


def send_fields(**fields: Unpack[EmailFields]) -> None: ...


def schedule(tasks: BackgroundTasks, func: Callable[P, object], *args: P.args, **kwargs: P.kwargs) -> None:
    tasks.add_task(func, *args, **kwargs)


def functions(tasks: BackgroundTasks) -> None:
    assert_type(tasks.add_task(send_email, "a@b.c"), None)
    tasks.add_task(send_email, "a@b.c", subject="Welcome", cc=["boss@b.c"])
    tasks.add_task(send_email, to="a@b.c")
    tasks.add_task(log_event, "signup")
    tasks.add_task(log_event, "signup", 1, "two", source="web")
    tasks.add_task(print, "done", end="")
    tasks.add_task(lambda: None)
    tasks.add_task(lambda: print("done"))


def async_functions(tasks: BackgroundTasks) -> None:
    tasks.add_task(notify, 1)
    tasks.add_task(notify, 1, "hi")
    tasks.add_task(notify, user_id=1, message="hi")


def methods(tasks: BackgroundTasks, mailer: Mailer) -> None:
    tasks.add_task(mailer.send, "a@b.c", "hi")
    tasks.add_task(mailer.send_later, "a@b.c")
    tasks.add_task(Mailer.send, mailer, "a@b.c", body="hi")
    tasks.add_task(Mailer.from_config, "mail.toml")
    tasks.add_task(Mailer.validate, "a@b.c")
    tasks.add_task(Box[int]().put, 1)


def classes_and_instances(tasks: BackgroundTasks) -> None:
    tasks.add_task(Report, "Q3")
    tasks.add_task(Report, "Q3", pages=2)
    tasks.add_task(Counter(), 1)
    tasks.add_task(AsyncCounter(), amount=1)


def partials(tasks: BackgroundTasks) -> None:
    tasks.add_task(functools.partial(send_email, "a@b.c"))
    tasks.add_task(functools.partial(send_email, "a@b.c"), subject="hi")
    tasks.add_task(functools.partial(functools.partial(send_email, subject="hi"), "a@b.c"))
    tasks.add_task(functools.partial(notify, 1))


def overloads_and_generics(tasks: BackgroundTasks) -> None:
    tasks.add_task(parse, "x")
    tasks.add_task(parse, b"x", "latin-1")
    tasks.add_task(first, [1, 2], 0)
    tasks.add_task(clamp, 5, 0, 10)
    tasks.add_task(clamp, 0.5, 0.0, 1.0)


def other_callables(
    tasks: BackgroundTasks,
    plain: Callable[[int], None],
    variadic: Callable[..., Any],
    awaitable_factory: Callable[[], Awaitable[None]],
    anything: Any,
    fields: EmailFields,
) -> None:
    tasks.add_task(plain, 1)
    tasks.add_task(variadic, 1, "two", three=3)
    tasks.add_task(awaitable_factory)
    tasks.add_task(anything, 1, x=2)
    tasks.add_task(send_fields, **fields)
    tasks.add_task(send_fields, to="a@b.c", subject="hi")
    tasks.add_task(send_email, *["a@b.c"])
    schedule(tasks, notify, 1, message="hi")


def task_keywords_named_like_add_task_parameters(tasks: BackgroundTasks) -> None:
    # bgtyped's `add_task` takes the function positionally only, so these keywords reach the task.
    tasks.add_task(render, "page.html", func="home", self="me")
    tasks.add_task(log_event, "signup", func="register", self="user")
