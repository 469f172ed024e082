"""Value checking through real apps: a wrongly typed task argument is a 500 and no task, when turned on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import bgtyped
from bgtyped.fastapi import Tasks

ran: list[object] = []


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    ran.clear()
    previous = bgtyped.check_types(False)
    yield
    bgtyped.check_types(previous)


def notify(user_id: int, message: str = "") -> None:
    ran.append(user_id)


def fastapi_app() -> FastAPI:
    app = FastAPI()

    @app.post("/users/{user_id}")
    async def create(user_id: str, tasks: Tasks) -> dict[str, str]:
        tasks.add_task(notify, user_id)  # type: ignore[arg-type]  # the path parameter is a str
        return {"created": user_id}

    return app


def starlette_app() -> Starlette:
    async def create(request: Request) -> Response:
        tasks = bgtyped.BackgroundTasks()
        tasks.add_task(notify, request.path_params["user_id"])
        return JSONResponse({"created": request.path_params["user_id"]}, background=tasks)

    return Starlette(routes=[Route("/users/{user_id}", create, methods=["POST"])])


@pytest.mark.parametrize("make_app", [fastapi_app, starlette_app])
def test_on_a_wrongly_typed_argument_answers_500_and_schedules_nothing(make_app: object) -> None:
    bgtyped.check_types(True)
    with TestClient(make_app(), raise_server_exceptions=False) as client:  # type: ignore[operator]
        response = client.post("/users/7")
    assert response.status_code == 500
    assert ran == []


@pytest.mark.parametrize("make_app", [fastapi_app, starlette_app])
def test_on_the_refusal_is_raised_in_the_handler(make_app: object) -> None:
    bgtyped.check_types(True)
    with TestClient(make_app()) as client, pytest.raises(TypeError) as raised:  # type: ignore[operator]
        client.post("/users/7")
    assert str(raised.value) == "notify() argument 'user_id' must be int, got str: '7'"
    assert ran == []


@pytest.mark.parametrize("make_app", [fastapi_app, starlette_app])
def test_off_the_task_is_scheduled_and_runs_as_before(make_app: object) -> None:
    with TestClient(make_app()) as client:  # type: ignore[operator]
        response = client.post("/users/7")
    assert response.status_code == 200 and response.json() == {"created": "7"}
    assert ran == ["7"]
