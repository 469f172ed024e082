"""``bgtyped.check_call``: add_task's check, for any scheduler."""

from __future__ import annotations

import functools

import pytest

import bgtyped


def resize(path: str, width: int, *, keep_ratio: bool = True) -> None: ...


def test_a_call_that_binds_returns_none() -> None:
    assert bgtyped.check_call(resize, "a.png", 640) is None
    assert bgtyped.check_call(resize, "a.png", width=640, keep_ratio=False) is None
    assert bgtyped.check_call(functools.partial(resize, "a.png"), 640) is None


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("a.png",), {}, "resize() missing 1 required positional argument: 'width'"),
        (("a.png", 1, 2), {}, "resize() takes 2 positional arguments but 3 were given"),
        (("a.png", 1), {"height": 2}, "resize() got an unexpected keyword argument 'height'"),
    ],
)
def test_a_call_that_does_not_bind_raises_the_calls_own_error(
    args: tuple[object, ...], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(TypeError) as raised:
        bgtyped.check_call(resize, *args, **kwargs)
    assert str(raised.value) == message
    # The real call raises the same error.
    with pytest.raises(TypeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        resize(*args, **kwargs)  # type: ignore[arg-type]


def test_not_callable_is_refused() -> None:
    with pytest.raises(TypeError, match="got int"):
        bgtyped.check_call(42)  # type: ignore[arg-type]


def test_builtins_whose_parameters_cannot_be_known_are_accepted() -> None:
    assert bgtyped.check_call(print, 1, 2, sep="-") is None
