"""The plugin with extra schedulers of every shape, for test_shapes.yml.

The built-in registry has only variadic schedulers whose target is an argument; these entries exercise
the tuple-and-dict shape (``threading.Thread``, ``threading.Timer``), a module-level function
(``asyncio.to_thread``) and the receiver-is-the-function shape (``Job.delay`` in the cases' own module).
"""

from __future__ import annotations

from typing import ClassVar

from bgtyped.mypy import BgtypedPlugin
from bgtyped.mypy.registry import BUILTIN_SCHEDULERS, CONSTRUCTOR, Packed, Param, Receiver, SchedulerSpec
from mypy.plugin import Plugin

SHAPES = (
    SchedulerSpec(
        owner="threading.Thread",
        member=CONSTRUCTOR,
        name="Thread",
        target=Param("target", 1),
        arguments=Packed(Param("args", 3), Param("kwargs", 4)),
        awaits_coroutines=False,
    ),
    SchedulerSpec(
        owner="threading.Timer",
        member=CONSTRUCTOR,
        name="Timer",
        target=Param("function", 1),
        arguments=Packed(Param("args", 2), Param("kwargs", 3)),
        awaits_coroutines=False,
    ),
    SchedulerSpec(
        owner="asyncio.threads",
        member="to_thread",
        name="to_thread",
        is_method=False,
        awaits_coroutines=False,
    ),
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
    schedulers: ClassVar[tuple[SchedulerSpec, ...]] = BUILTIN_SCHEDULERS + SHAPES


def plugin(version: str) -> type[Plugin]:
    return ShapesPlugin
