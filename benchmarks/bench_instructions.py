"""Instructions mypy executes: alone, with a plugin that does nothing, with bgtyped.

CPU time varies by a percent or two between identical runs; the instructions a run executes do not (the hash
seed is fixed). Counted by valgrind's callgrind (about 50 times slower than a plain run), this separates what
mypy charges for any plugin (``empty plugin``: a ``Plugin`` subclass with no hook, loaded from a file) from
what bgtyped adds, in the runs where the difference is smallest and the ratio hardest to read from timings:

- ``generated project``: bench_mypy.py's project in the modes of ``--modes``: ``warm`` (the default; its
  cache warm, one module of 80 scheduling calls edited), ``deps`` (its dependencies cached, the project
  cold) and ``nocache`` (no cache at all: the standard library is checked too; about 4 minutes);
- ``published code``: bench_published.py's modules, their cache warm, one scheduling module edited
  (``--published``; about 10 minutes).

Prints the instructions of each configuration and their ratio to mypy alone. Needs valgrind on the PATH.

    python benchmarks/bench_instructions.py [--modes warm,deps,nocache] [--published]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_mypy import (
    ALONE,
    CONFIGS,
    DEPENDENCIES,
    MODE_NAMES,
    PLUGIN,
    compile_plugin,
    edited,
    mypy_command,
    run_mypy,
)
from bench_published import CONFIGS as PUBLISHED_CONFIGS
from bench_published import scheduling_modules
from mypy_project import generate
from published import published_sources

EMPTY = "empty plugin"
EMPTY_PLUGIN = """\
from mypy.plugin import Plugin


class EmptyPlugin(Plugin):
    pass


def plugin(version: str) -> type[Plugin]:
    return EmptyPlugin
"""
COLLECTED = re.compile(r"Collected : (\d+)")
GENERATED_MODES = ("warm", "deps", "nocache")


def count_instructions(root: Path, command: Sequence[str]) -> int:
    """Instructions of one run of ``command`` under callgrind (the run's own output is discarded)."""
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    callgrind = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command]
    result = subprocess.run(callgrind, cwd=root, env=environment, capture_output=True, text=True, check=False)
    found = COLLECTED.search(result.stderr)
    if found is None or "INTERNAL ERROR" in result.stdout:
        output = result.stdout[-2000:] + result.stderr[-2000:]
        raise SystemExit(f"callgrind failed: {' '.join(command)}\n{output}")
    return int(found.group(1))


def write_configs(work: Path, name: str, base: str, plugin_line: str) -> dict[str, Path]:
    """mypy alone, with the empty plugin, and with bgtyped: one config file each, named after ``name``."""
    empty_plugin = work / "empty_plugin.py"
    empty_plugin.write_text(EMPTY_PLUGIN)
    texts = {ALONE: base, EMPTY: f"{base}plugins = {empty_plugin}\n", PLUGIN: base + plugin_line}
    configs = {}
    for number, (label, text) in enumerate(texts.items()):
        configs[label] = work / f"{name}_{number}.ini"
        configs[label].write_text(text)
    return configs


def cached_counts(
    root: Path,
    work: Path,
    configs: dict[str, Path],
    cached: Sequence[str],
    targets: Sequence[str],
    edit: Path | None,
    clean: bool,
) -> dict[str, int]:
    """Each configuration's instructions checking ``targets`` once ``cached`` is in its own cache.

    ``edit``, when given, is changed before the counted run: a warm incremental run.
    """
    counts = {}
    for label, config in configs.items():
        cache = work / f"cache_{config.stem}"
        shutil.rmtree(cache, ignore_errors=True)
        run_mypy(root, mypy_command(config, cache, *cached), expect_clean=clean)
        copy = work / f"copy_{config.stem}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(cache, copy)
        with edited(edit, 0) if edit is not None else ExitStack():
            counts[label] = count_instructions(root, mypy_command(config, copy, *targets))
    return counts


def generated_counts(work: Path, configs: dict[str, Path], mode: str) -> dict[str, int]:
    """The generated project's counts in ``mode``, one of `GENERATED_MODES`."""
    if mode == "warm":
        return cached_counts(work, work, configs, ["app"], ["app"], work / "app" / "tasks_000.py", clean=True)
    if mode == "deps":
        (work / "dependencies.py").write_text(DEPENDENCIES)
        return cached_counts(work, work, configs, ["dependencies.py"], ["app"], None, clean=True)
    return {
        label: count_instructions(work, mypy_command(config, os.devnull, "app"))
        for label, config in configs.items()
    }


def report(setting: str, counts: dict[str, int]) -> dict[str, float]:
    print(setting)
    alone = counts[ALONE]
    for label, count in counts.items():
        print(f"  {label:<20} {count / 1e6:10.1f} M instructions  {count / alone:.4f}x  ({count - alone:+,})")
    return {label: count / alone for label, count in counts.items()}


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--modes",
        default="warm",
        help=f"the generated project's modes, comma-separated, of {'/'.join(GENERATED_MODES)}; default warm",
    )
    parser.add_argument("--published", action="store_true", help="also published code (about 10 minutes)")
    options = parser.parse_args(argv)
    modes = options.modes.split(",")
    unknown = [mode for mode in modes if mode not in GENERATED_MODES]
    if unknown:
        parser.error(f"unknown mode {', '.join(unknown)}: choose from {', '.join(GENERATED_MODES)}")
    if shutil.which("valgrind") is None:
        raise SystemExit("bench_instructions.py counts instructions with valgrind: install valgrind first")
    ratios = {}
    with tempfile.TemporaryDirectory(prefix="bgtyped-bench-instructions-") as tmp:
        work = Path(tmp)
        compile_plugin(work)
        calls = generate(work, 40, 8)
        configs = write_configs(work, "generated", CONFIGS[ALONE], "plugins = bgtyped.mypy\n")
        for mode in modes:
            counts = generated_counts(work, configs, mode)
            ratios[f"generated, {mode}"] = report(
                f"generated project ({calls} scheduling calls), {MODE_NAMES[mode]}", counts
            )
        if options.published:
            root = work / "src"
            shutil.copytree(published_sources(), root)
            files = scheduling_modules(root)
            base = PUBLISHED_CONFIGS[ALONE]
            configs = write_configs(work, "published", base, PUBLISHED_CONFIGS[PLUGIN].removeprefix(base))
            counts = cached_counts(root, work, configs, files, files, root / files[0], clean=False)
            ratios["published"] = report(f"published code ({len(files)} modules), warm incremental", counts)
    return ratios


if __name__ == "__main__":
    main()
