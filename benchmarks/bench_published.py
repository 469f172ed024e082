"""mypy with the bgtyped plugin against mypy alone, on published packages' scheduling modules.

The generated project of bench_mypy.py schedules on every other line; real code schedules on a few lines of a
few modules, where what the plugin costs on every other call (and at start-up) shows. This benchmark checks
the modules of pinned published releases (`published.RELEASES`: FastAPI/Starlette background tasks, threads,
executors, loop callbacks, task groups) that contain a call to any registered scheduler, with the settings
published code needs (not strict; missing third-party imports ignored, imported package modules followed
silently), in two modes:

- ``cold``: an empty cache, the standard library included;
- ``warm incremental``: each configuration's own full cache; one scheduling module changed.

Runs alternate (alone, plugin, plugin, alone, ...); prints medians, ranges and every run, CPU and wall.

    python benchmarks/bench_published.py [--repeat 3] [--modes cold,warm]
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_mypy import ALONE, PLUGIN, compile_plugin, edited, measure, mypy_command, report, run_mypy
from bgtyped.mypy.schedulers import CONSTRUCTOR, builtin_schedulers
from published import RELEASES, published_sources

BASE_CONFIG = """\
[mypy]
ignore_missing_imports = True
follow_imports = silent
check_untyped_defs = True
"""
CONFIGS = {ALONE: BASE_CONFIG, PLUGIN: BASE_CONFIG + "plugins = bgtyped.mypy\n"}
MODE_NAMES = {"cold": "cold", "warm": "warm incremental"}


def scheduling_names() -> set[str]:
    """The names a scheduling call is made by: methods and functions, and the classes of constructors."""
    return {
        spec.owner.rpartition(".")[2] if spec.member == CONSTRUCTOR else spec.member
        for spec in builtin_schedulers()
        if spec.schedules
    }


def scheduling_modules(root: Path) -> list[str]:
    """The modules under ``root`` whose text calls a scheduler by one of its names (relative paths)."""
    names = b"|".join(re.escape(name.encode()) for name in sorted(scheduling_names()))
    call = re.compile(rb"\b(?:" + names + rb")\(")
    modules = (path for path in root.rglob("*.py") if call.search(path.read_bytes()))
    return sorted(path.relative_to(root).as_posix() for path in modules)


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument("--modes", default=",".join(MODE_NAMES), help="comma-separated, of cold, warm")
    options = parser.parse_args(argv)
    modes = [MODE_NAMES[mode] for mode in options.modes.split(",")]
    ratios: dict[str, dict[str, float]] = {}

    with tempfile.TemporaryDirectory(prefix="bgtyped-bench-published-") as tmp:
        work = Path(tmp)
        compile_plugin(work)
        # A copy: the warm mode edits a module.
        root = work / "src"
        shutil.copytree(published_sources(), root)
        files = scheduling_modules(root)
        configs: dict[str, Path] = {}
        for number, (label, text) in enumerate(CONFIGS.items()):
            configs[label] = work / f"mypy_{number}.ini"
            configs[label].write_text(text)
        print(
            f"{len(files)} modules calling a scheduler, of "
            f"{', '.join(f'{r.name} {r.version}' for r in RELEASES)}; {options.repeat} runs of each"
        )

        def check(label: str, cache: Path) -> tuple[float, float]:
            return run_mypy(root, mypy_command(configs[label], cache, *files), expect_clean=False)

        def cold(run: int, label: str) -> tuple[float, float]:
            cache = work / f"cold_{run}_{configs[label].stem}"
            result = check(label, cache)
            shutil.rmtree(cache)
            return result

        def warm(run: int, label: str) -> tuple[float, float]:
            copy = work / f"warm_{run}_{configs[label].stem}"
            shutil.copytree(work / f"full_{configs[label].stem}", copy)
            with edited(root / files[0], run):
                result = check(label, copy)
            shutil.rmtree(copy)
            return result

        if "warm incremental" in modes:
            for label in configs:
                check(label, work / f"full_{configs[label].stem}")
        runners = {"cold": cold, "warm incremental": warm}
        for mode in modes:
            cpu, wall = measure(list(configs), options.repeat, runners[mode])
            ratios[mode] = report(mode, cpu, wall)
    return ratios


if __name__ == "__main__":
    main()
