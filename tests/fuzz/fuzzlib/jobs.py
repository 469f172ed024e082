"""Generated jobs named by a string: arq's ``await redis.enqueue_job("j0", 1, _defer_by=10, b="x")`` and saq's
``await queue.enqueue("j0", timeout=10, b="x")``, the function found through the worker's function list.

A batch is two modules: the worker (the job functions, arq's ``WorkerSettings`` and saq's settings dict) and
the caller, whose calls name the jobs by literal strings, as a web handler does, without importing the worker.
The plugin is told the settings as a user tells it (``arq_worker_settings``, ``saq_settings``).
"""

from __future__ import annotations

import enum
import random
from collections.abc import Sequence
from dataclasses import dataclass

from hypothesis import strategies as st

from .model import ALL_VALUES, FITTING_VALUES, Annotation, Argument, Kind, Parameter, Signature, TargetKind
from .strategies import BASES

WORKER_MODULE = "bgtyped_fuzz_workers"
JOBS_CONFIG = (
    "[mypy]\nplugins = bgtyped.mypy\nshow_traceback = True\n[mypy.plugins.bgtyped]\n"
    f"arq_worker_settings = {WORKER_MODULE}:WorkerSettings\nsaq_settings = {WORKER_MODULE}:SAQ_SETTINGS\n"
)


class Library(enum.Enum):
    """Whose queue; each names its options, as written in a call, with a value its worker runs with."""

    ARQ = "arq"
    SAQ = "saq"

    @property
    def options(self) -> dict[str, str]:
        """Values its worker runs at once: a job's id (``{name}``: its definition's name) is its own, since a
        second job of the same id is not enqueued."""
        if self is Library.ARQ:  # ArqRedis.enqueue_job's keyword-only parameters
            return {
                "_job_id": '"id-{name}"',
                "_queue_name": '"arq:queue"',
                "_defer_by": "0.01",
                "_expires": "60",
                "_job_try": "1",
            }
        return {
            "timeout": "10",
            "retries": "2",
            "ttl": "600",
            "key": '"key-{name}"',
            "heartbeat": "0",
        }  # Job fields

    @property
    def opening(self) -> str:
        return "await redis.enqueue_job(" if self is Library.ARQ else "await queue.enqueue("


class Listing(enum.Enum):
    """How the worker's function list names a job."""

    PLAIN = "a function (named by its __qualname__)"
    FUNC = "arq.worker.func(fn, name=...)"
    PAIR = "saq's (name, fn) pair"


@dataclass(frozen=True)
class JobCase:
    """One enqueueing call: the job (``signature``: its parameters after the worker's context), how it is
    listed, the name the call gives, the job's arguments and the library's own options."""

    signature: Signature
    library: Library
    listing: Listing
    context: Parameter  # the job's first parameter, which takes the worker's context
    called: str  # "{name}": the generated definition's name is substituted
    arguments: tuple[Argument, ...]
    options: tuple[Argument, ...] = ()
    # saq only: the call enqueues a ``saq.Job`` built in place, the job's arguments in its ``kwargs`` and the
    # options as its fields. Its function is not known where it is enqueued, so the plugin never checks it.
    built: bool = False

    def registered_name(self, name: str) -> str:
        return name if self.listing is Listing.PLAIN else f"job_{name}"

    def called_name(self, name: str) -> str:
        return self.called.format(name=name, job=self.registered_name(name))

    @property
    def unknown_name(self) -> bool:
        return self.called != "{job}"

    def render_definition(self, name: str) -> str:
        whole = Signature((self.context, *self.signature.parameters), self.signature.target_kind, True)
        return "\n".join(whole.render_definition(name))

    def render_listing(self, name: str) -> str:
        if self.listing is Listing.FUNC:
            return f'func({name}, name="{self.registered_name(name)}")'
        if self.listing is Listing.PAIR:
            return f'("{self.registered_name(name)}", {name})'
        return name

    def render_arguments(self, name: str) -> str:
        """The job's arguments and the options, as the call writes them after the name."""
        positional = [a.render() for a in self.arguments if a.name is None]
        keywords = [a.render() for a in (*self.arguments, *self.options) if a.name is not None]
        return "".join(f", {part}" for part in (*positional, *keywords)).replace("{name}", name)

    def render_call(self, name: str) -> str:
        if self.built:
            return f"{self.library.opening}{self.render_job(name)})"
        return f'{self.library.opening}"{self.called_name(name)}"{self.render_arguments(name)})'

    def render_job(self, name: str) -> str:
        """``saq.Job(...)`` naming the job, with its arguments as ``kwargs`` and the options as its fields."""
        kwargs = ", ".join(f'"{a.name}": {a.value}' for a in self.arguments)
        fields = "".join(f", {a.render()}" for a in self.options)
        return f'saq.Job("{self.called_name(name)}", kwargs={{{kwargs}}}{fields})'.replace("{name}", name)

    def shapes(self) -> list[str]:
        found = [f"{self.library.value}, listed as {self.listing.value}"]
        if self.unknown_name:
            found.append(f"{self.library.value}, a name no worker lists")
        if self.options:
            found.append(f"{self.library.value}, with the library's own options")
        keywords = {a.name for a in (*self.arguments, *self.options) if a.name is not None}
        parameters = {p.name for p in self.signature.parameters if p.kind is not Kind.VAR_KEYWORD}
        if keywords & set(self.library.options) & parameters:
            found.append(f"{self.library.value}, an option named like a job parameter")
        if self.context.name in keywords:
            found.append(f"{self.library.value}, a keyword named like the context parameter")
        if self.library is Library.SAQ and any(a.name is None for a in self.arguments):
            found.append("saq, a positional argument")
        if self.built:
            found.append("saq, a Job built in place (left to run time)")
        return found


WORKER_HEADER = (
    "from typing import Any, Optional, TypeAlias",
    "from arq.worker import func",
    'Json: TypeAlias = "int | str | list[Json]"',
    "",
)
CALLER_HEADER = (
    "import arq",
    "import saq",
    "redis: arq.ArqRedis",
    "queue: saq.Queue",
    "async def enqueue_all() -> None:",
)


@dataclass
class JobModules:
    """The worker's and the caller's source; each call's line in the caller, and its job's definition name."""

    worker: str
    caller: str
    call_lines: list[int]
    names: list[str]


def render_jobs(cases: Sequence[JobCase]) -> JobModules:
    names = [f"j{index}" for index in range(len(cases))]
    worker = list(WORKER_HEADER)
    worker += [case.render_definition(name) for case, name in zip(cases, names, strict=True)]
    listed = {
        library: [_entry(c, n) for c, n in zip(cases, names, strict=True) if c.library is library]
        for library in Library
    }
    worker += ["class WorkerSettings:", "    functions = [", *listed[Library.ARQ], "    ]"]
    worker += ['SAQ_SETTINGS = {"functions": [', *listed[Library.SAQ], "]}"]
    caller = list(CALLER_HEADER)
    call_lines: list[int] = []
    for case, name in zip(cases, names, strict=True):
        caller.append(f"    {case.render_call(name)}")
        call_lines.append(len(caller))
    if not cases:
        caller.append("    pass")
    return JobModules("\n".join(worker) + "\n", "\n".join(caller) + "\n", call_lines, names)


def _entry(case: JobCase, name: str) -> str:
    """One entry of a function list, on a line of its own.

    arq's hint for ``func``'s job (``WorkerCoroutine``: ``(ctx, *args: Any, **kwargs: Any)``) refuses a job
    with a required keyword-only parameter, which its worker runs: that error is not the call's.
    """
    line = f"        {case.render_listing(name)},"
    return f"{line}  # type: ignore[arg-type]" if case.listing is Listing.FUNC else line


# Parameter names: ordinary ones, and ones the call's own keywords may reach (a saq option, arq's `function`).
JOB_NAMES = ("a", "b", "x", "item", "timeout", "key", "_job_id", "function")
# Keywords a call may add that the job does not declare: unknown ones, the worker's context by name, the
# enqueueing method's own parameters.
EXTRA_NAMES = ("zz", "ctx", "function", "self", "job_or_func")
# The context's annotation: the worker's dict, `Any`, or none; it fits whatever the worker passes.
CONTEXT_ANNOTATIONS = (
    Annotation("T", spelling="dict[Any, Any]"),
    Annotation("T", spelling="Any"),
    Annotation(None),
)


def random_annotation(rnd: random.Random, bases: Sequence[str | None] = BASES) -> Annotation:
    base = rnd.choice(bases)
    optional = base is not None and rnd.randrange(4) == 0
    return Annotation(base, optional, optional and rnd.random() < 0.5)


def random_value(rnd: random.Random, annotation: Annotation | None, pool: Sequence[str] = ALL_VALUES) -> str:
    """Mostly a value that fits ``annotation``, sometimes any value of ``pool`` (as `strategies.values`)."""
    if annotation is None or annotation.base not in FITTING_VALUES or rnd.randrange(5) == 0:
        return rnd.choice(pool)
    if annotation.optional and rnd.randrange(4) == 0:
        return "None"
    return rnd.choice(FITTING_VALUES[annotation.base])


def random_parameters(rnd: random.Random, pool: Sequence[str]) -> list[Parameter]:
    """Up to three parameters named from ``pool``, positional-or-keyword before keyword-only, some defaulted."""
    names = rnd.sample(pool, rnd.randrange(4))
    kinds = sorted(rnd.choice((Kind.POSITIONAL_OR_KEYWORD, Kind.KEYWORD_ONLY)) for _ in names)
    parameters: list[Parameter] = []
    defaulted = False
    for name, kind in zip(names, kinds, strict=True):
        has_default = rnd.randrange(3) == 0
        if kind is Kind.POSITIONAL_OR_KEYWORD:
            has_default = has_default or defaulted  # a positional parameter after a default needs one too
            defaulted = has_default
        parameters.append(Parameter(name, kind, random_annotation(rnd), has_default))
    return parameters


def job_signature(rnd: random.Random, library: Library) -> tuple[Signature, Parameter]:
    """A job's parameters after its context, and the context parameter (arq runs coroutine functions only)."""
    parameters = random_parameters(rnd, JOB_NAMES)
    if rnd.randrange(4) == 0:
        star = Parameter("args", Kind.VAR_POSITIONAL, random_annotation(rnd))
        parameters.insert(sum(p.kind is Kind.POSITIONAL_OR_KEYWORD for p in parameters), star)
    if rnd.randrange(4) == 0:
        parameters.append(Parameter("kwargs", Kind.VAR_KEYWORD, random_annotation(rnd)))
    context_kind = rnd.choice((Kind.POSITIONAL_ONLY, Kind.POSITIONAL_OR_KEYWORD))
    context_annotation = rnd.choice(CONTEXT_ANNOTATIONS)
    sync = library is Library.SAQ and rnd.random() < 0.5
    kind = TargetKind.FUNCTION if sync else TargetKind.ASYNC_FUNCTION
    return Signature(tuple(parameters), kind), Parameter("ctx", context_kind, context_annotation)


def job_case(rnd: random.Random) -> JobCase:
    """A call around the boundary of what the worker runs: mostly complete and well typed, else perturbed."""
    library = rnd.choice(tuple(Library))
    signature, context = job_signature(rnd, library)
    listing = rnd.choice((Listing.PLAIN, Listing.FUNC if library is Library.ARQ else Listing.PAIR))
    called = rnd.choice(("{job}",) * 6 + ("{name}", "{job}_"))
    positional = signature.positional
    star = signature.variadic(Kind.VAR_POSITIONAL)
    arguments: list[Argument] = []
    perturb = rnd.randrange(3) == 0
    count = 0
    if library is Library.ARQ:
        count = rnd.randrange(len(positional) + (2 if star or perturb else 1))
        for index in range(count):
            parameter = positional[index] if index < len(positional) else star
            arguments.append(Argument(random_value(rnd, parameter.annotation if parameter else None)))
    elif perturb and rnd.random() < 0.5:
        arguments.append(Argument(rnd.choice(ALL_VALUES)))  # saq's enqueue takes no positional argument
    named: dict[str, Argument] = {}
    reached = positional[count:] if library is Library.ARQ else positional  # saq passes keywords only
    for parameter in [*reached, *(p for p in signature.parameters if p.kind is Kind.KEYWORD_ONLY)]:
        if not parameter.has_default or rnd.random() < 0.5:
            # A keyword named like an option is the library's: it gets a value the worker runs with (a saq
            # job whose key is a list breaks the worker's loop that dequeued it).
            value = library.options.get(parameter.name) or random_value(rnd, parameter.annotation)
            named[parameter.name] = Argument(value, parameter.name)
    if perturb:
        if named and rnd.random() < 0.5:
            del named[rnd.choice(sorted(named))]
        else:
            extra = rnd.choice(EXTRA_NAMES + tuple(library.options))
            value = library.options.get(extra) or rnd.choice(ALL_VALUES)  # an option's value is the library's
            named[extra] = Argument(value, extra)
    options = tuple(
        Argument(value, option)
        for option, value in library.options.items()
        if option not in named and rnd.randrange(5) == 0
    )
    keywords = list(named.values())
    rnd.shuffle(keywords)
    # A Job carries keywords only: built in place, the call gives no positional argument.
    built = library is Library.SAQ and not arguments and rnd.randrange(6) == 0
    return JobCase(signature, library, listing, context, called, (*arguments, *keywords), options, built)


def job_batches(size: int) -> st.SearchStrategy[list[JobCase]]:
    """``size`` calls from a random source seeded by hypothesis (fixed in a derandomized run): a batch drawn
    call by call from hypothesis would outgrow its buffer."""
    return st.integers(0, 2**32 - 1).map(lambda seed: _batch(random.Random(seed), size))


def _batch(rnd: random.Random, size: int) -> list[JobCase]:
    return [job_case(rnd) for _ in range(size)]
