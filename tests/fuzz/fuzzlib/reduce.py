"""Reduce a disagreement to a minimal reproducer.

A mypy run costs seconds, so hypothesis' own shrinking (one run per attempt on a whole batch) would take
far too long. Instead, each round renders every one-step simplification of the case into one module and
keeps the first that still disagrees the same way: one mypy run per round.
"""

from __future__ import annotations

from pathlib import Path

from .model import Case, simpler_cases
from .verdicts import Disagreement, compare

MAX_ROUNDS = 40


def _same_way(found: Disagreement, original: Disagreement) -> bool:
    return found.runtime.accepted == original.runtime.accepted


def reduce(disagreement: Disagreement, workdir: Path, cache_dir: Path) -> Disagreement:
    current = disagreement
    for _ in range(MAX_ROUNDS):
        candidates: list[Case] = list(dict.fromkeys(simpler_cases(current.case)))
        if not candidates:
            break
        result = compare(candidates, workdir, cache_dir)
        if result.unexpected:
            break
        found = next((d for d in result.disagreements if _same_way(d, disagreement)), None)
        if found is None:
            break
        current = found
    alone = compare([current.case], workdir, cache_dir)
    if alone.disagreements:  # confirmed on its own, with mypy's messages naming its own definition
        return alone.disagreements[0]
    current.context = "disagrees only next to other calls (a verdict that depends on its neighbours)"
    return current
