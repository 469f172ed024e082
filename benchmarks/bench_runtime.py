"""Runtime cost of bgtyped against Starlette, measured side by side in one process.

    python benchmarks/bench_runtime.py [--rounds N]

Each round times Starlette and bgtyped back to back on the same work, so machine noise hits both; the
reported figure is the median of the per-round ratios (bgtyped / Starlette). Goals: scheduling a plain
function <= 0.35x, running <= 1.05x, import <= 1.1x.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from starlette import background as starlette_background

import bgtyped

GOALS = {"schedule def": 0.35, "run async def": 1.05, "run def": 1.05, "import": 1.1}
SYNC_RUNS = 300  # each plain-function task is a threadpool round trip


def send_email(to: str, subject: str = "", *, html: bool = False) -> None:
    pass


async def notify(user_id: int, message: str) -> None:
    pass


class Mailer:
    def send(self, to: str, body: str) -> None:
        pass


MAILER = Mailer()


# Each kind of target is scheduled with a literal call, as an app writes it (no wrapper call around it, whose
# cost would count for both sides and blur the ratio). The goal applies to a plain function (the README's
# example), where Starlette's add_task spends half its time detecting async-ness; for an `async def`,
# Starlette's detection returns early, and the ratio is shown for the record.


def schedule_def(add: Callable[..., None], requests: int) -> None:
    for _ in range(requests):
        add(send_email, "a@b.c", subject="Welcome")


def schedule_async_def(add: Callable[..., None], requests: int) -> None:
    for _ in range(requests):
        add(notify, 7, "hello")


def schedule_method(add: Callable[..., None], requests: int) -> None:
    for _ in range(requests):
        add(MAILER.send, "a@b.c", "body")  # a new bound-method object per call, like `self.mailer.send`


SCHEDULES = {"def": schedule_def, "async def": schedule_async_def, "method": schedule_method}
TASKS_PER_REQUEST = 10


def schedule_batch(module: Any, kind: str, calls: int) -> float:
    """Seconds to schedule ``calls`` tasks, ten per request as an app would (not one ever-growing list)."""
    tasks = module.BackgroundTasks()
    schedule = SCHEDULES[kind]
    schedule(tasks.add_task, 1)  # outside the timing: bgtyped prepares its check on the first call
    elapsed = 0.0
    for _ in range(calls // TASKS_PER_REQUEST):
        tasks.tasks.clear()
        start = time.perf_counter()
        schedule(tasks.add_task, TASKS_PER_REQUEST)
        elapsed += time.perf_counter() - start
    return elapsed


def run_batch(module: Any, target: Callable[..., Any], calls: int) -> float:
    """CPU seconds to run ``calls`` tasks: ``async def`` ones on the loop, ``def`` ones in threads."""
    tasks = module.BackgroundTasks()
    for _ in range(calls):
        tasks.add_task(target, "a@b.c", subject="Welcome")
    loop = asyncio.new_event_loop()
    try:
        start = time.process_time()
        loop.run_until_complete(tasks())
        return time.process_time() - start
    finally:
        loop.close()


async def send_email_async(to: str, subject: str = "") -> None:
    pass


def import_time(module: str) -> float:
    """CPU seconds for ``from <module> import BackgroundTasks`` in a fresh interpreter (what an app does).

    CPU time, not wall time: other load on the machine disturbs it less.
    """
    code = (
        "import time; start = time.process_time(); "
        f"from {module} import BackgroundTasks; print(time.process_time() - start)"
    )
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(output.stdout)


def median_ratio(measure: Callable[[Any], float], rounds: int) -> tuple[float, float, float]:
    """Median of per-round ratios, and the median times of Starlette and bgtyped."""
    ratios, base_times, ours_times = [], [], []
    for round_number in range(rounds):
        # Alternate who goes first and start each from a collected heap: neither inherits the other's garbage.
        order = [starlette_background, bgtyped] if round_number % 2 else [bgtyped, starlette_background]
        times = {}
        for module in order:
            gc.collect()
            times[module] = measure(module)
        base, ours = times[starlette_background], times[bgtyped]
        ratios.append(ours / base)
        base_times.append(base)
        ours_times.append(ours)
    return statistics.median(ratios), statistics.median(base_times), statistics.median(ours_times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args(argv).rounds
    calls = 20_000
    results = {
        f"schedule {kind}": median_ratio(functools.partial(schedule_batch, kind=kind, calls=calls), rounds)
        for kind in SCHEDULES
    }
    results |= {
        "run async def": median_ratio(
            functools.partial(run_batch, target=send_email_async, calls=calls), rounds
        ),
        "run def": median_ratio(functools.partial(run_batch, target=send_email, calls=SYNC_RUNS), rounds),
        "import": median_ratio(
            lambda module: import_time("bgtyped" if module is bgtyped else "starlette.background"), rounds
        ),
    }
    print(f"{'measure':<18} {'starlette':>14} {'bgtyped':>14} {'ratio':>7} {'goal':>6}")
    for name, (ratio, base, ours) in results.items():
        unit = {"run def": SYNC_RUNS, "import": 1}.get(name, calls)
        goal = GOALS.get(name)
        verdict = "" if goal is None else f"{goal:>5.2f}x {'ok' if ratio <= goal else 'MISSED'}"
        print(
            f"{name:<18} {base / unit * 1e6:>11.3f} us {ours / unit * 1e6:>11.3f} us {ratio:>6.2f}x {verdict}"
        )


if __name__ == "__main__":
    main()
