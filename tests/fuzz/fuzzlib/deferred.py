"""Generated procrastinate jobs: ``await send_email.defer_async(to="a@b.c")``, whose positional arguments
procrastinate drops without a word (``defer(*_, **task_kwargs)``): the task receives keywords only, after its
context when it is registered with ``pass_context=True``.

One module holds the tasks (``@app.task(name=..., pass_context=...)``, sync or async) and the calls. Its
runtime verdict is procrastinate's own: the calls are awaited as written on an app whose connector is
procrastinate's ``InMemoryConnector`` (its database stand-in for tests), then its worker runs until the queue
is empty, and each job's status and stored arguments are read back from the connector.
"""

from __future__ import annotations

import ast
import asyncio
import json
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from .jobs import random_annotation, random_value
from .model import ALL_VALUES, Annotation, Argument, Kind, Parameter, Signature, TargetKind
from .strategies import BASES
from .tally import WorkerResult, tally, unexpected_output
from .verdicts import ACCEPTED, RuntimeVerdict, fresh_namespace, misfit, run_mypy

HEADER = (
    "from typing import Any, Optional, TypeAlias",
    "import procrastinate",
    "from procrastinate.testing import InMemoryConnector",
    'Json: TypeAlias = "int | str | list[Json]"',
    "app = procrastinate.App(connector=InMemoryConnector())",
)
NAMES = ("a", "b", "x", "item", "context", "self")


def _json_carries(text: str) -> bool:
    """Whether a value comes out of JSON as it went in: procrastinate's PostgreSQL connector stores a job's
    keywords as JSON (and its hints ask for JSON values), while the in-memory connector keeps them as given."""
    try:
        value = ast.literal_eval(text)
        return bool(json.loads(json.dumps(value)) == value) and "(" not in text
    except (ValueError, TypeError, SyntaxError):
        return False


JSON_VALUES = tuple(value for value in ALL_VALUES if _json_carries(value))
JSON_BASES = tuple(base for base in BASES if base != "bytes")
# The context's annotation: procrastinate's class, `Any`, or none; it fits whatever the worker passes.
CONTEXT_ANNOTATIONS = (
    Annotation("T", spelling="procrastinate.JobContext"),
    Annotation("T", spelling="Any"),
    Annotation(None),
)
CONFIGURED = ("", "", "", "configure().", "configure(priority=5).", "configure(lock=None).")


@dataclass(frozen=True)
class DeferCase:
    """One ``defer_async`` call: the task (``signature``: its parameters after the context, if it takes one),
    the ``configure(...)`` before it, and the arguments as written."""

    signature: Signature
    context: Parameter | None  # the job's context, for a task registered with pass_context=True
    configured: str
    arguments: tuple[Argument, ...]

    def render_definition(self, name: str) -> list[str]:
        parameters = (
            self.signature.parameters if self.context is None else (self.context, *self.signature.parameters)
        )
        whole = Signature(parameters, self.signature.target_kind, True)
        return [
            f'@app.task(name="{name}", pass_context={self.context is not None})',
            *whole.render_definition(name),
        ]

    def render_call(self, name: str) -> str:
        arguments = ", ".join(a.render() for a in self.arguments)
        return f"await {name}.{self.configured}defer_async({arguments})"

    @property
    def positional(self) -> list[Argument]:
        return [a for a in self.arguments if a.name is None]

    def shapes(self) -> list[str]:
        found = ["procrastinate, with the context" if self.context else "procrastinate, without a context"]
        if self.positional:
            found.append("procrastinate, positional arguments")
        if self.configured:
            found.append("procrastinate, after configure()")
        return found


@dataclass
class Rendered:
    text: str
    definitions: str
    call_lines: list[int]
    names: list[str]


def render_deferred(cases: Sequence[DeferCase]) -> Rendered:
    names = [f"p{index}" for index in range(len(cases))]
    lines = list(HEADER)
    for case, name in zip(cases, names, strict=True):
        lines += case.render_definition(name)
    definitions = "\n".join(lines) + "\n"
    lines.append("async def defer_all() -> None:")
    call_lines: list[int] = []
    for case, name in zip(cases, names, strict=True):
        lines.append(f"    {case.render_call(name)}")
        call_lines.append(len(lines))
    return Rendered("\n".join(lines) + "\n", definitions, call_lines, names)


def defer_case(rnd: random.Random) -> DeferCase:
    """Mostly keywords for every required parameter; sometimes positional values, or a keyword too many."""
    context = None
    if rnd.random() < 0.4:
        context = Parameter("context", Kind.POSITIONAL_OR_KEYWORD, rnd.choice(CONTEXT_ANNOTATIONS))
    names = rnd.sample([name for name in NAMES if context is None or name != "context"], rnd.randrange(4))
    parameters: list[Parameter] = []
    for name in names:
        kind = rnd.choice((Kind.POSITIONAL_OR_KEYWORD, Kind.KEYWORD_ONLY))
        parameters.append(
            Parameter(name, kind, random_annotation(rnd, JSON_BASES), has_default=rnd.randrange(3) == 0)
        )
    parameters.sort(key=lambda p: (p.kind, p.kind is Kind.POSITIONAL_OR_KEYWORD and p.has_default))
    if rnd.randrange(4) == 0:
        parameters.append(Parameter("kwargs", Kind.VAR_KEYWORD, random_annotation(rnd, JSON_BASES)))
    kind = rnd.choice((TargetKind.FUNCTION, TargetKind.ASYNC_FUNCTION))
    signature = Signature(tuple(parameters), kind)
    arguments = [
        Argument(random_value(rnd, p.annotation, JSON_VALUES), p.name)
        for p in parameters
        if p.kind is not Kind.VAR_KEYWORD and (not p.has_default or rnd.random() < 0.5)
    ]
    perturb = rnd.randrange(3)
    if perturb == 0 and arguments:
        index = rnd.randrange(len(arguments))
        arguments[index] = Argument(arguments[index].value)  # the value given positionally: dropped
    elif perturb == 1:
        extra = rnd.choice(("zz", "context", "self", *names))
        arguments = [a for a in arguments if a.name != extra] + [Argument(rnd.choice(JSON_VALUES), extra)]
    rnd.shuffle(arguments)
    arguments.sort(key=lambda a: a.name is not None)  # positional arguments first
    return DeferCase(signature, context, rnd.choice(CONFIGURED), tuple(arguments))


def deferred_batches(size: int) -> st.SearchStrategy[list[DeferCase]]:
    """``size`` calls from a random source seeded by hypothesis (see `jobs.job_batches`)."""
    return st.integers(0, 2**32 - 1).map(lambda seed: _batch(random.Random(seed), size))


def _batch(rnd: random.Random, size: int) -> list[DeferCase]:
    return [defer_case(rnd) for _ in range(size)]


def compare_deferred(cases: Sequence[DeferCase], workdir: Path, cache_dir: Path) -> WorkerResult:
    """Both verdicts on every call, from one mypy run and one run of procrastinate's worker."""
    module = render_deferred(cases)
    run = run_mypy(module.text, workdir, cache_dir)
    result = WorkerResult(calls=len(cases), unexpected=unexpected_output(run, module.call_lines, module.text))
    if run.crashed or run.stray:
        return result
    logger = logging.getLogger("procrastinate")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # the worker logs every job, and a failed job's traceback
    try:
        verdicts = asyncio.run(_runtime_verdicts(cases, module))
    finally:
        logger.setLevel(level)

    def describe(case: DeferCase, index: int, static: str) -> str:
        name = module.names[index]
        definition = "\n".join(case.render_definition(name))
        return f"{definition}\n{case.render_call(name)}\n    mypy + plugin: {static}\n"

    tally(result, cases, module.call_lines, run, verdicts, DeferCase.shapes, describe)
    return result


async def _runtime_verdicts(cases: Sequence[DeferCase], module: Rendered) -> list[RuntimeVerdict]:
    namespace = fresh_namespace(module.definitions)
    app = namespace["app"]
    async with app.open_async():
        deferred: list[int | str] = []
        for case, name in zip(cases, module.names, strict=True):
            try:
                deferred.append(await eval(case.render_call(name).removeprefix("await "), namespace))
            except Exception as error:  # whatever procrastinate raises refuses the call
                deferred.append(f"the call raised {type(error).__name__}: {error}")
        await app.run_worker_async(wait=False, concurrency=10, install_signal_handlers=False)
        return [_outcome(case, job, app.connector.jobs) for case, job in zip(cases, deferred, strict=True)]


def _outcome(case: DeferCase, job: int | str, rows: dict[int, dict[str, Any]]) -> RuntimeVerdict:
    if isinstance(job, str):
        return RuntimeVerdict(False, job)
    row = rows[job]
    if row["status"] not in ("succeeded", "failed"):  # never judged: a fault of the run, not of the call
        return RuntimeVerdict(False, f"the worker left the job {row['status']}", consistent=False)
    if row["status"] != "succeeded":
        return RuntimeVerdict(False, f"the job ended {row['status']}")
    if case.positional:
        count = len(case.positional)
        return RuntimeVerdict(
            False, f"defer_async dropped {count} positional argument(s): the task never got them"
        )
    reason = misfit(case.signature, (), row["args"]) or ACCEPTED
    return RuntimeVerdict(reason == ACCEPTED, reason)
