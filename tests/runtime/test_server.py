"""Failures, cancellation and shutdown through a real uvicorn server on the loopback.

Each test starts a server on a free port of 127.0.0.1, sends a bounded number of requests, and stops the
server itself; what the tasks did and what was logged is asserted once the server has stopped.
"""

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator

import anyio
import httpx2
import pytest
import uvicorn
from fastapi import BackgroundTasks as FastAPITasks
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.applications import Starlette
from starlette.background import BackgroundTask as StarletteTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from bgtyped import BackgroundTasks
from bgtyped.fastapi import Tasks

pytestmark = pytest.mark.slow

events: list[str] = []


@pytest.fixture(autouse=True)
def _fresh() -> None:
    events.clear()


@contextlib.contextmanager
def serving(
    app: ASGIApp, graceful_shutdown: float | None = None
) -> Iterator[tuple[httpx2.Client, uvicorn.Server]]:
    """A uvicorn server on a free loopback port and a client for it; the server is stopped on exit."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    # log_config=None leaves logging alone, so the server's own records reach pytest's caplog.
    config = uvicorn.Config(
        app, log_config=None, lifespan="off", timeout_graceful_shutdown=graceful_shutdown, access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    wait_until(lambda: server.started, "the server to start")
    try:
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=10, trust_env=False) as client:
            yield client, server
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()
    assert not thread.is_alive(), "the server did not stop"


def wait_until(condition: Callable[[], object], what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def record(event: str) -> None:
    events.append(event)


async def fail(reason: str) -> None:
    raise RuntimeError(reason)


def records_of(caplog: pytest.LogCaptureFixture, logger: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == logger]


def asgi_exceptions(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if "Exception in ASGI application" in r.getMessage()]


def test_each_failure_is_reported_once_and_fastapis_tasks_after_it_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = FastAPI()

    @app.get("/{n}")
    async def endpoint(n: int, tasks: Tasks, native: FastAPITasks) -> dict[str, int]:
        tasks.add_task(fail, f"request {n}")
        tasks.add_task(record, f"bgtyped {n}")
        native.add_task(record, f"fastapi {n}")
        return {"n": n}

    requests = 20
    with serving(app) as (client, _):
        assert [client.get(f"/{n}").json() for n in range(requests)] == [{"n": n} for n in range(requests)]
        wait_until(lambda: len(events) == 2 * requests, "every task to run")
    assert sorted(events) == sorted(
        [f"bgtyped {n}" for n in range(requests)] + [f"fastapi {n}" for n in range(requests)]
    )
    failures = [r for r in records_of(caplog, "bgtyped") if r.levelno == logging.ERROR]
    assert sorted(r.getMessage() for r in failures) == sorted(
        f"background task fail, 'request {n}' failed" for n in range(requests)
    )
    assert all(r.exc_info and isinstance(r.exc_info[1], RuntimeError) for r in failures)
    summaries = [r for r in records_of(caplog, "bgtyped") if r.levelno == logging.WARNING]
    assert len(summaries) == requests
    assert asgi_exceptions(caplog) == []  # not reported a second time by the server


def test_tasks_run_after_a_responses_own_background_that_raises(caplog: pytest.LogCaptureFixture) -> None:
    app = FastAPI()

    @app.get("/")
    async def endpoint(tasks: Tasks) -> JSONResponse:
        tasks.add_task(record, "bgtyped task")
        return JSONResponse({}, background=StarletteTask(fail, "own background"))

    with serving(app) as (client, _):
        assert client.get("/").status_code == 200
        wait_until(lambda: events, "the bgtyped task to run")
    assert events == ["bgtyped task"]
    assert records_of(caplog, "bgtyped") == []
    (reported,) = asgi_exceptions(caplog)  # the response's own failure, reported by the server, once
    assert reported.exc_info and str(reported.exc_info[1]) == "own background"


async def slow(name: str) -> None:
    events.append(f"{name} started")
    await anyio.sleep(60)
    events.append(f"{name} finished")


@pytest.mark.parametrize("framework", ["starlette", "fastapi"])
def test_tasks_cancelled_at_shutdown_are_named_once(framework: str, caplog: pytest.LogCaptureFixture) -> None:
    app: ASGIApp
    if framework == "fastapi":
        fastapi_app = FastAPI()

        @fastapi_app.get("/")
        async def endpoint(tasks: Tasks) -> dict[str, str]:
            tasks.add_task(slow, "report")
            tasks.add_task(record, "after the report")
            return {}

        app = fastapi_app
    else:

        async def starlette_endpoint(request: Request) -> Response:
            tasks = BackgroundTasks()
            tasks.add_task(slow, "report")
            tasks.add_task(record, "after the report")
            return PlainTextResponse("sent", background=tasks)

        app = Starlette(routes=[Route("/", starlette_endpoint)])

    with serving(app, graceful_shutdown=0.5) as (client, _):
        assert client.get("/").status_code == 200
        wait_until(lambda: events, "the slow task to start")
    assert events == ["report started"]
    (named,) = records_of(caplog, "bgtyped")
    assert named.levelno == logging.ERROR
    assert named.getMessage() == (
        "background tasks stopped by CancelledError: slow, 'report' did not finish; "
        "1 did not run: record, 'after the report'"
    )
