"""The plugin with extra schedulers defined in the cases' own module, for test_shapes.yml.

The receiver-is-the-function shape (``Job.delay``, ``Job.apply_async``) on a class written in the case
itself: the shape alone, without any task queue's own types.
"""

from __future__ import annotations

from typing import ClassVar

from bgtyped.mypy import BgtypedPlugin
from bgtyped.mypy.schedulers import Packed, Param, Receiver, SchedulerSpec
from mypy.plugin import Plugin

SHAPES = (
    SchedulerSpec(owner="main.Job", member="delay", name="delay", target=Receiver()),
    SchedulerSpec(
        owner="main.Job",
        member="apply_async",
        name="apply_async",
        target=Receiver(),
        arguments=Packed(Param("args", 0), Param("kwargs", 1)),
    ),
)


class ShapesPlugin(BgtypedPlugin):
    schedulers: ClassVar[tuple[SchedulerSpec, ...]] = SHAPES


def plugin(version: str) -> type[Plugin]:
    return ShapesPlugin
