"""The scheduler families: each is loaded with the modules its entries name, and only then."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# The source tree itself: in the repository, ``bgtyped`` is the runtime's source, without the plugin.
from mypy_plugin.schedulers import FAMILIES, SchedulerSpec, family_schedulers


def defining_module(spec: SchedulerSpec) -> str:
    return spec.owner.rpartition(".")[0] if spec.is_method else spec.owner


def test_each_family_lists_exactly_the_modules_its_entries_name() -> None:
    for family, modules in FAMILIES.items():
        named = {defining_module(spec) for spec in family_schedulers(family)}
        assert named == set(modules), family


def test_no_callable_has_entries_in_two_families() -> None:
    seen: dict[str, str] = {}
    for family in FAMILIES:
        for spec in family_schedulers(family):
            assert seen.setdefault(spec.fullname, family) == family, spec.fullname


SCRIPT = """
import sys
from mypy import api
api.run(["--no-incremental", "--config-file", sys.argv[1], sys.argv[2]])
print(sorted(name.rpartition(".")[2] for name in sys.modules if name.startswith("bgtyped.mypy.schedulers.")))
"""


def loaded_families(tmp_path: Path, source: str) -> list[str]:
    """The family modules a mypy run with the plugin imports, checking ``source``."""
    (tmp_path / "mypy.ini").write_text("[mypy]\nplugins = bgtyped.mypy\n")
    (tmp_path / "m.py").write_text(source)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, "mypy.ini", "m.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    return eval(result.stdout.strip().splitlines()[-1])  # a list of names printed by the script


def test_a_build_without_a_library_never_imports_its_entries(tmp_path: Path) -> None:
    source = "import threading\nthreading.Thread(target=print, args=(1,)).start()\n"
    assert loaded_families(tmp_path, source) == ["spec", "stdlib"]


def test_a_library_in_the_build_loads_its_family(tmp_path: Path) -> None:
    source = (
        "from rq import Queue\n"
        "def send(to: str) -> None: ...\n"
        "def go(queue: Queue) -> None:\n"
        "    queue.enqueue(send, 'a@b.c')\n"
    )
    assert "rq" in loaded_families(tmp_path, source)
