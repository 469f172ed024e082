"""A failing task does not stop the others; each failure is logged, then raised."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from starlette.applications import Starlette
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


def test_one_failure_runs_the_rest_logs_and_raises_the_exception_itself(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def schedule(tasks: BackgroundTasks) -> None:
        tasks.add_task(first)
        tasks.add_task(broken, "smtp down")
        tasks.add_task(last)

    with TestClient(app_with(schedule)) as client, pytest.raises(RuntimeError, match="smtp down"):
        client.get("/")
    assert ran == ["first", "broken", "last"]
    records = [r for r in caplog.records if r.name == "bgtyped"]
    assert len(records) == 1
    assert records[0].levelno == logging.ERROR
    assert "broken, 'smtp down'" in records[0].getMessage()
    assert records[0].exc_info is not None and isinstance(records[0].exc_info[1], RuntimeError)


def test_the_client_still_got_its_response() -> None:
    def schedule(tasks: BackgroundTasks) -> None:
        tasks.add_task(broken, "late")

    with TestClient(app_with(schedule), raise_server_exceptions=False) as client:
        response = client.get("/")
    assert (response.status_code, response.text) == (200, "sent")
    assert ran == ["broken"]


def test_several_failures_raise_an_exception_group_with_all_of_them(caplog: pytest.LogCaptureFixture) -> None:
    def schedule(tasks: BackgroundTasks) -> None:
        tasks.add_task(broken, "one")
        tasks.add_task(also_broken, "two")
        tasks.add_task(last)

    with TestClient(app_with(schedule)) as client, pytest.raises(ExceptionGroup) as raised:
        client.get("/")
    assert ran == ["broken", "also_broken", "last"]
    assert [type(e) for e in raised.value.exceptions] == [RuntimeError, ValueError]
    assert "2 background tasks failed" in str(raised.value)
    logged = [r.getMessage() for r in caplog.records if r.name == "bgtyped"]
    assert len(logged) == 2
    assert "broken, 'one'" in logged[0]
    assert "also_broken, 'two'" in logged[1]


def test_the_log_line_shortens_large_arguments(caplog: pytest.LogCaptureFixture) -> None:
    secret_blob = "x" * 10_000

    def schedule(tasks: BackgroundTasks) -> None:
        tasks.add_task(broken, "big", payload=secret_blob)

    with TestClient(app_with(schedule)) as client, pytest.raises(RuntimeError):
        client.get("/")
    (message,) = [r.getMessage() for r in caplog.records if r.name == "bgtyped"]
    assert "payload=" in message
    assert "..." in message
    assert len(message) < 300
