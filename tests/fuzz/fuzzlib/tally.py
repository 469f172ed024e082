"""The totals of a differential test whose runtime verdict comes from a library's own worker (arq, saq,
procrastinate, Dask): one batch's verdicts laid side by side with mypy's errors on the calls' lines."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from .verdicts import MypyRun, RuntimeVerdict

CaseT = TypeVar("CaseT")


@dataclass
class WorkerResult:
    calls: int = 0
    static_accepted: int = 0
    runtime_accepted: int = 0
    # Rejected at run time for a reason no type says (`RuntimeVerdict.knowable`): the plugin must accept them.
    unknowable: int = 0
    shapes: dict[str, int] = field(default_factory=dict)
    disagreements: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    def summary(self, what: str) -> str:
        disagree = len(self.disagreements)
        return (
            f"\n{self.calls} {what}: {self.calls - disagree} agree, {disagree} disagree; mypy accepted "
            f"{self.static_accepted}, the workers accepted {self.runtime_accepted}"
            + (f"; {self.unknowable} rejected for a reason no type says" if self.unknowable else "")
        )


def unexpected_output(run: MypyRun, call_lines: Sequence[int], shown: str) -> list[str]:
    """A crash, output that is no message on the calls' module, or an error on a line that is no call."""
    if run.crashed or run.stray:
        return [f"mypy (exit {run.returncode}):\n{run.output[-4000:]}\n{shown}"]
    return [
        f"error on line {line} of the calls' module: {run.errors[line]}"
        for line in sorted(set(run.errors) - set(call_lines))
    ]


def tally(
    result: WorkerResult,
    cases: Sequence[CaseT],
    call_lines: Sequence[int],
    run: MypyRun,
    verdicts: Sequence[RuntimeVerdict],
    shapes: Callable[[CaseT], list[str]],
    describe: Callable[[CaseT, int, str], str],
) -> None:
    """Count each call's verdicts into ``result``; ``describe(case, index, static)`` shows a disagreement."""
    for index, (case, line, verdict) in enumerate(zip(cases, call_lines, verdicts, strict=True)):
        for shape in shapes(case):
            result.shapes[shape] = result.shapes.get(shape, 0) + 1
        errors = run.errors.get(line, [])
        if not verdict.consistent:  # the worker gave no verdict: a fault of the run, shown with the call
            result.unexpected.append(
                f"{describe(case, index, '; '.join(errors))}    runtime: {verdict.reason}"
            )
        result.static_accepted += not errors
        result.runtime_accepted += verdict.accepted
        if not verdict.knowable and not verdict.accepted and not errors:
            result.unknowable += 1
            continue
        if verdict.accepted != bool(errors):
            continue
        static = "; ".join(errors) or "no error"
        outcome = "accepted" if verdict.accepted else "rejected"
        result.disagreements.append(
            f"{describe(case, index, static)}    runtime: {outcome} ({verdict.reason})\n"
        )
