"""The two judges the fuzz tests rely on, checked against hand-written cases."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from bgtyped_fuzzlib.model import (
    SCHEDULERS,
    START_SOON,
    THREAD,
    Annotation,
    ArgsForm,
    Argument,
    Case,
    Decorator,
    Kind,
    Parameter,
    Result,
    Signature,
    TargetKind,
    render_module,
)
from bgtyped_fuzzlib.verdicts import MypyRun, compare, isolate_crash, run_mypy, runtime_verdicts

BG, BG_TASK, STARLETTE, STARLETTE_TASK, FASTAPI, STARLETTE_SUBCLASS, BG_SUBCLASS = SCHEDULERS


@pytest.mark.parametrize(
    ("annotation", "value", "fits"),
    [
        (Annotation("float"), 1, True),  # an int is acceptable where a float is expected
        (Annotation("float"), True, True),
        (Annotation("float"), 1j, False),
        (Annotation("int"), False, True),  # bool is an int
        (Annotation("int"), 1.0, False),
        (Annotation("int"), None, False),
        (Annotation("int", optional=True), None, True),
        (Annotation("str"), b"x", False),
        (Annotation("bytes"), "x", False),
        (Annotation("list[int]"), [1, True], True),
        (Annotation("list[int]"), [1, "a"], False),
        (Annotation("list[int]"), (1, 2), False),
        (Annotation("Json"), [1, "a", [2, []]], True),
        (Annotation("Json"), [1.5], False),
        (Annotation("Tree"), (1, [(2, [])]), True),
        (Annotation("Tree"), (1, [2]), False),
        (Annotation(None), object(), True),
    ],
)
def test_values_fit_by_the_typing_spec(annotation: Annotation, value: object, fits: bool) -> None:
    assert annotation.fits(value) is fits


def _signature(*parameters: Parameter) -> Signature:
    return Signature(parameters)


TARGET = _signature(
    Parameter("to", Kind.POSITIONAL_ONLY, Annotation("str")),
    Parameter("count", Kind.POSITIONAL_OR_KEYWORD, Annotation("int"), has_default=True),
    Parameter("options", Kind.VAR_KEYWORD, Annotation("float")),
)


def _runtime(*cases: Case) -> list[tuple[bool, str]]:
    verdicts = runtime_verdicts(cases, render_module(cases))
    assert all(v.consistent for v in verdicts)
    return [(v.accepted, v.reason) for v in verdicts]


def test_runtime_verdicts_follow_real_calls() -> None:
    verdicts = _runtime(
        Case(TARGET, BG, (Argument('"a"'), Argument("2"))),
        Case(
            TARGET, BG, (Argument('"a"'), Argument("1", "to"))
        ),  # the positional-only name reaches **options
        Case(TARGET, BG, ()),
        Case(TARGET, BG, (Argument('"a"'), Argument('"x"', "count"))),
        Case(TARGET, STARLETTE, (Argument('"a"'), Argument("1.5", "func"))),
        Case(TARGET, BG, (Argument('"a"'), Argument("1.5", "func"), Argument("2", "self"))),
        Case(TARGET, FASTAPI, (Argument("1"),)),
        Case(TARGET, STARLETTE_TASK, (Argument("", star_values=('"a"', "3")),), target_by_keyword=True),
        Case(TARGET, STARLETTE_SUBCLASS, (Argument('"a"'), Argument("1", "self"))),
        Case(TARGET, BG_SUBCLASS, (Argument('"a"'), Argument("1", "self"))),
    )
    assert [accepted for accepted, _ in verdicts] == [
        True,
        True,
        False,
        False,
        False,
        True,
        False,
        False,
        False,
        True,
    ]
    assert "missing 1 required positional argument" in verdicts[2][1]
    assert "does not fit 'int'" in verdicts[3][1]
    assert "multiple values for argument 'func'" in verdicts[4][1]
    assert "does not fit 'str'" in verdicts[6][1]


def test_a_crash_is_recognised() -> None:
    assert MypyRun(2, "", {}, []).crashed
    assert MypyRun(1, "x.py:1: error: INTERNAL ERROR -- Please try using mypy master", {}, []).crashed
    assert MypyRun(1, 'Traceback (most recent call last):\n  File "x"', {}, []).crashed
    assert not MypyRun(1, "x.py:1: error: Name 'y' is not defined", {}, []).crashed


@pytest.mark.slow
def test_a_rewritten_module_is_never_judged_from_the_cache(tmp_path: Path, mypy_cache: Path) -> None:
    # Same size, same second: mypy's cache would trust the first file's results for the second.
    first = run_mypy("x: int = 'a'\ny: str = 'b'\n", tmp_path, mypy_cache)
    second = run_mypy("x: str = 'a'\ny: int = 'b'\n", tmp_path, mypy_cache)
    assert set(first.errors) == {1}
    assert set(second.errors) == {2}


@pytest.mark.slow
def test_compare_reports_a_disagreement(tmp_path: Path, mypy_cache: Path) -> None:
    # mypy infers a tuple to unpack without the callee's context: `*([True],)` is a tuple[list[bool]],
    # which does not fit list[int], although the value does. The comparison must notice.
    target = _signature(Parameter("items", Kind.POSITIONAL_OR_KEYWORD, Annotation("list[int]")))
    agreeing = [
        Case(target, BG, (Argument("[True]"),)),
        Case(target, STARLETTE, (Argument('["a"]'),)),
        Case(target, FASTAPI, (Argument("[1]"), Argument("[2]"))),
    ]
    disagreeing = Case(target, BG, (Argument("", star_values=("[True]",)),))
    result = compare([*agreeing, disagreeing], tmp_path, mypy_cache)
    assert not result.unexpected
    assert [d.case for d in result.disagreements] == [disagreeing]
    assert result.disagreements[0].runtime.accepted
    assert result.disagreements[0].static_errors


@pytest.mark.slow
def test_a_crash_is_isolated_to_the_case_that_causes_it(tmp_path: Path, mypy_cache: Path) -> None:
    # A blocking error (here a syntax error) ends mypy with exit status 2, as a crash does.
    lines = ["x = 1", "y = 2", "z = (", "w = 4", "v = 5"]
    culprit = isolate_crash(lines, lambda part: "\n".join(part) + "\n", tmp_path, mypy_cache)
    assert culprit == ["z = ("]


def test_runtime_verdicts_judge_what_the_task_returns() -> None:
    def returning(result: Result, kind: TargetKind = TargetKind.FUNCTION) -> Signature:
        return Signature(TARGET.parameters, kind, result=result)

    arguments = (Argument('"a"'),)
    verdicts = runtime_verdicts(
        cases := [
            Case(returning(Result.COROUTINE), THREAD, arguments),
            Case(returning(Result.INT_OR_AWAITABLE), THREAD, arguments),
            Case(returning(Result.AWAITABLE), START_SOON, arguments),
            Case(returning(Result.COROUTINE), START_SOON, arguments),
            Case(returning(Result.ANY_OR_AWAITABLE), START_SOON, arguments),
            Case(returning(Result.AWAITABLE_UNION), STARLETTE, arguments),
            Case(returning(Result.AWAITABLE_UNION, TargetKind.ASYNC_FUNCTION), STARLETTE, arguments),
            Case(returning(Result.ANY), BG, arguments),
        ],
        render_module(cases),
    )
    assert all(v.consistent for v in verdicts)
    assert [v.accepted for v in verdicts] == [False, True, False, True, False, False, True, False]
    assert "never awaits" in verdicts[0].reason
    assert "to return a coroutine" in verdicts[2].reason
    assert "sync callable returned an awaitable" in verdicts[5].reason
    # An `Any` result says nothing: mypy cannot know the mistake, and must accept the call.
    assert [v.knowable for v in verdicts] == [True, True, True, True, True, True, True, False]


def test_runtime_verdicts_know_what_types_cannot_tell() -> None:
    wrong = (Argument("1"),)  # `to` is a str
    plain = Signature(TARGET.parameters)
    verdicts = runtime_verdicts(
        cases := [
            Case(plain, THREAD, wrong, args_form=ArgsForm.LIST_VARIABLE),
            Case(plain, THREAD, wrong, args_form=ArgsForm.TUPLE_VARIABLE),
            Case(replace(plain, decorator=Decorator.UNTYPED), BG, wrong),
            Case(replace(plain, decorator=Decorator.STRIPS_CONTEXT), BG, wrong),
            Case(replace(plain, decorator=Decorator.STRIPS_CONTEXT), BG, (Argument('"a"'),)),
        ],
        render_module(cases),
    )
    assert all(v.consistent for v in verdicts)
    assert [v.accepted for v in verdicts] == [False, False, False, False, True]
    assert [v.knowable for v in verdicts] == [False, True, False, True, True]


def test_runtime_verdicts_on_wrappers_dispatch_and_closures() -> None:
    wrong = (Argument("1"),)  # `to` is a str
    right = (Argument('"a"'),)
    plain = Signature(TARGET.parameters)
    wraps = replace(plain, decorator=Decorator.WRAPS_STRIPS_CONTEXT)
    dispatched = replace(plain, decorator=Decorator.SINGLEDISPATCH)
    closure = replace(plain, target_kind=TargetKind.CLOSURE)
    verdicts = runtime_verdicts(
        cases := [
            Case(wraps, BG, wrong),
            Case(wraps, BG, right),
            Case(wraps, BG, ()),  # bgtyped binds the wrapper's own `*args, **kwargs`: it fails when run
            Case(dispatched, BG, wrong),
            Case(dispatched, BG, right),
            Case(dispatched, BG, (Argument("1j"), Argument("2"), Argument("3"))),  # the `complex` one
            Case(dispatched, BG, ()),
            Case(closure, BG, wrong),
            Case(closure, BG, right),
            Case(replace(closure, result=Result.COROUTINE), BG, right),
            Case(replace(closure, result=Result.COROUTINE), THREAD, right),
        ],
        render_module(cases),
    )
    assert all(v.consistent for v in verdicts)
    assert [v.accepted for v in verdicts] == [
        False, True, False, False, True, True, False, False, True, False, False,
    ]  # fmt: skip
    assert "the task failed when run" in verdicts[2].reason
    assert "requires at least 1 positional argument" in verdicts[6].reason
    # Which implementation runs depends on a value's type, and a callback protocol does not say whether the
    # function behind it is async: no type tells these mistakes.
    assert [v.knowable for v in verdicts] == [
        True, True, True, False, True, True, False, True, True, False, True,
    ]  # fmt: skip
