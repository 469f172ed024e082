"""``bgtyped.fastapi.Tasks`` through real FastAPI apps."""

import subprocess
import sys
import textwrap
from typing import Annotated

import fastapi
import pytest
from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from starlette.background import BackgroundTask as StarletteTask

import bgtyped
from bgtyped.fastapi import Tasks

events: list[str] = []


@pytest.fixture(autouse=True)
def _fresh() -> None:
    events.clear()


def send_welcome(email: str, *, lang: str = "en") -> None:
    events.append(f"welcome {email} {lang}")


async def audit(action: str) -> None:
    events.append(f"audit {action}")


def test_tasks_parameter_receives_a_bgtyped_instance_whose_tasks_run_after_the_response() -> None:
    app = FastAPI()
    seen: list[type] = []

    @app.post("/signup")
    async def signup(email: str, tasks: Tasks) -> dict[str, str]:
        seen.append(type(tasks))
        tasks.add_task(send_welcome, email, lang="fr")
        tasks.add_task(audit, "signup")
        events.append("handler done")
        return {"ok": email}

    with TestClient(app) as client:
        response = client.post("/signup", params={"email": "a@b.c"})
    assert response.json() == {"ok": "a@b.c"}
    assert issubclass(seen[0], bgtyped.BackgroundTasks)
    assert events == ["handler done", "welcome a@b.c fr", "audit signup"]


def test_wrong_arguments_fail_inside_the_route() -> None:
    app = FastAPI()

    @app.post("/signup")
    def signup(email: str, tasks: Tasks) -> dict[str, str]:
        try:
            tasks.add_task(send_welcome, email, "fr")  # type: ignore[call-arg]
        except TypeError as error:
            return {"error": str(error)}
        return {"error": ""}

    with TestClient(app) as client:
        response = client.post("/signup", params={"email": "a@b.c"})
    assert response.json() == {"error": "send_welcome() takes 1 positional argument but 2 were given"}
    assert events == []


def test_tasks_still_run_when_the_handler_returns_its_own_response_background() -> None:
    """FastAPI drops injected tasks when the response has a background of its own; bgtyped's still run."""
    app = FastAPI()

    @app.get("/")
    async def endpoint(tasks: Tasks) -> JSONResponse:
        tasks.add_task(audit, "from Tasks")
        return JSONResponse({}, background=StarletteTask(events.append, "response's own background"))

    with TestClient(app) as client:
        client.get("/")
    assert events == ["response's own background", "audit from Tasks"]


def test_tasks_passed_as_the_response_background_run_exactly_once() -> None:
    app = FastAPI()

    @app.get("/")
    async def endpoint(tasks: Tasks) -> JSONResponse:
        tasks.add_task(audit, "once")
        return JSONResponse({}, background=tasks)

    with TestClient(app) as client:
        client.get("/")
    assert events == ["audit once"]


def test_dependencies_and_route_share_one_instance_per_request() -> None:
    app = FastAPI()

    def current_user(tasks: Tasks) -> str:
        tasks.add_task(audit, "login")
        return "ann"

    @app.get("/")
    async def endpoint(user: Annotated[str, Depends(current_user)], tasks: Tasks) -> dict[str, int]:
        tasks.add_task(send_welcome, user)
        return {"tasks": len(tasks.tasks)}

    with TestClient(app) as client:
        assert client.get("/").json() == {"tasks": 2}
        assert client.get("/").json() == {"tasks": 2}
    assert events == ["audit login", "welcome ann en"] * 2


def test_fastapi_background_tasks_still_work_beside_tasks() -> None:
    app = FastAPI()

    @app.get("/")
    async def endpoint(native: fastapi.BackgroundTasks, tasks: Tasks) -> dict[str, str]:
        native.add_task(events.append, "native")
        tasks.add_task(audit, "typed")
        return {}

    with TestClient(app) as client:
        client.get("/")
    assert sorted(events) == ["audit typed", "native"]


def test_no_tasks_run_when_the_handler_fails() -> None:
    app = FastAPI()

    @app.get("/")
    async def endpoint(tasks: Tasks) -> dict[str, str]:
        tasks.add_task(audit, "never")
        raise RuntimeError("handler failed")

    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/").status_code == 500
    assert events == []


def test_a_plain_annotation_gets_fastapis_class_which_is_why_tasks_exists() -> None:
    app = FastAPI()
    seen: list[type] = []

    @app.get("/")
    async def endpoint(tasks: bgtyped.BackgroundTasks) -> dict[str, str]:
        seen.append(type(tasks))
        return {}

    with TestClient(app) as client:
        client.get("/")
    assert seen == [fastapi.BackgroundTasks]


def test_import_bgtyped_needs_neither_fastapi_nor_mypy() -> None:
    script = textwrap.dedent(
        """
        import sys
        sys.modules["fastapi"] = None  # importing it now fails
        import bgtyped
        tasks = bgtyped.BackgroundTasks()
        tasks.add_task(print, "ok")
        assert "mypy" not in sys.modules and "fastapi" not in [m for m in sys.modules if sys.modules[m]]
        try:
            import bgtyped.fastapi
        except ImportError:
            print("fastapi glue needs fastapi")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "fastapi glue needs fastapi"
