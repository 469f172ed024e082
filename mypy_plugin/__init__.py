"""The bgtyped mypy plugin: enable it with ``plugins = ["bgtyped.mypy"]``.

It checks that the arguments handed to a scheduler (``add_task``, ``BackgroundTask(...)``) fit the function
being scheduled, and reports the ways a scheduled task silently fails to run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache, partial
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

# Importing `errorcodes` registers the codes with mypy, which then accepts them in enable/disable_error_code.
from . import errorcodes, signatures  # noqa: F401
from .callables import PARTIAL
from .config import BgtypedConfig, load_config
from .registry import Registry
from .schedulers import (
    CONSTRUCTOR,
    FAMILIES,
    FAMILY_NAMES,
    FAMILY_OF_MODULE,
    SchedulerSpec,
    family_schedulers,
    with_worker_settings,
)

if TYPE_CHECKING:
    from . import checks
    from .job_deps import JobDependencies

    # Types of annotations only, not built at run time: mypy imports the plugin in every run.
    # The scheduler a method of a class is, and whether its declared return type has no type variable
    # (``add_task``: None), so that its calls have the type mypy finds on the rewritten signature.
    _ReceiverEntry = tuple[SchedulerSpec, bool]
    _MethodSignatureHook = Callable[[MethodSigContext], FunctionLike]
    _MethodHook = Callable[[MethodContext], Type]
    _FunctionSignatureHook = Callable[[FunctionSigContext], FunctionLike]
    _FunctionHook = Callable[[FunctionContext], Type]

RELEASE: Final = "0.4.0"
# FastAPI's module of routes: a build without it registers no route (`routes`), and never loads that check.
FASTAPI_ROUTING: Final = "fastapi.routing"
# The release; once the plugin is constructed, with the digest of its settings (see `_snapshot_settings`).
__version__ = RELEASE

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
    # Schedulers a subclass adds to the builtin families' (an entry for the same callable replaces theirs).
    schedulers: ClassVar[tuple[SchedulerSpec, ...]] = ()

    def __init__(self, options: Any) -> None:
        super().__init__(options)
        self._config: Final[BgtypedConfig] = load_config(options.config_file)
        self._registry: Final[Registry] = Registry.build(
            with_worker_settings(self.schedulers + self._config.schedulers, self._config.worker_settings)
        )
        # The families whose entries are not loaded yet (`_load_families_for`). A library given worker
        # settings is in use: its family is loaded now.
        self._unloaded_families: Final = set(FAMILIES)
        for library in {library for library, _ in self._config.worker_settings}:
            self._load_family(library)
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
        self._signatures: Final = signatures.SchedulerSignatures()
        self._job_dependencies: Final = self._find_job_dependencies()
        self._answer_queries_from_tables()

    def set_modules(self, modules: dict[str, MypyFile]) -> None:
        super().set_modules(modules)
        # A new build, or modules the daemon has just analysed again: their classes may have changed.
        for table in self._per_build:
            table.clear()
        self._signatures.clear()

    def report_config_data(self, ctx: ReportConfigContext) -> str:
        """The release and the digest of the settings: a cached module checked under others is rechecked.

        A module enqueueing jobs by name adds the digest of the worker modules' sources.
        """
        if self._job_dependencies is not None:
            workers = self._job_dependencies.config_data(ctx.id, ctx.path)
            if workers is not None:
                return f"{self._settings_version};workers={workers}"
        return self._settings_version

    def get_additional_deps(self, file: MypyFile) -> list[tuple[int, str, int]]:
        """What a module's scheduling calls need checked first: ``bgtyped.rq`` for a module importing RQ
        (its `JobFunction` types RQ's ``@job`` functions, `rq_jobs`), and the configured worker modules for a
        module enqueueing jobs by name (`job_deps`)."""
        dependencies: list[tuple[int, str, int]] = []
        if _imports_package(file, "rq"):
            from . import rq_jobs

            dependencies += rq_jobs.job_dependency(file)
        if self._job_dependencies is not None:
            dependencies += self._job_dependencies.additional_deps(file.fullname, file.path)
        return dependencies

    def _find_job_dependencies(self) -> JobDependencies | None:
        """The build order of jobs named by a string, when worker settings are configured."""
        if not self._config.worker_settings:
            return None
        from .job_deps import JobDependencies

        return JobDependencies.build(self._config.worker_settings, self._registry, self.options.mypy_path)

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

    def _load_families_for(self, info: TypeInfo, member: str) -> None:
        """Load the families that may have an entry for ``member`` on ``info`` or one of its bases.

        Asked before each answer that depends on the registry: an entry names a class of one of its
        family's modules, and a class reaches it through its MRO. Each answer is found once per build.
        """
        for base in info.mro:
            family = FAMILY_OF_MODULE.get(base.module_name)
            if family is not None and family in self._unloaded_families and member in FAMILY_NAMES[family]:
                self._load_family(family)

    def _may_reach_unloaded_family(self, member: str) -> bool:
        return any(member in FAMILY_NAMES[family] for family in self._unloaded_families)

    def _load_family(self, family: str) -> None:
        """Add ``family``'s entries to the registry, unless they are there already."""
        if family not in self._unloaded_families:
            return
        self._unloaded_families.discard(family)
        schedulers = family_schedulers(family)
        self._registry.add(with_worker_settings(schedulers, self._config.worker_settings))

    def _method_signature_hook(self, fullname: str) -> _MethodSignatureHook | None:
        owner, _, member = fullname.rpartition(".")
        if not self._method_may_schedule(owner, member):
            return None
        return partial(self._method_signature, member)

    def _method_hook(self, fullname: str) -> _MethodHook | None:
        owner, _, member = fullname.rpartition(".")
        # Names as common as ``get`` (``dict.get``): hooked only on FastAPI's classes.
        if self._routes_in_build():
            from . import routes

            if member in routes.ROUTE_METHODS and self._route_classes[owner]:
                return partial(routes.check_route_registration, member)
        if member == "__call__":
            applied = self._decorator_hook(fullname)
            if applied is not None:
                return applied
        if not self._method_may_schedule(owner, member):
            return None
        return partial(self._check_method_call, member)

    def _decorator_hook(self, fullname: str) -> _MethodHook | None:
        """The hook of a library's decorator applied to a function (``fullname`` is its ``__call__``).

        Only RQ's and APScheduler's decorators have one; their modules are imported for a name of theirs.
        """
        library = fullname.partition(".")[0]
        if library == "rq":
            from . import rq_jobs

            if fullname == rq_jobs.JOB_DECORATOR_CALL:
                return rq_jobs.job_function_type
        if library == "apscheduler":
            from . import decorators

            decorator = decorators.DECORATOR_SCHEDULERS.get(fullname)
            if decorator is not None:
                # The decorated function is checked as `add_job` checks it: its entries must be loaded.
                self._load_family("apscheduler")
                return partial(decorators.check_decorated, self._registry, decorator)
        return None

    def _function_signature_hook(self, fullname: str) -> _FunctionSignatureHook | None:
        spec = self._function_schedulers[fullname]
        return None if spec is None else partial(self._function_signature, spec)

    def _function_hook(self, fullname: str) -> _FunctionHook | None:
        if fullname == PARTIAL:
            from .partials import new_partial

            return new_partial
        spec = self._function_schedulers[fullname]
        return None if spec is None else partial(_check_function_call, spec)

    def _method_may_schedule(self, owner: str, member: str) -> bool:
        """False when the class ``owner`` has no registered base defining ``member``: no call schedules."""
        unloaded = self._may_reach_unloaded_family(member)
        if not unloaded and member not in self._registry.by_member:
            return False  # most names: one look at a table
        # A class the lookup cannot find (a local class) keeps its hook: the receiver decides.
        info = self._type_info(owner)
        if info is None:
            return True
        if unloaded:
            self._load_families_for(info, member)
        return self._registry.has_registered_base(info, member)

    def _find_function_scheduler(self, fullname: str) -> SchedulerSpec | None:
        """The scheduler a call of ``fullname`` (a function, or a class: its constructor) is, if any."""
        spec = self._registry.functions.get(fullname)
        if spec is not None:
            return spec
        info = self._type_info(fullname)
        if info is None:
            # A function: its family lists its module and its name.
            module, _, name = fullname.rpartition(".")
            family = FAMILY_OF_MODULE.get(module)
            if family is None or family not in self._unloaded_families or name not in FAMILY_NAMES[family]:
                return None
            self._load_family(family)
            return self._registry.functions.get(fullname)
        self._load_families_for(info, CONSTRUCTOR)
        return self._registry.for_class(info, CONSTRUCTOR)

    def _routes_in_build(self) -> bool:
        modules = self._modules
        return modules is not None and FASTAPI_ROUTING in modules

    def _find_route_class(self, fullname: str) -> bool:
        from .routes import is_route_class

        info = self._type_info(fullname)
        return info is not None and is_route_class(info)

    def _method_signature(self, member: str, ctx: MethodSigContext) -> FunctionLike:
        entry = self._receiver_entry(member, ctx.type)
        if entry is None:
            return ctx.default_signature
        if entry[0].checked_against != "declared" and not _definition_found(entry[0], ctx):
            return ctx.default_signature
        return self._signatures.rewrite(ctx.default_signature, entry[0], ctx.context, ctx.type, ctx.api)

    def _function_signature(self, spec: SchedulerSpec, ctx: FunctionSigContext) -> FunctionLike:
        return self._signatures.rewrite(ctx.default_signature, spec, ctx.context, None)

    def _check_method_call(self, member: str, ctx: MethodContext) -> Type:
        entry = self._receiver_entry(member, ctx.type)
        if entry is None:
            return ctx.default_return_type
        spec, returns_fixed_type = entry
        checked = _check_scheduling_call(ctx, spec)
        if checked.returned is not None:
            # What a task's definition returns, found for a receiver such as Ray's ``f.remote(...)``.
            from .awaited_results import with_awaited_task

            return with_awaited_task(ctx, spec, checked.returned)
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
        info, member = key
        self._load_families_for(info, member)
        spec = self._registry.for_class(info, member)
        return None if spec is None else (spec, signatures.returns_fixed_type(info, member))

    def _type_info(self, fullname: str) -> TypeInfo | None:
        """The class named ``fullname``, directly or through a type alias."""
        symbol = self.lookup_fully_qualified(fullname)
        node = None if symbol is None else symbol.node
        if isinstance(node, TypeAlias):
            target = get_proper_type(node.target)
            return target.type if isinstance(target, Instance) else None
        return node if isinstance(node, TypeInfo) else None


def _definition_found(spec: SchedulerSpec, ctx: MethodSigContext) -> bool:
    """Whether a call whose scheduler is checked against the task's definition has one to check against.

    Where none is found, mypy checks the call on the declared signature, as it would without the plugin.
    """
    from mypy.checker import TypeChecker
    from mypy.nodes import CallExpr, MemberExpr

    from .definitions import task_definition

    call = ctx.context
    if not isinstance(ctx.api, TypeChecker) or not isinstance(call, CallExpr):
        return False
    if not isinstance(call.callee, MemberExpr):
        return False
    return task_definition(ctx.api, call.callee.expr, ctx.type, spec) is not None


def _check_function_call(spec: SchedulerSpec, ctx: FunctionContext) -> Type:
    checked = _check_scheduling_call(ctx, spec)
    if checked.target_reported:
        return ctx.default_return_type
    return _scheduler_return_type(ctx, spec, checked)


def _check_scheduling_call(ctx: FunctionContext | MethodContext, spec: SchedulerSpec) -> checks.Checked:
    return _scheduling_call_checker()(ctx, spec)


@cache
def _scheduling_call_checker() -> Callable[[FunctionContext | MethodContext, SchedulerSpec], checks.Checked]:
    # The rules are imported by the first scheduling call: a run whose modules all come from the cache
    # checks none, and pays nothing for them. Found once: an import statement costs each call more.
    from .checks import check_scheduling_call

    return check_scheduling_call


def _scheduler_return_type(
    ctx: FunctionContext | MethodContext, spec: SchedulerSpec, checked: checks.Checked
) -> Type:
    return signatures.scheduler_return_type(ctx, spec, checked.found)


def _imports_package(file: MypyFile, package: str) -> bool:
    """Whether ``file`` imports ``package`` or one of its modules (at any level of the module)."""
    prefix = f"{package}."
    for node in file.imports:
        ids = [getattr(node, "id", None), *[name for name, _ in getattr(node, "ids", ())]]
        if any(isinstance(name, str) and (name == package or name.startswith(prefix)) for name in ids):
            return True
    return False


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
