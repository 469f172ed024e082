"""The bgtyped mypy plugin: enable it with ``plugins = ["bgtyped.mypy"]``.

It checks that the arguments handed to a scheduler (``add_task``, ``BackgroundTask(...)``) fit the function
being scheduled, and reports the ways a scheduled task silently fails to run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypeVar

from mypy.nodes import MypyFile, TypeAlias, TypeInfo
from mypy.plugin import (
    FunctionContext,
    FunctionSigContext,
    MethodContext,
    MethodSigContext,
    Plugin,
    ReportConfigContext,
)
from mypy.types import FunctionLike, Instance, Type, get_proper_type

# Importing the codes registers them with mypy, which then accepts them in enable/disable_error_code.
from . import errorcodes  # noqa: F401
from .config import BgtypedConfig, load_config
from .registry import Registry
from .schedulers import BUILTIN_SCHEDULERS, CONSTRUCTOR, SchedulerSpec

if TYPE_CHECKING:
    from . import checks
    from .signatures import SchedulerSignatures

RELEASE: Final = "0.4.0"
# The release; once the plugin is constructed, with the digest of its settings (see `_snapshot_settings`).
__version__ = RELEASE

# The scheduler a method of a class is, and whether its declared return type has no type variable
# (``add_task``: None), so that its calls have the type mypy finds on the rewritten signature.
_ReceiverEntry = tuple[SchedulerSpec, bool]
_MethodSignatureHook = Callable[[MethodSigContext], FunctionLike]
_MethodHook = Callable[[MethodContext], Type]
_FunctionSignatureHook = Callable[[FunctionSigContext], FunctionLike]
_FunctionHook = Callable[[FunctionContext], Type]
_Key = TypeVar("_Key")
_Value = TypeVar("_Value")


class _PerBuild(dict[_Key, _Value]):
    """What ``find`` answers for each key, found once and kept until the build ends (`set_modules`)."""

    __slots__ = ("_find",)

    def __init__(self, find: Callable[[_Key], _Value]) -> None:
        super().__init__()
        self._find: Final = find

    def __missing__(self, key: _Key) -> _Value:
        value = self[key] = self._find(key)
        return value


class BgtypedPlugin(Plugin):
    # The schedulers the plugin knows; a subclass may extend them.
    schedulers: ClassVar[tuple[SchedulerSpec, ...]] = BUILTIN_SCHEDULERS

    def __init__(self, options: Any) -> None:
        super().__init__(options)
        self._config: Final[BgtypedConfig] = load_config(options.config_file)
        self._registry: Final[Registry] = Registry.build(self.schedulers + self._config.schedulers)
        # Asked for once per module when mypy reads or writes its cache: one short string, computed once.
        self._settings_version: Final = settings_version(self._config)
        _snapshot_settings(self._settings_version)
        # mypy asks for hooks several times for every call expression, and each hook runs once per call: what
        # a name or a receiver's class answers is looked up once per build (`set_modules`). For most names
        # the answer is "no hook".
        self._method_signature_answers: Final = _PerBuild(self._method_signature_hook)
        self._method_answers: Final = _PerBuild(self._method_hook)
        self._function_signature_answers: Final = _PerBuild(self._function_signature_hook)
        self._function_answers: Final = _PerBuild(self._function_hook)
        self._function_schedulers: Final = _PerBuild(self._find_function_scheduler)
        self._route_classes: Final = _PerBuild(self._find_route_class)
        self._receivers: Final = _PerBuild(self._find_receiver_entry)
        self._per_build: Final[tuple[_PerBuild[Any, Any], ...]] = (
            self._method_signature_answers,
            self._method_answers,
            self._function_signature_answers,
            self._function_answers,
            self._function_schedulers,
            self._route_classes,
            self._receivers,
        )
        self._signatures: SchedulerSignatures | None = None
        self._method_signature_hooks: Final = {
            member: partial(self._method_signature, member) for member in self._registry.by_member
        }
        self._method_hooks: Final = {
            member: partial(self._check_method_call, member) for member in self._registry.by_member
        }
        self._answer_queries_from_tables()

    def set_modules(self, modules: dict[str, MypyFile]) -> None:
        super().set_modules(modules)
        # A new build, or modules the daemon has just analysed again: their classes may have changed.
        for table in self._per_build:
            table.clear()
        if self._signatures is not None:
            self._signatures.clear()

    def report_config_data(self, ctx: ReportConfigContext) -> str:
        """The release and the digest of the settings: a cached module checked under others is rechecked."""
        return self._settings_version

    def _answer_queries_from_tables(self) -> None:
        """Make each hook query the lookup of its per-build table, unless a subclass overrides the query.

        mypy asks every plugin several times for every call expression it checks. Called as a method
        defined here, each query costs a Python frame; as the table's own ``__getitem__`` (an instance
        attribute, which mypy's call finds first), an answer already found costs none.
        """
        queries = (
            ("get_method_signature_hook", self._method_signature_answers),
            ("get_method_hook", self._method_answers),
            ("get_function_signature_hook", self._function_signature_answers),
            ("get_function_hook", self._function_answers),
        )
        for query, answers in queries:
            if getattr(type(self), query) is getattr(BgtypedPlugin, query):
                setattr(self, query, answers.__getitem__)

    # Method hooks are asked for with the receiver's class (``owner.member``); the hook decides on the
    # receiver type at hand. No hook where the class has no registered base defining the member.
    def get_method_signature_hook(self, fullname: str) -> _MethodSignatureHook | None:
        return self._method_signature_answers[fullname]

    def get_method_hook(self, fullname: str) -> _MethodHook | None:
        return self._method_answers[fullname]

    def get_function_signature_hook(self, fullname: str) -> _FunctionSignatureHook | None:
        return self._function_signature_answers[fullname]

    def get_function_hook(self, fullname: str) -> _FunctionHook | None:
        return self._function_answers[fullname]

    def _method_signature_hook(self, fullname: str) -> _MethodSignatureHook | None:
        owner, _, member = fullname.rpartition(".")
        hook = self._method_signature_hooks.get(member)
        if hook is None or not self._method_may_schedule(owner, member):
            return None
        return hook

    def _method_hook(self, fullname: str) -> _MethodHook | None:
        owner, _, member = fullname.rpartition(".")
        # Names as common as ``get`` (``dict.get``): hooked only on FastAPI's classes.
        from . import routes

        if member in routes.ROUTE_METHODS and self._route_classes[owner]:
            return partial(routes.check_route_registration, member)
        hook = self._method_hooks.get(member)
        if hook is None or not self._method_may_schedule(owner, member):
            return None
        return hook

    def _function_signature_hook(self, fullname: str) -> _FunctionSignatureHook | None:
        spec = self._function_schedulers[fullname]
        return None if spec is None else partial(self._function_signature, spec)

    def _function_hook(self, fullname: str) -> _FunctionHook | None:
        from .callables import PARTIAL

        if fullname == PARTIAL:
            from . import partials

            return partials.new_partial
        spec = self._function_schedulers[fullname]
        return None if spec is None else partial(_check_function_call, spec)

    def _method_may_schedule(self, owner: str, member: str) -> bool:
        """False when the class ``owner`` has no registered base defining ``member``: no call schedules."""
        # A class the lookup cannot find (a local class) keeps its hook: the receiver decides.
        info = self._type_info(owner)
        return info is None or self._registry.has_registered_base(info, member)

    def _find_function_scheduler(self, fullname: str) -> SchedulerSpec | None:
        """The scheduler a call of ``fullname`` (a function, or a class: its constructor) is, if any."""
        spec = self._registry.functions.get(fullname)
        if spec is not None:
            return spec
        info = self._type_info(fullname)
        return None if info is None else self._registry.for_class(info, CONSTRUCTOR)

    def _find_route_class(self, fullname: str) -> bool:
        from . import routes

        info = self._type_info(fullname)
        return info is not None and routes.is_route_class(info)

    def _scheduler_signatures(self) -> SchedulerSignatures:
        """The scheduling signatures rewritten in this build, made by the first scheduling call."""
        if self._signatures is None:
            from .signatures import SchedulerSignatures

            self._signatures = SchedulerSignatures()
        return self._signatures

    def _method_signature(self, member: str, ctx: MethodSigContext) -> FunctionLike:
        entry = self._receiver_entry(member, ctx.type)
        if entry is None:
            return ctx.default_signature
        return self._scheduler_signatures().rewrite(
            ctx.default_signature, entry[0], ctx.context, ctx.type, ctx.api
        )

    def _function_signature(self, spec: SchedulerSpec, ctx: FunctionSigContext) -> FunctionLike:
        return self._scheduler_signatures().rewrite(ctx.default_signature, spec, ctx.context, None)

    def _check_method_call(self, member: str, ctx: MethodContext) -> Type:
        entry = self._receiver_entry(member, ctx.type)
        if entry is None:
            return ctx.default_return_type
        spec, returns_fixed_type = entry
        checked = _check_scheduling_call(ctx, spec)
        if checked.target_reported or returns_fixed_type:
            return ctx.default_return_type
        return _scheduler_return_type(ctx, spec, checked)

    def _receiver_entry(self, member: str, receiver: Type) -> _ReceiverEntry | None:
        """The scheduler called, if the method is called on an instance of a registered class.

        Through the class (``BackgroundTasks.add_task(tasks, ...)``) ``self`` is explicit and the call
        is left to mypy.
        """
        receiver = get_proper_type(receiver)
        if not isinstance(receiver, Instance):
            return None
        return self._receivers[(receiver.type, member)]

    def _find_receiver_entry(self, key: tuple[TypeInfo, str]) -> _ReceiverEntry | None:
        from .signatures import returns_fixed_type

        info, member = key
        spec = self._registry.for_class(info, member)
        return None if spec is None else (spec, returns_fixed_type(info, member))

    def _type_info(self, fullname: str) -> TypeInfo | None:
        """The class named ``fullname``, directly or through a type alias."""
        symbol = self.lookup_fully_qualified(fullname)
        node = None if symbol is None else symbol.node
        if isinstance(node, TypeAlias):
            target = get_proper_type(node.target)
            return target.type if isinstance(target, Instance) else None
        return node if isinstance(node, TypeInfo) else None


def _check_function_call(spec: SchedulerSpec, ctx: FunctionContext) -> Type:
    checked = _check_scheduling_call(ctx, spec)
    if checked.target_reported:
        return ctx.default_return_type
    return _scheduler_return_type(ctx, spec, checked)


def _check_scheduling_call(ctx: FunctionContext | MethodContext, spec: SchedulerSpec) -> checks.Checked:
    # The hooks' modules are imported when mypy first asks for a hook: a run whose modules all come from
    # the cache checks nothing, and pays nothing for them.
    from . import checks

    return checks.check_scheduling_call(ctx, spec)


def _scheduler_return_type(
    ctx: FunctionContext | MethodContext, spec: SchedulerSpec, checked: checks.Checked
) -> Type:
    from .signatures import scheduler_return_type

    return scheduler_return_type(ctx, spec, checked.found)


def settings_version(config: BgtypedConfig) -> str:
    """The release, with the digest of ``config`` as a local version label when it has any settings."""
    data = config.to_data()
    if data == BgtypedConfig().to_data():
        return RELEASE
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:12]
    return f"{RELEASE}+settings.{digest}"


def _snapshot_settings(version: str) -> None:
    """Make the settings in force part of the plugin's snapshot, so that ``dmypy run`` follows a change.

    mypy's daemon keeps the plugin it started with; at each ``dmypy run`` it loads the plugins again and
    restarts when a plugin's snapshot differs: the hash of the entry module's file and its
    ``__version__``, read right after the plugin is constructed. Settings that changed since the daemon
    started therefore restart it, as ``report_config_data`` rechecks a cold or warm run.
    """
    global __version__
    __version__ = version


def plugin(version: str) -> type[Plugin]:
    """mypy's entry point: the plugin class; ``UnsupportedMypy`` (exit 2) for a mypy older than supported."""
    from .compat import require_supported

    require_supported(version)
    return BgtypedPlugin


__all__ = ["RELEASE", "BgtypedPlugin", "__version__", "plugin"]
