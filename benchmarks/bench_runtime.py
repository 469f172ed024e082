"""Runtime cost of bgtyped against Starlette, measured side by side in one process.

    python benchmarks/bench_runtime.py [--rounds N]

Each round times Starlette and bgtyped back to back on the same work, so machine noise hits both; the
reported figure is the median of the per-round ratios (bgtyped / Starlette). Goals: scheduling a module
function <= 0.30x, a per-request closure or lambda <= 0.35x, running <= 1.05x, import <= 1.1x; memory stays
flat after scheduling a million distinct closures.

The request-shaped rows time what a request does: a new ``BackgroundTasks`` per request, a few tasks added to
it, then its tasks run. Goals: a module function or a bound method <= 0.30x Starlette's ``add_task``, an
``async def`` <= 0.40x (Starlette's own detection returns early for it), a request's instance plus a closure
plus a lambda <= 0.35x, running a few hundred trivial ``async def`` tasks <= 1.05x per task.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import gc
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from starlette import background as starlette_background

import bgtyped
from bgtyped import _binding

GOALS = {
    "schedule def": 0.30,
    "schedule closure": 0.35,
    "schedule lambda": 0.35,
    "run async def": 1.05,
    "run def": 1.05,
    "import": 1.1,
    "add_task def": 0.30,
    "add_task method": 0.30,
    "add_task async def": 0.40,
    "instance+closure+lambda": 0.35,
    "run async tasks": 1.05,
}
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


def closures(count: int) -> list[Callable[..., None]]:
    """``count`` distinct function objects from one ``def``, as a handler defining its task makes them."""

    def handler(user: str) -> Callable[..., None]:
        def audit(action: str = "login") -> None:
            print(user, action)

        return audit

    return [handler(str(n)) for n in range(count)]


def lambdas(count: int) -> list[Callable[..., None]]:
    def handler(user: str) -> Callable[..., None]:
        return lambda: print(user)

    return [handler(str(n)) for n in range(count)]


# Per-request targets are made before the timing (a handler makes them whichever class it schedules on);
# each is scheduled once, so every add_task sees a function object it has never seen.
def schedule_closure(add: Callable[..., None], targets: list[Callable[..., None]]) -> None:
    for target in targets:
        add(target)


SCHEDULES = {"def": schedule_def, "async def": schedule_async_def, "method": schedule_method}
PER_REQUEST = {"closure": closures, "lambda": lambdas}
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


def schedule_new_batch(module: Any, kind: str, calls: int) -> float:
    """Seconds to schedule ``calls`` distinct per-request closures or lambdas, ten per request."""
    tasks = module.BackgroundTasks()
    make = PER_REQUEST[kind]
    schedule_closure(tasks.add_task, make(1))
    requests = [make(TASKS_PER_REQUEST) for _ in range(calls // TASKS_PER_REQUEST)]
    elapsed = 0.0
    for targets in requests:
        tasks.tasks.clear()
        start = time.perf_counter()
        schedule_closure(tasks.add_task, targets)
        elapsed += time.perf_counter() - start
    return elapsed


def resident_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def memory_growth(closures_count: int = 1_000_000) -> tuple[int, int]:
    """Resident memory growth (KiB) after scheduling ``closures_count`` distinct closures, ten per request,
    each request's tasks dropped as a finished request's are; and how many checks bgtyped then caches."""

    def handler(user: int) -> None:
        tasks = bgtyped.BackgroundTasks()
        for action in range(TASKS_PER_REQUEST):

            def audit(action: int = action) -> None:
                print(user, action)

            tasks.add_task(audit)

    for request in range(10_000):  # warm up: allocator pools, caches
        handler(request)
    gc.collect()
    before = resident_kib()
    for request in range(closures_count // TASKS_PER_REQUEST):
        handler(request)
    gc.collect()
    return resident_kib() - before, len(_binding._function_binders) + len(_binding._lasting_functions)


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


# Request-shaped: every request has its own BackgroundTasks, made by the handler, as an app makes it. The
# cyclic garbage collector is off while timing (as in timeit): the objects kept alive for the timing would
# otherwise make its passes, which no single request pays, a large share of both sides' time.
REQUESTS = 5_000  # per measure, for each side
ADDS_PER_REQUEST = 3
RUN_TASKS = 300  # trivial async tasks in one response's run


@contextlib.contextmanager
def collector_off() -> Iterator[None]:
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def request_new(module: Any) -> float:
    """Seconds to make ``REQUESTS`` new ``BackgroundTasks``, one per request."""
    make = module.BackgroundTasks
    with collector_off():
        start = time.perf_counter()
        for _ in range(REQUESTS):
            make()
        return time.perf_counter() - start


def request_add(module: Any, kind: str) -> float:
    """Seconds for ``ADDS_PER_REQUEST`` add_task calls on each of ``REQUESTS`` new instances, made untimed."""
    instances = [module.BackgroundTasks() for _ in range(REQUESTS)]
    schedule = SCHEDULES[kind]
    schedule(module.BackgroundTasks().add_task, 1)  # bgtyped prepares its check on the first call
    with collector_off():
        start = time.perf_counter()
        for tasks in instances:
            schedule(tasks.add_task, ADDS_PER_REQUEST)
        return time.perf_counter() - start


def request_closures(count: int) -> list[tuple[Callable[..., None], Callable[..., None]]]:
    """A closure and a lambda per request, as a handler defining its tasks makes them."""

    def handler(user: str) -> tuple[Callable[..., None], Callable[..., None]]:
        def audit(action: str = "login") -> None:
            print(user, action)

        return audit, lambda: print(user)

    return [handler(str(n)) for n in range(count)]


def request_instance_closure_lambda(module: Any) -> float:
    """Seconds for ``REQUESTS`` requests each making its instance and adding its own closure and lambda."""
    make = module.BackgroundTasks
    targets = request_closures(REQUESTS)
    warm = make()
    warm.add_task(targets[0][0])
    warm.add_task(targets[0][1])
    with collector_off():
        start = time.perf_counter()
        for audit, log in targets:
            tasks = make()
            tasks.add_task(audit)
            tasks.add_task(log)
        return time.perf_counter() - start


async def trivial() -> None:
    pass


def request_run(module: Any, responses: int = 10) -> float:
    """Seconds to run ``RUN_TASKS`` trivial ``async def`` tasks, ``responses`` times, on one event loop."""
    loop = asyncio.new_event_loop()
    try:
        elapsed = 0.0
        for _ in range(responses):
            tasks = module.BackgroundTasks()
            for _ in range(RUN_TASKS):
                tasks.add_task(trivial)
            start = time.perf_counter()
            loop.run_until_complete(tasks())
            elapsed += time.perf_counter() - start
        return elapsed
    finally:
        loop.close()


REQUEST_ROWS: dict[str, tuple[Callable[[Any], float], int]] = {
    # name: (measure, how many units it times)
    "new BackgroundTasks": (request_new, REQUESTS),
    "add_task def": (functools.partial(request_add, kind="def"), REQUESTS * ADDS_PER_REQUEST),
    "add_task method": (functools.partial(request_add, kind="method"), REQUESTS * ADDS_PER_REQUEST),
    "add_task async def": (functools.partial(request_add, kind="async def"), REQUESTS * ADDS_PER_REQUEST),
    "instance+closure+lambda": (request_instance_closure_lambda, REQUESTS),
    "run async tasks": (request_run, RUN_TASKS * 10),
}


def print_rows(results: dict[str, tuple[float, float, float]], units: dict[str, int], scale: str) -> None:
    factor = {"us": 1e6, "ns": 1e9}[scale]
    print(f"{'measure':<24} {'starlette':>14} {'bgtyped':>14} {'ratio':>7} {'goal':>6}")
    for name, (ratio, base, ours) in results.items():
        unit = units[name]
        goal = GOALS.get(name)
        verdict = "     -" if goal is None else f"{goal:>5.2f}x {'ok' if ratio <= goal else 'MISSED'}"
        print(
            f"{name:<24} {base / unit * factor:>11.3f} {scale} {ours / unit * factor:>11.3f} {scale} "
            f"{ratio:>6.2f}x {verdict}"
        )


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
    parser.add_argument("--requests-only", action="store_true", help="only the request-shaped rows")
    options = parser.parse_args(argv)
    rounds = options.rounds
    request_results = {name: median_ratio(measure, rounds * 2) for name, (measure, _) in REQUEST_ROWS.items()}
    print("request-shaped: a new BackgroundTasks per request (per call, per task when running)")
    print_rows(request_results, {name: units for name, (_, units) in REQUEST_ROWS.items()}, "ns")
    if options.requests_only:
        return
    print()
    calls = 20_000
    results = {
        f"schedule {kind}": median_ratio(functools.partial(schedule_batch, kind=kind, calls=calls), rounds)
        for kind in SCHEDULES
    }
    results |= {
        f"schedule {kind}": median_ratio(
            functools.partial(schedule_new_batch, kind=kind, calls=calls), rounds
        )
        for kind in PER_REQUEST
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
    print("a shared instance, its list cleared every ten tasks (per call, per task when running)")
    units = {name: {"run def": SYNC_RUNS, "import": 1}.get(name, calls) for name in results}
    print_rows(results, units, "us")
    growth, cached = memory_growth()
    print(
        f"memory: {growth:+d} KiB resident after scheduling 1,000,000 distinct closures "
        f"({cached} checks cached)"
    )


if __name__ == "__main__":
    main()
