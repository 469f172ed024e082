"""Instructions per call of the request-shaped rows of bench_runtime.py, bgtyped and Starlette, by callgrind.

    python benchmarks/bench_runtime_instructions.py

Timings on a shared machine move by several hundredths; instruction counts do not. Each row runs a child
interpreter under ``valgrind --tool=callgrind`` making the row's calls in a loop (10,000 ``add_task`` calls
on 10,000 instances made beforehand, or 3,000 trivial tasks run), and once making none; the difference,
divided by the calls, is the row's count. The child leaves by ``os._exit``: neither side's count includes
freeing what it kept. Needs valgrind on the PATH; about two minutes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

CALLS = {"new": 10_000, "def": 10_000, "method": 10_000, "async def": 10_000, "request": 10_000, "run": 3_000}
CHILD = """
import asyncio, gc, os, sys
sys.path.insert(0, {benchmarks!r})
from bench_runtime import MAILER, notify, request_closures, send_email, trivial
import bgtyped
from starlette import background
module = bgtyped if sys.argv[1] == "bgtyped" else background
row, calls = sys.argv[2], int(sys.argv[3])
gc.disable()
make = module.BackgroundTasks
instances = [make() for _ in range(10_000)]
targets = request_closures(10_000)
warm = make()
warm.add_task(send_email, "a@b.c", subject="Welcome")
warm.add_task(notify, 7, "hello")
warm.add_task(MAILER.send, "a@b.c", "body")
warm.add_task(targets[0][0])
warm.add_task(targets[0][1])
loop = asyncio.new_event_loop()
ran = make()
for _ in range(3_000):
    ran.add_task(trivial)


def calls_of_row():  # locals, not module globals, as in a handler
    if row == "new":
        for _ in range(calls):
            make()
    elif row == "def":
        for tasks in instances[:calls]:
            tasks.add_task(send_email, "a@b.c", subject="Welcome")
    elif row == "method":
        for tasks in instances[:calls]:
            tasks.add_task(MAILER.send, "a@b.c", "body")
    elif row == "async def":
        for tasks in instances[:calls]:
            tasks.add_task(notify, 7, "hello")
    elif row == "request":
        for audit, log in targets[:calls]:
            tasks = make()
            tasks.add_task(audit)
            tasks.add_task(log)
    elif row == "run" and calls:
        loop.run_until_complete(ran())


calls_of_row()
os._exit(0)
"""
COLLECTED = re.compile(r"Collected : (\d+)")


def instructions(module: str, row: str, calls: int) -> int:
    code = CHILD.format(benchmarks=str(Path(__file__).parent))
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", code]
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    result = subprocess.run(
        [*command, module, row, str(calls)], env=environment, capture_output=True, text=True, check=False
    )
    found = COLLECTED.search(result.stderr)
    if found is None:
        raise SystemExit(f"callgrind failed on {module} {row}:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def per_call(module: str, row: str) -> int:
    calls = CALLS[row]
    return (instructions(module, row, calls) - instructions(module, row, 0)) // calls


def main() -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("this benchmark counts instructions with valgrind: install valgrind first")
    print(f"{'row':<12} {'starlette':>10} {'bgtyped':>10} {'ratio':>7}")
    for row in CALLS:
        base, ours = per_call("starlette", row), per_call("bgtyped", row)
        print(f"{row:<12} {base:>10} {ours:>10} {ours / base:>6.2f}x")


if __name__ == "__main__":
    main()
