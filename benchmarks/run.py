"""The performance record: runtime against Starlette, then mypy with the plugin against mypy alone.

    .venv/bin/python benchmarks/run.py [--quick]

Every figure is a ratio measured side by side in this one run: on a generated project in every mode, then on
published packages' scheduling modules (downloaded once, see published.py). ``--quick`` uses fewer rounds and
a smaller generated project, and skips the published code (a rough look, not the record).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_mypy
import bench_published
import bench_runtime
import bench_value_types


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, smaller project")
    quick = parser.parse_args().quick
    print("== runtime: bgtyped against Starlette ==")
    bench_runtime.main(["--rounds", "5"] if quick else [])
    print("\n== runtime with value checking: bgtyped types off and on against Starlette ==")
    bench_value_types.main(["--rounds", "3"] if quick else [])
    print("\n== type checking: mypy + bgtyped.mypy against mypy alone ==")
    bench_mypy.main(["--modules", "10", "--repeat", "2"] if quick else [])
    if not quick:
        print("\n== type checking published code: mypy + bgtyped.mypy against mypy alone ==")
        bench_published.main([])


if __name__ == "__main__":
    main()
