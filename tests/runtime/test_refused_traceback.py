"""A refused call's traceback is the user's: it points at the scheduling line and chains no internal error."""

from __future__ import annotations

import functools
import inspect
import traceback
from collections.abc import Callable

import pytest

import bgtyped


def send_email(to: str, subject: str) -> None: ...


class Mailer:
    def send(self, to: str) -> None: ...


def schedule_with_add_task() -> None:
    tasks = bgtyped.BackgroundTasks()
    tasks.add_task(send_email, subject="Welcome")  # type: ignore[call-arg]


def schedule_with_background_task() -> None:
    bgtyped.BackgroundTask(send_email, subject="Welcome")  # type: ignore[call-arg]


def schedule_with_check_call() -> None:
    bgtyped.check_call(send_email, subject="Welcome")  # type: ignore[call-arg]


def schedule_a_partial() -> None:
    bgtyped.BackgroundTasks().add_task(functools.partial(send_email, subject="Welcome"))


def schedule_a_method() -> None:
    bgtyped.BackgroundTasks().add_task(Mailer().send)  # type: ignore[call-arg]


def scheduling_line(schedule: Callable[[], None]) -> int:
    source, first = inspect.getsourcelines(schedule)
    (offset,) = (index for index, text in enumerate(source) if "Welcome" in text or "send)" in text)
    return first + offset


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (schedule_with_add_task, "send_email() missing 1 required positional argument: 'to'"),
        (schedule_with_background_task, "send_email() missing 1 required positional argument: 'to'"),
        (schedule_with_check_call, "send_email() missing 1 required positional argument: 'to'"),
        (schedule_a_partial, "send_email() missing 1 required positional argument: 'to'"),
        (schedule_a_method, "Mailer.send() missing 1 required positional argument: 'to'"),
    ],
)
def test_the_refusal_is_raised_from_the_scheduling_line_with_nothing_chained(
    schedule: Callable[[], None], message: str
) -> None:
    with pytest.raises(TypeError) as raised:
        schedule()
    error = raised.value
    assert str(error) == message
    assert error.__context__ is None and error.__cause__ is None
    text = "".join(traceback.format_exception(error))
    assert "During handling" not in text and "binder" not in text, text
    frames = traceback.extract_tb(error.__traceback__)
    user_frames = [(frame.filename, frame.lineno) for frame in frames if frame.filename == __file__]
    assert (__file__, scheduling_line(schedule)) in user_frames, text
    assert text.rstrip().endswith(f"TypeError: {message}")
