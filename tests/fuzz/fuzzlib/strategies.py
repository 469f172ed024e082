"""Hypothesis strategies for target signatures and the scheduling calls made against them.

Calls are drawn around the boundary of what binds: mostly complete and well typed, then perturbed
(a value of another type, one positional argument too many or too few, a keyword the target does not take,
a name given twice, ``func=`` / ``self=``), so that both verdicts occur often.
"""

from __future__ import annotations

from dataclasses import replace

import mypy.version
from hypothesis import strategies as st

from .model import (
    ALL_VALUES,
    FITTING_VALUES,
    PUBLISHED_SCHEDULERS,
    SCHEDULERS,
    VALUE_TYPES,
    Annotation,
    ArgsForm,
    Argument,
    Case,
    Decorator,
    Kind,
    KwargsForm,
    Parameter,
    Result,
    Signature,
    TargetKind,
    is_context_free,
)

MYPY_VERSION = tuple(int(part) for part in mypy.version.__version__.split("+")[0].split(".")[:3])
NAMES = ("a", "b", "c", "x", "y", "name", "item", "func", "self")
# mypy before 1.16 (1.12.1 is tested) matches a keyword argument named like a ``*args`` parameter to that
# parameter, on a direct call as through the plugin (``def t(*args: float, **kw: str)``; ``t(args=None)`` is
# refused). That is mypy's own answer, not the plugin's: there, no ``*args`` parameter is named like a keyword
# the generated calls use.
KEYWORDS_NAME_STAR_ARGS = MYPY_VERSION >= (1, 16)
STAR_NAMES = ("args", "rest") if KEYWORDS_NAME_STAR_ARGS else ("rest", "more")
DOUBLE_STAR_NAMES = ("kwargs", "options")
UNKNOWN_NAMES = ("zz", "func", "self", "kwargs", "args")
BASES = ("int", "str", "bytes", "float", "list[int]", None, "Json")


@st.composite
def annotations(draw: st.DrawFn) -> Annotation:
    base = draw(st.sampled_from(BASES))
    if base is None:
        return Annotation(None)
    optional = draw(st.integers(0, 3)) == 0
    return Annotation(base, optional, optional and draw(st.booleans()))


@st.composite
def signatures(
    draw: st.DrawFn, target_kinds: tuple[TargetKind, ...] = tuple(TargetKind), published: bool = False
) -> Signature:
    """A target; ``published`` adds the shapes published code has: decorators, maybe-awaitable returns."""
    names = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=4))
    kinds = sorted(
        draw(st.sampled_from((Kind.POSITIONAL_ONLY, Kind.POSITIONAL_OR_KEYWORD, Kind.KEYWORD_ONLY)))
        for _ in names
    )
    parameters: list[Parameter] = []
    defaulted = False
    for name, kind in zip(names, kinds, strict=True):
        has_default = draw(st.integers(0, 2)) == 0
        if kind is not Kind.KEYWORD_ONLY:
            has_default = has_default or defaulted  # a positional parameter after a default needs one too
            defaulted = has_default
        parameters.append(Parameter(name, kind, draw(annotations()), has_default))
    if draw(st.integers(0, 2)) == 0:
        star = Parameter(draw(st.sampled_from(STAR_NAMES)), Kind.VAR_POSITIONAL, draw(annotations()))
        parameters.insert(sum(p.kind <= Kind.POSITIONAL_OR_KEYWORD for p in parameters), star)
    if draw(st.integers(0, 2)) == 0:
        parameters.append(
            Parameter(draw(st.sampled_from(DOUBLE_STAR_NAMES)), Kind.VAR_KEYWORD, draw(annotations()))
        )
    target_kind = draw(st.sampled_from(target_kinds))
    signature = Signature(tuple(parameters), target_kind, returns_none=draw(st.integers(0, 3)) != 0)
    if not published:
        return signature
    functions = (TargetKind.FUNCTION, TargetKind.ASYNC_FUNCTION)
    if target_kind in functions and draw(st.integers(0, 2)) == 0:
        signature = replace(signature, decorator=draw(st.sampled_from(Decorator)))
    if target_kind is not TargetKind.CLASS and draw(st.integers(0, 2)) == 0:
        signature = replace(signature, result=draw(st.sampled_from(Result)))
    return signature


@st.composite
def values(draw: st.DrawFn, annotation: Annotation | None) -> str:
    """Source text of a value: mostly one that fits ``annotation``, sometimes any value at all."""
    if annotation is None or annotation.base not in FITTING_VALUES or draw(st.integers(0, 4)) == 0:
        return draw(st.sampled_from(ALL_VALUES))
    if annotation.optional and draw(st.integers(0, 3)) == 0:
        return "None"
    return draw(st.sampled_from(FITTING_VALUES[annotation.base]))


@st.composite
def cases(draw: st.DrawFn, signature: Signature, published: bool = False) -> Case:
    scheduler = draw(st.sampled_from(SCHEDULERS + (PUBLISHED_SCHEDULERS if published else ())))
    positional = signature.positional
    star = signature.variadic(Kind.VAR_POSITIONAL)
    double_star = signature.variadic(Kind.VAR_KEYWORD)
    required_positional_only = sum(p.kind is Kind.POSITIONAL_ONLY and not p.has_default for p in positional)
    perturb = draw(st.integers(0, 2)) == 0
    if perturb:
        count = draw(st.integers(0, len(positional) + 2))
    else:
        count = draw(st.integers(required_positional_only, len(positional) + (2 if star else 0)))

    arguments: list[Argument] = []
    for index in range(count):
        annotation = (
            positional[index].annotation if index < len(positional) else (star.annotation if star else None)
        )
        arguments.append(Argument(draw(values(annotation))))

    keyword_parameters = [
        p
        for p in signature.parameters[min(count, len(positional)) :]
        if p.kind in (Kind.POSITIONAL_OR_KEYWORD, Kind.KEYWORD_ONLY)
    ]
    named: dict[str, Argument] = {}
    for parameter in keyword_parameters:
        if not parameter.has_default or draw(st.booleans()):
            named[parameter.name] = Argument(draw(values(parameter.annotation)), parameter.name)
    if double_star is not None and draw(st.integers(0, 2)) == 0:
        extra = draw(st.sampled_from(UNKNOWN_NAMES + tuple(p.name for p in positional)))
        named.setdefault(extra, Argument(draw(values(double_star.annotation)), extra))
    if perturb:
        for _ in range(draw(st.integers(1, 2))):
            arguments, named = draw(_perturbation(signature, arguments, named))

    keyword_arguments = list(named.values())
    keyword_arguments = (
        draw(st.permutations(keyword_arguments)) if len(keyword_arguments) > 1 else keyword_arguments
    )
    arguments = _maybe_star(draw, arguments)
    # A positional-only scheduler mostly gets none of the keywords; sometimes all of them as `**{...}`, which
    # it refuses (a key naming its own `name` parameter would be taken by it: such calls drop them).
    unpacked = (
        scheduler.positional_only
        and bool(keyword_arguments)
        and "name" not in named
        and draw(st.integers(0, 3)) == 0
    )
    if scheduler.positional_only and not unpacked:
        keyword_arguments = []
    by_keyword = bool(scheduler.reserved) and "func" not in named and draw(st.integers(0, 4)) == 0
    case = Case(
        signature, scheduler, (*arguments, *keyword_arguments), by_keyword, keywords_unpacked=unpacked
    )
    return draw(_packing(case)) if scheduler.packed else case


@st.composite
def _packing(draw: st.DrawFn, case: Case) -> Case:
    """How ``args=`` and ``kwargs=`` are written: literals, or variables of known or unknown shape.

    A variable holds values whose type mypy infers without context (``[True]`` alone is a ``list[bool]``,
    which does not fit ``list[int]``); where one would not, or would be empty, the call keeps a literal.
    """
    args_form = draw(st.sampled_from(ArgsForm))
    kwargs_form = draw(st.sampled_from(KwargsForm))
    positional = case.positional_values
    if args_form in (ArgsForm.TUPLE_VARIABLE, ArgsForm.LIST_VARIABLE) and not (
        positional and all(v in VALUE_TYPES for v in positional)
    ):
        args_form = ArgsForm.TUPLE
    keywords = [a.value for a in case.keyword_arguments]
    if kwargs_form is not KwargsForm.DICT and not (keywords and all(v in VALUE_TYPES for v in keywords)):
        kwargs_form = KwargsForm.DICT
    return replace(case, args_form=args_form, kwargs_form=kwargs_form)


@st.composite
def _perturbation(
    draw: st.DrawFn, signature: Signature, arguments: list[Argument], named: dict[str, Argument]
) -> tuple[list[Argument], dict[str, Argument]]:
    arguments = list(arguments)
    named = dict(named)
    choice = draw(st.integers(0, 5))
    if choice == 0 and named:
        del named[draw(st.sampled_from(sorted(named)))]
    elif choice == 1 and arguments:
        arguments.pop()
    elif choice == 2:
        arguments.append(Argument(draw(st.sampled_from(ALL_VALUES))))
    elif choice == 3:
        candidates = UNKNOWN_NAMES + tuple(
            p.name
            for p in signature.parameters
            if KEYWORDS_NAME_STAR_ARGS or p.kind is not Kind.VAR_POSITIONAL
        )
        name = draw(st.sampled_from(candidates))
        named[name] = Argument(draw(st.sampled_from(ALL_VALUES)), name)
    elif choice == 4 and (arguments or named):
        if named and draw(st.booleans()):
            key = draw(st.sampled_from(sorted(named)))
            named[key] = Argument(draw(st.sampled_from(ALL_VALUES)), key)
        elif arguments:
            index = draw(st.integers(0, len(arguments) - 1))
            arguments[index] = Argument(draw(st.sampled_from(ALL_VALUES)))
    else:
        name = draw(st.sampled_from(("func", "self")))
        named[name] = Argument(draw(st.sampled_from(ALL_VALUES)), name)
    return arguments, named


def _maybe_star(draw: st.DrawFn, arguments: list[Argument]) -> list[Argument]:
    """Sometimes pass a run of positional arguments as ``*(...)``: a tuple whose length mypy knows.

    Only values whose type does not depend on the parameter: mypy infers a tuple to unpack without the
    callee's context (``*([True],)`` is a ``tuple[list[bool]]``, which does not fit ``list[int]``, with or
    without the plugin).
    """
    if not arguments or draw(st.integers(0, 3)) != 0:
        return arguments
    start = draw(st.integers(0, len(arguments) - 1))
    stop = draw(st.integers(start + 1, len(arguments)))
    if not all(is_context_free(a.value) for a in arguments[start:stop]):
        return arguments
    star = Argument("", star_values=tuple(a.value for a in arguments[start:stop]))
    return [*arguments[:start], star, *arguments[stop:]]


@st.composite
def batches(
    draw: st.DrawFn, size: int, target_kinds: tuple[TargetKind, ...] = tuple(TargetKind)
) -> list[Case]:
    """About ``size`` cases: a few calls for each generated signature, published code's shapes included."""
    batch: list[Case] = []
    while len(batch) < size:
        signature = draw(signatures(target_kinds, published=True))
        calls = cases(signature, published=True)
        batch += draw(st.lists(calls, min_size=1, max_size=min(5, size - len(batch))))
    return batch
