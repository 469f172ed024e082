"""What the call will really accept decides: wrappers, dispatchers, metadata, parameter names, closures.

Every accepted case is one whose direct call works: it runs after the response of a real Starlette app. Every
refused case is one whose direct call fails with the same message.
"""

import dataclasses
import enum
import functools
import inspect
import types
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from bgtyped import BackgroundTask, BackgroundTasks

calls: list[tuple[Any, ...]] = []


@pytest.fixture(autouse=True)
def _fresh() -> None:
    calls.clear()


def run_in_app(schedule: Callable[[BackgroundTasks], object]) -> None:
    async def endpoint(request: Request) -> Response:
        tasks = BackgroundTasks()
        schedule(tasks)
        return JSONResponse({}, background=tasks)

    with TestClient(Starlette(routes=[Route("/", endpoint)])) as client:
        assert client.get("/").status_code == 200


def refused(func: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    """The scheduling error, after checking that the direct call fails the same way."""
    with pytest.raises(TypeError) as direct:
        func(*args, **kwargs)
    tasks = BackgroundTasks()
    with pytest.raises(TypeError) as scheduled:
        tasks.add_task(func, *args, **kwargs)
    assert tasks.tasks == []
    assert str(scheduled.value) == str(direct.value)
    return str(scheduled.value)


SESSION = "session"


def with_session(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(SESSION, *args, **kwargs)  # injects the first argument

    return wrapper


@with_session
def save(session: str, item: str) -> None:
    calls.append(("save", session, item))


def strip_request_id(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(request_id: str, *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


@strip_request_id
def notify(user: str) -> None:
    calls.append(("notify", user))


def test_a_wrapper_injecting_an_argument_is_checked_by_its_own_parameters() -> None:
    save("x")  # works
    calls.clear()
    run_in_app(lambda t: t.add_task(save, "x"))
    assert calls == [("save", SESSION, "x")]


def test_a_wrapper_taking_more_than_the_function_is_checked_by_its_own_parameters() -> None:
    run_in_app(lambda t: t.add_task(notify, "req-1", "ann"))
    assert calls == [("notify", "ann")]
    assert refused(notify) == "notify() missing 1 required positional argument: 'request_id'"


def test_a_signature_attribute_narrower_than_the_function_is_not_trusted() -> None:
    def job(a: int, b: int = 0) -> None:
        calls.append(("job", a, b))

    job.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("a", inspect.Parameter.POSITIONAL_ONLY)]
    )
    run_in_app(lambda t: t.add_task(job, 1, b=2))
    assert calls == [("job", 1, 2)]
    assert refused(job, 1, 2, 3) == (
        "test_a_signature_attribute_narrower_than_the_function_is_not_trusted.<locals>.job() "
        "takes from 1 to 2 positional arguments but 3 were given"
    )


@functools.singledispatch
def export(value: object) -> None:
    calls.append(("export object", value))


@export.register
def _(value: int, *, compress: bool = False) -> None:
    calls.append(("export int", value, compress))


class Exporter:
    @functools.singledispatchmethod
    def export(self, value: object) -> None:
        calls.append(("Exporter object", value))

    @export.register
    def _(self, value: int, *, compress: bool = False) -> None:
        calls.append(("Exporter int", value, compress))


def test_singledispatch_is_checked_against_the_implementation_it_dispatches_to() -> None:
    def schedule(tasks: BackgroundTasks) -> None:
        tasks.add_task(export, 3, compress=True)
        tasks.add_task(export, "text")
        tasks.add_task(Exporter().export, 4, compress=True)
        tasks.add_task(Exporter().export, "text")

    run_in_app(schedule)
    assert calls == [
        ("export int", 3, True),
        ("export object", "text"),
        ("Exporter int", 4, True),
        ("Exporter object", "text"),
    ]


def test_wrong_calls_of_singledispatch_targets_are_still_refused() -> None:
    assert refused(export, "text", compress=True) == "export() got an unexpected keyword argument 'compress'"
    assert refused(export, 3, level=9) == "_() got an unexpected keyword argument 'level'"
    assert refused(export) == "export requires at least 1 positional argument"
    method = Exporter().export
    assert "unexpected keyword argument 'level'" in refused(method, 3, level=9)
    with pytest.raises(TypeError, match="export requires at least 1 positional argument"):
        BackgroundTasks().add_task(method)


@pytest.mark.parametrize(
    "name", ["_is_async", "is_async", "_default", "binder", "None_", "__builtins__", "args", "kwargs"]
)
def test_no_parameter_name_changes_what_the_check_returns(name: str) -> None:
    namespace: dict[str, Any] = {"calls": calls}
    exec(f"def store({name}):\n    calls.append(('store', {name}))", namespace)
    store = namespace["store"]
    task = BackgroundTask(store, "yes")
    assert task.is_async is False
    run_in_app(lambda t: t.add_task(store, "yes"))
    run_in_app(lambda t: t.add_task(store, **{name: "by keyword"}))
    assert calls == [("store", "yes"), ("store", "by keyword")]
    assert "missing 1 required positional argument" in refused(store)


def test_parameter_names_that_cannot_be_compiled_are_accepted_unchecked() -> None:
    def job(*args: Any) -> None:
        calls.append(("job", args))

    job.__code__ = job.__code__.replace(co_varnames=("lambda",))
    run_in_app(lambda t: t.add_task(job, 1, 2))
    assert calls == [("job", (1, 2))]


def make_audit(user: str) -> Callable[..., None]:
    def audit(action: str = "login", *, level: int = 1) -> None:
        calls.append(("audit", user, action, level))

    return audit


def test_closures_from_one_def_share_a_check_yet_each_is_bound_by_its_own_defaults() -> None:
    first, second, third = make_audit("ann"), make_audit("bob"), make_audit("cy")
    second.__defaults__ = None  # `action` is now required
    third.__kwdefaults__ = None  # `level` is now required

    def schedule(tasks: BackgroundTasks) -> None:
        tasks.add_task(first)
        tasks.add_task(second, "logout")
        tasks.add_task(third, level=3)

    run_in_app(schedule)
    assert calls == [("audit", "ann", "login", 1), ("audit", "bob", "logout", 1), ("audit", "cy", "login", 3)]
    assert "missing 1 required positional argument: 'action'" in refused(second)
    assert "missing 1 required keyword-only argument: 'level'" in refused(third)
    assert "unexpected keyword argument 'levle'" in refused(make_audit("dee"), levle=2)


def test_a_function_made_from_a_shared_code_object_without_its_defaults_is_bound_as_it_is() -> None:
    audit = make_audit("ann")
    BackgroundTasks().add_task(audit)
    bare = types.FunctionType(audit.__code__, audit.__globals__, "bare", None, audit.__closure__)
    assert "missing 1 required positional argument: 'action'" in refused(bare)
    run_in_app(lambda t: t.add_task(bare, "x", level=0))
    assert calls == [("audit", "ann", "x", 0)]


def test_per_request_lambdas_are_checked() -> None:
    for user in ["ann", "bob"]:
        run_in_app(lambda t, user=user: t.add_task(lambda action: calls.append((user, action)), "login"))
        assert "missing 1 required positional argument: 'action'" in refused(lambda action: None)
    assert calls == [("ann", "login"), ("bob", "login")]


def test_positional_only_and_keyword_shortcuts_agree_with_a_real_call() -> None:
    def job(a: int, /, b: int, c: int = 0, *args: int, d: int = 0, **options: int) -> None:
        calls.append(("job", a, b, c, args, d, options))

    def plain(a: int, /, b: int = 0, *, c: int = 0) -> None:
        calls.append(("plain", a, b, c))

    def schedule(tasks: BackgroundTasks) -> None:
        tasks.add_task(job, 1, b=2, a=3)
        tasks.add_task(job, 1, 2, 3, 4, 5, d=6)
        tasks.add_task(plain, 1, c=2)
        tasks.add_task(plain, 1, b=2)

    run_in_app(schedule)
    assert len(calls) == 4
    assert "positional-only arguments passed as keyword arguments: 'a'" in refused(plain, a=1)
    assert "multiple values for argument 'b'" in refused(plain, 1, 2, b=3)
    assert "missing 1 required positional argument: 'b'" in refused(job, 1, c=2)


class Plain:
    pass


class Point(NamedTuple):
    x: int
    y: int = 0


@dataclasses.dataclass
class Order:
    id: int
    rush: bool = False


class Color(enum.Enum):
    RED = 1


class Registry(dict[str, int]):
    pass


def test_classes_are_checked_by_what_constructing_them_binds() -> None:
    def schedule(tasks: BackgroundTasks) -> None:
        tasks.add_task(Plain)
        tasks.add_task(Point, 1)
        tasks.add_task(Order, 7, rush=True)
        tasks.add_task(Color, 1)
        tasks.add_task(Registry, a=1)  # a builtin base: not checkable, accepted

    run_in_app(schedule)
    assert refused(Plain, 1) == "Plain() takes no arguments"
    assert "missing 1 required positional argument: 'x'" in refused(Point)
    assert "unexpected keyword argument 'fast'" in refused(Order, 1, fast=True)


def test_builtins_and_c_callables_are_accepted_unchecked() -> None:
    tasks = BackgroundTasks()
    tasks.add_task(print, "any", "number", sep="")
    tasks.add_task(functools.lru_cache(maxsize=None)(lambda x: x), 1, 2, 3)
    assert len(tasks.tasks) == 2


class SyncHook:
    def __call__(self, event: str) -> None:
        calls.append(("SyncHook", event))


class AsyncHook:
    async def __call__(self, event: str) -> None:
        calls.append(("AsyncHook", event))


class StaticHook:
    @staticmethod
    def __call__(event: str) -> None:
        calls.append(("StaticHook", event))


async def async_job(a: int) -> None:
    calls.append(("async_job", a))


def test_is_async_follows_starlettes_detection() -> None:
    assert BackgroundTask(async_job, 1).is_async is True
    assert BackgroundTask(functools.partial(async_job, 1)).is_async is True
    assert BackgroundTask(functools.partial(functools.partial(async_job), 1)).is_async is True
    assert BackgroundTask(AsyncHook(), "e").is_async is True
    assert BackgroundTask(functools.partial(AsyncHook(), "e")).is_async is True
    assert BackgroundTask(SyncHook(), "e").is_async is False
    assert BackgroundTask(lambda: async_job(1)).is_async is False  # its coroutine is awaited after the thread
    assert BackgroundTask(export, 1).is_async is False


def test_a_static_call_method_takes_the_arguments_as_scheduled() -> None:
    run_in_app(lambda t: t.add_task(StaticHook(), "e"))
    assert calls == [("StaticHook", "e")]
    assert "missing 1 required positional argument: 'event'" in refused(StaticHook())


def test_a_coroutine_given_to_background_task_names_background_task() -> None:
    with pytest.raises(TypeError) as raised:
        BackgroundTask(async_job(1))  # type: ignore[arg-type]
    assert str(raised.value).endswith("write BackgroundTask(async_job, <its arguments>)")
    with pytest.raises(TypeError) as raised:
        BackgroundTasks().add_task(async_job(1))  # type: ignore[arg-type]
    assert str(raised.value).endswith("write add_task(async_job, <its arguments>)")
