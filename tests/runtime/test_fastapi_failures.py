"""``bgtyped.fastapi.Tasks`` where a request ends unusually: nothing is silently dropped."""

import logging
from collections.abc import Iterator
from typing import Annotated

import fastapi
import pytest
from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from starlette.background import BackgroundTask as StarletteTask

from bgtyped import BackgroundTasks
from bgtyped.fastapi import Tasks

events: list[str] = []


@pytest.fixture(autouse=True)
def _fresh() -> None:
    events.clear()


def record(event: str) -> None:
    events.append(event)


async def fail(reason: str) -> None:
    events.append(f"fail {reason}")
    raise RuntimeError(reason)


def bgtyped_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bgtyped"]


def test_a_task_added_in_the_exit_code_of_a_yield_dependency_runs() -> None:
    app = FastAPI()

    def audit_on_exit(tasks: Tasks) -> Iterator[None]:
        yield
        tasks.add_task(record, "added on exit")  # FastAPI runs this after the response's background tasks

    @app.get("/")
    async def endpoint(_: Annotated[None, Depends(audit_on_exit)], tasks: Tasks) -> dict[str, str]:
        tasks.add_task(record, "added in the handler")
        return {}

    with TestClient(app) as client:
        client.get("/")
    assert events == ["added in the handler", "added on exit"]


def test_a_task_added_after_the_request_ended_is_refused_loudly() -> None:
    app = FastAPI()
    kept: list[BackgroundTasks] = []

    @app.get("/")
    async def endpoint(tasks: Tasks) -> dict[str, str]:
        kept.append(tasks)
        return {}

    with TestClient(app) as client:
        client.get("/")
    with pytest.raises(RuntimeError, match="record, 'late' was added after the background tasks"):
        kept[0].add_task(record, "late")
    assert events == []


def test_tasks_still_run_when_the_responses_own_background_raises(caplog: pytest.LogCaptureFixture) -> None:
    app = FastAPI()

    @app.get("/")
    async def endpoint(tasks: Tasks) -> JSONResponse:
        tasks.add_task(record, "bgtyped task")
        return JSONResponse({}, background=StarletteTask(fail, "own background"))

    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/").status_code == 200
    assert events == ["fail own background", "bgtyped task"]
    assert (
        bgtyped_records(caplog) == []
    )  # the response's own failure is the server's to report, not bgtyped's


def test_a_bgtyped_failure_does_not_stop_fastapis_tasks_queued_after_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = FastAPI()

    @app.get("/")
    async def endpoint(tasks: Tasks, native: fastapi.BackgroundTasks) -> dict[str, str]:
        tasks.add_task(fail, "bgtyped")
        native.add_task(record, "fastapi task after it")
        return {}

    with TestClient(app) as client:  # re-raised, the failure would reach the test here
        for _ in range(3):
            client.get("/")
    assert events == ["fail bgtyped", "fastapi task after it"] * 3
    errors = [r for r in bgtyped_records(caplog) if r.levelno == logging.ERROR]
    assert len(errors) == 3 and all(r.exc_info for r in errors)


def test_no_task_runs_when_the_handler_fails_and_those_dropped_are_named(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = FastAPI()

    @app.get("/")
    async def endpoint(tasks: Tasks) -> dict[str, str]:
        tasks.add_task(record, "never")
        raise HTTPException(status_code=409)

    with TestClient(app) as client:
        assert client.get("/").status_code == 409
    assert events == []
    (dropped,) = bgtyped_records(caplog)
    assert dropped.levelno == logging.WARNING
    assert dropped.getMessage() == (
        "background tasks dropped: the request failed with HTTPException before its response: "
        "1 did not run: record, 'never'"
    )


def test_a_failure_is_reported_once_on_the_bgtyped_logger(caplog: pytest.LogCaptureFixture) -> None:
    app = FastAPI()

    @app.get("/")
    async def endpoint(tasks: Tasks) -> dict[str, str]:
        tasks.add_task(fail, "smtp down")
        tasks.add_task(record, "after")
        return {}

    with TestClient(app) as client:
        assert client.get("/").status_code == 200
    assert events == ["fail smtp down", "after"]
    failure, summary = bgtyped_records(caplog)
    assert failure.getMessage() == "background task fail, 'smtp down' failed" and failure.exc_info
    assert summary.getMessage() == "1 of 2 background tasks failed: fail, 'smtp down'"
