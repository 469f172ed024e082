"""What bgtyped catches in examples/app.py: mypy alone, mypy with the bgtyped plugin, and the runtime check.

    python examples/demo.py

Lines of app.py with a ``mistake:`` comment are deliberate. The demo exits 0 when the plugin reports every
marked line and nothing else (correct code must never be flagged), and 1 otherwise.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
APP = HERE / "app.py"
MISTAKE = re.compile(r"#\s*mistake:\s*(.+)$")
PLUGIN = "plugins = bgtyped.mypy\n"
DIAGNOSTIC = re.compile(r"^app\.py:(\d+): (error|note): (.*)$")


def marked_mistakes() -> dict[int, str]:
    lines = APP.read_text().splitlines()
    return {number: m.group(1) for number, line in enumerate(lines, 1) if (m := MISTAKE.search(line))}


def run_mypy_twice() -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Errors by line, without and with the plugin.

    Two strict mypy runs in examples/ (so that bgtyped is the installed package), side by side, each with its
    own configuration and cache.
    """
    with tempfile.TemporaryDirectory() as scratch:
        alone = start_mypy(Path(scratch) / "alone", plugins="")
        plugin = start_mypy(Path(scratch) / "plugin", plugins=PLUGIN)
        return errors(alone), errors(plugin)


def start_mypy(scratch: Path, plugins: str) -> subprocess.Popen[str]:
    scratch.mkdir()
    config = scratch / "mypy.ini"
    config.write_text(f"[mypy]\nstrict = True\n{plugins}")
    command = [sys.executable, "-m", "mypy", "--config-file", str(config), "--no-pretty", "app.py"]
    command += ["--cache-dir", str(scratch / "cache")]
    return subprocess.Popen(command, cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def errors(run: subprocess.Popen[str]) -> dict[int, list[str]]:
    stdout, stderr = run.communicate()
    if run.returncode not in (0, 1) or "INTERNAL ERROR" in stdout + stderr:
        sys.exit(f"mypy failed (exit {run.returncode}):\n{stdout}{stderr}")
    found: dict[int, list[str]] = {}
    for line in stdout.splitlines():
        if (match := DIAGNOSTIC.match(line)) and match.group(2) == "error":
            found.setdefault(int(match.group(1)), []).append(match.group(3))
    return found


def show_runtime_check() -> None:
    """A mistake no checker can see: keys that arrive in a request. The runtime stops it in the handler."""
    sys.path.insert(0, str(HERE))
    from app import starlette_app
    from starlette.testclient import TestClient

    with TestClient(starlette_app, raise_server_exceptions=False) as client:
        good = client.post("/import", json={"to": "a@b.c", "subject": "Hi"})
        print(f"  POST /import {{'to', 'subject'}}  -> {good.status_code}, email sent after the response")
    with TestClient(starlette_app) as client:
        try:
            client.post("/import", json={"to": "a@b.c", "subjet": "Hi"})
        except TypeError as error:
            print(f"  POST /import {{'to', 'subjet'}}   -> TypeError raised in the handler: {error}")
        else:
            sys.exit("the runtime check did not stop a wrong payload")


def main() -> int:
    mistakes = marked_mistakes()
    print("Type-checking examples/app.py with mypy --strict, alone and with plugins = bgtyped.mypy ...\n")
    alone, plugin = run_mypy_twice()
    for number, what in mistakes.items():
        print(f"app.py:{number}: {what}")
        print(f"    mypy alone : {' | '.join(alone.get(number, [])) or 'nothing reported'}")
        print(f"    bgtyped    : {' | '.join(plugin.get(number, [])) or 'NOTHING REPORTED'}")
    missed = [number for number in mistakes if number not in plugin]
    wrongly_flagged = {number: errors for number, errors in plugin.items() if number not in mistakes}
    caught_alone = sum(number in alone for number in mistakes)
    print(
        f"\n{len(mistakes)} deliberate mistakes: mypy alone reports {caught_alone}, "
        f"with bgtyped {len(mistakes) - len(missed)}."
    )
    print("\nAt run time, bgtyped.BackgroundTasks checks what no type checker can know:")
    show_runtime_check()
    for number, errors in wrongly_flagged.items():
        print(f"UNEXPECTED: app.py:{number} is correct code but was reported: {errors}")
    for number in missed:
        print(f"MISSED: app.py:{number}: {mistakes[number]}")
    return 1 if missed or wrongly_flagged else 0


if __name__ == "__main__":
    sys.exit(main())
