"""Generated Dask calls: ``client.submit(task, 1, b="x", key="k", priority=1)``, whose options are
``submit``'s own keyword parameters: a task parameter of the same name never receives a keyword.

One module holds the tasks (sync or async functions) and the calls. Its runtime verdict is Dask's own: the
calls are made as written on a ``distributed.Client`` with an in-process cluster (threads, no processes),
and each future's outcome is awaited (a new cluster for each batch); what reached the task is what ``Client.submit``'s own signature leaves
in ``*args`` and ``**kwargs``.
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import distributed
from hypothesis import strategies as st

from .jobs import random_annotation, random_parameters, random_value
from .model import ALL_VALUES, Argument, Kind, Parameter, Signature, TargetKind
from .tally import WorkerResult, tally, unexpected_output
from .verdicts import ACCEPTED, RuntimeVerdict, fresh_namespace, misfit, run_mypy

HEADER = (
    "from typing import Any, Optional, TypeAlias",
    "import distributed",
    'Json: TypeAlias = "int | str | list[Json]"',
    "client: distributed.Client",
)
# Options with values the in-process cluster runs at once (``{name}``: the task's definition's name, so that
# each call has a key of its own). ``workers=`` and ``resources=`` are left out: a value no worker satisfies
# leaves the future pending for ever.
OPTIONS = {"key": '"k-{name}"', "priority": "1", "retries": "0", "pure": "False", "fifo_timeout": '"100 ms"'}
NAMES = ("a", "b", "x", "item", "key", "retries", "pure")
SUBMIT = inspect.signature(distributed.Client.submit)
RESULT_TIMEOUT = 30


@dataclass(frozen=True)
class DaskCase:
    signature: Signature
    arguments: tuple[Argument, ...]  # positional, then keywords: the task's and the options, mixed

    def render_call(self, name: str) -> str:
        arguments = "".join(f", {a.render()}" for a in self.arguments).replace("{name}", name)
        return f"client.submit({name}{arguments})"

    def shapes(self) -> list[str]:
        keywords = {a.name for a in self.arguments if a.name is not None}
        parameters = {p.name for p in self.signature.parameters if p.kind is not Kind.VAR_KEYWORD}
        found = []
        if keywords & set(OPTIONS):
            found.append("dask, with submit's own options")
        if keywords & set(OPTIONS) & parameters:
            found.append("dask, an option named like a task parameter")
        return found


def dask_case(rnd: random.Random) -> DaskCase:
    parameters = random_parameters(rnd, NAMES)
    names = [p.name for p in parameters]
    if rnd.randrange(4) == 0:
        parameters.append(Parameter("kwargs", Kind.VAR_KEYWORD, random_annotation(rnd)))
    signature = Signature(tuple(parameters), rnd.choice((TargetKind.FUNCTION, TargetKind.ASYNC_FUNCTION)))
    positional = signature.positional
    count = rnd.randrange(len(positional) + 1)
    arguments = [Argument(random_value(rnd, p.annotation)) for p in positional[:count]]
    named: dict[str, Argument] = {}
    for parameter in parameters[count:]:
        if parameter.kind is not Kind.VAR_KEYWORD and (not parameter.has_default or rnd.random() < 0.5):
            # A keyword named like an option is the option's: it gets a value the cluster runs with.
            value = OPTIONS.get(parameter.name) or random_value(rnd, parameter.annotation)
            named[parameter.name] = Argument(value, parameter.name)
    if rnd.randrange(3) == 0:
        extra = rnd.choice(("zz", *names, *OPTIONS))
        named[extra] = Argument(OPTIONS.get(extra) or rnd.choice(ALL_VALUES), extra)
    for option, value in OPTIONS.items():
        if option not in named and rnd.randrange(4) == 0:
            named[option] = Argument(value, option)
    keywords = list(named.values())
    rnd.shuffle(keywords)
    return DaskCase(signature, (*arguments, *keywords))


def dask_batches(size: int) -> st.SearchStrategy[list[DaskCase]]:
    """``size`` calls from a random source seeded by hypothesis (see `jobs.job_batches`)."""
    return st.integers(0, 2**32 - 1).map(lambda seed: _batch(random.Random(seed), size))


def _batch(rnd: random.Random, size: int) -> list[DaskCase]:
    return [dask_case(rnd) for _ in range(size)]


def compare_dask(cases: Sequence[DaskCase], workdir: Path, cache_dir: Path) -> WorkerResult:
    """Both verdicts on every call, from one mypy run and one run on the cluster."""
    names = [f"d{index}" for index in range(len(cases))]
    lines = list(HEADER)
    for case, name in zip(cases, names, strict=True):
        lines += case.signature.render_definition(name)
    definitions = "\n".join(lines) + "\n"
    call_lines: list[int] = []
    for case, name in zip(cases, names, strict=True):
        lines.append(case.render_call(name))
        call_lines.append(len(lines))
    text = "\n".join(lines) + "\n"
    run = run_mypy(text, workdir, cache_dir)
    result = WorkerResult(calls=len(cases), unexpected=unexpected_output(run, call_lines, text))
    if run.crashed or run.stray:
        return result
    namespace = fresh_namespace(definitions)
    # A cluster of its own for each batch: Dask keeps a key's result, and a pure call's key is made from the
    # function's name, which the next batch gives to another function.
    with distributed.Client(
        processes=False, n_workers=1, threads_per_worker=4, dashboard_address=None
    ) as client:
        namespace["client"] = client
        verdicts = [_verdict(case, name, namespace) for case, name in zip(cases, names, strict=True)]

    def describe(case: DaskCase, index: int, static: str) -> str:
        definition = "\n".join(case.signature.render_definition(names[index]))
        return f"{definition}\n{case.render_call(names[index])}\n    mypy + plugin: {static}\n"

    tally(result, cases, call_lines, run, verdicts, DaskCase.shapes, describe)
    return result


def _verdict(case: DaskCase, name: str, namespace: dict[str, Any]) -> RuntimeVerdict:
    call = case.render_call(name)
    try:
        future = eval(call, namespace)
        future.result(timeout=RESULT_TIMEOUT)
    except TimeoutError:  # never judged: a fault of the run, not of the call
        return RuntimeVerdict(False, f"no result in {RESULT_TIMEOUT} s", consistent=False)
    except Exception as error:  # whatever submit or the task raised
        return RuntimeVerdict(False, f"{type(error).__name__}: {error}")
    captured = eval(call.replace("client.submit(", "_capture(", 1), namespace)
    bound = SUBMIT.bind(None, *captured[0], **captured[1]).arguments
    args, kwargs = bound.get("args", ()), bound.get("kwargs", {})
    task_keywords = {p.name for p in case.signature.parameters if p.kind is not Kind.VAR_KEYWORD}
    for argument in case.arguments:
        if argument.name in task_keywords and argument.name not in kwargs:
            return RuntimeVerdict(
                False, f"submit took {argument.name}= as its own option: the task never got it"
            )
    reason = misfit(case.signature, tuple(args), kwargs) or ACCEPTED
    return RuntimeVerdict(reason == ACCEPTED, reason)
