"""`bgtyped.fastapi.Tasks`: a route parameter that is a bgtyped `BackgroundTasks`."""

from collections.abc import AsyncIterator
from typing import assert_type

import fastapi
from fastapi import FastAPI

from bgtyped import BackgroundTasks
from bgtyped.fastapi import Tasks, request_tasks

app = FastAPI()


def send_email(to: str, *, subject: str = "") -> None: ...


@app.post("/signup")
async def signup(email: str, tasks: Tasks) -> dict[str, str]:
    assert_type(tasks, BackgroundTasks)
    tasks.add_task(send_email, email, subject="Welcome")
    return {"email": email}


def tasks_for(injected: fastapi.BackgroundTasks) -> AsyncIterator[BackgroundTasks]:
    return request_tasks(injected)


as_bgtyped: BackgroundTasks = BackgroundTasks()
as_alias: Tasks = as_bgtyped
