"""Scheduling through a real Starlette app: arguments are checked in the handler, tasks run after the response."""

from __future__ import annotations

import functools
import gc
import inspect
import operator
import warnings
import weakref
from collections.abc import Callable, Coroutine
from typing import Any, get_type_hints

import pytest
from starlette.applications import Starlette
from starlette.background import BackgroundTask as StarletteTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient
from typing_extensions import Doc

from bgtyped import BackgroundTask, BackgroundTasks

calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []


@pytest.fixture(autouse=True)
def _fresh_calls() -> None:
    calls.clear()


def send_email(to: str, subject: str = "", *, html: bool = False) -> None:
    calls.append(("send_email", (to, subject), {"html": html}))


async def notify(user_id: int, message: str = "hi") -> None:
    calls.append(("notify", (user_id, message), {}))


class Mailer:
    def send(self, to: str) -> None:
        calls.append(("Mailer.send", (to,), {}))

    async def send_later(self, to: str) -> None:
        calls.append(("Mailer.send_later", (to,), {}))

    @classmethod
    def build(cls, name: str) -> None:
        calls.append(("Mailer.build", (name,), {}))

    @staticmethod
    def static(name: str) -> None:
        calls.append(("Mailer.static", (name,), {}))


class Report:
    def __init__(self, title: str, *, pages: int = 1) -> None:
        calls.append(("Report", (title,), {"pages": pages}))


class SyncHook:
    def __call__(self, event: str) -> None:
        calls.append(("SyncHook", (event,), {}))


class AsyncHook:
    async def __call__(self, event: str) -> None:
        calls.append(("AsyncHook", (event,), {}))


def logged(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


@logged
def decorated(to: str) -> None:
    calls.append(("decorated", (to,), {}))


def with_retries(func: Callable[[str], None]) -> Callable[..., None]:
    @functools.wraps(func)
    def wrapper(item: str, *, retries: int = 3) -> None:
        func(item)

    return wrapper


@with_retries
def retried(item: str) -> None:
    calls.append(("retried", (item,), {}))


def run_in_app(schedule: Callable[[BackgroundTasks], None]) -> None:
    """Schedule from inside a request handler; the tasks run after the response, as in production."""

    async def endpoint(request: Request) -> Response:
        tasks = BackgroundTasks()
        schedule(tasks)
        return JSONResponse({"scheduled": len(tasks.tasks)}, background=tasks)

    app = Starlette(routes=[Route("/", endpoint)])
    with TestClient(app) as client:
        response = client.get("/")
    assert response.status_code == 200


ACCEPTED: dict[str, tuple[Callable[[BackgroundTasks], None], tuple[str, tuple[Any, ...], dict[str, Any]]]] = {
    "function": (
        lambda t: t.add_task(send_email, "a@b.c", subject="hi"),
        ("send_email", ("a@b.c", "hi"), {"html": False}),
    ),
    "async function": (lambda t: t.add_task(notify, 7), ("notify", (7, "hi"), {})),
    "bound method": (lambda t: t.add_task(Mailer().send, "x"), ("Mailer.send", ("x",), {})),
    "async bound method": (lambda t: t.add_task(Mailer().send_later, "x"), ("Mailer.send_later", ("x",), {})),
    "classmethod": (lambda t: t.add_task(Mailer.build, "n"), ("Mailer.build", ("n",), {})),
    "staticmethod": (lambda t: t.add_task(Mailer.static, "n"), ("Mailer.static", ("n",), {})),
    "class": (lambda t: t.add_task(Report, "q3", pages=2), ("Report", ("q3",), {"pages": 2})),
    "callable instance": (lambda t: t.add_task(SyncHook(), "e"), ("SyncHook", ("e",), {})),
    "async callable instance": (lambda t: t.add_task(AsyncHook(), "e"), ("AsyncHook", ("e",), {})),
    "partial": (
        lambda t: t.add_task(functools.partial(send_email, "p"), html=True),
        ("send_email", ("p", ""), {"html": True}),
    ),
    "nested partial": (
        lambda t: t.add_task(functools.partial(functools.partial(send_email, subject="s"), "p")),
        ("send_email", ("p", "s"), {"html": False}),
    ),
    "partial overriding its keyword": (
        lambda t: t.add_task(functools.partial(send_email, "p", subject="a"), subject="b"),
        ("send_email", ("p", "b"), {"html": False}),
    ),
    "wraps-decorated": (lambda t: t.add_task(decorated, "d"), ("decorated", ("d",), {})),
}


@pytest.mark.parametrize("kind", list(ACCEPTED))
def test_correct_calls_run_after_the_response(kind: str) -> None:
    schedule, expected = ACCEPTED[kind]
    run_in_app(schedule)
    assert calls == [expected]


REJECTED: dict[str, tuple[Callable[[BackgroundTasks], None], str]] = {
    "missing argument": (
        lambda t: t.add_task(send_email),
        "send_email() missing 1 required positional argument: 'to'",
    ),
    "too many": (
        lambda t: t.add_task(send_email, "a", "b", True),
        "send_email() takes from 1 to 2 positional",
    ),
    "unknown keyword": (
        lambda t: t.add_task(send_email, "a", subjet="x"),
        "unexpected keyword argument 'subjet'",
    ),
    "keyword-only given positionally": (
        lambda t: t.add_task(notify, 1, "m", "extra"),
        "notify() takes from 1 to 2",
    ),
    "async function": (
        lambda t: t.add_task(notify),
        "notify() missing 1 required positional argument: 'user_id'",
    ),
    "bound method": (
        lambda t: t.add_task(Mailer().send),
        "Mailer.send() missing 1 required positional argument",
    ),
    "classmethod": (
        lambda t: t.add_task(Mailer.build, "a", "b"),
        "Mailer.build() takes 2 positional arguments",
    ),
    "staticmethod": (lambda t: t.add_task(Mailer.static), "Mailer.static() missing 1 required positional"),
    "class": (
        lambda t: t.add_task(Report, "t", 3),
        "Report.__init__() takes 2 positional arguments but 3 were given",
    ),
    "callable instance": (
        lambda t: t.add_task(SyncHook()),
        "SyncHook.__call__() missing 1 required positional",
    ),
    "async callable instance": (lambda t: t.add_task(AsyncHook(), "a", "b"), "AsyncHook.__call__() takes 2"),
    "partial given its bound argument again": (
        lambda t: t.add_task(functools.partial(send_email, "p"), to="q"),
        "send_email() got multiple values for argument 'to'",
    ),
    "nested partial": (
        lambda t: t.add_task(functools.partial(functools.partial(send_email, "a"), "b"), "c"),
        "send_email() takes from 1 to 2 positional arguments but 3 were given",
    ),
    "wraps-decorated, checked by the wrapper's own parameters": (
        lambda t: t.add_task(retried, "x", "y"),
        "retried() takes 1 positional argument but 2 were given",
    ),
    "positional-only by keyword": (
        lambda t: t.add_task(divmod_like, a=1, b=2),
        "divmod_like() got some positional-only arguments passed as keyword arguments: 'a, b'",
    ),
}


def divmod_like(a: int, b: int, /) -> None:
    calls.append(("divmod_like", (a, b), {}))


@pytest.mark.parametrize("kind", list(REJECTED))
def test_wrong_calls_raise_in_the_handler_and_add_nothing(kind: str) -> None:
    schedule, message = REJECTED[kind]
    added: list[int] = []

    def schedule_and_count(tasks: BackgroundTasks) -> None:
        try:
            schedule(tasks)
        finally:
            added.append(len(tasks.tasks))

    with pytest.raises(TypeError) as raised:
        run_in_app(schedule_and_count)
    assert message in str(raised.value)
    assert added == [0]
    assert calls == []


def test_the_error_is_raised_inside_the_handler_before_the_response() -> None:
    async def endpoint(request: Request) -> Response:
        tasks = BackgroundTasks()
        try:
            tasks.add_task(send_email, 42, "two", "three")
        except TypeError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        return JSONResponse({}, background=tasks)

    with TestClient(Starlette(routes=[Route("/", endpoint)])) as client:
        response = client.get("/")
    assert response.status_code == 400
    assert response.json() == {
        "error": "send_email() takes from 1 to 2 positional arguments but 3 were given"
    }


def test_positional_only_name_may_reappear_in_var_keyword() -> None:
    """``inspect.Signature.bind`` has refused such calls; a real call accepts them, and so must the check."""

    def record(a: int, /, **options: Any) -> None:
        calls.append(("record", (a,), options))

    run_in_app(lambda t: t.add_task(record, 1, a=2))
    assert calls == [("record", (1,), {"a": 2})]


@pytest.mark.parametrize("keyword", ["func", "self"])
def test_keywords_named_func_and_self_reach_sync_and_async_tasks(keyword: str) -> None:
    def sync_job(**options: Any) -> None:
        calls.append(("sync_job", (), options))

    async def async_job(**options: Any) -> None:
        calls.append(("async_job", (), options))

    def schedule(tasks: BackgroundTasks) -> None:
        tasks.add_task(sync_job, **{keyword: "value"})
        tasks.add_task(async_job, **{keyword: "value"})

    run_in_app(schedule)
    assert calls == [("sync_job", (), {keyword: "value"}), ("async_job", (), {keyword: "value"})]


def test_starlette_itself_breaks_on_a_func_keyword() -> None:
    """The failure bgtyped avoids: Starlette's own class cannot pass `func=` to a task."""
    from starlette.background import BackgroundTasks as StarletteTasks

    def job(func: str) -> None:
        pass

    with pytest.raises(TypeError, match="multiple values for argument 'func'"):
        StarletteTasks().add_task(job, func="x")  # type: ignore[misc]


def test_callables_without_a_signature_are_accepted_unchecked() -> None:
    first = operator.itemgetter(0)
    run_in_app(lambda t: t.add_task(first, [1, 2]))
    tasks = BackgroundTasks()
    tasks.add_task(first, "any", "number", "of", "arguments")  # not checkable, so not refused
    assert len(tasks.tasks) == 1


def test_a_signature_whose_names_cannot_be_compiled_is_accepted_unchecked() -> None:
    """C functions may have positional-only parameters named like keywords; such names are never compiled."""

    def job(*args: Any, **kwargs: Any) -> None:
        calls.append(("job", args, kwargs))

    job.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("lambda", inspect.Parameter.POSITIONAL_ONLY)]
    )
    run_in_app(lambda t: t.add_task(job, 1, 2))
    assert calls == [("job", (1, 2), {})]


def test_defaults_are_not_evaluated_or_copied_into_the_check() -> None:
    class Loud:
        def __repr__(self) -> str:
            raise AssertionError("a default value was rendered")

    def job(value: object = Loud(), *, other: object = Loud()) -> None:
        calls.append(("job", (value,), {"other": other}))

    run_in_app(lambda t: t.add_task(job))
    assert len(calls) == 1


def test_a_coroutine_instead_of_a_function_is_refused_and_closed() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(TypeError) as raised:
            BackgroundTasks().add_task(notify(1))  # type: ignore[arg-type]
        gc.collect()
    assert "add_task(notify, <its arguments>)" in str(raised.value)
    assert "coroutine" in str(raised.value)
    assert not [w for w in caught if "never awaited" in str(w.message)]


def test_an_awaitable_instead_of_a_function_is_refused() -> None:
    class Pending:
        def __await__(self) -> Any:
            yield

    with pytest.raises(TypeError, match="got an awaitable Pending"):
        BackgroundTasks().add_task(Pending())  # type: ignore[arg-type]


def test_a_non_callable_is_refused_with_what_was_passed() -> None:
    with pytest.raises(TypeError, match="needs a function to call, got int: 42"):
        BackgroundTasks().add_task(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="got NoneType: None"):
        BackgroundTask(None)  # type: ignore[arg-type]


def test_a_sync_callable_returning_an_awaitable_has_it_awaited() -> None:
    run_in_app(lambda t: t.add_task(lambda: notify(3)))
    assert calls == [("notify", (3, "hi"), {})]


def test_is_async_and_attributes() -> None:
    task = BackgroundTask(notify, 1, message="m")
    assert (task.func, task.args, task.kwargs, task.is_async) == (notify, (1,), {"message": "m"}, True)
    assert BackgroundTask(send_email, "a").is_async is False
    assert BackgroundTask(AsyncHook(), "e").is_async is True
    assert BackgroundTask(functools.partial(notify, 1)).is_async is True
    assert BackgroundTask(Mailer().send_later, "x").is_async is True


def test_repr_reads_like_the_call() -> None:
    assert (
        repr(BackgroundTask(send_email, "a@b.c", subject="hi"))
        == "BackgroundTask(send_email, 'a@b.c', subject='hi')"
    )
    assert repr(BackgroundTask(Mailer.static, "n")) == "BackgroundTask(Mailer.static, 'n')"
    tasks = BackgroundTasks()
    tasks.add_task(notify, 1)
    assert repr(tasks) == "BackgroundTasks([BackgroundTask(notify, 1)])"


def test_a_checked_task_works_as_a_response_background_and_in_starlette_collections() -> None:
    async def endpoint(request: Request) -> Response:
        return Response("ok", background=BackgroundTask(notify, 5))

    with TestClient(Starlette(routes=[Route("/", endpoint)])) as client:
        client.get("/")
    assert calls == [("notify", (5, "hi"), {})]

    run_in_app(lambda t: t.tasks.append(StarletteTask(send_email, "s")))
    assert calls[-1] == ("send_email", ("s", ""), {"html": False})


def test_constructor_takes_existing_tasks() -> None:
    first = BackgroundTask(notify, 1)
    assert BackgroundTasks([first]).tasks == [first]
    assert BackgroundTasks().tasks == []
    assert BackgroundTasks(tasks=None).tasks == []


def test_the_check_does_not_keep_scheduled_functions_alive() -> None:
    def make_job() -> Callable[[int], None]:
        def job(n: int) -> None:
            pass

        return job

    job = make_job()
    BackgroundTasks().add_task(job, 1)
    alive = weakref.ref(job)
    del job
    gc.collect()
    assert alive() is None


def test_a_function_is_checked_by_its_own_signature_after_an_earlier_one_died() -> None:
    """Cached checks belong to one function object: a new object (even at a reused address) gets its own."""
    for arity in range(50):
        names = ", ".join(f"p{i}" for i in range(arity))
        defined: dict[str, Any] = {}
        exec(f"def job({names}): pass", {}, defined)  # separate globals: no cycle, freed on `del`
        BackgroundTasks().add_task(defined["job"], *range(arity))
        with pytest.raises(TypeError):
            BackgroundTasks().add_task(defined["job"], *range(arity + 1))
        del defined


def test_add_task_documents_func_with_doc() -> None:
    hints = get_type_hints(BackgroundTasks.add_task, include_extras=True)
    docs = [meta for meta in hints["func"].__metadata__ if isinstance(meta, Doc)]
    assert docs and "after the response" in docs[0].documentation
    assert BackgroundTasks.add_task.__doc__ and "threadpool" in (BackgroundTasks.__doc__ or "")


def test_keyword_only_func_parameter_of_a_task_is_reachable() -> None:
    async def takes_func(*, func: Callable[[], Coroutine[Any, Any, None]]) -> None:
        calls.append(("takes_func", (), {"func": func}))

    run_in_app(lambda t: t.add_task(takes_func, func=notify))
    assert calls == [("takes_func", (), {"func": notify})]
