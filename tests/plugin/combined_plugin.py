"""The plugin under a project's own subclass that answers one hook query itself, for test_combined.yml.

A project that has hooks of its own combines them with bgtyped's by subclassing: the subclass's query
answers first and hands every other name to bgtyped's.
"""

from __future__ import annotations

from collections.abc import Callable

from bgtyped.mypy import BgtypedPlugin
from mypy.plugin import FunctionContext, Plugin
from mypy.types import Type


def _setting_type(ctx: FunctionContext) -> Type:
    return ctx.api.named_generic_type("builtins.int", [])


class CombinedPlugin(BgtypedPlugin):
    def get_function_hook(self, fullname: str) -> Callable[[FunctionContext], Type] | None:
        if fullname == "main.setting":
            return _setting_type
        return super().get_function_hook(fullname)


def plugin(version: str) -> type[Plugin]:
    return CombinedPlugin
