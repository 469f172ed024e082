"""mypy with the bgtyped plugin against mypy alone, on a generated project with thousands of scheduling calls.

Both configurations check the same generated package, in every mode a user meets:

- ``cold``: an empty cache, so mypy also analyses the standard library and Starlette (and writes its cache);
- ``cold, no cache``: ``--cache-dir /dev/null``, nothing read or written (CI without a cache);
- ``dependencies cached``: the dependencies were cached beforehand (each configuration its own cache, copied
  afresh for every run), so the run is the cold check of the project itself, where the plugin does its work;
- ``warm incremental``: the whole project was cached beforehand and one module changed (an editor, a
  pre-commit hook);
- ``dmypy recheck``: a mypy daemon per configuration has checked the project; one module changes and each
  daemon rechecks it (CPU time of the daemon process, from /proc, counted in clock ticks; "wall" is the
  daemon's own timing of the recheck, from its stats file, without the client's start-up).

Runs alternate (alone, plugin, plugin, alone, ...) so that drifts in machine load hit both sides alike.
Prints, per mode, the median CPU time (user + system of the mypy process; other load on the machine disturbs
it less than wall time) and the median wall time of each configuration, their spread, and the ratios. Goal:
at most 1.0x.

    python benchmarks/bench_mypy.py [--modules 40] [--groups 8] [--repeat 5] [--modes cold,warm,...]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from mypy_project import generate

ALONE = "mypy alone"
PLUGIN = "mypy + bgtyped.mypy"
CONFIGS = {
    ALONE: "[mypy]\nstrict = True\n",
    PLUGIN: "[mypy]\nstrict = True\nplugins = bgtyped.mypy\n",
}
# What the generated modules import: cached beforehand in the "dependencies cached" mode.
DEPENDENCIES = "import functools\nimport typing\nimport starlette.background\n"
MODES = ("cold", "cold, no cache", "dependencies cached", "warm incremental", "dmypy recheck")
MODE_NAMES = {"cold": "cold", "nocache": "cold, no cache", "deps": "dependencies cached"} | {
    "warm": "warm incremental",
    "dmypy": "dmypy recheck",
}

Times = dict[str, list[float]]


def compile_plugin(root: Path) -> None:
    """Writes the bytecode of every module of the plugin, as installing its wheel does.

    A development install with ``PYTHONDONTWRITEBYTECODE`` set would otherwise compile the plugin's source
    on every mypy run: a cost users do not pay. Importing the package would not do: the hooks' modules are
    imported later, by the first hook.
    """
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    script = (
        "import bgtyped.mypy, compileall, os; "
        "compileall.compile_dir(os.path.dirname(bgtyped.mypy.__file__), quiet=1)"
    )
    subprocess.run([sys.executable, "-c", script], cwd=root, env=environment, check=True)


def mypy_command(config: Path, cache: Path | str, *targets: str) -> list[str]:
    return [sys.executable, "-m", "mypy", "--config-file", str(config), "--cache-dir", str(cache), *targets]


def run_mypy(root: Path, command: Sequence[str], expect_clean: bool = True) -> tuple[float, float]:
    """CPU and wall seconds of one mypy run (a crash always fails; errors fail when ``expect_clean``)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in ((0,) if expect_clean else (0, 1)) or "INTERNAL ERROR" in result.stdout:
        raise SystemExit(f"mypy failed: {' '.join(command)}\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def alternating(labels: Sequence[str], repeat: int) -> Iterator[tuple[int, str]]:
    """(run, label) pairs in the order A B, B A, A B, ...: neither side always goes first."""
    for run in range(repeat):
        for label in labels if run % 2 == 0 else reversed(labels):
            yield run, label


def spread(values: Sequence[float]) -> str:
    """Median with the range of the runs around it, and every run."""
    runs = ", ".join(f"{value:.3f}" for value in values)
    return f"median {statistics.median(values):7.3f}s  range {min(values):.3f}-{max(values):.3f}s  ({runs})"


def ratio(times: Times) -> float:
    return statistics.median(times[PLUGIN]) / statistics.median(times[ALONE])


def report(setting: str, cpu: Times, wall: Times) -> dict[str, float]:
    """Prints one mode's figures; returns its CPU and wall ratios."""
    print(setting)
    for kind, times in (("cpu", cpu), ("wall", wall)):
        for label, values in times.items():
            print(f"  {kind:<4} {label:<20} {spread(values)}")
        # The per-pair ratios show how much of a ratio is noise.
        pairs = [plugin / alone for plugin, alone in zip(times[PLUGIN], times[ALONE], strict=True)]
        print(
            f"  {kind:<4} ratio (plugin / alone): {ratio(times):.2f}x  "
            f"(pairs {min(pairs):.2f}-{max(pairs):.2f}x; goal: <= 1.00x)"
        )
    return {"cpu": ratio(cpu), "wall": ratio(wall)}


@contextmanager
def edited(module: Path, run: int) -> Iterator[None]:
    """One module changed (its size too: mypy's cache compares it), restored afterwards."""
    original = module.read_text()
    module.write_text(original + f"\n# edited for an incremental run ({run})\n")
    try:
        yield
    finally:
        module.write_text(original)


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a running process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Daemon:
    """One mypy daemon, with its own status file, that checked ``target`` once."""

    def __init__(self, root: Path, config: Path, cache: Path, target: str) -> None:
        self.root = root
        self.status = root / f"{config.stem}.dmypy.json"
        self.client = [sys.executable, "-m", "mypy.dmypy", "--status-file", str(self.status)]
        start = [*self.client, "start", "--", "--config-file", str(config), "--cache-dir", str(cache)]
        run_mypy(root, start)
        run_mypy(root, [*self.client, "check", target])
        self.pid = int(json.loads(self.status.read_text())["pid"])

    def recheck(self) -> tuple[float, float]:
        """The daemon's CPU seconds and its own timing of the recheck (the client's start-up left out)."""
        stats = self.root / f"{self.status.stem}.stats.json"
        before = process_cpu_seconds(self.pid)
        run_mypy(self.root, [*self.client, "recheck", "--perf-stats-file", str(stats)])
        cpu = process_cpu_seconds(self.pid) - before
        timings = json.loads(stats.read_text())
        return cpu, sum(value for key, value in timings.items() if key.endswith("_time"))

    def stop(self) -> None:
        subprocess.run([*self.client, "stop"], cwd=self.root, capture_output=True, check=False)


Runner = Callable[[int, str], tuple[float, float]]


def measure(labels: Sequence[str], repeat: int, one_run: Runner) -> tuple[Times, Times]:
    """CPU and wall seconds of ``repeat`` runs of each configuration, alternating."""
    cpu: Times = {label: [0.0] * repeat for label in labels}
    wall: Times = {label: [0.0] * repeat for label in labels}
    for run, label in alternating(labels, repeat):
        cpu[label][run], wall[label][run] = one_run(run, label)
    return cpu, wall


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=40, help="generated modules (default 40)")
    parser.add_argument("--groups", type=int, default=8, help="groups of 10 calls per module (default 8)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each (default 5)")
    parser.add_argument(
        "--modes", default=",".join(MODE_NAMES), help=f"comma-separated, of {', '.join(MODE_NAMES)}"
    )
    options = parser.parse_args(argv)
    modes = [MODE_NAMES[mode] for mode in options.modes.split(",")]
    ratios: dict[str, dict[str, float]] = {}

    with tempfile.TemporaryDirectory(prefix="bgtyped-bench-mypy-") as tmp, ExitStack() as daemons:
        root = Path(tmp)
        compile_plugin(root)
        calls = generate(root, options.modules, options.groups)
        edited_module = root / "app" / "tasks_000.py"
        (root / "dependencies.py").write_text(DEPENDENCIES)
        configs: dict[str, Path] = {}
        for number, (label, text) in enumerate(CONFIGS.items()):
            configs[label] = root / f"mypy_{number}.ini"
            configs[label].write_text(text)
        print(f"{calls} scheduling calls in {options.modules} modules; {options.repeat} runs of each")

        def cache(label: str, name: str) -> Path:
            return root / f"{name}_{configs[label].stem}"

        def cold(run: int, label: str) -> tuple[float, float]:
            result = run_mypy(root, mypy_command(configs[label], cache(label, f"cold_{run}"), "app"))
            shutil.rmtree(cache(label, f"cold_{run}"))
            return result

        def no_cache(run: int, label: str) -> tuple[float, float]:
            return run_mypy(root, mypy_command(configs[label], os.devnull, "app"))

        def from_copy(name: str) -> Runner:
            def one_run(run: int, label: str) -> tuple[float, float]:
                copy = cache(label, f"copy_{run}")
                shutil.copytree(cache(label, name), copy)
                with edited(edited_module, run) if name == "project" else ExitStack():
                    result = run_mypy(root, mypy_command(configs[label], copy, "app"))
                shutil.rmtree(copy)
                return result

            return one_run

        for label in configs:
            if "dependencies cached" in modes:
                run_mypy(root, mypy_command(configs[label], cache(label, "dependencies"), "dependencies.py"))
            if "warm incremental" in modes:
                run_mypy(root, mypy_command(configs[label], cache(label, "project"), "app"))
        runners: dict[str, Runner] = {
            "cold": cold,
            "cold, no cache": no_cache,
            "dependencies cached": from_copy("dependencies"),
            "warm incremental": from_copy("project"),
        }
        if "dmypy recheck" in modes:
            started = {label: Daemon(root, configs[label], cache(label, "dmypy"), "app") for label in configs}
            for daemon in started.values():
                daemons.callback(daemon.stop)

            def recheck(run: int, label: str) -> tuple[float, float]:
                # Both daemons see the same edit: it is made before the first of the pair and kept.
                if label == (ALONE if run % 2 == 0 else PLUGIN):
                    edited_module.write_text(edited_module.read_text() + f"\n# dmypy edit {run}\n")
                return started[label].recheck()

            runners["dmypy recheck"] = recheck

        for mode in modes:
            # A recheck takes a few clock ticks: more runs of it.
            repeat = options.repeat * (3 if mode == "dmypy recheck" else 1)
            cpu, wall = measure(list(configs), repeat, runners[mode])
            ratios[mode] = report(mode, cpu, wall)
    return ratios


if __name__ == "__main__":
    main()
