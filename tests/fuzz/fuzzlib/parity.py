"""Scheduling calls whose result is used, checked by mypy with and without the plugin: the same mistake, the same code.

Each `ResultCase` assigns what a scheduler returns for a generated target to a variable of a declared type,
so that mypy solves the result from that type context (``size: int = await asyncio.to_thread(t3, 1)``), or
schedules a lambda that takes the scheduled arguments and forwards them to the target
(``await run_in_threadpool(lambda p0, p1: t3(p0, p1), 1, "a")``). Plain mypy infers the lambda's parameters
from the arguments; so must the plugin, or the errors inside the lambda vanish.

A batch is one module, checked twice with one configuration that differs only in ``plugins = bgtyped.mypy``.
On a call where the plugin reports no mistake of its own (no ``... scheduled by "..."`` message and none of
its codes), both runs must report the same codes on the call's line; where it does, every code it reports
there is one plain mypy reports there too, or one of its own: an ignore comment written for plain mypy keeps
applying.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from .model import Argument, Signature, TargetKind, is_context_free
from .strategies import cases, signatures
from .verdicts import run_mypy

PLAIN_CONFIG = "[mypy]\nshow_traceback = True\n"
PLUGIN_CONFIG = PLAIN_CONFIG + "plugins = bgtyped.mypy\n"
# The plugin's own codes (mypy_plugin/errorcodes.py); its argument errors use mypy's.
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
        "task-fastapi-injection",
    }
)
PLUGIN_WORDS = '" scheduled by "'
RESULT_TYPES = ("int", "str", "bytes", "float", "list[int]", "int | None", "None", "object")


class ResultScheduler(enum.Enum):
    """A scheduler whose call has the task's result (in the end), and how a call is spelled.

    ``{call}`` is the target and its arguments; ``positional_only``: the task gets positional arguments only.
    """

    TO_THREAD = ("await asyncio.to_thread({call})", False)
    THREADPOOL = ("await run_in_threadpool({call})", False)
    RUN_IN_EXECUTOR = ("await asyncio.get_running_loop().run_in_executor(None, {call})", True)
    ANYIO_RUN_SYNC = ("await anyio.to_thread.run_sync({call})", True)
    # The result is taken from the future: the call itself has no type context.
    SUBMIT = ("pool.submit({call}).result()", False)

    @property
    def template(self) -> str:
        return self.value[0]

    @property
    def positional_only(self) -> bool:
        return self.value[1]


HEADER = (
    "import asyncio",
    "from concurrent.futures import ThreadPoolExecutor",
    "from typing import Optional, TypeAlias",
    "import anyio.to_thread",
    "from starlette.concurrency import run_in_threadpool",
    "pool = ThreadPoolExecutor()",
    'Json: TypeAlias = "int | str | list[Json]"',
    "",
)


@dataclass(frozen=True)
class ResultCase:
    """``name: declared = <scheduler>(target, arguments)``; ``through_lambda``: the target is called by a lambda."""

    signature: Signature
    returns: str
    scheduler: ResultScheduler
    declared: str
    arguments: tuple[Argument, ...]
    through_lambda: bool = False

    def render_definition(self, name: str) -> list[str]:
        parameters = self.signature.render_parameters()
        if self.signature.target_kind is TargetKind.BOUND_METHOD:
            parameters = f"me, {parameters}" if parameters else "me"
            return [
                f"class {name}:",
                f"    def run({parameters}) -> {self.returns}:",
                "        raise ValueError",
            ]
        return [f"def {name}({parameters}) -> {self.returns}:", "    raise ValueError"]

    def render_call(self, name: str) -> list[str]:
        target = self.signature.target_text(name)
        arguments = [a.render() for a in self.arguments]
        if self.through_lambda:
            parameters = [f"p{index}" for index in range(len(arguments))]
            target = f"lambda {', '.join(parameters)}: {target}({', '.join(parameters)})"
        call = self.scheduler.template.format(call=", ".join([target, *arguments]))
        return [f"async def use_{name}() -> None:", f"    result_{name}: {self.declared} = {call}"]


@dataclass
class ParityModule:
    text: str
    call_lines: list[int]


def render_parity_module(batch: Sequence[ResultCase]) -> ParityModule:
    lines = list(HEADER)
    for index, case in enumerate(batch):
        lines += case.render_definition(f"t{index}")
    call_lines: list[int] = []
    for index, case in enumerate(batch):
        lines += case.render_call(f"t{index}")
        call_lines.append(len(lines))
    return ParityModule("\n".join(lines) + "\n", call_lines)


@st.composite
def result_cases(draw: st.DrawFn, signature: Signature) -> ResultCase:
    scheduler = draw(st.sampled_from(ResultScheduler))
    through_lambda = draw(st.integers(0, 3)) == 0
    # Values whose type mypy infers without context: with a ParamSpec plain mypy infers the arguments'
    # types before it knows the target's (``[]`` is a ``list[Never]``, refused for ``list[int]``).
    arguments = tuple(
        a
        for a in draw(cases(signature)).arguments
        if is_context_free(a.value) and all(is_context_free(v) for v in a.star_values)
    )
    if scheduler.positional_only or through_lambda:
        arguments = tuple(a for a in arguments if a.name is None)
    if through_lambda:
        # A lambda of as many parameters as there are arguments, each given plainly: plain mypy cannot
        # infer one from ``*args`` or a keyword, and would report it where the plugin need not.
        arguments = tuple(a for a in arguments if not a.star_values)
    returns = draw(st.sampled_from(RESULT_TYPES))
    declared = draw(st.sampled_from((returns, *RESULT_TYPES)))
    return ResultCase(signature, returns, scheduler, declared, arguments, through_lambda)


@st.composite
def result_batches(draw: st.DrawFn, size: int) -> list[ResultCase]:
    """About ``size`` cases: a few calls for each generated signature."""
    batch: list[ResultCase] = []
    while len(batch) < size:
        signature = draw(signatures((TargetKind.FUNCTION, TargetKind.BOUND_METHOD)))
        calls = result_cases(signature)
        batch += draw(st.lists(calls, min_size=1, max_size=min(5, size - len(batch))))
    return batch


def _codes(messages: Sequence[str]) -> list[str]:
    return [message.rsplit("[", 1)[1].rstrip("]") for message in messages if message.endswith("]")]


@dataclass
class ParityResult:
    calls: int = 0
    same: int = 0  # no mistake of the plugin's own: the same codes as plain mypy
    own: int = 0  # the plugin reports its own mistake: its codes are plain mypy's or its own
    lambdas: int = 0
    context_errors: int = 0  # calls where plain mypy reports an error: what the comparison is about
    disagreements: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)


def compare_parity(batch: Sequence[ResultCase], workdir: Path, cache_dir: Path) -> ParityResult:
    """Both runs on one module of ``batch``; each configuration keeps its own cache."""
    module = render_parity_module(batch)
    plain = run_mypy(module.text, workdir, cache_dir / "plain", PLAIN_CONFIG)
    plugin = run_mypy(module.text, workdir, cache_dir / "plugin", PLUGIN_CONFIG)
    result = ParityResult(calls=len(batch))
    for name, run in (("mypy", plain), ("mypy + bgtyped", plugin)):
        if run.crashed or run.stray:
            result.unexpected.append(f"{name}: exit {run.returncode}\n{run.output[-3000:]}")
    if result.unexpected:
        return result
    lines = module.text.splitlines()
    call_lines = set(module.call_lines)
    for line_number in sorted((plain.errors.keys() | plugin.errors.keys()) - call_lines):
        messages = plain.errors.get(line_number, []) + plugin.errors.get(line_number, [])
        result.unexpected.append(f"error on line {line_number} `{lines[line_number - 1]}`: {messages}")
    for case, line_number in zip(batch, module.call_lines, strict=True):
        without, with_plugin = plain.errors.get(line_number, []), plugin.errors.get(line_number, [])
        result.lambdas += case.through_lambda
        result.context_errors += bool(without)
        plain_codes, plugin_codes = set(_codes(without)), set(_codes(with_plugin))
        own = any(PLUGIN_WORDS in m for m in with_plugin) or bool(plugin_codes & PLUGIN_CODES)
        if own:
            result.own += 1
            agree = plugin_codes <= plain_codes | PLUGIN_CODES
        else:
            result.same += 1
            agree = plain_codes == plugin_codes
        if not agree:
            definition = "\n".join(case.render_definition("t0"))
            call = "\n".join(case.render_call("t0"))
            result.disagreements.append(
                f"{definition}\n{call}\n    mypy: {without or 'no error'}\n"
                f"    mypy + bgtyped: {with_plugin or 'no error'}"
            )
    return result
