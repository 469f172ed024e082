"""mypy with the bgtyped plugin against mypy alone, on a generated project with thousands of scheduling calls.

Both configurations check the same generated package from a cold cache, in two settings:

- ``cold``: nothing cached, so mypy also analyses the standard library and Starlette on every run;
- ``project``: the dependencies were cached beforehand (each configuration its own cache, copied afresh for
  every run), so the run is the cold check of the project itself, where the plugin does its work;
- ``warm``: the whole project was cached beforehand and one module changed (an incremental run, as in an
  editor or a pre-commit hook).

Runs alternate (alone, plugin, alone, ...) so that drifts in machine load hit both sides alike. Prints, per
setting, the median CPU time (user + system of the mypy process; other load on the machine disturbs it less
than wall time) and the median wall time of each configuration, and their ratios. Goal: at most 1.0x.

    python benchmarks/bench_mypy.py [--modules 40] [--groups 8] [--repeat 5]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from mypy_project import generate

ALONE = "mypy alone"
PLUGIN = "mypy + bgtyped.mypy"
CONFIGS = {
    ALONE: "[mypy]\nstrict = True\n",
    PLUGIN: "[mypy]\nstrict = True\nplugins = bgtyped.mypy\n",
}
# What the generated modules import: cached beforehand in the "project" setting.
DEPENDENCIES = "import functools\nimport typing\nimport starlette.background\n"


def run_mypy(root: Path, config: Path, cache: Path, target: str) -> tuple[float, float]:
    """CPU and wall seconds of one mypy run; the code must type-check cleanly."""
    command = [sys.executable, "-m", "mypy", "--config-file", str(config), "--cache-dir", str(cache), target]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"mypy failed with {config.name}:\n{result.stdout}{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def report(setting: str, cpu: dict[str, list[float]], wall: dict[str, list[float]]) -> None:
    print(setting)
    for kind, times in (("cpu", cpu), ("wall", wall)):
        medians = {label: statistics.median(values) for label, values in times.items()}
        for label, values in times.items():
            runs = ", ".join(f"{value:.2f}" for value in values)
            spread = f"min {min(values):6.2f}s  (runs: {runs})"
            print(f"  {kind:<4} {label:<20} median {medians[label]:6.2f}s  {spread}")
        ratio = medians[PLUGIN] / medians[ALONE]
        print(f"  {kind:<4} ratio (plugin / alone): {ratio:.2f}x  (goal: <= 1.00x)")


def edit_one_module(root: Path) -> tuple[Path, str]:
    """Change one module (its size too: mypy's cache compares it) so an incremental run rechecks it."""
    module = root / "app" / "tasks_000.py"
    original = module.read_text()
    module.write_text(original + "\n# edited for an incremental run\n")
    return module, original


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=40, help="generated modules (default 40)")
    parser.add_argument("--groups", type=int, default=8, help="groups of 10 calls per module (default 8)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each (default 5)")
    options = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bgtyped-bench-mypy-") as tmp:
        root = Path(tmp)
        calls = generate(root, options.modules, options.groups)
        (root / "dependencies.py").write_text(DEPENDENCIES)
        configs: dict[str, Path] = {}
        warm_caches: dict[str, Path] = {}
        for number, (label, text) in enumerate(CONFIGS.items()):
            configs[label] = root / f"mypy_{number}.ini"
            configs[label].write_text(text)
            warm_caches[label] = root / f"dependencies_cache_{number}"
            run_mypy(root, configs[label], warm_caches[label], "dependencies.py")
        print(f"{calls} scheduling calls in {options.modules} modules; {options.repeat} runs of each")
        project_caches: dict[str, Path] = {}
        for label, config in configs.items():
            project_caches[label] = root / f"project_cache_{config.stem}"
            run_mypy(root, config, project_caches[label], "app")

        for setting in ("cold", "project", "warm"):
            cpu: dict[str, list[float]] = {label: [] for label in configs}
            wall: dict[str, list[float]] = {label: [] for label in configs}
            for run in range(options.repeat):
                for label, config in configs.items():
                    cache = root / f"cache_{setting}_{run}_{config.stem}"
                    if setting == "project":
                        shutil.copytree(warm_caches[label], cache)
                    if setting == "warm":
                        shutil.copytree(project_caches[label], cache)
                        module, original = edit_one_module(root)
                    cpu_seconds, wall_seconds = run_mypy(root, config, cache, "app")
                    if setting == "warm":
                        module.write_text(original)
                    cpu[label].append(cpu_seconds)
                    wall[label].append(wall_seconds)
                    shutil.rmtree(cache)
            report(setting, cpu, wall)


if __name__ == "__main__":
    main()
