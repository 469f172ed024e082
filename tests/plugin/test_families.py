"""The scheduler families: each is loaded with the modules its entries name, and only then."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

# Read from the installed plugin, in a directory of its own: in the repository, ``bgtyped`` is the runtime's
# source, without the plugin.
FAMILIES_SCRIPT = """
import json
from bgtyped.mypy.schedulers import FAMILIES, FAMILY_NAMES, family_schedulers
print(json.dumps({
    family: {
        "modules": list(modules),
        "names": sorted(FAMILY_NAMES[family]),
        "entries": [[spec.owner.rpartition(".")[0] if spec.is_method else spec.owner, spec.fullname, spec.member]
                    for spec in family_schedulers(family)],
    }
    for family, modules in FAMILIES.items()
}))
"""


def installed_families(tmp_path: Path) -> dict[str, dict[str, list[Any]]]:
    """Each family's listed modules, and each entry's defining module and full name."""
    result = subprocess.run(
        [sys.executable, "-c", FAMILIES_SCRIPT], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    families: dict[str, dict[str, list[Any]]] = json.loads(result.stdout)
    return families


def test_each_family_lists_exactly_the_modules_its_entries_name(tmp_path: Path) -> None:
    for family, found in installed_families(tmp_path).items():
        named = {module for module, _, _ in found["entries"]}
        assert named == set(found["modules"]), family


def test_each_family_lists_exactly_the_names_its_entries_give(tmp_path: Path) -> None:
    for family, found in installed_families(tmp_path).items():
        given = {member for _, _, member in found["entries"]}
        assert given == set(found["names"]), family


def test_no_callable_has_entries_in_two_families(tmp_path: Path) -> None:
    seen: dict[str, str] = {}
    for family, found in installed_families(tmp_path).items():
        for _, fullname, _ in found["entries"]:
            assert seen.setdefault(fullname, family) == family, fullname


SCRIPT = """
import sys
from mypy import api
out = api.run(["--no-incremental", "--config-file", sys.argv[1], sys.argv[2]])
print(out[0])
print(sorted(name.rpartition(".")[2] for name in sys.modules if name.startswith("bgtyped.mypy.schedulers.")))
"""


def checked(tmp_path: Path, source: str) -> tuple[str, list[str]]:
    """What a mypy run with the plugin reports on ``source``, and the family modules it imports."""
    (tmp_path / "mypy.ini").write_text("[mypy]\nplugins = bgtyped.mypy\n")
    (tmp_path / "m.py").write_text(source)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, "mypy.ini", "m.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    *report, families = result.stdout.strip().splitlines()
    return "\n".join(report), eval(families)  # a list of names printed by the script


def loaded_families(tmp_path: Path, source: str) -> list[str]:
    """The family modules a mypy run with the plugin imports, checking ``source``."""
    return checked(tmp_path, source)[1]


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


def test_a_library_whose_modules_are_imported_but_never_called_stays_unloaded(tmp_path: Path) -> None:
    # The standard library's scheduling modules are in every build (Starlette imports them): calls of
    # their other functions and methods load none of its entries. (Only stubs here: a library's own
    # source, checked in a cold run, may schedule on them itself. A class of those modules constructed
    # does load the family, whose entries include constructors there.)
    source = (
        "import asyncio\n"
        "import threading\n"
        "from concurrent.futures import Future\n"
        "def go(future: Future[int]) -> None:\n"
        "    threading.current_thread().join()\n"
        "    threading.get_ident()\n"
        "    asyncio.new_event_loop().is_running()\n"
        "    future.done()\n"
    )
    assert loaded_families(tmp_path, source) == ["spec"]


def test_a_subclass_function_or_method_of_a_library_loads_its_family(tmp_path: Path) -> None:
    # Reached through the MRO (a subclass's constructor and method) and through a function's module and name.
    source = (
        "import asyncio\n"
        "import threading\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "def send(to: str) -> None: ...\n"
        "class Worker(threading.Thread): ...\n"
        "class Pool(ThreadPoolExecutor): ...\n"
        "async def go() -> None:\n"
        "    Worker(target=send, args=(1,))\n"
        "    Pool().submit(send, 2)\n"
        "    await asyncio.to_thread(send, 3)\n"
    )
    report, families = checked(tmp_path, source)
    assert families == ["spec", "stdlib"]
    assert report.count('"send"') == 3, report
