"""Generated scheduling calls: the signatures they target, how they are written, and what a value fits.

A `Case` is one scheduling call (``bg.add_task(t3, 1, b="x")``) with the target it schedules. Cases are
rendered together into one module, so that one mypy run gives the static verdict of every call (an error on
the call's line), while the same module, executed, gives the runtime verdict (the real call binds, and every
value fits its parameter's annotation by the typing spec's rules).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace


class Kind(enum.IntEnum):
    """Parameter kinds, in the order a ``def`` lists them."""

    POSITIONAL_ONLY = 0
    POSITIONAL_OR_KEYWORD = 1
    VAR_POSITIONAL = 2
    KEYWORD_ONLY = 3
    VAR_KEYWORD = 4


@dataclass(frozen=True)
class Annotation:
    """A parameter annotation: one of a few base types, optionally ``| None``; ``base=None`` is unannotated."""

    base: str | None
    optional: bool = False
    spelled_optional: bool = False  # `Optional[X]` rather than `X | None`
    spelling: str | None = None  # written otherwise than `base` (a type variable that stands for it)

    def render(self) -> str | None:
        if self.base is None:
            return None
        text = self.spelling or self.base
        if not self.optional:
            return text
        return f"Optional[{text}]" if self.spelled_optional else f"{text} | None"

    def fits(self, value: object) -> bool:
        if self.base is None or self.base == "T":
            return True
        if value is None:
            return self.optional
        return BASE_FITS[self.base](value)

    def default_text(self) -> str:
        if self.base is None or self.optional:
            return "None"
        return DEFAULTS[self.base]


def _is_int(value: object) -> bool:
    return isinstance(value, int)  # bool is an int


def _is_json(value: object) -> bool:
    return isinstance(value, int | str) or (type(value) is list and all(_is_json(item) for item in value))


def _is_tree(value: object) -> bool:
    return (
        type(value) is tuple
        and len(value) == 2
        and _is_int(value[0])
        and type(value[1]) is list
        and all(_is_tree(item) for item in value[1])
    )


# The typing spec's view of a value's type, not isinstance's: an int (and so a bool) is acceptable where a
# float is expected; a list must hold what its parameter says, element by element.
BASE_FITS: dict[str, Callable[[object], bool]] = {
    "int": _is_int,
    "float": lambda value: isinstance(value, int | float),
    "str": lambda value: isinstance(value, str),
    "bytes": lambda value: isinstance(value, bytes),
    "list[int]": lambda value: type(value) is list and all(_is_int(item) for item in value),
    "Json": _is_json,
    "Tree": _is_tree,
    "T": lambda value: True,  # an unconstrained type variable, solved per call
}

DEFAULTS: dict[str, str] = {
    "int": "0",
    "float": "0.5",
    "str": '""',
    "bytes": 'b""',
    "list[int]": "[]",
    "Json": "0",
    "Tree": "(0, [])",
}

# Source text of argument values, by the base type they fit (besides `None` for optional parameters).
FITTING_VALUES: dict[str, tuple[str, ...]] = {
    "int": ("0", "1", "-3", "True", "7"),
    "float": ("1.5", "-2.25", "3", "False", "0.0"),
    "str": ('"a"', "''", '"func"'),
    "bytes": ('b"x"', "b''"),
    "list[int]": ("[1, 2]", "[]", "[True]", "[0]"),
    "Json": ("1", '"s"', "[1, 'a', [2]]", "[]", '[["x"], []]'),
    "Tree": ("(1, [])", "(2, [(3, []), (4, [])])"),
}

OTHER_VALUES: tuple[str, ...] = (
    "None",
    "1j",
    "(1, 2)",
    "{}",
    '{"k": 1}',
    "[1.5]",
    "[None]",
    '["a"]',
    "[1, 'a']",
    "...",
)

ALL_VALUES: tuple[str, ...] = (
    *dict.fromkeys(
        value
        for base in ("int", "float", "str", "bytes", "list[int]", "Json")
        for value in FITTING_VALUES[base]
    ),
    *OTHER_VALUES,
)


def is_context_free(value: str) -> bool:
    """Whether mypy infers the same type for this value whatever type is expected (holds no list or dict)."""
    return "[" not in value and "{" not in value


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: Kind
    annotation: Annotation
    has_default: bool = False

    def render(self) -> str:
        prefix = {Kind.VAR_POSITIONAL: "*", Kind.VAR_KEYWORD: "**"}.get(self.kind, "")
        text = f"{prefix}{self.name}"
        annotation = self.annotation.render()
        if annotation is not None:
            text += f": {annotation}"
        if self.has_default:
            text += (
                f" = {self.annotation.default_text()}" if annotation else f"={self.annotation.default_text()}"
            )
        return text


class TargetKind(enum.Enum):
    """What is scheduled; `TARGET_SPELLING` says how a call spells it."""

    FUNCTION = enum.auto()
    ASYNC_FUNCTION = enum.auto()
    BOUND_METHOD = enum.auto()
    ASYNC_BOUND_METHOD = enum.auto()
    STATIC_METHOD = enum.auto()
    CLASS_METHOD = enum.auto()
    CLASS = enum.auto()
    CALLABLE_INSTANCE = enum.auto()
    ASYNC_CALLABLE_INSTANCE = enum.auto()
    CLOSURE = enum.auto()  # a function made by a factory at each call, typed by a callback protocol


# `{name}` is the generated definition's name.
TARGET_SPELLING: dict[TargetKind, str] = {
    TargetKind.FUNCTION: "{name}",
    TargetKind.ASYNC_FUNCTION: "{name}",
    TargetKind.BOUND_METHOD: "{name}().run",
    TargetKind.ASYNC_BOUND_METHOD: "{name}().run",
    TargetKind.STATIC_METHOD: "{name}.run",
    TargetKind.CLASS_METHOD: "{name}.run",
    TargetKind.CLASS: "{name}",
    TargetKind.CALLABLE_INSTANCE: "{name}()",
    TargetKind.ASYNC_CALLABLE_INSTANCE: "{name}()",
    TargetKind.CLOSURE: "{name}_make()",
}


# Methods name their own first parameter `me`, so that a task parameter may be called `self`.
RECEIVER = "me"


class Decorator(enum.Enum):
    """A decorator of a generated function, as published code writes them (defined in `HEADER`)."""

    KEEPS_SIGNATURE = "keeps_signature"  # Callable[P, R] -> Callable[P, R]
    WRAPS_SIGNATURE = "wraps_signature"  # functools.wraps, with a ParamSpec wrapper
    STRIPS_CONTEXT = "strips_context"  # Callable[Concatenate[Ctx, P], R] -> Callable[P, R]: passes the Ctx
    WRAPS_STRIPS_CONTEXT = "wraps_strips_context"  # the same with functools.wraps (click's pass_context)
    UNTYPED = "untyped"  # no annotations: mypy knows nothing of the result
    # The function is the fallback; an implementation registered for `complex` takes anything after it.
    SINGLEDISPATCH = "functools.singledispatch"

    @property
    def arguments_known(self) -> bool:
        """Whether the types say which parameters a call reaches (a dispatch on a value's type does not)."""
        return self not in (Decorator.UNTYPED, Decorator.SINGLEDISPATCH)

    @property
    def wrapper_takes_anything(self) -> bool:
        """Whether a ``(*args, **kwargs)`` wrapper is what is called: bgtyped binds against it, not ``__wrapped__``."""
        return self not in (Decorator.KEEPS_SIGNATURE, Decorator.SINGLEDISPATCH)

    @property
    def strips_context(self) -> bool:
        """The function takes a ``Ctx`` first, which the decorator's ``*args, **kwargs`` wrapper passes."""
        return self in (Decorator.STRIPS_CONTEXT, Decorator.WRAPS_STRIPS_CONTEXT)


class Result(enum.Enum):
    """A return annotation that may be awaitable, and what the body returns, a value of the annotation.

    A body returns an awaitable only where every path of its annotation is awaitable: the return type is
    all a checker sees, and a union with a plain member (a callback that may be sync or async) is told
    apart at run time.
    """

    INT_OR_AWAITABLE = ("int | Awaitable[int]", "0")
    ANY_OR_AWAITABLE = ("Any | Awaitable[Any]", "0")
    AWAITABLE = ("Awaitable[None]", "_Ready()")  # awaitable, not a coroutine
    COROUTINE = ("Coroutine[Any, Any, None]", "_coroutine()")
    AWAITABLE_UNION = ("Coroutine[Any, Any, None] | Awaitable[None]", "_Ready()")
    ANY = ("Any", "_coroutine()")

    @property
    def annotation(self) -> str:
        return self.value[0]

    @property
    def returned(self) -> str:
        return self.value[1]

    @property
    def known(self) -> bool:
        """Whether the annotation tells what the body returns (``Any`` does not)."""
        return self is not Result.ANY


@dataclass(frozen=True)
class Signature:
    """A generated target: its parameters (receivers excluded) and the kind of object that is scheduled."""

    parameters: tuple[Parameter, ...]
    target_kind: TargetKind = TargetKind.FUNCTION
    returns_none: bool = True  # annotate `-> None`; without it an unannotated target is an untyped def
    decorator: Decorator | None = None  # functions only
    result: Result | None = None  # instead of `-> None`; not for classes (an `__init__` returns None)

    def render_parameters(self) -> str:
        rendered: list[str] = []
        previous: Kind | None = None
        for parameter in self.parameters:
            if previous is Kind.POSITIONAL_ONLY and parameter.kind is not Kind.POSITIONAL_ONLY:
                rendered.append("/")
            if parameter.kind is Kind.KEYWORD_ONLY and previous not in (
                Kind.KEYWORD_ONLY,
                Kind.VAR_POSITIONAL,
            ):
                rendered.append("*")
            rendered.append(parameter.render())
            previous = parameter.kind
        if previous is Kind.POSITIONAL_ONLY:
            rendered.append("/")
        return ", ".join(rendered)

    def render_definition(self, name: str) -> list[str]:
        returns = " -> None" if self.returns_none else ""
        body = "pass"
        if self.result is not None:
            returns = f" -> {self.result.annotation}"
            body = f"return {self.result.returned}"
        kind = self.target_kind
        if kind in (TargetKind.FUNCTION, TargetKind.ASYNC_FUNCTION):
            keyword = "async def" if kind is TargetKind.ASYNC_FUNCTION else "def"
            parameters = self.render_parameters()
            lines = [f"{keyword} {name}({parameters}){returns}:", f"    {body}"]
            if self.decorator is not None and self.decorator.strips_context:
                context = Parameter("ctx", Kind.POSITIONAL_ONLY, Annotation("T", spelling="Ctx"))
                parameters = replace(self, parameters=(context, *self.parameters)).render_parameters()
                lines[0] = f"{keyword} {name}({parameters}){returns}:"
            if self.decorator is Decorator.SINGLEDISPATCH:
                # mypy requires a positional first parameter, and a dispatch type that is a subtype of its
                # annotation; at run time neither is needed.
                lines[0] += "  # type: ignore[misc]"
                lines += [
                    f"@{name}.register(complex)",
                    f"{keyword} {name}_complex(first: complex, *args: Any, **kwargs: Any){returns}:"
                    "  # type: ignore[misc]",
                    f"    {body}",
                ]
            if self.decorator is not None:
                lines.insert(0, f"@{self.decorator.value}")
            return lines
        if kind is TargetKind.CLOSURE:
            call = replace(self, target_kind=TargetKind.CALLABLE_INSTANCE).render_definition(f"{name}_call")
            return [
                f"class {name}_call(Protocol):",
                call[1],
                "        ...",
                f"def {name}_make() -> {name}_call:",
                "    captured = None",
                f"    def {name}({self.render_parameters()}){returns}:",
                "        _ = captured",
                f"        {body}",
                f"    return {name}",
            ]
        receiver = {TargetKind.CLASS_METHOD: "cls", TargetKind.STATIC_METHOD: None}.get(kind, RECEIVER)
        parameters = self.render_parameters()
        if receiver is not None:
            parameters = f"{receiver}, {parameters}" if parameters else receiver
        method = {TargetKind.CLASS: "__init__"}.get(kind, "run")
        if kind in (TargetKind.CALLABLE_INSTANCE, TargetKind.ASYNC_CALLABLE_INSTANCE):
            method = "__call__"
        keyword = "async def" if kind.name.startswith("ASYNC") else "def"
        decorator = {TargetKind.STATIC_METHOD: "@staticmethod", TargetKind.CLASS_METHOD: "@classmethod"}.get(
            kind
        )
        lines = [f"class {name}:"]
        if decorator:
            lines.append(f"    {decorator}")
        lines += [f"    {keyword} {method}({parameters}){returns}:", f"        {body}"]
        return lines

    def target_text(self, name: str) -> str:
        return TARGET_SPELLING[self.target_kind].format(name=name)

    @property
    def positional(self) -> list[Parameter]:
        return [p for p in self.parameters if p.kind <= Kind.POSITIONAL_OR_KEYWORD]

    def variadic(self, kind: Kind) -> Parameter | None:
        return next((p for p in self.parameters if p.kind is kind), None)


class Coroutines(enum.Enum):
    """What a scheduler does with what the task returns, and so which results are mistakes."""

    # bgtyped, Starlette, FastAPI: an `async def` is awaited; a sync callable runs in a thread and an awaitable
    # it returns is a mistake (Starlette and FastAPI drop it; bgtyped awaits it after the thread, and the
    # plugin reports the pattern on its class too, since it breaks on the other two).
    AWAITED = "awaited"
    DROPPED = "dropped"  # a thread: any awaitable returned is never awaited
    REQUIRED = "required"  # anyio's start_soon: the task must return a coroutine, else TypeError


@dataclass(frozen=True)
class Scheduler:
    """A way of scheduling: the text before the target, and the keywords its own signature takes.

    ``instance`` names the module-level scheduler object the call goes through (None for a constructor);
    `SCHEDULER_OBJECTS` says how it is made.
    """

    name: str
    opening: str
    instance: str | None = None
    reserved: frozenset[str] = frozenset()
    runs_later: bool = False  # binding fails only when the task runs (Starlette, FastAPI), not when scheduled
    coroutines: Coroutines = Coroutines.AWAITED
    packed: bool = False  # the arguments go as `args=` and `kwargs=`: `threading.Thread(target=f, args=(1,))`
    positional_only: bool = False  # the task takes positional arguments only (anyio's start_soon)


_STARLETTE_RESERVED = frozenset({"func", "self"})

SCHEDULERS: tuple[Scheduler, ...] = (
    Scheduler("bgtyped.BackgroundTasks.add_task", "bg.add_task(", "bg"),
    Scheduler("bgtyped.BackgroundTask", "bgtyped.BackgroundTask("),
    Scheduler("starlette BackgroundTasks.add_task", "st.add_task(", "st", _STARLETTE_RESERVED, True),
    Scheduler(
        "starlette BackgroundTask", "starlette.background.BackgroundTask(", None, _STARLETTE_RESERVED, True
    ),
    Scheduler("fastapi BackgroundTasks.add_task", "fa.add_task(", "fa", _STARLETTE_RESERVED, True),
    Scheduler(
        "a subclass of starlette's BackgroundTasks", "mine.add_task(", "mine", _STARLETTE_RESERVED, True
    ),
    Scheduler("a subclass of bgtyped's BackgroundTasks", "mine_bg.add_task(", "mine_bg"),
)

# Schedulers of the shapes published code has: a thread taking `args=` / `kwargs=` (run in place with `.run()`,
# so that a binding error raises at the call), and a task group that requires a coroutine.
THREAD = Scheduler("threading.Thread", "threading.Thread(", coroutines=Coroutines.DROPPED, packed=True)
START_SOON = Scheduler(
    "anyio TaskGroup.start_soon", "tg.start_soon(", "tg", coroutines=Coroutines.REQUIRED, positional_only=True
)
PUBLISHED_SCHEDULERS: tuple[Scheduler, ...] = (THREAD, START_SOON)

# The scheduler objects the generated modules define, and the class each is an instance of.
SCHEDULER_OBJECTS: dict[str, str] = {
    "bg": "bgtyped.BackgroundTasks",
    "st": "starlette.background.BackgroundTasks",
    "fa": "fastapi.BackgroundTasks",
    "mine": "StarletteTasks",
    "mine_bg": "CheckedTasks",
}

SCHEDULER_DEFINITIONS: tuple[str, ...] = (
    "class StarletteTasks(starlette.background.BackgroundTasks):",
    "    pass",
    "class CheckedTasks(bgtyped.BackgroundTasks):",
    "    pass",
    *(f"{name} = {cls}()" for name, cls in SCHEDULER_OBJECTS.items()),
    "tg: anyio.abc.TaskGroup  # a real task group is bound to it for each call that uses it",
)


@dataclass(frozen=True)
class Argument:
    """A task argument as written: positional, ``name=value``, or ``*(v1, v2)`` (a tuple of known length)."""

    value: str
    name: str | None = None
    star_values: tuple[str, ...] = ()

    def render(self) -> str:
        if self.star_values:
            inner = ", ".join(self.star_values)
            return f"*({inner},)"
        if self.name is not None:
            return f"{self.name}={self.value}"
        return self.value


class ArgsForm(enum.Enum):
    """How a packed scheduler's ``args=`` is written; a variable is defined before the calls."""

    TUPLE = "a tuple literal"
    LIST = "a list literal"
    TUPLE_VARIABLE = "a tuple variable (its length is known)"
    LIST_VARIABLE = "a list variable (its items are unknown: unchecked)"


class KwargsForm(enum.Enum):
    """How a packed scheduler's ``kwargs=`` is written; a variable is defined before the calls."""

    DICT = "a dict literal"
    TYPED_DICT = "a TypedDict variable"
    DICT_VARIABLE = "a dict variable (its keys are unknown: unchecked)"


# The type of each value a variable may hold, as mypy infers it with no context (`TYPED_DICT` declares them).
VALUE_TYPES: dict[str, str] = {
    **dict.fromkeys(("0", "1", "-3", "7", "3"), "int"),
    **dict.fromkeys(("True", "False"), "bool"),
    **dict.fromkeys(("1.5", "-2.25", "0.0"), "float"),
    **dict.fromkeys(('"a"', "''", '"func"', '"s"'), "str"),
    **dict.fromkeys(('b"x"', "b''"), "bytes"),
    "None": "None",
    "1j": "complex",
    "(1, 2)": "tuple[int, int]",
}


@dataclass(frozen=True)
class Case:
    """One scheduling call of one generated target."""

    signature: Signature
    scheduler: Scheduler
    arguments: tuple[Argument, ...]
    target_by_keyword: bool = False  # `st.add_task(func=target, ...)`: Starlette's `func` given by name
    args_form: ArgsForm = ArgsForm.TUPLE  # for a packed scheduler
    kwargs_form: KwargsForm = KwargsForm.DICT
    # For a scheduler passing positional arguments only: the keywords as one `**{...}` literal, which it
    # refuses with TypeError whatever the task (no key names the scheduler's own parameter).
    keywords_unpacked: bool = False

    @property
    def positional_values(self) -> list[str]:
        return [v for a in self.arguments if a.name is None for v in (a.star_values or (a.value,))]

    @property
    def keyword_arguments(self) -> list[Argument]:
        return [a for a in self.arguments if a.name is not None]

    @property
    def unpacks_keywords(self) -> bool:
        """Keywords given to a positional-only scheduler as `**{...}`: refused, whatever the task."""
        return self.keywords_unpacked and bool(self.keyword_arguments)

    @property
    def unknown_shape(self) -> bool:
        """A packed value whose items mypy cannot know: the call's arguments are unchecked, like ``Any``."""
        if not self.scheduler.packed:
            return False
        return (self.args_form is ArgsForm.LIST_VARIABLE and bool(self.positional_values)) or (
            self.kwargs_form is KwargsForm.DICT_VARIABLE and bool(self.keyword_arguments)
        )

    def shapes(self) -> list[str]:
        """The shapes of published code this call has, for the totals."""
        found: list[str] = []
        if self.signature.decorator is not None:
            found.append(f"decorated by {self.signature.decorator.value}")
        if self.signature.target_kind is TargetKind.CLOSURE:
            found.append("a closure made for each call")
        if self.signature.result is not None:
            found.append(f"returns {self.signature.result.annotation}")
        if self.scheduler.packed:
            found += [f"args= as {self.args_form.value}", f"kwargs= as {self.kwargs_form.value}"]
        elif self.scheduler.coroutines is Coroutines.REQUIRED:
            found.append(f"scheduled by {self.scheduler.name}")
        if self.unpacks_keywords:
            found.append("keywords unpacked into a positional-only scheduler")
        return found

    def render_values(self, name: str) -> list[str]:
        """The variables a packed call passes, defined before the calls."""
        if not self.scheduler.packed:
            return []
        lines: list[str] = []
        positional = self.positional_values
        if self.args_form is ArgsForm.TUPLE_VARIABLE:
            lines.append(f"{name}_args = ({''.join(f'{v}, ' for v in positional)})")
        elif self.args_form is ArgsForm.LIST_VARIABLE:
            lines.append(f"{name}_args = [{', '.join(positional)}]")
        entries = ", ".join(f"{json.dumps(a.name)}: {a.value}" for a in self.keyword_arguments)
        if self.kwargs_form is KwargsForm.TYPED_DICT:
            fields = ", ".join(
                f"{json.dumps(a.name)}: {VALUE_TYPES[a.value]}" for a in self.keyword_arguments
            )
            lines.append(f'{name}_keys = TypedDict("{name}_keys", {{{fields}}})')
            lines.append(f"{name}_kwargs: {name}_keys = {{{entries}}}")
        elif self.kwargs_form is KwargsForm.DICT_VARIABLE:
            lines.append(f"{name}_kwargs = {{{entries}}}")
        return lines

    def _render_packed_call(self, name: str) -> str:
        target = self.signature.target_text(name)
        args = {
            ArgsForm.TUPLE: f"({''.join(f'{a.render()}, ' for a in self.arguments if a.name is None)})",
            ArgsForm.LIST: f"[{', '.join(a.render() for a in self.arguments if a.name is None)}]",
        }.get(self.args_form, f"{name}_args")
        kwargs = f"{name}_kwargs"
        if self.kwargs_form is KwargsForm.DICT:
            kwargs = "{" + ", ".join(f"{json.dumps(a.name)}: {a.value}" for a in self.keyword_arguments) + "}"
        return f"{self.scheduler.opening}target={target}, args={args}, kwargs={kwargs}).run()"

    def render_call(self, name: str) -> str:
        if self.scheduler.packed:
            return self._render_packed_call(name)
        target = self.signature.target_text(name)
        positional = [a.render() for a in self.arguments if a.name is None]
        keywords = [a.render() for a in self.arguments if a.name is not None]
        if self.unpacks_keywords:
            entries = ", ".join(f"{json.dumps(a.name)}: {a.value}" for a in self.keyword_arguments)
            keywords = [f"**{{{entries}}}"]
        if self.target_by_keyword:
            parts = [*positional, f"func={target}", *keywords]
        else:
            parts = [target, *positional, *keywords]
        return f"{self.scheduler.opening}{', '.join(parts)})"

    def render_arguments(self) -> str:
        positional = [a.render() for a in self.arguments if a.name is None]
        keywords = [a.render() for a in self.arguments if a.name is not None]
        return ", ".join([*positional, *keywords])


HEADER: tuple[str, ...] = (
    "import functools",
    "import threading",
    "from collections.abc import Awaitable, Callable, Coroutine, Generator",
    "from typing import Any, Concatenate, Optional, ParamSpec, Protocol, TypeAlias, TypedDict, TypeVar",
    "import anyio.abc",
    "import bgtyped",
    "import fastapi",
    "import starlette.background",
    "",
    'Json: TypeAlias = "int | str | list[Json]"',
    *SCHEDULER_DEFINITIONS,
    'P = ParamSpec("P")',
    'R = TypeVar("R")',
    "class Ctx:",
    "    pass",
    "def keeps_signature(f: Callable[P, R]) -> Callable[P, R]:",
    "    return f",
    "def wraps_signature(f: Callable[P, R]) -> Callable[P, R]:",
    "    @functools.wraps(f)",
    "    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:",
    "        return f(*args, **kwargs)",
    "    return wrapper",
    "def strips_context(f: Callable[Concatenate[Ctx, P], R]) -> Callable[P, R]:",
    "    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:",
    "        return f(Ctx(), *args, **kwargs)",
    "    return wrapper",
    "def wraps_strips_context(f: Callable[Concatenate[Ctx, P], R]) -> Callable[P, R]:",
    "    @functools.wraps(f)",
    "    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:",
    "        return f(Ctx(), *args, **kwargs)",
    "    return wrapper",
    "def untyped(f):",
    "    @functools.wraps(f)",
    "    def wrapper(*args, **kwargs):",
    "        return f(*args, **kwargs)",
    "    return wrapper",
    "class _Ready:",
    "    def __await__(self) -> Generator[Any, None, None]:",
    "        yield from ()",
    "async def _coroutine() -> None:",
    "    pass",
    "",
)


@dataclass
class RenderedModule:
    """Source text, and for each case the line its call is on and the name of its target's definition."""

    text: str
    definitions: str  # the text before the first call: what is executed to get the real targets
    call_lines: list[int]
    target_names: list[str]


def render_module(cases: Sequence[Case]) -> RenderedModule:
    lines = list(HEADER)
    names: list[str] = []
    for index, case in enumerate(cases):
        name = f"t{index}"
        names.append(name)
        lines += case.signature.render_definition(name)
        lines += case.render_values(name)
    lines.append("")
    definitions = "\n".join(lines)
    call_lines: list[int] = []
    for case, name in zip(cases, names, strict=True):
        lines.append(case.render_call(name))
        call_lines.append(len(lines))
    return RenderedModule("\n".join(lines) + "\n", definitions, call_lines, names)


def simpler_cases(case: Case) -> Iterator[Case]:
    """One-step simplifications of a case, for reducing a disagreement to a minimal reproducer."""
    signature = case.signature
    if signature.target_kind is not TargetKind.FUNCTION:
        yield replace(case, signature=replace(signature, target_kind=TargetKind.FUNCTION))
    if case.scheduler in SCHEDULERS[1:] and not case.target_by_keyword:
        yield replace(case, scheduler=SCHEDULERS[0])
        yield replace(case, scheduler=SCHEDULERS[2])
    for index in range(len(case.arguments)):
        yield replace(case, arguments=case.arguments[:index] + case.arguments[index + 1 :])
    for index, argument in enumerate(case.arguments):
        if argument.star_values:
            unpacked = tuple(Argument(value) for value in argument.star_values)
            yield replace(case, arguments=case.arguments[:index] + unpacked + case.arguments[index + 1 :])
    for index, parameter in enumerate(signature.parameters):
        rest = signature.parameters[:index] + signature.parameters[index + 1 :]
        if _valid_order(rest):
            yield replace(case, signature=replace(signature, parameters=rest))
        simpler: list[Parameter] = []
        if parameter.annotation.optional:
            simpler.append(replace(parameter, annotation=replace(parameter.annotation, optional=False)))
        if parameter.kind is Kind.KEYWORD_ONLY and parameter.has_default:
            simpler.append(replace(parameter, has_default=False))
        for candidate in simpler:
            parameters = (*signature.parameters[:index], candidate, *signature.parameters[index + 1 :])
            yield replace(case, signature=replace(signature, parameters=parameters))
    if not signature.returns_none:
        yield replace(case, signature=replace(signature, returns_none=True))
    if signature.decorator is not None:
        yield replace(case, signature=replace(signature, decorator=None))
    if signature.result is not None:
        yield replace(case, signature=replace(signature, result=None))
    if case.args_form is not ArgsForm.TUPLE or case.kwargs_form is not KwargsForm.DICT:
        yield replace(case, args_form=ArgsForm.TUPLE, kwargs_form=KwargsForm.DICT)


def _valid_order(parameters: Sequence[Parameter]) -> bool:
    defaulted = False
    for parameter in parameters:
        if parameter.kind <= Kind.POSITIONAL_OR_KEYWORD:
            if defaulted and not parameter.has_default:
                return False
            defaulted = defaulted or parameter.has_default
    return True
