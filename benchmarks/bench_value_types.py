"""What value checking costs: Starlette's add_task against bgtyped's, types off and on, side by side.

    python benchmarks/bench_value_types.py [--rounds N]

Each round times the three back to back on the same work (their order rotating), so machine noise hits all
of them; the figures are medians over rounds: time per add_task, and the ratios of bgtyped's to Starlette's.
The targets: a module function with three annotated arguments, and a per-request closure with one (a new
function object per task). "per argument" is (types on - types off) / arguments. Then the beartype checker
forms bgtyped could use, per value checked.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette import background as starlette_background

import bgtyped

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_runtime import TASKS_PER_REQUEST, closures

CALLS = 20_000


def send_email(to: str, subject: str, retries: int) -> None:
    pass


def schedule_def(tasks: Any) -> float:
    add = tasks.add_task
    elapsed = 0.0
    for _ in range(CALLS // TASKS_PER_REQUEST):
        tasks.tasks.clear()
        start = time.perf_counter()
        for _ in range(TASKS_PER_REQUEST):
            add(send_email, "a@b.c", "Welcome", 3)
        elapsed += time.perf_counter() - start
    return elapsed


def schedule_closure(tasks: Any) -> float:
    requests = [closures(TASKS_PER_REQUEST) for _ in range(CALLS // TASKS_PER_REQUEST)]
    add = tasks.add_task
    elapsed = 0.0
    for targets in requests:
        tasks.tasks.clear()
        start = time.perf_counter()
        for target in targets:
            add(target, "logout")
        elapsed += time.perf_counter() - start
    return elapsed


def measure(schedule: Callable[[Any], float], side: str) -> float:
    if side == "starlette":
        tasks: Any = starlette_background.BackgroundTasks()
    else:
        bgtyped.check_types(side == "types on")
        tasks = bgtyped.BackgroundTasks()
    schedule(tasks)  # warm up: bgtyped prepares its checks on the first call of each target
    gc.collect()
    try:
        return schedule(tasks) / CALLS
    finally:
        bgtyped.check_types(False)


SIDES = ("starlette", "types off", "types on")


def compare(schedule: Callable[[Any], float], rounds: int) -> dict[str, float]:
    """Median seconds per add_task for each side, and the ratios ``types off/starlette``, ``types on/...``."""
    times: dict[str, list[float]] = {side: [] for side in SIDES}
    ratios: dict[str, list[float]] = {"types off": [], "types on": []}
    for round_number in range(rounds):
        shift = round_number % len(SIDES)
        measured = {side: measure(schedule, side) for side in SIDES[shift:] + SIDES[:shift]}
        for side, seconds in measured.items():
            times[side].append(seconds)
        for side in ratios:
            ratios[side].append(measured[side] / measured["starlette"])
    return {side: statistics.median(values) for side, values in times.items()} | {
        f"{side} ratio": statistics.median(values) for side, values in ratios.items()
    }


def checker_forms() -> dict[str, float]:
    """Seconds per check of an int against ``int``, for each way beartype offers to check one value."""
    import beartype
    from beartype.door import TypeHint, die_if_unbearable, is_bearable

    conf = beartype.BeartypeConf(is_pep484_tower=True)

    def check(value: int) -> None:
        pass

    decorated = beartype.beartype(conf=conf)(check)
    hint = TypeHint(int)
    forms: dict[str, Callable[[], object]] = {
        "is_bearable(value, hint)": lambda: is_bearable(3, int, conf=conf),
        "TypeHint(hint).is_bearable(value)": lambda: hint.is_bearable(3),
        "die_if_unbearable(value, hint)": lambda: die_if_unbearable(3, int, conf=conf),
        "a @beartype function per hint (bgtyped's)": lambda: decorated(3),
        "(the lambda calling it, subtracted)": lambda: None,
    }
    number = 200_000
    results = {
        name: min(timeit.repeat(form, number=number, repeat=5)) / number for name, form in forms.items()
    }
    baseline = results.pop("(the lambda calling it, subtracted)")
    return {name: seconds - baseline for name, seconds in results.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    rounds = parser.parse_args(argv).rounds
    rows = {
        "module def, 3 args": (compare(schedule_def, rounds), 3),
        "closure, 1 arg": (compare(schedule_closure, rounds), 1),
    }
    print(
        f"{'add_task of':<20} {'starlette':>10} {'types off':>10} {'types on':>10} "
        f"{'off/st':>7} {'on/st':>7} {'per argument':>13}"
    )
    for name, (row, arguments) in rows.items():
        per_argument = (row["types on"] - row["types off"]) / arguments
        print(
            f"{name:<20} {row['starlette'] * 1e6:>7.3f} us {row['types off'] * 1e6:>7.3f} us "
            f"{row['types on'] * 1e6:>7.3f} us "
            f"{row['types off ratio']:>6.2f}x {row['types on ratio']:>6.2f}x "
            f"{per_argument * 1e6:>10.3f} us"
        )
    print("\nbeartype's ways to check one value (an int against int), per check:")
    for name, seconds in checker_forms().items():
        print(f"  {name:<44} {seconds * 1e6:>6.3f} us")


if __name__ == "__main__":
    main()
