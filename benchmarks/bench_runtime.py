"""Runtime cost of bgtyped against Starlette, measured side by side in one process.

    python benchmarks/bench_runtime.py [--rounds N]

Each round times Starlette and bgtyped back to back on the same work, so machine noise hits both; the
reported figure is the median of the per-round ratios (bgtyped / Starlette). Goals: scheduling <= 0.35x,
running <= 1.05x, import <= 1.1x.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from starlette import background as starlette_background

import bgtyped

GOALS = {"schedule": 0.35, "run": 1.05, "import": 1.1}


def send_email(to: str, subject: str = "", *, html: bool = False) -> None:
    pass


async def notify(user_id: int, message: str) -> None:
    pass


class Mailer:
    def send(self, to: str, body: str) -> None:
        pass


MAILER = Mailer()


def schedule_batch(tasks_class: type[starlette_background.BackgroundTasks], calls: int) -> float:
    tasks = tasks_class()
    add = tasks.add_task
    method = MAILER.send
    start = time.perf_counter()
    for _ in range(calls):
        add(send_email, "a@b.c", subject="Welcome")
        add(notify, 7, "hello")
        add(method, "a@b.c", "body")
    return time.perf_counter() - start


def run_batch(tasks_class: type[starlette_background.BackgroundTasks], calls: int) -> float:
    tasks = tasks_class()
    for _ in range(calls):
        tasks.add_task(notify, 7, "hello")
    tasks.add_task(send_email, "a@b.c", subject="Welcome")  # one threadpool hop, as a real batch would have
    start = time.perf_counter()
    asyncio.run(tasks())
    return time.perf_counter() - start


def import_time(module: str) -> float:
    code = f"import time; s = time.perf_counter(); import {module}; print(time.perf_counter() - s)"
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(output.stdout)


def median_ratio(measure: Callable[[Any], float], rounds: int) -> tuple[float, float, float]:
    """Median of per-round ratios, and the median times of Starlette and bgtyped."""
    ratios, base_times, ours_times = [], [], []
    for _ in range(rounds):
        base = measure(starlette_background)
        ours = measure(bgtyped)
        ratios.append(ours / base)
        base_times.append(base)
        ours_times.append(ours)
    return statistics.median(ratios), statistics.median(base_times), statistics.median(ours_times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    calls = 20_000
    results = {
        "schedule": median_ratio(lambda module: schedule_batch(module.BackgroundTasks, calls), rounds),
        "run": median_ratio(lambda module: run_batch(module.BackgroundTasks, calls), rounds),
        "import": median_ratio(
            lambda module: import_time("bgtyped" if module is bgtyped else "starlette.background"), rounds
        ),
    }
    per_call = {"schedule": 3 * calls, "run": calls + 1, "import": 1}
    print(f"{'measure':<10} {'starlette':>14} {'bgtyped':>14} {'ratio':>7} {'goal':>6}")
    for name, (ratio, base, ours) in results.items():
        unit = per_call[name]
        verdict = "ok" if ratio <= GOALS[name] else "MISSED"
        print(
            f"{name:<10} {base / unit * 1e6:>11.3f} us {ours / unit * 1e6:>11.3f} us "
            f"{ratio:>6.2f}x {GOALS[name]:>5.2f}x {verdict}"
        )


if __name__ == "__main__":
    main()
