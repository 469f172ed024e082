"""Opt-in value checking: each scheduled value against its parameter's annotation, and nothing when off."""

from __future__ import annotations

import dataclasses
import enum
import functools
import importlib.util
import os
import subprocess
import sys
import textwrap
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import (
    Annotated,
    Any,
    Generic,
    Literal,
    NamedTuple,
    Optional,
    ParamSpec,
    TypedDict,
    TypeVar,
    Union,
)

import pydantic
import pytest
from beartype.vale import Is

import bgtyped
from bgtyped import _binding, _check, _tasks

T = TypeVar("T")
Number = TypeVar("Number", bound=float)
Text = TypeVar("Text", str, bytes)
P = ParamSpec("P")


@pytest.fixture(autouse=True)
def types_on() -> Iterator[None]:
    previous = bgtyped.check_types(True)
    yield
    bgtyped.check_types(previous)


class Color(enum.Enum):
    RED = "red"


@dataclasses.dataclass
class Address:
    city: str


class User(pydantic.BaseModel):
    name: str


class Movie(TypedDict):
    title: str


class Point(NamedTuple):
    x: int


class Box(Generic[T]):
    def __init__(self, item: T) -> None:
        self.item = item


def notify(user_id: int, message: str = "") -> None: ...
def either(value: int | str) -> None: ...
def maybe(value: Optional[int]) -> None: ...  # noqa: UP045 (the spelling is what is tested)
def old_union(value: Union[int, bytes]) -> None: ...  # noqa: UP007
def numbers(values: list[int]) -> None: ...
def payload(data: dict[str, Any]) -> None: ...
def paint(color: Literal["red", "blue"]) -> None: ...
def positive(count: Annotated[int, "at least 1"]) -> None: ...
def greet(user: User) -> None: ...
def ship(address: Address) -> None: ...
def total(*amounts: int) -> None: ...
def tag(**labels: str) -> None: ...
def ratio(value: float) -> None: ...
def scale(value: Number) -> None: ...
def encode(value: Text) -> None: ...
def anything(value: T, items: list[T]) -> T: ...
def unpacked(values: tuple[int, str]) -> None: ...
def enumerated(color: Color) -> None: ...
def boxed(box: Box[int]) -> None: ...
def untyped(value, other: int = 0):  # type: ignore[no-untyped-def]
    ...
def run(func: Callable[P, object], *args: P.args, **kwargs: P.kwargs) -> None: ...
def save(movie: Movie) -> None: ...
def locate(point: Point) -> None: ...
def only_positional(value: int, /, **rest: str) -> None: ...
def later(value: "Later") -> None: ...  # noqa: UP037 (a forward reference, resolved at check time)


class Later:
    pass


class Mailer:
    def __init__(self, host: str = "localhost") -> None:
        self.host = host

    def send(self, to: str, retries: int = 0) -> None: ...

    @classmethod
    def build(cls, host: str) -> Mailer:
        return cls(host)

    @staticmethod
    def render(template: str) -> str:
        return template

    def __call__(self, to: str) -> None: ...


class Exporter:
    @functools.singledispatchmethod
    def write(self, value: object, mode: str) -> None: ...

    @write.register
    def _(self, value: int, mode: str) -> None: ...


class Token:
    def __new__(cls, text: str) -> Token:
        return super().__new__(cls)


async def notify_async(user_id: int) -> None: ...


def validated(count: Annotated[int, Is[lambda count: count > 0]]) -> None: ...


@functools.singledispatch
def export(value: object, destination: str) -> None: ...


@export.register
def _(value: int, destination: str) -> None: ...


REFUSED = [
    (notify, ("not-an-int",), {}, "notify() argument 'user_id' must be int, got str: 'not-an-int'"),
    (notify, (1,), {"message": 2}, "notify() argument 'message' must be str, got int: 2"),
    (either, (1.5,), {}, "either() argument 'value' must be int | str, got float: 1.5"),
    (maybe, ("x",), {}, "maybe() argument 'value' must be int | None, got str: 'x'"),
    (old_union, ("x",), {}, "old_union() argument 'value' must be int | bytes, got str: 'x'"),
    (numbers, ("1, 2",), {}, "numbers() argument 'values' must be list[int], got str: '1, 2'"),
    (
        numbers,
        (["1"],),
        {},
        "numbers() argument 'values' must be list[int], got list: ['1'] (list index 0 item str '1' not instance of int)",
    ),
    (
        payload,
        ({1: "a"},),
        {},
        "payload() argument 'data' must be dict[str, Any], got dict: {1: 'a'} (dict key int 1 not instance of str)",
    ),
    (paint, ("green",), {}, "paint() argument 'color' must be Literal['red', 'blue'], got str: 'green'"),
    (positive, ("3",), {}, "positive() argument 'count' must be Annotated[int, 'at least 1'], got str: '3'"),
    (greet, ({"name": "Ada"},), {}, "greet() argument 'user' must be User, got dict: {'name': 'Ada'}"),
    (ship, ("Paris",), {}, "ship() argument 'address' must be Address, got str: 'Paris'"),
    (total, (1, 2, "3"), {}, "total() argument 'amounts[2]' (in *amounts) must be int, got str: '3'"),
    (
        tag,
        (),
        {"env": "prod", "tier": 2},
        "tag() keyword argument 'tier' (in **labels) must be str, got int: 2",
    ),
    (ratio, ("0.5",), {}, "ratio() argument 'value' must be float, got str: '0.5'"),
    (scale, ("2",), {}, "scale() argument 'value' must be ~Number, got str: '2'"),
    (encode, (3,), {}, "encode() argument 'value' must be ~Text, got int: 3"),
    (
        unpacked,
        ((1, 2),),
        {},
        "unpacked() argument 'values' must be tuple[int, str], got tuple: (1, 2) (tuple index 1 item int 2 not instance of str)",
    ),
    (enumerated, ("red",), {}, "enumerated() argument 'color' must be Color, got str: 'red'"),
    (boxed, ([1],), {}, "boxed() argument 'box' must be Box[int], got list: [1]"),
    (untyped, (None, "0"), {}, "untyped() argument 'other' must be int, got str: '0'"),
    (
        only_positional,
        (1,),
        {"value": 2},
        "only_positional() keyword argument 'value' (in **rest) must be str, got int: 2",
    ),
    (later, (1,), {}, "later() argument 'value' must be Later, got int: 1"),
    # What a call really reaches: the checks are the function's, with the arguments it receives.
    (Mailer().send, ("a@b.c", "3"), {}, "Mailer.send() argument 'retries' must be int, got str: '3'"),
    (Mailer.build, (3,), {}, "Mailer.build() argument 'host' must be str, got int: 3"),
    (Mailer.render, (None,), {}, "Mailer.render() argument 'template' must be str, got NoneType: None"),
    (Mailer, (8080,), {}, "Mailer.__init__() argument 'host' must be str, got int: 8080"),
    (Mailer(), (1,), {}, "Mailer.__call__() argument 'to' must be str, got int: 1"),
    (functools.partial(notify, "1"), (), {}, "notify() argument 'user_id' must be int, got str: '1'"),
    (
        functools.partial(notify, 1),
        ("a", "b"),
        {},
        "notify() takes from 1 to 2 positional arguments but 3 were given",
    ),
    (
        functools.partial(notify, 1),
        (),
        {"message": b"x"},
        "notify() argument 'message' must be str, got bytes: b'x'",
    ),
    (export, (1, 2), {}, "_() argument 'destination' must be str, got int: 2"),
    (run, (3,), {}, "run() argument 'func' must be Callable[~P, object], got int: 3"),
    (Exporter().write, (1, 2), {}, "Exporter._() argument 'mode' must be str, got int: 2"),
    (Token, (b"t",), {}, "Token.__new__() argument 'text' must be str, got bytes: b't'"),
    (notify_async, ("1",), {}, "notify_async() argument 'user_id' must be int, got str: '1'"),
    (Address, (3,), {}, "Address.__init__() argument 'city' must be str, got int: 3"),
]


@pytest.mark.parametrize(("func", "args", "kwargs", "message"), REFUSED)
def test_a_wrongly_typed_value_is_refused_and_nothing_is_scheduled(
    func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    tasks = bgtyped.BackgroundTasks()
    with pytest.raises(TypeError) as raised:
        tasks.add_task(func, *args, **kwargs)
    assert str(raised.value) == message
    assert tasks.tasks == []
    assert raised.value.__context__ is None and raised.value.__cause__ is None
    for scheduler in (bgtyped.BackgroundTask, bgtyped.check_call):
        with pytest.raises(TypeError) as again:
            scheduler(func, *args, **kwargs)
        assert str(again.value) == message


ACCEPTED = [
    (notify, (1,), {}),
    (notify, (True, "hi"), {}),  # bool is an int
    (notify, (), {"user_id": 1, "message": "hi"}),
    (either, (1,), {}),
    (either, ("x",), {}),
    (maybe, (None,), {}),
    (maybe, (3,), {}),
    (old_union, (b"x",), {}),
    (numbers, ([],), {}),
    (numbers, ([1, 2, 3],), {}),
    (payload, ({"a": object(), "b": None},), {}),
    (paint, ("red",), {}),
    (positive, (3,), {}),
    (greet, (User(name="Ada"),), {}),
    (ship, (Address("Paris"),), {}),
    (total, (), {}),
    (total, (1, 2, True), {}),
    (tag, (), {}),
    (tag, (), {"env": "prod"}),
    (ratio, (1,), {}),  # int for float, as type checkers accept it
    (ratio, (0.5,), {}),
    (scale, (2,), {}),
    (encode, (b"x",), {}),
    (anything, ("x", [1, None]), {}),
    (unpacked, ((1, "a"),), {}),
    (enumerated, (Color.RED,), {}),
    (boxed, (Box(1),), {}),
    (boxed, (Box("x"),), {}),  # a generic class's parameter is not looked into
    (untyped, (object(),), {}),
    (run, (notify, "a-string-for-P.args"), {"unknown": 1}),
    (save, ({"title": "Up"},), {}),
    (locate, (Point(1),), {}),
    (only_positional, (1,), {"value": "v"}),
    (later, (Later(),), {}),
    (Mailer().send, ("a@b.c",), {"retries": 2}),
    (Mailer.build, ("smtp",), {}),
    (Mailer.render, ("t",), {}),
    (Mailer, (), {"host": "smtp"}),
    (Mailer(), ("a@b.c",), {}),
    (functools.partial(notify, 1), ("hi",), {}),
    (export, (1, "out"), {}),
    (Exporter().write, (1, "w"), {}),
    (Token, ("t",), {}),
    (notify_async, (1,), {}),
    (validated, (1,), {}),
    (Address, ("Paris",), {}),
    (Point, (1,), {}),
    (User, (), {"name": "Ada"}),
    (export, ("not dispatched to int", "out"), {}),
    (lambda value, *rest, **more: None, (1, "x"), {"k": 2}),
    (print, ("builtins", 1), {"sep": "-"}),
]


@pytest.mark.parametrize(("func", "args", "kwargs"), ACCEPTED)
def test_a_call_whose_values_fit_is_accepted(
    func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    tasks = bgtyped.BackgroundTasks()
    tasks.add_task(func, *args, **kwargs)
    assert len(tasks.tasks) == 1
    bgtyped.BackgroundTask(func, *args, **kwargs)
    bgtyped.check_call(func, *args, **kwargs)


def test_beartype_validators_in_annotated_are_applied() -> None:
    with pytest.raises(TypeError) as raised:
        bgtyped.check_call(validated, -1)
    assert str(raised.value).startswith(
        "validated() argument 'count' must be Annotated[int, beartype.vale.Is["
    )
    assert str(raised.value).endswith("got int: -1")


def test_binding_errors_come_first_and_read_as_without_types() -> None:
    with pytest.raises(TypeError) as raised:
        bgtyped.check_call(notify, "x", "y", "z")
    assert str(raised.value) == "notify() takes from 1 to 2 positional arguments but 3 were given"


def test_a_typed_dicts_items_and_a_named_tuples_fields_are_not_checked() -> None:
    # beartype checks that a TypedDict value is a dict, and a NamedTuple's class, not what they hold.
    bgtyped.check_call(save, {"title": 3})  # type: ignore[typeddict-item]
    bgtyped.check_call(save, {"other": 1})  # type: ignore[typeddict-unknown-key]
    bgtyped.check_call(locate, Point("x"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"save\(\) argument 'movie' must be Movie, got list"):
        bgtyped.check_call(save, [])  # type: ignore[arg-type]


def test_a_list_is_checked_on_one_item_drawn_at_random() -> None:
    mostly_right = [1] * 99 + ["wrong"]
    outcomes = set()
    for _ in range(200):
        try:
            bgtyped.check_call(numbers, mostly_right)  # type: ignore[list-item]
        except TypeError:
            outcomes.add("refused")
        else:
            outcomes.add("accepted")
    assert "accepted" in outcomes  # never refused 200 times in a row, unless every item were checked


def test_a_dict_is_checked_on_its_first_item() -> None:
    def counts(values: dict[str, int]) -> None: ...

    bgtyped.check_call(counts, {"a": 1, "b": "wrong"})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match=r"counts\(\) argument 'values' must be dict\[str, int\]"):
        bgtyped.check_call(counts, {"b": "wrong", "a": 1})  # type: ignore[dict-item]


def test_a_wrapper_is_checked_by_its_own_parameters_not_the_annotations_it_copied() -> None:
    def inject_session(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return func("session", *args, **kwargs)

        return wrapper

    @inject_session
    def store(session: str, *items: int) -> None: ...

    bgtyped.check_call(store, 1, 2)  # the wrapper puts the session first: items are 1 and 2, not checked here


def support_module(tmp_path: Path, name: str, source: str) -> types.ModuleType:
    """A real module from ``source``, imported from a file as an application's module is."""
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def postponed(tmp_path: Path) -> Iterator[types.ModuleType]:
    yield support_module(
        tmp_path,
        "bgtyped_support_postponed",
        """\
        from __future__ import annotations

        import dataclasses
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from decimal import Decimal  # a name that does not exist at run time


        def send(user: User, tags: list[Tag], note: str | None = None) -> None: ...


        def pay(amount: Decimal, user_id: int) -> None: ...


        def local_type() -> object:
            class Local: ...

            def use(value: Local, count: int) -> None: ...

            return use


        @dataclasses.dataclass
        class User:
            name: str


        class Tag: ...
        """,
    )
    del sys.modules["bgtyped_support_postponed"]


def test_postponed_annotations_and_forward_references_are_resolved(postponed: types.ModuleType) -> None:
    user, tag = postponed.User("Ada"), postponed.Tag()
    bgtyped.check_call(postponed.send, user, [tag], note=None)
    with pytest.raises(TypeError) as raised:
        bgtyped.check_call(postponed.send, {"name": "Ada"}, [tag])
    assert str(raised.value) == "send() argument 'user' must be User, got dict: {'name': 'Ada'}"
    with pytest.raises(
        TypeError, match=r"argument 'tags' must be list\[Tag\], got list: \['tag'\] \(list index 0"
    ):
        bgtyped.check_call(postponed.send, user, ["tag"])


def test_a_name_missing_at_run_time_skips_only_its_parameter(postponed: types.ModuleType) -> None:
    bgtyped.check_call(postponed.pay, "12.50", 7)  # `Decimal` cannot be resolved: amount is not checked
    with pytest.raises(TypeError, match="pay\\(\\) argument 'user_id' must be int, got str: '7'"):
        bgtyped.check_call(postponed.pay, "12.50", "7")
    use = postponed.local_type()
    bgtyped.check_call(use, object(), 1)  # a local class, not in the module's namespace
    with pytest.raises(TypeError, match="argument 'count' must be int"):
        bgtyped.check_call(use, object(), "1")


def test_closures_of_one_def_are_checked_each_by_its_own_annotations(tmp_path: Path) -> None:
    # Annotations evaluated when each closure is made (no `from __future__ import annotations`).
    eager = support_module(
        tmp_path,
        "bgtyped_support_eager",
        """\
        def handler(kind):
            def audit(value: kind, count: int = 0) -> None: ...

            return audit
        """,
    )
    del sys.modules["bgtyped_support_eager"]
    bgtyped.check_call(eager.handler(int), 1)
    bgtyped.check_call(eager.handler(str), "x")
    for _ in range(3):  # each closure is new; the checks made for one `def` are reused when they fit
        with pytest.raises(TypeError, match="audit\\(\\) argument 'value' must be str, got int: 1"):
            bgtyped.check_call(eager.handler(str), 1)
        with pytest.raises(TypeError, match="audit\\(\\) argument 'value' must be int, got str: 'x'"):
            bgtyped.check_call(eager.handler(int), "x")
        with pytest.raises(TypeError, match="argument 'count' must be int, got str"):
            bgtyped.check_call(eager.handler(int), 1, "2")


def test_off_nothing_is_checked_and_the_plain_check_is_back_everywhere() -> None:
    assert bgtyped.check_types(False) is True
    assert bgtyped.check_types(False) is False
    plain = _binding.__dict__["check_arguments"]
    assert _tasks.check_arguments is plain and _check.check_arguments is plain
    assert plain.__module__ == "bgtyped._binding"
    tasks = bgtyped.BackgroundTasks()
    tasks.add_task(notify, "not-an-int")  # type: ignore[arg-type]
    assert len(tasks.tasks) == 1
    assert bgtyped.check_types(True) is False
    with pytest.raises(TypeError):
        tasks.add_task(notify, "not-an-int")  # type: ignore[arg-type]
    assert len(tasks.tasks) == 1


def test_check_types_takes_a_bool() -> None:
    with pytest.raises(TypeError, match="check_types\\(\\) takes True or False, got str: 'yes'"):
        bgtyped.check_types("yes")  # type: ignore[arg-type]


def python(code: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "BGTYPED_CHECK_TYPES"}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**env, **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


SCHEDULE_WRONG = """\
    import sys
    import bgtyped

    def notify(user_id: int) -> None: ...

    try:
        bgtyped.BackgroundTasks().add_task(notify, "not-an-int")
    except TypeError as error:
        print("refused:", error)
    else:
        print("accepted")
"""


@pytest.mark.parametrize(("value", "expected"), [("1", "refused"), ("0", "accepted"), ("", "accepted")])
def test_the_environment_variable_turns_it_on(value: str, expected: str) -> None:
    result = python(SCHEDULE_WRONG, BGTYPED_CHECK_TYPES=value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(":")[0].strip() == expected, result.stdout


def test_off_import_bgtyped_loads_nothing_of_it() -> None:
    result = python(
        """\
        import sys
        import bgtyped
        print(sorted(name for name in sys.modules if name.startswith(("beartype", "bgtyped", "starlette"))))
        """,
        BGTYPED_CHECK_TYPES="0",
    )
    assert result.stdout.strip() == "['bgtyped']", result.stdout + result.stderr


def test_on_by_environment_import_bgtyped_does_not_load_starlette() -> None:
    result = python(
        "import sys, bgtyped; print('starlette' in sys.modules, 'beartype' in sys.modules)",
        BGTYPED_CHECK_TYPES="1",
    )
    assert result.stdout.split() == ["False", "True"], result.stdout + result.stderr


def test_any_other_value_of_the_environment_variable_is_an_error() -> None:
    result = python("import bgtyped", BGTYPED_CHECK_TYPES="true")
    assert result.returncode == 1
    assert "ValueError: BGTYPED_CHECK_TYPES must be 1 " in result.stderr, result.stderr
    assert "or 0 or empty (do not), got 'true'" in result.stderr, result.stderr


def test_without_beartype_turning_it_on_says_what_to_install() -> None:
    result = python(
        """\
        import sys
        sys.modules["beartype"] = None  # as if it were not installed
        import bgtyped
        bgtyped.check_types(True)
        """
    )
    assert result.returncode == 1
    assert (
        'ImportError: checking argument values against their annotations needs beartype: pip install "bgtyped[types]"'
        in result.stderr
    ), result.stderr


def test_an_integration_importing_check_arguments_after_it_was_turned_on_is_switched_back(
    tmp_path: Path,
) -> None:
    # An integration module listed for the switch, imported while value checking is on.
    integration = support_module(
        tmp_path,
        "bgtyped.rq",
        """\
        from bgtyped._binding import check_arguments

        def enqueue(func, *args, **kwargs):
            check_arguments(func, args, kwargs, "enqueue")
        """,
    )
    try:
        with pytest.raises(TypeError, match="must be int"):
            integration.enqueue(notify, "x")
        bgtyped.check_types(False)
        integration.enqueue(notify, "x")
    finally:
        del sys.modules["bgtyped.rq"]


def test_a_value_known_only_when_the_task_runs_is_bound_but_not_checked() -> None:
    from bgtyped._binding import UNKNOWN_VALUE

    bgtyped.check_call(notify, UNKNOWN_VALUE, "hello")
    bgtyped.check_call(total, 1, UNKNOWN_VALUE, 3)
    bgtyped.check_call(tag, tier=UNKNOWN_VALUE)
    with pytest.raises(TypeError, match=r"^notify\(\) argument 'message' must be str, got int: 5$"):
        bgtyped.check_call(notify, UNKNOWN_VALUE, 5)
    with pytest.raises(
        TypeError, match=r"^notify\(\) takes from 1 to 2 positional arguments but 3 were given$"
    ):
        bgtyped.check_call(notify, UNKNOWN_VALUE, "a", "b")
