"""Published code that schedules functions, checked by mypy with and without the plugin.

The plugin earns its place only if it agrees with mypy on code nobody wrote for it: no error added, none
lost, and no crash. Four sets of pinned wheels (`published`) are downloaded once into the user's cache
directory and unpacked: packages that use Starlette's and FastAPI's background tasks; packages whose own code
hands functions to threads, processes, executors, event loops, task groups and task queues; packages that
schedule on distributed engines and job queues (Ray, Dask, Temporal, Prefect, procrastinate); and packages
that schedule jobs with APScheduler, huey, arq and saq. Every module with a call spelled like one of the
set's schedulers that the plugin registers (or, for huey, a call of a task the module decorates) is checked
by mypy twice, with one configuration that differs only in ``plugins = bgtyped.mypy``. The packages' other
dependencies are absent (``ignore_missing_imports``); Starlette, FastAPI, Pydantic, anyio, celery-types,
dramatiq, Ray, Temporal, Dask, Prefect, procrastinate, arq and saq are the real ones of the test environment
where a set does not ship its own, and APScheduler and huey are read through bgtyped's stubs.

An error that the plugin reports on another line of the same scheduling call is "moved", not lost and added:
the plugin puts a wrong task argument on that argument's line where mypy puts the whole call's error on its
first line. Where mypy rejects the whole call and the plugin names several wrong arguments, that one error
moves to each of their lines, which carry its code (the plugin reports under mypy's code); the call's first
line may keep other errors of mypy's. Moves are counted and printed; added and lost errors and crashes fail.
So does a line where both runs report an error and the plugin's has a code plain mypy does not report there,
unless it is one of the plugin's own codes (its rule for the same mistake): an ignore comment written for
plain mypy would stop applying once the plugin is added.

Where a library's own hints reject a correct call (prefect's overloads of ``Task.submit`` take ``wait_for=``
only beside ``return_state=``), the plugin's verdict is the task's real signature, and mypy alone's error on
that call is not lost but an "accepted correct call that the library's hints reject": counted and printed
apart, and only where the plugin's silence is a verdict. That is, mypy's error names the scheduler (it judges
the call through the scheduler's hints) and the plugin is shown to check the call against its task: with the
probes planted, it reports the mistake planted in that call in its own words. Where the hints mistype a
correct call's result (prefect's first overload of ``submit`` types an async task's future as holding its
coroutine, which prefect awaits), mypy alone's errors on the code using the result are "results typed as the
library runs them": only the types tie such a line to its call, so each is listed with its reason
(`PublishedSet.typed_as_run`), and counted and printed apart.

Most of that code is correct, so agreeing on it says little about errors. The second half of each test
therefore plants a mistake in every scheduling call (an unknown keyword; one positional argument too many
for schedulers that pass no keywords on; for schedulers that take the task's arguments packed, a dict of
keywords holding an unknown one, ``kwargs={"bgtyped_probe": 0}``, or that key added to the literal dict the call
gives) and checks again, each configuration reusing its own cache so the plugin also runs incrementally: the
runs must still agree, and wherever plain mypy sees the mistake, the plugin must report it in its own words
(``... scheduled by "..."``), which shows that it checked the call. Where mypy alone cannot see it (a
scheduler taking ``*args: Any``, or the task's keywords as any dict), a set asks for a minimum of planted
mistakes that the plugin alone reports.
``pytest tests/realworld -s`` prints the counts per package.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from bgtyped_published import (
    BACKGROUND_TASK_RELEASES,
    CALLED_TASK,
    DEFERRED_CALL_RELEASES,
    ENGINE_RELEASES,
    PROBE_BY_SHAPE,
    SCHEDULED_JOB_RELEASES,
    Probe,
    Release,
    Scheduler,
    SchedulingCall,
    download,
    plant_probes,
    registered_schedulers,
    schedulers_from_registry,
    scheduling_calls,
    scheduling_calls_in,
    unpack,
)

# Not strict: published code is not written for --strict, and its errors would bury the ones that matter.
# check_untyped_defs brings the bodies of unannotated functions, where much scheduling happens, in.
BASE_CONFIG = """\
[mypy]
ignore_missing_imports = True
follow_imports = silent
check_untyped_defs = True
# Module names from the paths under the unpacked root, namespace packages (opentelemetry) included.
explicit_package_bases = True
"""
PLUGIN_LINE = "plugins = bgtyped.mypy\n"

# How plain mypy names a registered scheduler in the error a planted mistake causes: evidence, independent of
# the plugin, that the call schedules a function whose parameters mypy knows.
SCHEDULER_IN_MYPY_WORDS = re.compile(
    "|".join(
        (
            r'"(?:add_task" of "BackgroundTasks|BackgroundTask|run_in_threadpool|to_thread|run_sync'
            r'|submit" of "\w*Executor|(?:run_in_executor|call_soon|call_soon_threadsafe|call_later|call_at)" of "\w*EventLoop'
            r'|start_soon" of "TaskGroup|delay" of "Task|send" of "Actor)"',
            r'"remote" of "(?:RemoteFunction\w*|_RemoteMethod\w*|ActorClass)"',
            r'"(?:submit|map)" of "Client"',
            # Temporal's functions, not the interceptors' methods of the same names.
            r'"(?:start|execute)_(?:(?:local_)?activity(?:_method)?|child_workflow)"(?! of)',
            r'"(?:start|execute)_workflow" of "Client"',
            r'"defer(?:_async)?" of "(?:Task|JobDeferrer)"',
            r'"(?:submit|map)" of "Task"',
            r'"call_local" of "TaskWrapper"',
        )
    )
)
# How the plugin names a task in its messages; mypy alone never writes it.
PLUGIN_WORDS = re.compile(r'" scheduled by "|\bscheduled by \w')
ERROR_LINE = re.compile(
    r"^(?P<path>[^:\n]+):(?P<line>\d+): error: (?P<message>.*?)(?:  \[(?P<code>[\w-]+)\])?$"
)
# The plugin's own codes (bgtyped.mypy.errorcodes); its argument errors keep mypy's arg-type and call-arg.
PLUGIN_CODES = frozenset(
    {
        "task-call-result",
        "task-not-callable",
        "task-never-awaited",
        "task-not-async",
        "task-reserved-keyword",
        "task-required-option",
        "task-undecorated",
        "task-option-as-argument",
        "task-unknown-job",
        "task-fastapi-injection",
    }
)
# mypy's verdict on a whole call, which names no argument ("No overload variant of ... matches argument types").
WHOLE_CALL_CODE = "call-overload"
SUMMARY_LINE = re.compile(r"(?:\(checked|no issues found in) (?P<checked>\d+) source files?\)?$")
MYPY_TIMEOUT = 900
MAX_SHOWN = 50

# Disagreements on the second set that are known plugin bugs, each with its reproducer:
# (phase, "added" or "lost", "path:line") -> the bug. The phase is "published" (the code as published) or
# "probed" (with the planted mistakes). The test fails on any other disagreement, and on an entry here that no
# longer occurs: remove it when its fix lands.
KNOWN_DEFERRED_CALL_DISAGREEMENTS: Mapping[tuple[str, str, str], str] = {}
# Calls of the second set where mypy alone sees the planted mistake and the plugin leaves mypy's report:
# "path:line" -> why. The test fails if any other call is left to mypy, or if one of these no longer is.
DEFERRED_CALLS_LEFT_TO_MYPY: Mapping[str, str] = {
    "fastapi/background.py:62": (
        "forwards its own `*args: P.args, **kwargs: P.kwargs`: mypy's ParamSpec check stays in charge"
    ),
}
# The known plugin bugs of the third set, as for the second.
KNOWN_ENGINE_DISAGREEMENTS: Mapping[tuple[str, str, str], str] = {}
# `@task async def jobs_runs_get_output(...) -> dict[str, Any]`, then `f = jobs_runs_get_output.submit(...)` and
# `f.result().get(...)`: prefect awaits an async task (`run_task_async`), so the result is the dict. Its first
# overload of Task.submit, which mypy alone follows, types the future as holding the coroutine.
_AWAITED_PREFECT_RESULT = "an async prefect task's submit(...).result(): the awaited value, not the coroutine"
ENGINE_RESULTS_TYPED_AS_RUN: Mapping[str, str] = {
    f"prefect_databricks/flows.py:{line}": _AWAITED_PREFECT_RESULT for line in (226, 542, 570)
}
# A Ray remote function with no annotations (``@ray.remote def f(df): ...``): the plugin leaves ``f.remote(...)``
# to mypy, which checks it against ray's RemoteFunction overloads.
_UNANNOTATED_REMOTE = "a remote function without annotations"
ENGINE_CALLS_LEFT_TO_MYPY: Mapping[str, str] = {
    "modin/core/execution/ray/implementations/pandas_on_ray/partitioning/partition.py:270": _UNANNOTATED_REMOTE,
    "modin/core/execution/ray/implementations/pandas_on_ray/partitioning/partition.py:297": _UNANNOTATED_REMOTE,
    "modin/core/execution/ray/implementations/pandas_on_ray/partitioning/virtual_partition.py:112": _UNANNOTATED_REMOTE,
    "modin/core/execution/ray/implementations/pandas_on_ray/partitioning/virtual_partition.py:180": _UNANNOTATED_REMOTE,
    "modin/core/execution/ray/implementations/pandas_on_ray/partitioning/virtual_partition.py:244": _UNANNOTATED_REMOTE,
    "xgboost_ray/tests/test_data_source.py:227": _UNANNOTATED_REMOTE,
    "xgboost_ray/tests/test_data_source.py:527": _UNANNOTATED_REMOTE,
    "xgboost_ray/tests/test_matrix.py:53": _UNANNOTATED_REMOTE,
    # ``task = f.options(...)`` then ``task.remote(...)``: the definition behind a stored ``options`` result is not
    # followed (``f.options(...).remote(...)`` in one expression is checked).
    "raydp/spark/dataset.py:213": "an options(...) result kept in a variable",
}

Line = tuple[str, int]


# --- mypy -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Error:
    message: str
    code: str | None


@dataclass
class MypyRun:
    returncode: int
    stdout: str
    stderr: str
    errors: dict[Line, list[Error]] = field(default_factory=dict)
    checked_files: int | None = None

    @classmethod
    def parse(cls, returncode: int, stdout: str, stderr: str) -> MypyRun:
        run = cls(returncode, stdout, stderr)
        for line in stdout.splitlines():
            if error := ERROR_LINE.match(line):
                key = (error["path"], int(error["line"]))
                run.errors.setdefault(key, []).append(Error(error["message"], error["code"]))
            elif summary := SUMMARY_LINE.search(line):
                run.checked_files = int(summary["checked"])
        return run

    def error_count(self, paths: Iterable[str] | None = None) -> int:
        wanted = None if paths is None else set(paths)
        return sum(len(e) for (path, _), e in self.errors.items() if wanted is None or path in wanted)

    def crash_report(self) -> str | None:
        """mypy exits 0 (clean) or 1 (errors found); an internal error or a plugin that fails to load does not."""
        if (
            self.returncode in (0, 1)
            and "INTERNAL ERROR" not in self.stdout + self.stderr
            and not self.stderr
        ):
            return None
        return f"exit code {self.returncode}\n{self.stderr[-4000:]}\n{self.stdout[-4000:]}"


def check_both(root: Path, files: list[str], workdir: Path) -> dict[str, MypyRun]:
    """Runs mypy without and with the plugin, side by side; each configuration keeps its own cache."""
    configs = {"mypy": BASE_CONFIG, "mypy + bgtyped": BASE_CONFIG + PLUGIN_LINE}
    processes = {}
    for index, (name, config) in enumerate(configs.items()):
        config_file = workdir / f"mypy-{index}.ini"
        config_file.write_text(config)
        processes[name] = subprocess.Popen(
            [
                *(sys.executable, "-m", "mypy", "--config-file", str(config_file)),
                *("--cache-dir", str(workdir / f"cache-{index}"), "--no-color-output", "--no-pretty"),
                *files,
            ],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    runs = {}
    for name, process in processes.items():
        stdout, stderr = process.communicate(timeout=MYPY_TIMEOUT)
        runs[name] = MypyRun.parse(process.returncode, stdout, stderr)
    for name, run in runs.items():
        crash = run.crash_report()
        assert crash is None, f"{name} did not finish cleanly:\n{crash}"
        assert run.checked_files == len(files), f"{name} checked {run.checked_files} of {len(files)} files"
    return runs


# --- comparing the runs -----------------------------------------------------------------------------------


@dataclass
class Comparison:
    """Where the runs differ: each entry is ``(what, "path:line", detail)``."""

    added: list[tuple[str, str, str]] = field(default_factory=list)
    lost: list[tuple[str, str, str]] = field(default_factory=list)
    codes_changed: list[tuple[str, str, str]] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    # Planted mistakes that the plugin reports and mypy alone misses.
    caught: list[str] = field(default_factory=list)
    # Accepted correct calls that the library's hints reject: mypy alone's error on a scheduling call that the
    # plugin checked against the task and found fitting.
    accepted: list[str] = field(default_factory=list)
    # mypy alone's errors on correct code that follow from a library's hints mistyping a call's result, which the
    # plugin types as the library runs it: listed per set (`PublishedSet.typed_as_run`).
    typed_as_run: list[str] = field(default_factory=list)

    @property
    def disagreements(self) -> list[tuple[str, str, str]]:
        return [*self.added, *self.lost, *self.codes_changed]

    def in_paths(self, paths: set[str]) -> Comparison:
        def keep(entries: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
            return [e for e in entries if e[1].rsplit(":", 1)[0] in paths]

        def keep_text(entries: list[str]) -> list[str]:
            return [e for e in entries if e.split(":", 1)[0] in paths]

        return Comparison(
            keep(self.added),
            keep(self.lost),
            keep(self.codes_changed),
            keep_text(self.moved),
            keep_text(self.caught),
            keep_text(self.accepted),
            keep_text(self.typed_as_run),
        )


def where(key: Line) -> str:
    return f"{key[0]}:{key[1]}"


def moves(
    without: Mapping[Line, list[Error]],
    with_plugin: Mapping[Line, list[Error]],
    lost: set[Line],
    added: set[Line],
    calls: Iterable[SchedulingCall],
) -> dict[Line, Line]:
    """Pairs each added line of a scheduling call with the line of the call its error moved from (new -> old).

    A lost line pairs with one added line, in order. Then mypy's rejection of the whole call (`WHOLE_CALL_CODE`)
    moves to every line of the call left whose errors all have its code: mypy reports the call once, the plugin
    each wrong argument on its own line, under mypy's code (its first line may keep mypy's error, standing for
    another mistake there).
    """
    paired: dict[Line, Line] = {}
    for call in calls:
        span = {(call.path, line) for line in call.lines()}
        gone, new = sorted(span & (lost - set(paired.values()))), sorted(span & (added - paired.keys()))
        for old_line, new_line in zip(gone, new, strict=False):
            paired[new_line] = old_line
        whole = [key for key in sorted(span) if any(e.code == WHOLE_CALL_CODE for e in without.get(key, []))]
        for new_line in sorted(span & (added - paired.keys())):
            if whole and all(e.code == WHOLE_CALL_CODE for e in with_plugin[new_line]):
                paired[new_line] = whole[0]
    return paired


def accepts(
    errors: Iterable[Error], call: SchedulingCall | None, checked: Collection[SchedulingCall]
) -> bool:
    """Whether mypy alone's ``errors`` reject a scheduling call that the plugin accepts as fitting its task.

    The errors all name the scheduler in mypy's words (its verdict on the call through the library's hints),
    and the plugin demonstrably checks the call against the task: it reported the mistake planted in it in its
    own words (``checked``). Its silence on the call as published is then its verdict: the task's real
    signature accepts the call.
    """
    return (
        call is not None
        and call in checked
        and all(SCHEDULER_IN_MYPY_WORDS.search(e.message) for e in errors)
    )


def compare(
    without: Mapping[Line, list[Error]],
    with_plugin: Mapping[Line, list[Error]],
    calls: Sequence[SchedulingCall],
    planted: bool,
    checked: Collection[SchedulingCall] = (),
    typed_as_run: Collection[str] = (),
) -> Comparison:
    """Lines where the two runs do not report the same mistakes.

    A line counts as the same mistake when both runs report it, whatever the wording. On a scheduling call the
    plugin may move the error to another line of the call, and on a line where both report errors, it may
    report a code plain mypy does not only if that code is its own (one of its rules explaining what mypy
    reported as a puzzling argument error); anywhere else the codes must match one for one. With the probes
    ``planted``, an error only the plugin reports on a probed call is the planted mistake, caught by the
    plugin alone. An error lost on a call that the plugin is shown to check (``checked``, see `accepts`) is an
    accepted correct call that the library's hints reject; one on a line of ``typed_as_run`` ("path:line"),
    correct code whose type the library's hints get wrong and the plugin right.
    """
    lost = {key for key in without if not with_plugin.get(key)}
    added = {key for key in with_plugin if not without.get(key)}
    moved = moves(without, with_plugin, lost, added, calls)
    scheduling = {(call.path, line) for call in calls for line in call.lines()}
    call_at = {(call.path, line): call for call in calls for line in call.lines()}
    probed = {(call.path, line) for call in calls if call.probe is not None for line in call.lines()}
    result = Comparison()
    for new, old in sorted(moved.items(), key=lambda pair: (pair[1], pair[0])):
        result.moved.append(f"{where(old)} -> {new[1]}: {[e.message for e in with_plugin[new]]}")
    for key in sorted(lost - set(moved.values())):
        messages = str([e.message for e in without[key]])
        if accepts(without[key], call_at.get(key), checked):
            result.accepted.append(f"{where(key)}: {messages}")
        elif where(key) in typed_as_run:
            result.typed_as_run.append(f"{where(key)}: {messages}")
        else:
            result.lost.append(("lost", where(key), messages))
    for key in sorted(added - moved.keys()):
        messages = str([e.message for e in with_plugin[key]])
        if planted and key in probed:
            result.caught.append(f"{where(key)}: {messages}")
        else:
            result.added.append(("added", where(key), messages))
    for key in sorted(without.keys() & with_plugin.keys()):
        before, after = Counter(e.code for e in without[key]), Counter(e.code for e in with_plugin[key])
        # On a scheduling line the plugin may report fewer errors, or its own code; never another of mypy's.
        changed = bool(after.keys() - before.keys() - PLUGIN_CODES) if key in scheduling else before != after
        if changed:
            detail = f"{without[key]} -> {with_plugin[key]}"
            result.codes_changed.append(("codes changed", where(key), detail))
    return result


def assert_agree(outcome: Outcome, known: Mapping[tuple[str, str, str], str]) -> None:
    """Fails on every disagreement not in ``known``, and on every entry of ``known`` that did not occur."""
    phases = {"published": outcome.published_comparison, "probed": outcome.probed_comparison}
    found = {
        (phase, kind, line): detail for phase, c in phases.items() for kind, line, detail in c.disagreements
    }
    unknown = [
        f"{kind} ({phase}) {line}: {detail}"
        for (phase, kind, line), detail in found.items()
        if (phase, kind, line) not in known
    ]
    stale = [
        f"{kind} ({phase}) {line}: {known[phase, kind, line]}"
        for phase, kind, line in sorted(known.keys() - found.keys())
    ]
    problems = []
    if unknown:
        problems.append(f"the plugin disagrees with mypy at {len(unknown)} lines:")
        problems.extend(unknown[:MAX_SHOWN])
    if stale:
        problems.append("known disagreements that no longer occur (remove them from the list):")
        problems.extend(stale)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def probed_calls(
    calls: Sequence[SchedulingCall], published: MypyRun, probed: Mapping[str, MypyRun]
) -> tuple[list[SchedulingCall], list[SchedulingCall]]:
    """The calls where plain mypy sees the planted mistake, and those of them the plugin reports in its words.

    Plain mypy seeing it (a new error on the call) is evidence, independent of the plugin, that the call
    schedules a function whose parameters mypy knows.
    """
    seen, reworded = [], []
    for call in calls:
        if call.probe is None:
            continue
        span = [(call.path, line) for line in call.lines()]
        before = {e for key in span for e in published.errors.get(key, [])}
        after = {e for key in span for e in probed["mypy"].errors.get(key, [])}
        if any(SCHEDULER_IN_MYPY_WORDS.search(e.message) for e in after - before):
            seen.append(call)
            plugin_errors = [e for key in span for e in probed["mypy + bgtyped"].errors.get(key, [])]
            if any(PLUGIN_WORDS.search(e.message) for e in plugin_errors):
                reworded.append(call)
    return seen, reworded


# --- the tests ------------------------------------------------------------------------------------------

# What Temporal starts: activities (run locally or by a worker, given as functions or methods), child workflows
# and workflows.
TEMPORAL_TASKS = (
    *(f"{local}activity{method}" for local in ("", "local_") for method in ("", "_method")),
    "child_workflow",
    "workflow",
)
# The first set is checked on Starlette's and FastAPI's schedulers alone, the second on every one; the third
# on the engines' and job queues' (threads, executors and loop callbacks are the second set's), those of them
# the plugin registers.
BACKGROUND_TASK_SCHEDULERS = ("add_task", "BackgroundTask")
ENGINE_SCHEDULERS = (
    "remote",
    "submit",
    "map",
    *(f"{verb}_{kind}" for verb in ("start", "execute") for kind in TEMPORAL_TASKS),
    "defer",
    "defer_async",
)

# The fourth set on APScheduler's, huey's (a task called directly is `CALLED_TASK`), arq's and saq's.
SCHEDULED_JOB_SCHEDULERS = (
    "add_job",
    *(CALLED_TASK, "s", "schedule", "call_local"),
    "enqueue_job",
    *("enqueue", "apply"),
)


def test_every_registered_scheduler_is_looked_for_with_a_probe_that_fits_its_shape() -> None:
    schedulers = registered_schedulers()
    assert {"add_task", "submit", "to_thread", "Thread"} <= schedulers.keys()
    assert schedulers["submit"] == Scheduler(Probe.KEYWORD)
    assert schedulers["run_in_executor"] == Scheduler(Probe.POSITIONAL)
    assert schedulers["to_thread"] == Scheduler(Probe.KEYWORD, bare_name=True)
    assert schedulers["Thread"] == Scheduler(Probe.PACKED, bare_name=True, packed=("kwargs", 4))
    assert schedulers["add_job"] == Scheduler(Probe.PACKED, packed=("kwargs", 3))
    # Celery's and prefect's ``kwargs``, multiprocessing's ``kwds``: no keyword fits every one.
    assert schedulers["apply_async"] == Scheduler(None)


def test_a_name_with_two_shapes_gets_no_probe_and_an_unknown_shape_is_refused() -> None:
    schedulers = schedulers_from_registry(
        [
            ("apply", False, "tuple and dict", ("kwargs", 1)),
            ("apply", False, "positional and keyword", None),
            ("Process", True, "tuple and dict", ("kwargs", 4)),
            ("Process", False, "tuple and dict", ("kwargs", None)),
            ("apply_async", False, "tuple and dict", ("kwargs", 1)),
            ("apply_async", False, "tuple and dict", ("kwds", 2)),
            ("start", False, "tuple and dict", ("kwargs", 1)),
            ("start", False, "tuple and dict", None),
            ("__call__", False, "positional and keyword", None),
            ("__await__", False, "positional and keyword", None),
        ]
    )
    assert schedulers == {
        "apply": Scheduler(None),
        "Process": Scheduler(Probe.PACKED, bare_name=True, packed=("kwargs", 4)),
        "apply_async": Scheduler(None),
        "start": Scheduler(None),
        CALLED_TASK: Scheduler(Probe.KEYWORD),
    }
    with pytest.raises(ValueError, match="'Spread' has no probe yet"):
        schedulers_from_registry([("fan_out", False, "Spread", None)])
    assert set(PROBE_BY_SHAPE.values()) == {*Probe, None}


SPELLINGS = b"""\
import ray
import distributed as dd
from temporalio import workflow

results = map(str, [1, 2])
add = ray.remote(add)
client = dd.Client()
client.map(add, [1], [2])
add.remote()
workflow.execute_activity(add, start_to_close_timeout=5)
workflow.execute_activity(add, 1)
asyncio.to_thread(add, 1)
to_thread(add, *xs)
"""
SPELLED = {
    "map": Scheduler(Probe.KEYWORD),
    "remote": Scheduler(Probe.KEYWORD),
    "execute_activity": Scheduler(Probe.ARGUMENT, bare_name=True),
    "to_thread": Scheduler(Probe.KEYWORD, bare_name=True),
}


def test_methods_are_found_on_objects_only_and_each_probe_where_it_fits(tmp_path: Path) -> None:
    calls = scheduling_calls_in("m.py", SPELLINGS, SPELLED)
    assert [(c.name, c.first_line, c.probe) for c in calls] == [
        ("map", 8, Probe.KEYWORD),
        ("remote", 9, Probe.KEYWORD),
        ("execute_activity", 10, Probe.ARGUMENT),
        ("execute_activity", 11, None),
        ("to_thread", 12, Probe.KEYWORD),
        ("to_thread", 13, Probe.KEYWORD),
    ]
    (tmp_path / "m.py").write_bytes(SPELLINGS)
    plant_probes(tmp_path, calls)
    planted = (tmp_path / "m.py").read_text().splitlines()
    assert planted[7:13] == [
        "client.map(add, [1], [2], bgtyped_probe=0)",
        "add.remote(bgtyped_probe=0)",
        "workflow.execute_activity(add, 0, start_to_close_timeout=5)",
        "workflow.execute_activity(add, 1)",
        "asyncio.to_thread(add, 1, bgtyped_probe=0)",
        "to_thread(add, *xs, bgtyped_probe=0)",
    ]


PACKED_SPELLINGS = b"""\
import threading

threading.Thread(target=run, args=(1,))
threading.Thread(target=run, kwargs={"x": 1},
                 daemon=True)
threading.Thread(target=run, kwargs={})
threading.Thread(None, run, "name", (1,), {"x": 1})
threading.Thread(target=run, kwargs=options)
threading.Thread(target=run, kwargs={**options})
threading.Thread(target=run, **options)
threading.Thread(*spec)
scheduler.enter(5, 1, run)
task.send_with_options(*args)
task.send_with_options()
"""
PACKED = {
    "Thread": Scheduler(Probe.PACKED, bare_name=True, packed=("kwargs", 4)),
    "enter": Scheduler(Probe.PACKED, packed=("kwargs", 4)),
    "send_with_options": Scheduler(Probe.PACKED, packed=("kwargs", None)),
}


def test_the_packed_keywords_get_a_dict_with_the_probe_where_the_call_gives_none_or_a_literal_one(
    tmp_path: Path,
) -> None:
    calls = scheduling_calls_in("m.py", PACKED_SPELLINGS, PACKED)
    assert [(c.first_line, c.probe, c.packed_keyword) for c in calls] == [
        (3, Probe.PACKED, "kwargs"),
        (4, Probe.PACKED, None),
        (6, Probe.PACKED, None),
        # Given positionally, as another expression, unpacked, or perhaps by ``*spec``: no probe.
        (7, None, None),
        (8, None, None),
        (9, None, None),
        (10, None, None),
        (11, None, None),
        (12, Probe.PACKED, "kwargs"),
        # Passed by name only: ``*args`` cannot give it.
        (13, Probe.PACKED, "kwargs"),
        (14, Probe.PACKED, "kwargs"),
    ]
    (tmp_path / "m.py").write_bytes(PACKED_SPELLINGS)
    plant_probes(tmp_path, calls)
    planted = (tmp_path / "m.py").read_text().splitlines()
    assert planted[2:6] + planted[11:14] == [
        'threading.Thread(target=run, args=(1,), kwargs={"bgtyped_probe": 0})',
        'threading.Thread(target=run, kwargs={"bgtyped_probe": 0, "x": 1},',
        "                 daemon=True)",
        'threading.Thread(target=run, kwargs={"bgtyped_probe": 0})',
        'scheduler.enter(5, 1, run, kwargs={"bgtyped_probe": 0})',
        'task.send_with_options(*args, kwargs={"bgtyped_probe": 0})',
        'task.send_with_options(kwargs={"bgtyped_probe": 0})',
    ]
    assert planted[6:11] == PACKED_SPELLINGS.decode().splitlines()[6:11]


def test_a_minimum_of_calls_applies_once_the_plugin_registers_one_of_its_schedulers() -> None:
    submit = SchedulingCall("m.py", "submit", 1, 1, None, None)
    assert_found_once_registered([submit], {("submit", "not_a_scheduler"): 1, ("not_a_scheduler",): 5})
    with pytest.raises(AssertionError, match="submit/not_a_scheduler: 1 calls, fewer than 2"):
        assert_found_once_registered([submit], {("submit", "not_a_scheduler"): 2})


TASKS = b"""\
import huey as h

@h.huey.task()
def send(to): ...

@celery.task
def run(): ...

def test():
    @h.huey.db_periodic_task(crontab())
    def tick(): ...

    tick()
    send("a@b.c", delay=1)

def elsewhere():
    tick()
    super().__call__(1)

@task
def bare(): ...

send(to="a@b.c")
bare()
"""


def test_a_task_called_directly_is_found_by_its_decorator_in_the_scope_that_defines_it() -> None:
    schedulers = {CALLED_TASK: Scheduler(Probe.KEYWORD)}
    calls = scheduling_calls_in("m.py", TASKS, schedulers)
    assert [(c.name, c.first_line) for c in calls] == [
        (CALLED_TASK, 13),
        (CALLED_TASK, 14),
        (CALLED_TASK, 23),
    ]
    assert all(c.probe is Probe.KEYWORD for c in calls)
    assert scheduling_calls_in("m.py", TASKS, {"s": Scheduler(Probe.KEYWORD)}) == []


def test_a_wheel_limited_to_some_folders_unpacks_only_their_sources(tmp_path: Path) -> None:
    wheel = tmp_path / "lib-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for member in ("lib/__init__.py", "lib/api.py", "lib/tests/__init__.py", "lib/tests/test_api.py"):
            archive.writestr(member, "")
        archive.writestr("lib-1.0.dist-info/METADATA", "")
    owners = unpack([wheel], tmp_path / "src", {wheel.name: ("lib/tests",)})
    assert sorted(owners) == ["lib/tests/__init__.py", "lib/tests/test_api.py"]
    assert not (tmp_path / "src" / "lib" / "api.py").exists()
    assert sorted(unpack([wheel], tmp_path / "all")) == ["lib/__init__.py", "lib/api.py", *owners]


# A call on lines 3-5 of m.py (mypy alone reports it on its first line, the plugin on the argument's line).
CALL = SchedulingCall("m.py", "to_thread", 3, 5, (5, 12), Probe.KEYWORD)
MYPY_ON_CALL = [Error('Unexpected keyword argument "x" for "to_thread"', "call-arg")]
PLUGIN_ON_CALL = [Error('Unexpected keyword argument "x" for "f" scheduled by "to_thread"', "call-arg")]


def test_an_error_on_another_line_of_the_same_call_is_moved_and_others_are_added_or_lost() -> None:
    without = {("m.py", 3): MYPY_ON_CALL, ("m.py", 9): [Error("lost one", "attr-defined")]}
    with_plugin = {("m.py", 5): PLUGIN_ON_CALL, ("m.py", 8): [Error("added one", "misc")]}
    comparison = compare(without, with_plugin, [CALL], planted=False)
    assert comparison.moved == [f"m.py:3 -> 5: {[PLUGIN_ON_CALL[0].message]}"]
    assert comparison.lost == [("lost", "m.py:9", "['lost one']")]
    assert comparison.added == [("added", "m.py:8", "['added one']")]
    assert comparison.caught == []


def test_an_error_under_another_code_on_a_scheduling_line_is_a_changed_code_unless_the_plugins_own() -> None:
    without = {("m.py", 3): [Error('Argument 1 to "to_thread" has incompatible type', "arg-type")]}
    for plugin_error, changed in (
        (Error("Incompatible types in assignment", "assignment"), True),
        (Error('Missing positional argument "x" in call to "f" scheduled by "to_thread"', "call-arg"), True),
        (Error('Missing positional argument "x" in call to "f" scheduled by "to_thread"', "arg-type"), False),
        (Error('"to_thread" needs a callable to schedule, got "int"', "task-not-callable"), False),
    ):
        comparison = compare(without, {("m.py", 3): [plugin_error]}, [CALL], planted=False)
        assert [entry[:2] for entry in comparison.codes_changed] == (
            [("codes changed", "m.py:3")] if changed else []
        )
        assert (comparison.added, comparison.lost) == ([], [])


def test_mypys_error_on_a_whole_call_moves_to_each_argument_the_plugin_reports_under_its_code() -> None:
    rejected = Error(
        'No overload variant of "to_thread" matches argument types "int", "str"', "call-overload"
    )
    other = Error("Not all union combinations were tried because there are too many unions", "misc")
    first = Error('Argument "x" to "f" scheduled by "to_thread" has incompatible type "int"', "call-overload")
    second = Error('Argument 2 to "f" scheduled by "to_thread" has incompatible type "str"', "call-overload")
    without = {("m.py", 3): [rejected, other]}
    comparison = compare(
        without, {("m.py", 3): [other], ("m.py", 4): [first], ("m.py", 5): [second]}, [CALL], False
    )
    assert comparison.moved == [f"m.py:3 -> 4: {[first.message]}", f"m.py:3 -> 5: {[second.message]}"]
    assert comparison.disagreements == []
    # Under another code than the one mypy no longer reports, an error is the plugin's own: added.
    renamed = Error(second.message, "arg-type")
    comparison = compare(
        without, {("m.py", 3): [other], ("m.py", 4): [first], ("m.py", 5): [renamed]}, [CALL], False
    )
    assert comparison.moved == [f"m.py:3 -> 4: {[first.message]}"]
    assert comparison.added == [("added", "m.py:5", str([renamed.message]))]
    # mypy's error may stay on the call's line for another mistake (a planted one) that the plugin reports there.
    planted = Error('Unexpected keyword argument "probe" for "f" scheduled by "to_thread"', "call-overload")
    comparison = compare(without, {("m.py", 3): [planted, other], ("m.py", 4): [first]}, [CALL], False)
    assert (comparison.moved, comparison.added) == ([f"m.py:3 -> 4: {[first.message]}"], [])
    # An error of mypy's on one argument is not a verdict on the others.
    one_argument = Error('Argument 1 to "to_thread" has incompatible type "int"', "arg-type")
    comparison = compare(
        {("m.py", 3): [one_argument]}, {("m.py", 3): [one_argument], ("m.py", 4): [first]}, [CALL], False
    )
    assert (comparison.moved, comparison.added) == ([], [("added", "m.py:4", str([first.message]))])


def test_mypys_error_on_a_call_the_plugin_checked_and_accepts_is_an_accepted_correct_call() -> None:
    rejected = Error(
        'No overload variant of "to_thread" matches argument types "int", "list[Any]"', "call-overload"
    )
    comparison = compare({("m.py", 3): [rejected]}, {}, [CALL], planted=False, checked=[CALL])
    assert (comparison.accepted, comparison.lost) == ([f"m.py:3: {[rejected.message]}"], [])
    # Not shown to check the call: the plugin's silence says nothing, and mypy's error is lost.
    comparison = compare({("m.py", 3): [rejected]}, {}, [CALL], planted=False)
    assert (comparison.accepted, comparison.lost) == ([], [("lost", "m.py:3", str([rejected.message]))])
    # Off the call, an error on correct code whose type the library's hints get wrong is listed, or lost.
    mistyped = Error('"Coroutine[Any, Any, dict[str, Any]]" has no attribute "get"', "attr-defined")
    comparison = compare({("m.py", 9): [mistyped]}, {}, [CALL], planted=False, typed_as_run=["m.py:9"])
    assert (comparison.typed_as_run, comparison.lost) == ([f"m.py:9: {[mistyped.message]}"], [])
    # An error that is not mypy's verdict on the scheduling call itself is lost, checked or not.
    unrelated = Error('"Logger" has no attribute "warnx"', "attr-defined")
    comparison = compare({("m.py", 3): [rejected, unrelated]}, {}, [CALL], planted=False, checked=[CALL])
    assert (comparison.accepted, [entry[:2] for entry in comparison.lost]) == ([], [("lost", "m.py:3")])


PLUGIN_CODES_SCRIPT = """
from mypy.errorcodes import ErrorCode
from bgtyped.mypy import errorcodes
print(sorted(value.code for value in vars(errorcodes).values() if isinstance(value, ErrorCode)))
"""


def test_the_plugins_own_codes_are_the_installed_plugins(tmp_path: Path) -> None:
    found = subprocess.run(
        [sys.executable, "-c", PLUGIN_CODES_SCRIPT], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == str(sorted(PLUGIN_CODES))


def test_an_error_only_the_plugin_reports_on_a_probed_call_is_the_probe_caught() -> None:
    comparison = compare({}, {("m.py", 5): PLUGIN_ON_CALL}, [CALL], planted=True)
    assert (comparison.added, comparison.caught) == ([], [f"m.py:5: {[PLUGIN_ON_CALL[0].message]}"])
    comparison = compare({}, {("m.py", 5): PLUGIN_ON_CALL}, [CALL], planted=False)
    assert comparison.added == [("added", "m.py:5", str([PLUGIN_ON_CALL[0].message]))]


# --- the published code ----------------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    calls: list[SchedulingCall]
    files: list[str]
    owners: dict[str, str]
    published: dict[str, MypyRun]
    probed: dict[str, MypyRun]
    published_comparison: Comparison
    probed_comparison: Comparison
    seen: list[SchedulingCall]
    reworded: list[SchedulingCall]

    def report(self, releases: Sequence[Release], seconds: float) -> str:
        lines = [
            f"\n{len(self.calls)} scheduling calls in {len(self.files)} modules, {seconds:.0f} s; "
            "per package: calls (with a probe) / probe seen by mypy / reported in the plugin's words; "
            "errors without / with the plugin; added / lost / moved / accepted correct calls that the "
            "library's hints reject / results typed as the library runs them; the same with the probes planted"
        ]
        for release in releases:
            paths = {path for path, wheel in self.owners.items() if wheel == release.wheel}
            mine = [c for c in self.calls if c.path in paths]
            published = self.published_comparison.in_paths(paths)
            probed = self.probed_comparison.in_paths(paths)
            lines.append(
                f"{release.name} {release.version}: {len(mine)} calls "
                f"({sum(c.probe is not None for c in mine)}) / {sum(c.path in paths for c in self.seen)} / "
                f"{sum(c.path in paths for c in self.reworded)}; "
                + "; ".join(
                    f"{runs['mypy'].error_count(paths)} / {runs['mypy + bgtyped'].error_count(paths)} errors, "
                    f"{len(c.added)} / {len(c.lost)} / {len(c.moved)} / {len(c.accepted)} / {len(c.typed_as_run)}"
                    for runs, c in ((self.published, published), (self.probed, probed))
                )
            )
        for title, comparison in (
            ("published", self.published_comparison),
            ("probed", self.probed_comparison),
        ):
            lines.extend(f"moved ({title}): {move}" for move in comparison.moved)
            lines.extend(f"caught by the plugin alone ({title}): {caught}" for caught in comparison.caught)
            lines.extend(
                f"accepted correct call that the library's hints reject ({title}): {accepted}"
                for accepted in comparison.accepted
            )
            lines.extend(
                f"result typed as the library runs it ({title}): {typed}" for typed in comparison.typed_as_run
            )
            lines.extend(
                f"{kind} ({title}) {line}: {detail}" for kind, line, detail in comparison.disagreements
            )
        lines.extend(
            f"probe seen by mypy, not reported in the plugin's words: {c.path}:{c.first_line} {c.name}"
            for c in self.seen
            if c not in self.reworded
        )
        return "\n".join(lines)


def unprobed(call: SchedulingCall) -> SchedulingCall:
    return replace(call, probe_at=None, probe=None, probe_alone=False)


def check_published(
    releases: Sequence[Release],
    names: Iterable[str] | None,
    tmp_path: Path,
    typed_as_run: Collection[str] = (),
) -> Outcome:
    """Both mypy runs on the releases' modules that call the schedulers ``names`` (None: every registered
    one), before and after planting the probes."""
    root = tmp_path / "src"
    owners = unpack(download(releases), root, {r.wheel: r.sources for r in releases if r.sources})
    wanted = None if names is None else set(names)
    every = scheduling_calls(root)
    calls = [call for call in every if wanted is None or call.name in wanted]
    files = sorted({call.path for call in calls})
    # The other schedulers' calls in the same modules carry no probe, but an error may move within them too.
    in_modules = [*calls, *(unprobed(c) for c in every if c.path in files and c not in calls)]
    published = check_both(root, files, tmp_path)
    plant_probes(root, calls)
    probed = check_both(root, files, tmp_path)
    seen, reworded = probed_calls(calls, published["mypy"], probed)
    published_comparison = compare(
        published["mypy"].errors,
        published["mypy + bgtyped"].errors,
        in_modules,
        False,
        reworded,
        typed_as_run,
    )
    probed_comparison = compare(
        probed["mypy"].errors, probed["mypy + bgtyped"].errors, in_modules, True, reworded, typed_as_run
    )
    return Outcome(
        calls, files, owners, published, probed, published_comparison, probed_comparison, seen, reworded
    )


def assert_reworded(outcome: Outcome, minimum_seen: int, known: Mapping[str, str]) -> None:
    """Every call where mypy sees the planted mistake is reported in the plugin's words, but those in ``known``."""
    assert len(outcome.seen) >= minimum_seen, (
        f"plain mypy saw the planted mistake in only {len(outcome.seen)} calls: too few to show anything"
    )
    missed = {f"{c.path}:{c.first_line}": c.name for c in outcome.seen if c not in outcome.reworded}
    unknown = [f"{line} ({name})" for line, name in missed.items() if line not in known]
    assert not unknown, (
        "the plugin left mypy's own report on these calls, so it did not check them: " + ", ".join(unknown)
    )
    stale = sorted(known.keys() - missed.keys())
    assert not stale, f"calls the plugin now reports in its own words (remove them from the list): {stale}"


def assert_typed_as_run(outcome: Outcome, listed: Mapping[str, str]) -> None:
    """Every line listed as typed as the library runs it (`PublishedSet.typed_as_run`) still is."""
    found = {
        entry.split(": ", 1)[0]
        for comparison in (outcome.published_comparison, outcome.probed_comparison)
        for entry in comparison.typed_as_run
    }
    stale = sorted(listed.keys() - found)
    assert not stale, f"lines the runs now agree on (remove them from the list): {stale}"


def assert_found_once_registered(
    calls: Sequence[SchedulingCall], minimums: Mapping[tuple[str, ...], int]
) -> None:
    """Each group of schedulers the plugin registers has at least its minimum of calls."""
    registered = registered_schedulers().keys()
    found = Counter(call.name for call in calls)
    too_few = [
        f"{'/'.join(names)}: {sum(found[n] for n in names)} calls, fewer than {minimum}"
        for names, minimum in minimums.items()
        if registered & set(names) and sum(found[n] for n in names) < minimum
    ]
    assert not too_few, (
        "the plugin registers these schedulers, but the set holds too few calls: " + "; ".join(too_few)
    )


@dataclass(frozen=True)
class PublishedSet:
    releases: Sequence[Release]
    # None: every scheduler the plugin registers.
    schedulers: Iterable[str] | None
    # Below these, the packages would no longer exercise the plugin and agreement would prove nothing.
    minimum_calls: int
    minimum_seen: int
    known_disagreements: Mapping[tuple[str, str, str], str]
    left_to_mypy: Mapping[str, str]
    # A library's schedulers -> the calls of them the set holds, required once the plugin registers one of
    # them: a library's entries, once added, must find its calls.
    minimum_calls_once_registered: Mapping[tuple[str, ...], int] = field(default_factory=dict)
    # Planted mistakes the plugin must report where mypy alone reports nothing: for libraries whose scheduling
    # calls plain mypy cannot check (``*args: Any``), the only evidence that the plugin checked them.
    minimum_caught: int = 0
    # "path:line" -> why: mypy alone's errors on correct code that follow from a library's hints mistyping a
    # scheduling call's result, which the plugin types as the library runs it. Only the types tie such a line to
    # its call, so each is listed; the test fails on an entry that no longer occurs.
    typed_as_run: Mapping[str, str] = field(default_factory=dict)


# Half or so of what each library's entries found when they were added.
ENGINE_MINIMUMS = {
    ("remote",): 100,
    ("map",): 60,
    tuple(f"{verb}_{kind}" for verb in ("start", "execute") for kind in TEMPORAL_TASKS): 60,
    ("defer", "defer_async"): 15,
}
# The same for the fourth set, from the calls found when it was added (9 add_job, 353 of huey's tasks, 1
# enqueue_job, 108 enqueue/apply: saq's and the same spelling on huey and others).
SCHEDULED_JOB_MINIMUMS = {
    ("add_job",): 4,
    (CALLED_TASK, "s", "schedule", "call_local"): 175,
    ("enqueue_job",): 1,
    ("enqueue", "apply"): 50,
}

PUBLISHED_SETS = {
    "background-tasks": PublishedSet(BACKGROUND_TASK_RELEASES, BACKGROUND_TASK_SCHEDULERS, 50, 20, {}, {}),
    # The dict of keywords planted in threads', processes' and timers' calls (``kwargs={"bgtyped_probe": 0}``)
    # is any ``dict[str, Any]`` to plain mypy: 48 planted mistakes that the plugin alone reported when it was
    # added, 40 of them there.
    "deferred-calls": PublishedSet(
        DEFERRED_CALL_RELEASES,
        None,
        300,
        100,
        KNOWN_DEFERRED_CALL_DISAGREEMENTS,
        DEFERRED_CALLS_LEFT_TO_MYPY,
        minimum_caught=24,
    ),
    "engines": PublishedSet(
        ENGINE_RELEASES,
        ENGINE_SCHEDULERS,
        300,
        10,
        KNOWN_ENGINE_DISAGREEMENTS,
        ENGINE_CALLS_LEFT_TO_MYPY,
        ENGINE_MINIMUMS,
        typed_as_run=ENGINE_RESULTS_TYPED_AS_RUN,
    ),
    # Plain mypy sees no planted mistake here: huey's calls and arq's and saq's named jobs take ``*args: Any``,
    # and APScheduler's add_job and huey's schedule take the task's keywords as any dict. The add_job calls
    # give theirs as a variable or through ``**`` (no probe), and huey's tests schedule on an untyped
    # ``self.huey``, which the plugin leaves alone.
    "scheduled-jobs": PublishedSet(
        SCHEDULED_JOB_RELEASES,
        SCHEDULED_JOB_SCHEDULERS,
        250,
        0,
        {},
        {},
        SCHEDULED_JOB_MINIMUMS,
        minimum_caught=1,
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("published_set", PUBLISHED_SETS.values(), ids=PUBLISHED_SETS.keys())
def test_the_plugin_agrees_with_mypy_on_published_code(published_set: PublishedSet, tmp_path: Path) -> None:
    started = time.monotonic()
    outcome = check_published(
        published_set.releases, published_set.schedulers, tmp_path, published_set.typed_as_run.keys()
    )
    print(outcome.report(published_set.releases, time.monotonic() - started))
    assert len(outcome.calls) >= published_set.minimum_calls, (
        f"only {len(outcome.calls)} scheduling calls found"
    )
    assert_found_once_registered(outcome.calls, published_set.minimum_calls_once_registered)
    assert_agree(outcome, published_set.known_disagreements)
    assert_typed_as_run(outcome, published_set.typed_as_run)
    assert_reworded(outcome, published_set.minimum_seen, published_set.left_to_mypy)
    caught = outcome.probed_comparison.caught
    assert len(caught) >= published_set.minimum_caught, (
        f"the plugin alone reported the planted mistake in only {len(caught)} calls"
    )
