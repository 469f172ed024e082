"""The documentation: the MkDocs site builds with warnings as errors, and every code example in it is checked.

A ```python block in ``docs/**/*.md`` or ``README.md`` is a complete module. All of them are type-checked in one
mypy run with the bgtyped plugin; a line where mypy must report an error ends with ``# E: <text>``, ``<text>``
being part of the error's line (its message and ``[code]``). Every marked line must have such an error and no
other line may have any. Blocks in any other fence language (``console``, ``toml``, ``text``, ...) are not
checked.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGES = [*sorted((REPO / "docs").rglob("*.md")), REPO / "README.md"]

CHECKED_LANGUAGE = "python"
# Spellings that would look like a checked example but are not one.
MISTAKEN_LANGUAGES = frozenset({"py", "py3", "python3", "pycon", "ipython"})

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*)$")
MARKER = re.compile(r"#\s*E:\s*(?P<text>.*?)\s*(?=#\s*E:|$)")
MYPY_LINE = re.compile(r"^(?P<file>[^:\n]+\.py):(?P<line>\d+): (?P<severity>error|note): (?P<message>.*)$")

MYPY_CONFIG = """\
[mypy]
plugins = bgtyped.mypy
check_untyped_defs = True
show_error_codes = True
"""


@dataclass(frozen=True)
class Block:
    """One fenced code block: ``first_line`` is the page's line number of the block's first code line."""

    page: str
    first_line: int
    language: str
    code: str

    @property
    def module(self) -> str:
        slug = re.sub(r"\W", "_", self.page.removesuffix(".md")).lower()
        return f"{slug}_line{self.first_line}"

    def where(self, line: int) -> str:
        """The page and line of the block's ``line`` (1-based within the block)."""
        return f"{self.page}:{self.first_line + line - 1}"

    def markers(self) -> dict[int, list[str]]:
        """The texts of the ``# E:`` markers, by line of the block."""
        found: dict[int, list[str]] = {}
        for number, text in enumerate(self.code.splitlines(), start=1):
            texts = [match["text"] for match in MARKER.finditer(text)]
            if texts:
                found[number] = texts
        return found


@dataclass
class Fence:
    indent: str
    fence: str
    language: str
    opened_at: int
    lines: list[str] = field(default_factory=list)


def extract_blocks(text: str, page: str) -> list[Block]:
    """Every fenced block of a Markdown page, with its language (the info string's first word)."""
    blocks: list[Block] = []
    open_fence: Fence | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        match = FENCE.match(line)
        if open_fence is None:
            if match:
                language = (match["info"].split() or [""])[0]
                open_fence = Fence(match["indent"], match["fence"], language, number)
            continue
        closes = (
            match is not None
            and not match["info"].strip()
            and match["fence"][0] == open_fence.fence[0]
            and len(match["fence"]) >= len(open_fence.fence)
        )
        if closes:
            code = "".join(f"{_dedent(part, open_fence.indent)}\n" for part in open_fence.lines)
            blocks.append(Block(page, open_fence.opened_at + 1, open_fence.language, code))
            open_fence = None
        else:
            open_fence.lines.append(line)
    if open_fence is not None:
        raise ValueError(f"{page}:{open_fence.opened_at}: a code block that is never closed")
    return blocks


def _dedent(line: str, indent: str) -> str:
    return line[len(indent) :] if line.startswith(indent) else line.lstrip()


def page_name(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def all_blocks() -> Iterator[Block]:
    for path in PAGES:
        yield from extract_blocks(path.read_text(encoding="utf-8"), page_name(path))


def parse_mypy_output(output: str) -> dict[str, dict[int, list[str]]]:
    """mypy's errors (not its notes) by module name and line: ``message  [code]``, as mypy writes them."""
    errors: dict[str, dict[int, list[str]]] = {}
    for line in output.splitlines():
        match = MYPY_LINE.match(line)
        if match and match["severity"] == "error":
            module = Path(match["file"]).stem
            errors.setdefault(module, {}).setdefault(int(match["line"]), []).append(match["message"])
    return errors


def compare(block: Block, errors: dict[int, list[str]]) -> list[str]:
    """What differs between a block's ``# E:`` markers and mypy's errors on it, one line per difference."""
    problems: list[str] = []
    markers = block.markers()
    for line, texts in sorted(markers.items()):
        found = errors.get(line, [])
        for text in texts:
            if not text:
                problems.append(f"{block.where(line)}: '# E:' needs the text the error must contain")
            elif not any(text in error for error in found):
                reported = "; ".join(found) or "no error"
                problems.append(
                    f"{block.where(line)}: expected an error containing {text!r}, got: {reported}"
                )
    for line, found in sorted(errors.items()):
        for error in found:
            if not any(text and text in error for text in markers.get(line, [])):
                problems.append(f"{block.where(line)}: unexpected error: {error}")
    return problems


def run_mypy(blocks: Sequence[Block], directory: Path) -> subprocess.CompletedProcess[str]:
    """One mypy run, with the plugin, on every block written as a module of its own."""
    (directory / "mypy.ini").write_text(MYPY_CONFIG + worker_settings(blocks))
    files = []
    for block in blocks:
        path = directory / f"{block.module}.py"
        path.write_text(block.code, encoding="utf-8")
        files.append(path.name)
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--config-file",
        "mypy.ini",
        "--cache-dir",
        str(directory / ".mypy_cache"),
        "--no-pretty",
        "--no-error-summary",
        "--hide-error-context",
        "--no-color-output",
        *files,
    ]
    return subprocess.run(command, cwd=directory, capture_output=True, text=True, timeout=900, check=False)


def worker_settings(blocks: Sequence[Block]) -> str:
    """The plugin's section naming the worker settings that examples define (arq's and saq's job names).

    An example defining ``class WorkerSettings`` is an arq worker; one importing saq and defining a
    ``settings`` dict, a saq worker.
    """
    arq = [f"{block.module}:WorkerSettings" for block in blocks if "\nclass WorkerSettings" in block.code]
    saq = [
        f"{block.module}:settings"
        for block in blocks
        if "from saq" in block.code and re.search(r"^settings\b.*=", block.code, re.MULTILINE)
    ]
    if not arq and not saq:
        return ""
    return (
        f"\n[mypy.plugins.bgtyped]\narq_worker_settings = {', '.join(arq)}\nsaq_settings = {', '.join(saq)}\n"
    )


PYTHON_BLOCKS = [block for block in all_blocks() if block.language == CHECKED_LANGUAGE]


@pytest.fixture(scope="module")
def mypy_errors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[int, list[str]]]:
    result = run_mypy(PYTHON_BLOCKS, tmp_path_factory.mktemp("docs-examples"))
    # 0: no error at all, 1: errors were reported; anything else (2: a crash, a bad setting) is a failure.
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return parse_mypy_output(result.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=lambda block: f"{block.page}:{block.first_line}")
def test_example_type_checks_as_marked(block: Block, mypy_errors: dict[str, dict[int, list[str]]]) -> None:
    problems = compare(block, mypy_errors.get(block.module, {}))
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_the_site_builds_without_warnings(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")]
    # Material's banner about its successor is not a build warning; it is left out of a failure's output.
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        command, cwd=REPO, env=environment, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "plugin" / "rules" / "index.html").exists()


def test_every_page_is_read_and_the_pages_have_checked_examples() -> None:
    pages = {block.page for block in PYTHON_BLOCKS}
    assert {
        "README.md",
        "docs/getting-started.md",
        "docs/plugin/rules.md",
        "docs/plugin/schedulers.md",
    } <= pages


@pytest.mark.parametrize("path", PAGES, ids=page_name)
def test_no_example_is_fenced_as_something_that_looks_checked(path: Path) -> None:
    blocks = extract_blocks(path.read_text(encoding="utf-8"), page_name(path))
    mistaken = [
        f"{block.page}:{block.first_line - 1}: ```{block.language}"
        for block in blocks
        if block.language.lower() in MISTAKEN_LANGUAGES
        or block.language.lower() == "python" != block.language
    ]
    assert not mistaken, f"write ```python for a checked example, or text/console for output: {mistaken}"


# The checker itself, on small pages written here.

PAGE = """\
# A page

```python
def f(x: int) -> None: ...


f("a")  # E: [arg-type]
f(1)
```

- a list item:

  ```python
  x: int = "a"  # E: Incompatible types in assignment
  ```

```console
$ mypy .
```
"""


def test_blocks_are_found_with_their_language_and_page_lines() -> None:
    blocks = extract_blocks(PAGE, "docs/page.md")
    assert [(block.language, block.first_line) for block in blocks] == [
        ("python", 4),
        ("python", 14),
        ("console", 18),
    ]
    first, indented, _ = blocks
    assert first.markers() == {4: ["[arg-type]"]}
    assert first.where(4) == "docs/page.md:7"
    assert indented.code == 'x: int = "a"  # E: Incompatible types in assignment\n'
    assert indented.markers() == {1: ["Incompatible types in assignment"]}


def test_a_block_never_closed_is_an_error() -> None:
    with pytest.raises(ValueError, match=re.escape("docs/page.md:1: a code block that is never closed")):
        extract_blocks("```python\nx = 1\n", "docs/page.md")


def test_several_markers_on_one_line() -> None:
    (block,) = extract_blocks("```python\nf(x)  # E: [name-defined]  # E: [misc]\n```\n", "p.md")
    assert block.markers() == {1: ["[name-defined]", "[misc]"]}


MYPY_OUTPUT = """\
docs_page_line4.py:4: error: Argument 1 to "f" has incompatible type "str"; expected "int"  [arg-type]
docs_page_line4.py:4: note: a note is never compared
docs_page_line14.py:1: error: Incompatible types in assignment (expression has type "str", variable has type "int")  [assignment]
"""


def test_mypy_output_is_read_by_module_and_line() -> None:
    errors = parse_mypy_output(MYPY_OUTPUT)
    assert errors == {
        "docs_page_line4": {
            4: ['Argument 1 to "f" has incompatible type "str"; expected "int"  [arg-type]'],
        },
        "docs_page_line14": {
            1: [
                'Incompatible types in assignment (expression has type "str", variable has type "int")  [assignment]'
            ],
        },
    }


def test_matching_markers_and_errors_agree() -> None:
    first, indented, _ = extract_blocks(PAGE, "docs/page.md")
    errors = parse_mypy_output(MYPY_OUTPUT)
    assert compare(first, errors[first.module]) == []
    assert compare(indented, errors[indented.module]) == []


def test_a_marker_without_its_error_is_reported_with_the_page_line() -> None:
    first, _, _ = extract_blocks(PAGE.replace("[arg-type]", "[call-arg]", 1), "docs/page.md")
    problems = compare(first, parse_mypy_output(MYPY_OUTPUT)[first.module])
    assert problems == [
        "docs/page.md:7: expected an error containing '[call-arg]', got: "
        'Argument 1 to "f" has incompatible type "str"; expected "int"  [arg-type]',
        'docs/page.md:7: unexpected error: Argument 1 to "f" has incompatible type "str"; expected "int"  [arg-type]',
    ]


def test_an_error_on_an_unmarked_line_is_reported() -> None:
    first, _, _ = extract_blocks(PAGE.replace("  # E: [arg-type]", "", 1), "docs/page.md")
    problems = compare(first, parse_mypy_output(MYPY_OUTPUT)[first.module])
    assert problems == [
        'docs/page.md:7: unexpected error: Argument 1 to "f" has incompatible type "str"; expected "int"  [arg-type]'
    ]


def test_a_marker_with_no_error_at_all_is_reported() -> None:
    first, _, _ = extract_blocks(PAGE, "docs/page.md")
    assert compare(first, {}) == ["docs/page.md:7: expected an error containing '[arg-type]', got: no error"]


def test_an_empty_marker_is_reported() -> None:
    (block,) = extract_blocks("```python\nf(1)  # E:\n```\n", "p.md")
    assert compare(block, {}) == ["p.md:2: '# E:' needs the text the error must contain"]


# The settings shown on the configuration page are settings the plugin accepts, each entry read.

CONFIGURATION_PAGE = REPO / "docs" / "plugin" / "configuration.md"
SCHEDULER_NAME = re.compile(r"^\s*(?:function|method|constructor)\s*=\s*\"?(?P<name>[\w.]+)", re.MULTILINE)


@pytest.mark.parametrize(
    ("language", "file_name", "section"),
    [
        ("toml", "pyproject.toml", "[[tool.bgtyped.schedulers]]"),
        ("ini", "mypy.ini", "[mypy.plugins.bgtyped]"),
    ],
)
def test_the_settings_shown_are_read_by_the_plugin(
    language: str, file_name: str, section: str, tmp_path: Path
) -> None:
    blocks = extract_blocks(CONFIGURATION_PAGE.read_text(encoding="utf-8"), page_name(CONFIGURATION_PAGE))
    shown = [block for block in blocks if block.language == language and section in block.code]
    assert shown, f"no {language} block with {section} on {page_name(CONFIGURATION_PAGE)}"
    for block in shown:
        path = tmp_path / file_name
        path.write_text(block.code)
        # A scheduler's name in messages defaults to the last part of its qualified name.
        expected = [match["name"].rpartition(".")[2] for match in SCHEDULER_NAME.finditer(block.code)]
        assert read_schedulers(path) == expected, block.where(1)


def read_schedulers(config_file: Path) -> list[str]:
    """The names of the schedulers the plugin reads from a config file (in the installed package's process:
    the repository's own ``bgtyped`` directory has no ``mypy`` subpackage)."""
    script = (
        "import json, sys; from bgtyped.mypy.config import load_config; "
        "print(json.dumps([spec.name for spec in load_config(sys.argv[1]).schedulers]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(config_file)],
        cwd=config_file.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    names: list[str] = json.loads(result.stdout)
    return names
