"""A failing task does not stop the others; each failure is logged once; nothing is silently dropped."""

from __future__ import annotations

import logging
from typing import Any

import anyio
import pytest
from starlette.applications import Starlette
from starlette.background import BackgroundTasks as StarletteTasks
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from bgtyped import BackgroundTasks

ran: list[str] = []


@pytest.fixture(autouse=True)
def _fresh() -> None:
    ran.clear()


def first() -> None:
    ran.append("first")


async def broken(reason: str, payload: Any = None) -> None:
    ran.append("broken")
    raise RuntimeError(reason)


def also_broken(reason: str) -> None:
    ran.append("also_broken")
    raise ValueError(reason)


async def last() -> None:
    ran.append("last")


def app_with(schedule: Any) -> Starlette:
    async def endpoint(request: Request) -> Response:
        tasks = BackgroundTasks()
        schedule(tasks)
        return PlainTextResponse("sent", background=tasks)

    return Starlette(routes=[Route("/", endpoint)])


def bgtyped_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bgtyped"]


def test_one_failure_runs_the_rest_and_is_logged_once_with_its_traceback_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def schedule(tasks: BackgroundTasks) -> None:
        tasks.add_task(first)
        tasks.add_task(broken, "smtp down")
        tasks.add_task(last)

    with TestClient(app_with(schedule)) as client:  # raise_server_exceptions: nothing reaches the server
        response = client.get("/")
    assert response.text == "sent"
    assert ran == ["first", "broken", "last"]
    failure, summary = bgtyped_records(caplog)
    assert failure.levelno == logging.ERROR
    assert failure.getMessage() == "background task broken, 'smtp down' failed"
    assert failure.exc_info is not None and isinstance(failure.exc_info[1], RuntimeError)
    assert (summary.levelno, summary.exc_info) == (logging.WARNING, None)
    assert summary.getMessage() == "1 of 3 background tasks failed: broken, 'smtp down'"


def test_several_failures_each_logged_with_its_own_traceback_and_named_together(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def schedule(tasks: BackgroundTasks) -> None:
        tasks.add_task(broken, "one")
        tasks.add_task(also_broken, "two")
        tasks.add_task(last)

    with TestClient(app_with(schedule)) as client:
        client.get("/")
    assert ran == ["broken", "also_broken", "last"]
    one, two, summary = bgtyped_records(caplog)
    assert "broken, 'one'" in one.getMessage() and "also_broken, 'two'" in two.getMessage()
    assert [type(r.exc_info[1]) for r in (one, two) if r.exc_info] == [RuntimeError, ValueError]
    assert summary.getMessage() == "2 of 3 background tasks failed: broken, 'one'; also_broken, 'two'"


def test_the_log_line_shortens_large_arguments(caplog: pytest.LogCaptureFixture) -> None:
    secret_blob = "x" * 10_000

    def schedule(tasks: BackgroundTasks) -> None:
        tasks.add_task(broken, "big", payload=secret_blob)

    with TestClient(app_with(schedule)) as client:
        client.get("/")
    for message in [r.getMessage() for r in bgtyped_records(caplog)]:
        assert "payload=" in message
        assert "..." in message
        assert len(message) < 300


def test_a_task_added_while_the_tasks_run_still_runs() -> None:
    def schedule(tasks: BackgroundTasks) -> None:
        def follow_up(step: int) -> None:
            ran.append(f"step {step}")
            if step < 3:
                tasks.add_task(follow_up, step + 1)

        tasks.add_task(follow_up, 1)
        tasks.add_task(last)

    with TestClient(app_with(schedule)) as client:
        client.get("/")
    assert ran == ["step 1", "last", "step 2", "step 3"]


def test_a_task_added_after_the_tasks_ran_is_refused_loudly() -> None:
    kept: list[BackgroundTasks] = []

    def schedule(tasks: BackgroundTasks) -> None:
        tasks.add_task(first)
        kept.append(tasks)

    with TestClient(app_with(schedule)) as client:
        client.get("/")
    assert ran == ["first"]
    (tasks,) = kept
    with pytest.raises(RuntimeError) as raised:
        tasks.add_task(broken, "too late")
    assert str(raised.value).startswith(
        "background task broken, 'too late' was added after the background tasks of its response had run"
    )
    with pytest.raises(RuntimeError, match="added after"):
        StarletteTasks.add_task(tasks, last)  # Starlette's own add_task appends to the same list
    assert [task.func for task in tasks.tasks] == [first]


class Stop(BaseException):
    pass


async def stopping() -> None:
    ran.append("stopping")
    raise Stop


def test_tasks_skipped_after_a_base_exception_are_named_once(caplog: pytest.LogCaptureFixture) -> None:
    def schedule(tasks: BackgroundTasks) -> None:
        tasks.add_task(first)
        tasks.add_task(stopping)
        tasks.add_task(broken, "never")
        tasks.add_task(last)

    # Run as the response runs them, on an event loop of their own: a test client's portal would turn the
    # BaseException into its own cancellation, or fail on its way out.
    tasks = BackgroundTasks()
    schedule(tasks)
    with pytest.raises(Stop):
        anyio.run(tasks)
    assert ran == ["first", "stopping"]
    (record,) = bgtyped_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.getMessage() == (
        "background tasks stopped by Stop: stopping did not finish; 2 did not run: broken, 'never'; last"
    )
