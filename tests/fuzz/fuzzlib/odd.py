"""Odd shapes of scheduled targets and calls, for the never-crash check.

Each shape is a few definitions and one scheduling call. Where the correct verdict can be judged (the
`Judge`: which real callables decide binding, and the annotations the values must fit), a call that the
runtime accepts must not be flagged; for every shape, mypy must not crash.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from .model import (
    ALL_VALUES,
    SCHEDULER_DEFINITIONS,
    SCHEDULERS,
    Annotation,
    Argument,
    Case,
    Kind,
    Parameter,
    Scheduler,
    Signature,
    TargetKind,
)
from .strategies import cases, signatures, values
from .verdicts import ACCEPTED, binding_error, fresh_namespace, isolate_crash, misfit, run_mypy

ODD_HEADER: tuple[str, ...] = (
    "import dataclasses",
    "import enum",
    "import functools",
    "from collections.abc import Callable, Coroutine",
    "from typing import Any, Concatenate, Generic, NamedTuple, NewType, NotRequired, Optional, ParamSpec, Protocol",
    "from typing import TypeAlias, TypedDict, TypeVar, TypeVarTuple, Unpack, overload",
    "import bgtyped",
    "import fastapi",
    "import starlette.background",
    "",
    'Json: TypeAlias = "int | str | list[Json]"',
    'Tree: TypeAlias = "tuple[int, list[Tree]]"',
    'P = ParamSpec("P")',
    'R = TypeVar("R")',
    'T = TypeVar("T")',
    'Ts = TypeVarTuple("Ts")',
    "flag = True",
    *SCHEDULER_DEFINITIONS,
    "",
    "def returns_any(f: Any) -> Any:",
    "    return f",
    "",
    "def keeps_signature(f: Callable[P, R]) -> Callable[P, R]:",
    "    return f",
    "",
    "def wraps_signature(f: Callable[P, R]) -> Callable[P, R]:",
    "    @functools.wraps(f)",
    "    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:",
    "        return f(*args, **kwargs)",
    "    return wrapper",
    "",
)

# Values fit by how each call binds; this one decides for a ``**kwargs: Unpack[TypedDict]`` target.
Fits = Callable[[tuple[Any, ...], dict[str, Any]], str | None]


@dataclass(frozen=True)
class Judge:
    """How to tell whether the runtime accepts a call.

    It does when, for one of ``probes`` (the source text of a real callable, with what its values must
    fit), a real call with ``arguments`` binds and every value fits, and no task keyword collides with the
    scheduler's own parameters.
    """

    arguments: str
    probes: tuple[tuple[str, Signature | Fits], ...]
    collides: bool = False  # Starlette's or FastAPI's own `func` / `self` meets a task keyword


def collides(scheduler: Scheduler, arguments: Sequence[Argument]) -> bool:
    return any(a.name in scheduler.reserved for a in arguments)


@dataclass(frozen=True)
class OddCase:
    """``{n}`` in the text stands for the case's number in its module."""

    shape: str
    definitions: tuple[str, ...]
    call: str
    judge: Judge | None = None

    def render(self, number: int) -> tuple[list[str], str]:
        return [line.replace("{n}", str(number)) for line in self.definitions], self.call.replace(
            "{n}", str(number)
        )


def _call(scheduler_opening: str, target: str, arguments: str) -> str:
    return f"{scheduler_opening}{target}{', ' + arguments if arguments else ''})"


def _as_function(signature: Signature) -> Signature:
    return replace(signature, target_kind=TargetKind.FUNCTION)


def _unannotated(signature: Signature) -> Signature:
    parameters = tuple(replace(p, annotation=Annotation(None)) for p in signature.parameters)
    return replace(signature, parameters=parameters)


def _judged(case: Case, probe: str, model: Signature | None = None) -> Judge:
    return Judge(
        case.render_arguments(), ((probe, model or case.signature),), collides(case.scheduler, case.arguments)
    )


@st.composite
def _cases(draw: st.DrawFn, signature: Signature) -> Case:
    """A call with the target in first place (the odd shapes write the target themselves)."""
    return replace(draw(cases(signature)), target_by_keyword=False)


schedulers = st.sampled_from(SCHEDULERS).map(lambda s: s.opening)


@st.composite
def decorated(draw: st.DrawFn) -> OddCase:
    """A target behind a decorator returning ``Any``, keeping its signature by ParamSpec, or functools.wraps."""
    decorator = draw(st.sampled_from(("returns_any", "keeps_signature", "wraps_signature")))
    case = draw(_cases(_as_function(draw(signatures()))))
    definition = [f"@{decorator}", *case.signature.render_definition("t{n}")]
    return OddCase(
        f"decorator {decorator}", tuple(definition), case.render_call("t{n}"), _judged(case, "t{n}")
    )


@st.composite
def partials(draw: st.DrawFn) -> OddCase:
    """``functools.partial`` of the target, or of a partial of it, given a prefix of the call's arguments."""
    case = draw(_cases(_as_function(draw(signatures()))))
    positional = [a for a in case.arguments if a.name is None and not a.star_values]
    keywords = [a for a in case.arguments if a.name is not None]
    nested = draw(st.booleans())
    groups: list[list[Argument]] = [[] for _ in range(3 if nested else 2)]
    cut = sorted(
        draw(st.lists(st.integers(0, len(positional)), min_size=len(groups) - 1, max_size=len(groups) - 1))
    )
    bounds = [0, *cut, len(positional)]
    for index in range(len(groups)):
        groups[index] += positional[bounds[index] : bounds[index + 1]]
    for keyword in keywords:
        groups[draw(st.integers(0, len(groups) - 1))].append(keyword)

    def text(arguments: list[Argument]) -> str:
        return ", ".join(
            a.render() for a in [*[a for a in arguments if a.name is None], *[a for a in arguments if a.name]]
        )

    lines = case.signature.render_definition("t{n}")
    inner = "t{n}"
    for level, group in enumerate(groups[:-1]):
        lines.append(f"p{{n}}_{level} = functools.partial({inner}{', ' + text(group) if group else ''})")
        inner = f"p{{n}}_{level}"
    merged = Case(case.signature, case.scheduler, tuple(a for g in groups for a in g))
    call = _call(case.scheduler.opening, inner, text(groups[-1]))
    return OddCase(
        "partial of a partial" if nested else "partial",
        tuple(lines),
        call,
        Judge(merged.render_arguments(), (("t{n}", case.signature),), collides(case.scheduler, groups[-1])),
    )


@st.composite
def lambdas(draw: st.DrawFn) -> OddCase:
    signature = _unannotated(_as_function(draw(signatures())))
    case = draw(_cases(signature))
    target = f"lambda {signature.render_parameters()}: None" if signature.parameters else "lambda: None"
    return OddCase(
        "lambda", (), _call(case.scheduler.opening, target, case.render_arguments()), _judged(case, target)
    )


@st.composite
def overloads(draw: st.DrawFn) -> OddCase:
    """An overloaded function: the runtime accepts a call that fits one of its signatures."""
    items = draw(st.lists(signatures((TargetKind.FUNCTION,)), min_size=2, max_size=3))
    items = [replace(item, returns_none=True) for item in items]
    case = draw(_cases(items[draw(st.integers(0, len(items) - 1))]))
    lines: list[str] = []
    for index, item in enumerate(items):
        lines += item.render_definition(f"t{{n}}_o{index}")  # the real callables that decide binding
    for item in items:
        lines += ["@overload", *item.render_definition("t{n}")[:1], "    ..."]
    lines += ["def t{n}(*args: Any, **kwargs: Any) -> None:", "    pass"]
    probes = tuple((f"t{{n}}_o{index}", item) for index, item in enumerate(items))
    judge = Judge(case.render_arguments(), probes, collides(case.scheduler, case.arguments))
    return OddCase("overloads", tuple(lines), case.render_call("t{n}"), judge)


def _typed_as(signature: Signature, spelling: str, base: str | None = None) -> Signature:
    """The same parameters annotated with a type variable (standing for ``base``; ``T`` fits anything).

    Only ``None`` is a valid default for a type variable: a defaulted parameter becomes optional, and so
    does every positional parameter after it.
    """
    parameters: list[Parameter] = []
    defaulted = False
    for p in signature.parameters:
        has_default = p.has_default or (defaulted and p.kind <= Kind.POSITIONAL_OR_KEYWORD)
        if p.kind <= Kind.POSITIONAL_OR_KEYWORD:
            defaulted = has_default
        optional = has_default or p.annotation.optional
        annotation = Annotation(base or "T", optional, spelling=spelling)
        parameters.append(replace(p, annotation=annotation, has_default=has_default))
    return replace(signature, parameters=tuple(parameters))


@st.composite
def generics(draw: st.DrawFn) -> OddCase:
    """A generic function or class: ``T`` solved per call, or pinned by ``Box[int]``."""
    shape = draw(st.sampled_from(("generic function", "generic class", "generic class[int]")))
    kind = TargetKind.FUNCTION if shape == "generic function" else TargetKind.CLASS
    base = draw(signatures((kind,)))
    pinned = shape.endswith("[int]")
    model = _typed_as(base, "T", "int" if pinned else None)
    case = draw(_cases(model))
    lines = model.render_definition("t{n}")
    if kind is TargetKind.CLASS:
        lines[0] = "class t{n}(Generic[T]):"
    target = "t{n}[int]" if pinned else "t{n}"
    return OddCase(
        shape,
        tuple(lines),
        _call(case.scheduler.opening, target, case.render_arguments()),
        _judged(case, target),
    )


@st.composite
def variadic_generics(draw: st.DrawFn) -> OddCase:
    """``*args: *Ts`` (or ``Unpack[Ts]``) after ordinary parameters: anything fits the unpacked part."""
    base = draw(signatures((TargetKind.FUNCTION,)))
    parameters = [p for p in base.parameters if p.kind is not Kind.VAR_POSITIONAL]
    position = sum(p.kind <= Kind.POSITIONAL_OR_KEYWORD for p in parameters)
    star = Parameter(
        "args", Kind.VAR_POSITIONAL, Annotation("T", spelling=draw(st.sampled_from(("*Ts", "Unpack[Ts]"))))
    )
    model = replace(base, parameters=(*parameters[:position], star, *parameters[position:]))
    case = draw(_cases(model))
    return OddCase(
        "TypeVarTuple",
        tuple(model.render_definition("t{n}")),
        case.render_call("t{n}"),
        _judged(case, "t{n}"),
    )


@st.composite
def recursive_aliases(draw: st.DrawFn) -> OddCase:
    base = draw(signatures((TargetKind.FUNCTION,)))
    parameters = tuple(
        replace(p, annotation=Annotation("Tree", p.annotation.optional)) if draw(st.booleans()) else p
        for p in base.parameters
    )
    case = draw(_cases(replace(base, parameters=parameters)))
    return OddCase(
        "recursive alias",
        tuple(case.signature.render_definition("t{n}")),
        case.render_call("t{n}"),
        _judged(case, "t{n}"),
    )


@st.composite
def protocols(draw: st.DrawFn) -> OddCase:
    """A value typed by a callback protocol, or by ``Callable[..., None]`` (whose arguments are unchecked)."""
    signature = replace(draw(signatures((TargetKind.FUNCTION,))), returns_none=True)
    case = draw(_cases(signature))
    lines = signature.render_definition("t{n}_impl")
    if draw(st.booleans()):
        protocol = replace(signature, target_kind=TargetKind.CALLABLE_INSTANCE).render_definition(
            "t{n}_proto"
        )
        lines += [
            protocol[0].replace(":", "(Protocol):", 1),
            protocol[1],
            "        ...",
            "t{n}: t{n}_proto = t{n}_impl",
        ]
        return OddCase("callback protocol", tuple(lines), case.render_call("t{n}"), _judged(case, "t{n}"))
    lines.append("t{n}: Callable[..., None] = t{n}_impl")
    return OddCase(
        "Callable[..., None]",
        tuple(lines),
        case.render_call("t{n}"),
        _judged(case, "t{n}", _unannotated(signature)),
    )


@st.composite
def unbound_methods(draw: st.DrawFn) -> OddCase:
    """``add_task(Class.method, instance, ...)``: the receiver passed explicitly."""
    signature = draw(signatures((TargetKind.BOUND_METHOD,)))
    receiver = Parameter("me", Kind.POSITIONAL_OR_KEYWORD, Annotation(None))
    model = replace(signature, parameters=(receiver, *signature.parameters), target_kind=TargetKind.FUNCTION)
    case = draw(_cases(model))
    arguments = [a for a in case.arguments if a.name != "me"]
    if not arguments or arguments[0].name is not None or arguments[0].star_values:
        arguments.insert(0, Argument("t{n}()"))
    else:
        arguments[0] = Argument("t{n}()")
    case = replace(case, arguments=tuple(arguments))
    return OddCase(
        "unbound method",
        tuple(signature.render_definition("t{n}")),
        _call(case.scheduler.opening, "t{n}.run", case.render_arguments()),
        _judged(case, "t{n}.run", model),
    )


@st.composite
def typed_kwargs(draw: st.DrawFn) -> OddCase:
    """``**kwargs: Unpack[SomeTypedDict]``: the keywords must be the dict's keys, with fitting values."""
    keys = draw(
        st.lists(st.sampled_from(("a", "b", "name", "func", "self")), unique=True, min_size=1, max_size=3)
    )
    annotations = {key: draw(st.sampled_from(("int", "str", "list[int]"))) for key in keys}
    total = draw(st.booleans())
    needed: set[str] = set()
    lines = [f"class t{{n}}_keys(TypedDict{'' if total else ', total=False'}):"]
    for key in keys:
        if total and draw(st.booleans()):
            needed.add(key)
            lines.append(f"    {key}: {annotations[key]}")
        else:
            lines.append(
                f"    {key}: {annotations[key] if not total else f'NotRequired[{annotations[key]}]'}"
            )
    lines += ["def t{n}(**kwargs: Unpack[t{n}_keys]) -> None:", "    pass"]
    names = draw(st.lists(st.sampled_from((*keys, "zz")), unique=True, max_size=4))
    arguments = [Argument(draw(values(Annotation(annotations.get(name, "int")))), name) for name in names]
    if draw(st.integers(0, 5)) == 0:
        arguments.insert(0, Argument("1"))
    scheduler = draw(st.sampled_from(SCHEDULERS))
    text = ", ".join(a.render() for a in arguments)
    model = {key: Annotation(annotations[key]) for key in keys}

    def fits(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
        for name, value in kwargs.items():
            if name not in model or not model[name].fits(value):
                return f"{name}={value!r} does not fit the TypedDict"
        missing = needed - set(kwargs)
        return f"missing keys {sorted(missing)}" if missing else None

    judge = Judge(text, (("t{n}", fits),), collides(scheduler, arguments))
    return OddCase("Unpack[TypedDict]", tuple(lines), _call(scheduler.opening, "t{n}", text), judge)


# Shapes where only crash-freedom is asserted: the runtime verdict depends on values mypy cannot see.
@st.composite
def unknown_lengths(draw: st.DrawFn) -> OddCase:
    case = draw(_cases(draw(signatures())))
    element = draw(st.sampled_from(("int", "str", "Any", "Json", "int | None")))
    shape = draw(st.sampled_from(("*list", "**dict[str, Any]", "*Any", "*tuple[int, ...]", "both")))
    lines = list(case.signature.render_definition("t{n}"))
    extra: list[str] = []
    if shape in ("*list", "both"):
        lines.append(f"xs{{n}}: list[{element}] = []")
        extra.append("*xs{n}")
    if shape in ("**dict[str, Any]", "both"):
        lines.append("kw{n}: dict[str, Any] = {}")
        extra.append("**kw{n}")
    if shape == "*Any":
        lines.append("anything{n}: Any = ()")
        extra.append("*anything{n}")
    if shape == "*tuple[int, ...]":
        lines.append("ints{n}: tuple[int, ...] = ()")
        extra.append("*ints{n}")
    arguments = ", ".join(x for x in (case.render_arguments(), *extra) if x)
    target = case.signature.target_text("t{n}")
    return OddCase(f"unknown length {shape}", tuple(lines), _call(case.scheduler.opening, target, arguments))


STRANGE_TARGETS = (
    "a scheduler scheduled",
    "a union with Any",
    "an Optional target",
    "type[C] or Callable[..., Any] parameter",
    "the target unpacked from a tuple",
    "the target from **{'func': ...}",
    "a lambda returning the call",
    "the call's result",
    "a partial of a scheduler",
)


@st.composite
def strange_targets(draw: st.DrawFn) -> OddCase:
    """Schedulers scheduled, unions of targets, ``type[C]``, the target itself unpacked, coroutines."""
    case = draw(_cases(draw(signatures((TargetKind.FUNCTION, TargetKind.CLASS, TargetKind.ASYNC_FUNCTION)))))
    lines = list(case.signature.render_definition("t{n}"))
    arguments = case.render_arguments()
    opening = case.scheduler.opening
    shape = draw(st.integers(0, len(STRANGE_TARGETS) - 1))
    if shape == 0:
        other = draw(schedulers)
        call = _call(opening, other.rstrip("("), ", ".join(x for x in ("t{n}", arguments) if x))
    elif shape == 1:
        lines.append("u{n} = t{n} if flag else returns_any")
        call = _call(opening, "u{n}", arguments)
    elif shape == 2:
        lines.append("u{n} = t{n} if flag else None")
        call = _call(opening, "u{n}", arguments)
    elif shape == 3:
        lines += [
            "def k{n}(c: type[t{n}]) -> None:"
            if case.signature.target_kind is TargetKind.CLASS
            else "def k{n}(c: Callable[..., Any]) -> None:"
        ]
        call = "    " + _call(opening, "c", arguments)
    elif shape == 4:
        positional = [a.render() for a in case.arguments if a.name is None]
        keywords = [a.render() for a in case.arguments if a.name is not None]
        star = "*(" + ", ".join(["t{n}", *positional]) + ",)"
        call = opening + ", ".join([star, *keywords]) + ")"
    elif shape == 5:
        call = f"{opening}**{{'func': t{{n}}}})"
    elif shape == 6:
        call = _call(opening, "lambda: t{n}(" + arguments + ")", "")
    elif shape == 7:
        call = _call(opening, "t{n}(" + arguments + ")", "")
    else:
        lines.append("p{n} = functools.partial(" + draw(schedulers).rstrip("(") + ", t{n})")
        call = _call(opening, "p{n}", arguments)
    return OddCase(f"strange target: {STRANGE_TARGETS[shape]}", tuple(lines), call)


# Library and typing constructs as targets: (definitions, target). Crash-freedom only.
LIBRARY_TARGETS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("@dataclasses.dataclass", "class t{n}:", "    a: int", "    b: str = ''"), "t{n}"),
    (("class t{n}(NamedTuple):", "    a: int", "    b: str = ''"), "t{n}"),
    (("t{n} = NewType('t{n}', int)",), "t{n}"),
    (("class t{n}(TypedDict):", "    a: int"), "t{n}"),
    (("class t{n}(enum.Enum):", "    A = 1"), "t{n}"),
    ((), "int"),
    ((), "len"),
    ((), "sorted"),
    ((), "max"),
    ((), "dict"),
    ((), "', '.join"),
    ((), "print"),
    (("class t{n}(Generic[P]):", "    def __call__(me, *args: P.args, **kwargs: P.kwargs) -> None:", "        pass"), "t{n}[[int, str]]()"),
    (("def t{n}(f: Callable[Concatenate[int, P], None]) -> Callable[P, None]:", "    return lambda *a, **k: None",
      "def t{n}_inner(x: int, y: str, *, z: bytes = b'') -> None:", "    pass"), "t{n}(t{n}_inner)"),
    (("async def t{n}_async(a: int) -> None:", "    pass", "def t{n}(a: int) -> Coroutine[Any, Any, None]:", "    return t{n}_async(a)"), "t{n}"),
    (("class t{n}:", "    @overload", "    def __call__(me, a: int) -> None: ...", "    @overload",
      "    def __call__(me, a: str, b: int) -> None: ...", "    def __call__(me, *args: Any) -> None:", "        pass"), "t{n}()"),
    (("class t{n}:", "    @overload", "    def __init__(me, a: int) -> None: ...", "    @overload",
      "    def __init__(me, a: str, b: int) -> None: ...", "    def __init__(me, *args: Any) -> None:", "        pass"), "t{n}"),
    (("class t{n}(Generic[T]):", "    def run(me, item: T, *rest: T) -> None:", "        pass"), "t{n}[bytes]().run"),
    (("class t{n}(Protocol):", "    def __call__(me, a: int, /) -> None: ...", "def k{n}(p: type[t{n}]) -> None:", "    pass"), "k{n}"),
    ((), "returns_any"),
    ((), "bg.add_task"),
    ((), "type"),
    ((), "object"),
    (("t{n}: Any = None",), "t{n}"),
    (("t{n}: Callable[P, None]",), "t{n}"),
)  # fmt: skip


@st.composite
def library_targets(draw: st.DrawFn) -> OddCase:
    definitions, target = draw(st.sampled_from(LIBRARY_TARGETS))
    arguments = draw(st.lists(st.sampled_from(ALL_VALUES), max_size=3))
    names = draw(
        st.lists(st.sampled_from(("a", "b", "sep", "key", "func", "self", "z")), unique=True, max_size=2)
    )
    text = ", ".join([*arguments, *(f"{name}={draw(st.sampled_from(ALL_VALUES))}" for name in names)])
    label = (definitions[0] if definitions else target).replace("{n}", "N")
    return OddCase(f"library target: {label}", definitions, _call(draw(schedulers), target, text))


SHAPES = (
    decorated, partials, lambdas, overloads, generics, variadic_generics, recursive_aliases, protocols,
    unbound_methods, typed_kwargs, unknown_lengths, strange_targets, library_targets,
)  # fmt: skip


@st.composite
def odd_batches(draw: st.DrawFn, size: int) -> list[OddCase]:
    """About ``size`` cases, the same number of each shape."""
    each = max(1, size // len(SHAPES))
    return [case for shape in SHAPES for case in draw(st.lists(shape(), min_size=each, max_size=each))]


@dataclass
class OddModule:
    text: str
    definitions: str  # everything but the top-level calls: executed for the runtime verdicts
    checked_lines: list[list[int]]  # per case: its call's line, and the lines of the partials it makes


def render_odd_module(batch: Sequence[OddCase]) -> OddModule:
    lines = list(ODD_HEADER)
    checked: list[list[int]] = []
    top_level_calls: list[tuple[int, str]] = []
    for number, case in enumerate(batch):
        definitions, call = case.render(number)
        checked.append([])
        for line in definitions:
            lines.append(line)
            if "functools.partial(" in line:
                checked[-1].append(len(lines))
        if call.startswith(" "):  # a call in a function body (``type[C]``) stays in its function
            lines.append(call)
            checked[-1].append(len(lines))
        else:
            top_level_calls.append((number, call))
    definitions_text = "\n".join(lines) + "\n"
    lines.append("")
    for number, call in top_level_calls:
        lines.append(call)
        checked[number].append(len(lines))
    return OddModule("\n".join(lines) + "\n", definitions_text, checked)


@dataclass
class OddResult:
    calls: int = 0
    judged: int = 0
    runtime_accepted: int = 0
    # Wrong at run time, not flagged: allowed in these shapes (unknown types are not guessed at); reported.
    missed: list[str] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    flagged_correct: list[str] = field(default_factory=list)
    by_shape: dict[str, int] = field(default_factory=dict)


def runtime_accepts(judge: Judge, number: int, namespace: dict[str, Any]) -> tuple[bool, str]:
    def own(text: str) -> str:
        return text.replace("{n}", str(number))

    args, kwargs = eval(f"_capture({own(judge.arguments)})", namespace)
    if judge.collides:
        return False, "a task keyword collides with the scheduler's own parameter"
    reasons: list[str] = []
    for probe, model in judge.probes:
        reason = binding_error(eval(own(probe), namespace), args, kwargs)
        if reason is None:
            reason = misfit(model, args, kwargs) if isinstance(model, Signature) else model(args, kwargs)
        if reason is None:
            return True, ACCEPTED
        reasons.append(reason)
    return False, "; ".join(reasons)


def check_odd_batch(batch: Sequence[OddCase], workdir: Path, cache_dir: Path) -> OddResult:
    module = render_odd_module(batch)
    run = run_mypy(module.text, workdir, cache_dir)
    result = OddResult(calls=len(batch))
    for case in batch:
        result.by_shape[case.shape] = result.by_shape.get(case.shape, 0) + 1
    if run.crashed or run.stray:
        culprit = None
        if run.crashed:
            culprit = isolate_crash(batch, lambda part: render_odd_module(part).text, workdir, cache_dir)
        shown = render_odd_module(culprit).text if culprit else module.text
        result.crashes.append(f"mypy exit {run.returncode}:\n{run.output[-4000:]}\n--- module:\n{shown}")
        return result
    namespace = fresh_namespace(module.definitions)
    for number, (case, lines) in enumerate(zip(batch, module.checked_lines, strict=True)):
        if case.judge is None:
            continue
        result.judged += 1
        errors = [message for line in lines for message in run.errors.get(line, [])]
        accepted, reason = runtime_accepts(case.judge, number, namespace)
        result.runtime_accepted += accepted
        if accepted == bool(errors):
            shown = "\n".join([*case.render(0)[0], case.render(0)[1]])
            verdicts = f"    mypy + plugin: {'; '.join(errors) or 'no error'}\n    runtime: {reason}"
            (result.flagged_correct if accepted else result.missed).append(
                f"--- {case.shape}\n{shown}\n{verdicts}\n"
            )
    return result
