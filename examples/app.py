"""A small FastAPI + Starlette service with deliberate scheduling mistakes.

Each mistake carries a ``mistake:`` comment on its line; ``python examples/demo.py`` type-checks this file
with and without the bgtyped plugin and shows which mistakes each run caught. Every other line is correct and must
stay free of errors.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi import BackgroundTasks as FastAPIBackgroundTasks
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bgtyped import BackgroundTasks
from bgtyped.fastapi import Tasks

app = FastAPI()


def send_email(to: str, subject: str, *, html: bool = False) -> None:
    print(f"email to {to}: {subject} (html={html})")


async def notify(user_id: int, message: str) -> None:
    print(f"notify {user_id}: {message}")


def fetch_and_notify(user_id: int) -> Coroutine[Any, Any, None]:
    return notify(user_id, "fetched")


async def audit(action: str, **details: Any) -> None:
    print(f"audit {action} {details}")


def rebuild_index(func: str) -> None:
    print(f"rebuild {func}")


@app.post("/signup")
async def signup(email: str, user_id: int, tasks: Tasks) -> dict[str, str]:
    tasks.add_task(send_email, email, "Welcome")
    tasks.add_task(notify, user_id, message="welcome aboard")
    tasks.add_task(audit, "signup", email=email)
    tasks.add_task(rebuild_index, func="users")
    tasks.add_task(functools.partial(send_email, email), subject="Confirm your address")

    tasks.add_task(send_email, email)  # mistake: required argument `subject` missing
    tasks.add_task(notify, email, "hi")  # mistake: `user_id` given a str
    tasks.add_task(send_email, email, "Hi", True)  # mistake: keyword-only `html` given positionally
    tasks.add_task(functools.partial(send_email, email), subjet="Typo")  # mistake: unknown keyword through a partial
    tasks.add_task(notify(user_id, "hi"))  # mistake: coroutine passed instead of the function
    tasks.add_task(lambda: notify(user_id, "hi"))  # mistake: lambda's coroutine is never awaited
    return {"status": "ok"}


@app.post("/legacy")
async def legacy(background_tasks: FastAPIBackgroundTasks) -> dict[str, str]:
    background_tasks.add_task(send_email, "ops@example.com", subject="legacy")
    background_tasks.add_task(rebuild_index, func="orders")  # mistake: `func=` collides with FastAPI's add_task
    return {"status": "ok"}


@app.get("/wrong-injection")
async def wrong_injection(tasks: BackgroundTasks) -> dict[str, str]:  # mistake: FastAPI injects its own class here
    return {"status": "ok"}


async def starlette_endpoint(request: Request) -> JSONResponse:
    tasks = BackgroundTasks()
    tasks.add_task(send_email, "a@b.c", subject="hello")
    tasks.add_task(fetch_and_notify, 3)  # mistake: a plain def returning a coroutine: never awaited by Starlette
    tasks.add_task(42)  # mistake: not a function
    return JSONResponse({"status": "ok"}, background=tasks)


async def import_contacts(request: Request) -> JSONResponse:
    """The payload's keys are only known at run time: the runtime check stops a bad one in the handler."""
    payload: dict[str, Any] = await request.json()
    tasks = BackgroundTasks()
    tasks.add_task(send_email, **payload)
    return JSONResponse({"status": "ok"}, background=tasks)


def resize_image(path: str, width: int, *, keep_ratio: bool = True) -> bytes:
    return f"{path}@{width} keep_ratio={keep_ratio}".encode()


@app.post("/images")
async def upload_image(path: str, width: int) -> dict[str, int]:
    """Work moved off the request path: threads, executors, the thread pool, event loop callbacks."""
    thumbnail: bytes = await asyncio.to_thread(resize_image, path, 128)
    preview = await run_in_threadpool(resize_image, path, width, keep_ratio=False)
    threading.Thread(target=resize_image, args=(path, width), kwargs={"keep_ratio": False}, daemon=True).start()
    with ThreadPoolExecutor() as pool:
        pool.submit(resize_image, path, width).result()
    asyncio.get_running_loop().call_soon(send_email, "ops@example.com", "image uploaded")

    threading.Thread(target=resize_image, args=(path, str(width))).start()  # mistake: `width` given a str through args=
    threading.Thread(target=resize_image, args=(path)).start()  # mistake: args=(path) is a string, not a one-item tuple
    threading.Timer(5.0, resize_image, args=(path, width), kwargs={"keep": True}).start()  # mistake: unknown keyword through kwargs=
    threading.Thread(target=notify, args=(1, "done")).start()  # mistake: async function in a thread: never awaited
    await asyncio.to_thread(resize_image, path)  # mistake: required argument `width` missing
    await run_in_threadpool(functools.partial(resize_image, path), width="128")  # mistake: `width` given a str through a partial
    asyncio.get_running_loop().call_soon(notify, 1, "hi")  # mistake: coroutine function as a loop callback: never awaited
    return {"thumbnail": len(thumbnail), "preview": len(preview)}


starlette_app = Starlette(
    routes=[Route("/", starlette_endpoint), Route("/import", import_contacts, methods=["POST"])]
)
