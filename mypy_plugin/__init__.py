"""The bgtyped mypy plugin: enable it with ``plugins = ["bgtyped.mypy"]``.

It checks that the arguments handed to a scheduler (``add_task``, ``BackgroundTask(...)``) fit the function
being scheduled, and reports the ways a scheduled task silently fails to run.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar, Final

from mypy.nodes import TypeAlias, TypeInfo
from mypy.plugin import (
    FunctionContext,
    FunctionSigContext,
    MethodContext,
    MethodSigContext,
    Plugin,
    ReportConfigContext,
)
from mypy.types import FunctionLike, Instance, Type, get_proper_type

from . import checks, partials, routes, signatures
from .callables import PARTIAL
from .config import BgtypedConfig, load_config
from .registry import BUILTIN_SCHEDULERS, CONSTRUCTOR, Registry, SchedulerSpec

__version__: Final = "0.2.0"


class BgtypedPlugin(Plugin):
    # The schedulers the plugin knows; a subclass may extend them.
    schedulers: ClassVar[tuple[SchedulerSpec, ...]] = BUILTIN_SCHEDULERS

    def __init__(self, options: Any) -> None:
        super().__init__(options)
        self._config: Final[BgtypedConfig] = load_config(options.config_file)
        self._registry: Final[Registry] = Registry.build(self.schedulers + self._config.schedulers)
        # Asked for once per module when mypy validates its cache: computed once.
        self._config_data: Final[dict[str, object]] = {
            "version": __version__,
            "config": self._config.to_data(),
        }

    def report_config_data(self, ctx: ReportConfigContext) -> dict[str, object]:
        return self._config_data

    # Method hooks are chosen by the method's name alone; the receiver's class, at hand in the hook,
    # decides whether the call schedules anything (no lookup on the many calls that do not).
    def get_method_signature_hook(self, fullname: str) -> Callable[[MethodSigContext], FunctionLike] | None:
        member = fullname.rpartition(".")[2]
        if member not in self._registry.by_member:
            return None
        return partial(_method_signature, self._registry, member)

    def get_method_hook(self, fullname: str) -> Callable[[MethodContext], Type] | None:
        owner, _, member = fullname.rpartition(".")
        if member in routes.ROUTE_METHODS:
            # Names as common as ``get``: hooked only on FastAPI's classes, found by a lookup.
            info = self._type_info(owner)
            if info is not None and routes.is_route_class(info):
                return partial(routes.check_route_registration, member)
        if member not in self._registry.by_member:
            return None
        return partial(_check_method_call, self._registry, member)

    def get_function_signature_hook(
        self, fullname: str
    ) -> Callable[[FunctionSigContext], FunctionLike] | None:
        spec = self._function_scheduler(fullname)
        return None if spec is None else partial(_function_signature, spec)

    def get_function_hook(self, fullname: str) -> Callable[[FunctionContext], Type] | None:
        if fullname == PARTIAL:
            return partials.new_partial
        spec = self._function_scheduler(fullname)
        return None if spec is None else partial(_check_function_call, spec)

    def _function_scheduler(self, fullname: str) -> SchedulerSpec | None:
        spec = self._registry.functions.get(fullname)
        if spec is not None:
            return spec
        info = self._type_info(fullname)
        return None if info is None else self._registry.for_class(info, CONSTRUCTOR)

    def _type_info(self, fullname: str) -> TypeInfo | None:
        """The class named ``fullname``, directly or through a type alias."""
        symbol = self.lookup_fully_qualified(fullname)
        node = None if symbol is None else symbol.node
        if isinstance(node, TypeAlias):
            target = get_proper_type(node.target)
            return target.type if isinstance(target, Instance) else None
        return node if isinstance(node, TypeInfo) else None


def _receiver_scheduler(registry: Registry, member: str, receiver: Type) -> SchedulerSpec | None:
    """The scheduler called, if the method is called on an instance of a registered class.

    Through the class (``BackgroundTasks.add_task(tasks, ...)``) ``self`` is explicit and the call
    is left to mypy.
    """
    receiver = get_proper_type(receiver)
    if not isinstance(receiver, Instance):
        return None
    return registry.for_class(receiver.type, member)


def _method_signature(registry: Registry, member: str, ctx: MethodSigContext) -> FunctionLike:
    spec = _receiver_scheduler(registry, member, ctx.type)
    if spec is None:
        return ctx.default_signature
    return signatures.scheduler_signature(ctx.default_signature, spec, ctx.context)


def _function_signature(spec: SchedulerSpec, ctx: FunctionSigContext) -> FunctionLike:
    return signatures.scheduler_signature(ctx.default_signature, spec, ctx.context)


def _check_method_call(registry: Registry, member: str, ctx: MethodContext) -> Type:
    spec = _receiver_scheduler(registry, member, ctx.type)
    if spec is None:
        return ctx.default_return_type
    if checks.check_scheduling_call(ctx, spec):
        return ctx.default_return_type
    return signatures.scheduler_return_type(ctx, spec)


def _check_function_call(spec: SchedulerSpec, ctx: FunctionContext) -> Type:
    if checks.check_scheduling_call(ctx, spec):
        return ctx.default_return_type
    return signatures.scheduler_return_type(ctx, spec)


def plugin(version: str) -> type[Plugin]:
    """mypy's entry point: the plugin class; ``UnsupportedMypy`` (exit 2) for a mypy older than supported."""
    from .compat import require_supported

    require_supported(version)
    return BgtypedPlugin


__all__ = ["BgtypedPlugin", "__version__", "plugin"]
