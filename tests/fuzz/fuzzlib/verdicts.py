"""The two verdicts on a scheduling call: mypy's with the plugin, and what really happens at run time."""

from __future__ import annotations

import gc
import hashlib
import inspect
import itertools
import os
import re
import subprocess
import sys
import types
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

import anyio
import starlette.background
from starlette._utils import is_async_callable

from .model import (
    SCHEDULER_OBJECTS,
    START_SOON,
    Annotation,
    Case,
    Coroutines,
    Decorator,
    Kind,
    RenderedModule,
    Scheduler,
    Signature,
    TargetKind,
    render_module,
)

MODULE_NAME = "fuzzmod"
GENERATED_MODULE = "bgtyped_fuzz_generated"
MYPY_CONFIG = "[mypy]\nplugins = bgtyped.mypy\nshow_traceback = True\n"
_MESSAGE = re.compile(rf"^{MODULE_NAME}_\d+_\d+\.py:(\d+): (error|note): (.*)$")
_module_numbers = itertools.count()


@dataclass
class MypyRun:
    returncode: int
    output: str
    errors: dict[int, list[str]]
    stray: list[str]  # output lines that are neither a message on the module nor mypy's summary

    @property
    def crashed(self) -> bool:
        return self.returncode not in (0, 1) or "INTERNAL ERROR" in self.output or "Traceback" in self.output


def run_mypy(
    source: str,
    workdir: Path,
    cache_dir: Path,
    config: str = MYPY_CONFIG,
    companion: tuple[str, str] | None = None,
) -> MypyRun:
    """Type-check ``source`` with the plugin (or as ``config`` says), from a directory outside the repository.

    Every run checks a module of a new name: mypy trusts a cached module whose path (as given), size and
    mtime (in whole seconds) are unchanged, so rewriting one file in place could replay an earlier
    module's verdicts. ``companion`` (a module's name and source) is checked beside it, from a directory of
    its own for each run, for the same reason: the path changes, so mypy compares the source.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    number = next(_module_numbers)
    module = f"{MODULE_NAME}_{os.getpid()}_{number}"
    (workdir / f"{module}.py").write_text(source)
    files = [f"{module}.py"]
    if companion is not None:
        directory = workdir / f"{MODULE_NAME}_{os.getpid()}_{number}_companion"
        directory.mkdir()
        (directory / f"{companion[0]}.py").write_text(companion[1])
        files.append(f"{directory.name}/{companion[0]}.py")
    config_file = f"mypy-{hashlib.sha256(config.encode()).hexdigest()[:8]}.ini"
    (workdir / config_file).write_text(config)
    command = [
        sys.executable, "-m", "mypy", "--config-file", config_file, "--cache-dir", str(cache_dir),
        "--no-error-summary", "--hide-error-context", "--no-pretty", *files,
    ]  # fmt: skip
    result = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    errors: dict[int, list[str]] = {}
    stray: list[str] = []
    for line in output.splitlines():
        match = _MESSAGE.match(line)
        if match is None:
            if line.strip():
                stray.append(line)
        elif match.group(2) == "error":
            errors.setdefault(int(match.group(1)), []).append(match.group(3))
    return MypyRun(result.returncode, output, errors, stray)


@dataclass
class RuntimeVerdict:
    accepted: (
        bool  # the call binds, the scheduler took it, the task ran, every value fits, its result is used
    )
    reason: str
    consistent: bool = True  # the scheduler's verdict on binding equals a direct call's
    # Whether a checker can know the rejection from the types: not through an untyped decorator, a packed value
    # of unknown shape (``args=values``), or a return annotation of ``Any``. mypy with the plugin must then
    # still accept the call (it never guesses), whatever the runtime says.
    knowable: bool = True


def _capture(*args: Any, **kwargs: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    return args, kwargs


def fresh_namespace(definitions: str) -> dict[str, Any]:
    """Execute the definitions as a module of their own (dataclasses look their module up by name)."""
    module = types.ModuleType(GENERATED_MODULE)
    module.__dict__["_capture"] = _capture
    sys.modules[GENERATED_MODULE] = module
    exec(compile(definitions, f"{MODULE_NAME}.py", "exec"), module.__dict__)
    return module.__dict__


def binding_error(target: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    """The ``TypeError`` a real call raises, if any (generated bodies do nothing, so it can only be binding)."""
    return _call(target, args, kwargs)[0]


def _call(
    target: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[str | None, object]:
    """A real call's ``TypeError``, or what it returned (a coroutine is closed: only its kind matters)."""
    try:
        result = target(*args, **kwargs)
    except TypeError as error:
        return f"TypeError: {error}", None
    if inspect.iscoroutine(result):
        result.close()
    return None, result


def result_error(scheduler: Scheduler, target: Callable[..., Any], result: object) -> str | None:
    """Why what the task returned is a mistake for its scheduler, if it is."""
    coroutines = scheduler.coroutines
    if coroutines is Coroutines.REQUIRED:
        return (
            None if inspect.iscoroutine(result) else f"{scheduler.name} requires a coroutine, got {result!r}"
        )
    if not inspect.isawaitable(result):
        return None
    if coroutines is Coroutines.DROPPED:
        return f"{scheduler.name} never awaits the awaitable the task returns"
    if is_async_callable(target):
        return None
    return "a sync callable returned an awaitable: run in a thread, and not awaited by Starlette or FastAPI"


def _result_knowable(case: Case) -> bool:
    """Whether the types tell what the target returns, and (for bgtyped, Starlette, FastAPI) that it is sync."""
    signature = case.signature
    if signature.decorator is Decorator.UNTYPED:
        return False
    if signature.result is not None and not signature.result.known:
        return False
    if (
        signature.result is None
        and not signature.returns_none
        and signature.target_kind is not TargetKind.CLASS
    ):
        return False  # no return annotation: `Any`
    # A decorator may have made a sync def async (the plugin does not guess), and a callback protocol does
    # not say whether the function behind it is async; a thread awaits nothing anyway.
    return case.scheduler.coroutines is not Coroutines.AWAITED or (
        signature.decorator is None and signature.target_kind is not TargetKind.CLOSURE
    )


def _arguments_knowable(case: Case) -> bool:
    decorator = case.signature.decorator
    return (decorator is None or decorator.arguments_known) and not case.unknown_shape


def misfit(signature: Signature, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    """Why a value does not fit its parameter's annotation, if one does not; only for calls that bind.

    A ``complex`` first argument of a singledispatch function reaches the implementation registered for it,
    which takes anything.
    """
    if signature.decorator is Decorator.SINGLEDISPATCH and args and type(args[0]) is complex:
        return None
    for annotation, name, value in bound_values(signature, args, kwargs):
        if not annotation.fits(value):
            return f"value {value!r} for parameter {name!r} does not fit {annotation.render()!r}"
    return None


def bound_values(
    signature: Signature, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Iterator[tuple[Annotation, str, Any]]:
    """Each value of a call that binds, with the parameter it binds to.

    Not `inspect.Signature.bind`: before Python 3.12 it refuses a positional-only parameter's name in
    ``**kwargs``, which a real call accepts.
    """
    positional = signature.positional
    star = signature.variadic(Kind.VAR_POSITIONAL)
    double_star = signature.variadic(Kind.VAR_KEYWORD)
    for index, value in enumerate(args):
        parameter = positional[index] if index < len(positional) else star
        assert parameter is not None
        yield parameter.annotation, parameter.name, value
    by_name = {
        p.name: p for p in signature.parameters if p.kind in (Kind.POSITIONAL_OR_KEYWORD, Kind.KEYWORD_ONLY)
    }
    for name, value in kwargs.items():
        parameter = by_name.get(name, double_star)
        if parameter is not None:  # else it cannot bind: the binding verdict says so
            yield parameter.annotation, name, value


ACCEPTED = "binds, and every value fits"


@dataclass
class _Observed:
    """What running one call showed; the verdict is settled once the deferred tasks have run."""

    case: Case
    binding: str | None  # a direct call's TypeError
    misfit: str | None
    collides: bool  # a task keyword, or positional arguments, meet the scheduler's own `func` / `self`
    scheduler_error: str | None
    result: str | None = None  # what the task returns is a mistake for its scheduler
    task: starlette.background.BackgroundTask | None = None
    run_error: str | None = None

    def verdict(self) -> RuntimeVerdict:
        reason = (
            self.scheduler_error or self.run_error or self.binding or self.misfit or self.result or ACCEPTED
        )
        # bgtyped refuses at scheduling exactly the calls that do not bind; Starlette and FastAPI refuse only
        # collisions with their own parameters. Either way, a scheduled task fails exactly when it cannot bind.
        # A thread run in place fails exactly when the target cannot bind; start_soon also when it returns
        # no coroutine.
        scheduler = self.case.scheduler
        schedules = not self.collides if scheduler.runs_later else self.binding is None
        decorator = self.case.signature.decorator
        hidden = decorator is not None and decorator.wrapper_takes_anything
        if not scheduler.runs_later and scheduler.coroutines is Coroutines.AWAITED and hidden:
            # bgtyped binds against what is called: a wrapper's `*args, **kwargs` take anything; the task
            # fails when it runs.
            schedules = True
        if scheduler.coroutines is Coroutines.REQUIRED:
            schedules = schedules and self.result is None
        # Keywords unpacked into a scheduler that passes positional arguments only: refused whatever the task.
        schedules = schedules and not self.case.unpacks_keywords
        consistent = (self.scheduler_error is None) == schedules and (
            self.task is None or (self.run_error is None) == (self.binding is None)
        )
        knowable = (
            (
                (self.binding is not None or self.misfit is not None or self.collides)
                and _arguments_knowable(self.case)
            )
            or (self.result is not None and _result_knowable(self.case))
            or self.case.unpacks_keywords
        )
        return RuntimeVerdict(reason == ACCEPTED, reason, consistent, knowable or reason == ACCEPTED)


def runtime_verdicts(cases: Sequence[Case], module: RenderedModule) -> list[RuntimeVerdict]:
    """Execute the module's definitions, then each call exactly as written, with fresh schedulers.

    Every scheduled task is run, on one event loop per batch: Starlette and FastAPI bind only then. The
    coroutines that threads and Starlette drop are the mistakes being judged: their warnings are silenced.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "coroutine .* was never awaited", RuntimeWarning)
        verdicts = _runtime_verdicts(cases, module)
        gc.collect()
    return verdicts


def _runtime_verdicts(cases: Sequence[Case], module: RenderedModule) -> list[RuntimeVerdict]:
    namespace = fresh_namespace(module.definitions)
    observed: list[_Observed] = []
    for case, name in zip(cases, module.target_names, strict=True):
        target = eval(case.signature.target_text(name), namespace)
        args, kwargs = eval(f"_capture({case.render_arguments()})", namespace)
        binding, result = _call(target, args, kwargs)
        seen = _Observed(
            case,
            binding,
            None if binding is not None else misfit(case.signature, args, kwargs),
            bool(case.scheduler.reserved & set(kwargs)) or (case.target_by_keyword and bool(args)),
            None,
            None if binding is not None else result_error(case.scheduler, target, result),
        )
        schedulers = {variable: eval(f"{cls}()", namespace) for variable, cls in SCHEDULER_OBJECTS.items()}
        namespace.update(schedulers)
        try:
            made = _schedule(case, name, namespace)
        except TypeError as error:
            seen.scheduler_error = f"the scheduler raised TypeError: {error}"
        else:
            instance = case.scheduler.instance
            if instance in schedulers:
                seen.task = schedulers[instance].tasks[-1]
            elif isinstance(made, starlette.background.BackgroundTask):
                seen.task = made
        observed.append(seen)
    _run_tasks([seen for seen in observed if seen.task is not None])
    return [seen.verdict() for seen in observed]


def _schedule(case: Case, name: str, namespace: dict[str, Any]) -> object:
    """Make the scheduling call as written; a task group's, inside a real task group that runs the task."""
    call = case.render_call(name)
    if case.scheduler is not START_SOON:
        return eval(call, namespace)
    raised: list[TypeError] = []

    async def in_task_group() -> None:
        async with anyio.create_task_group() as group:
            namespace["tg"] = group
            try:
                eval(call, namespace)
            except TypeError as error:
                raised.append(error)
            except AttributeError as error:
                # anyio's TypeError for a result that is no coroutine reads the callable's `__qualname__`,
                # which a callable instance lacks.
                raised.append(TypeError(f"start_soon failed: {error}"))

    anyio.run(in_task_group)
    if raised:
        raise raised[0]
    return None


def _run_tasks(observed: list[_Observed]) -> None:
    async def run_all() -> None:
        for seen in observed:
            assert seen.task is not None
            try:
                await seen.task()
            except TypeError as error:
                seen.run_error = f"the task failed when run: TypeError: {error}"

    anyio.run(run_all)


@dataclass
class Disagreement:
    case: Case
    static_errors: list[str]
    runtime: RuntimeVerdict
    context: str = ""

    def describe(self) -> str:
        module = render_module([self.case])
        call_line = module.text.splitlines()[module.call_lines[0] - 1]
        name = module.target_names[0]
        definition = "\n".join(self.case.signature.render_definition(name) + self.case.render_values(name))
        static = "; ".join(self.static_errors) if self.static_errors else "no error"
        runtime = "accepted" if self.runtime.accepted else "rejected"
        return (
            f"--- scheduling through {self.case.scheduler.name}\n{definition}\n{call_line}\n"
            f"    mypy + plugin: {static}\n    runtime: {runtime} ({self.runtime.reason})\n"
            + (f"    note: {self.context}\n" if self.context else "")
        )


def add_counts(total: Any, part: Any) -> None:
    """Add one batch's result into the running total, field by field (counts, lists and per-key counts)."""
    for name in (f.name for f in fields(total)):
        value = getattr(part, name)
        if isinstance(value, dict):
            counts = getattr(total, name)
            for key, count in value.items():
                counts[key] = counts.get(key, 0) + count
        else:
            setattr(total, name, getattr(total, name) + value)


@dataclass
class BatchResult:
    calls: int = 0
    static_accepted: int = 0
    runtime_accepted: int = 0
    unknowable: int = 0  # rejected at run time for a reason no type says, and accepted by mypy, as it must be
    shapes: dict[str, int] = field(default_factory=dict)  # calls per shape of published code
    disagreements: list[Disagreement] = field(default_factory=list)
    runtime_inconsistencies: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)  # crashes, errors on definition lines, stray output


def compare(cases: Sequence[Case], workdir: Path, cache_dir: Path) -> BatchResult:
    """Both verdicts on every case, from one mypy run and one execution of the same module."""
    module = render_module(cases)
    run = run_mypy(module.text, workdir, cache_dir)
    result = BatchResult(calls=len(cases))
    if run.crashed:
        culprit = isolate_crash(cases, lambda part: render_module(part).text, workdir, cache_dir)
        shown = render_module(culprit).text if culprit else module.text
        result.unexpected.append(
            f"mypy crashed (exit {run.returncode}):\n{run.output[-4000:]}\n--- module:\n{shown}"
        )
        return result
    result.unexpected += [f"unexpected mypy output: {line}" for line in run.stray]
    lines = module.text.splitlines()
    call_lines = set(module.call_lines)
    for line_number, messages in sorted(run.errors.items()):
        if line_number not in call_lines:
            result.unexpected.append(f"error on line {line_number} `{lines[line_number - 1]}`: {messages}")
    verdicts = runtime_verdicts(cases, module)
    for case, line_number, verdict in zip(cases, module.call_lines, verdicts, strict=True):
        for shape in case.shapes():
            result.shapes[shape] = result.shapes.get(shape, 0) + 1
        static_errors = run.errors.get(line_number, [])
        result.static_accepted += not static_errors
        result.runtime_accepted += verdict.accepted
        if not verdict.consistent:
            result.runtime_inconsistencies.append(f"{lines[line_number - 1]}: {verdict.reason}")
        if not verdict.accepted and not verdict.knowable and not static_errors:
            result.unknowable += 1
        elif verdict.accepted == bool(static_errors):
            result.disagreements.append(Disagreement(case, static_errors, verdict))
    return result


Item = TypeVar("Item")


def isolate_crash(
    items: Sequence[Item], render: Callable[[Sequence[Item]], str], workdir: Path, cache_dir: Path
) -> list[Item] | None:
    """Halve a batch while one half alone still crashes mypy: the one case that does, if there is one."""
    current = list(items)
    while len(current) > 1:
        half = len(current) // 2
        for part in (current[:half], current[half:]):
            if run_mypy(render(part), workdir, cache_dir).crashed:
                current = part
                break
        else:
            return None
    return current
