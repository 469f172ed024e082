"""The tasks the queue tests enqueue, importable as ``bgtyped_queue_tasks`` (conftest.py registers it).

An RQ worker finds a job's function by its module's name, so these cannot live in a test module, which
pytest imports under a name of its own choosing.
"""

from __future__ import annotations

import functools


def resize(path: str, width: int, *, keep_ratio: bool = True) -> str:
    return f"{path}@{width}" + ("" if keep_ratio else "!")


def add(x: int, y: int) -> int:
    return x + y


def double(x: int) -> int:
    return x * 2


def tick() -> str:
    return "tick"


class Thumbnailer:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def make(self, path: str, width: int) -> str:
        return f"{self.prefix}/{path}@{width}"


def area(width: int, height: int) -> int:
    """Decorated by the tests with RQ's ``@job`` (which only sets ``area.enqueue``), with each queue."""
    return width * height


@functools.singledispatch
def describe(value: object) -> str:
    return f"value {value!r}"


@describe.register
def _(value: int, unit: str) -> str:
    return f"{value} {unit}"
