"""A worker's function list read from its module's source: what the worker registers, under which name.

mypy keeps no expressions of a module it loads from its cache, only its symbol table: the list literal
(``functions = [send_email, func(resize, name="resize_image")]``) is read again from the source here, with
Python's own parser, and each name in it resolved later through mypy's symbol table (`named_jobs`).
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path
from typing import Final

from .records import Record

# The calls that register a function under a name of their own, by the library's spelling.
_REGISTERING_CALLS: Final = {"arq": ("func", "cron"), "saq": ("CronJob",)}


class Entry(Record):
    """One registered function.

    ``reference``: the name that spells the function in the worker's module (``tasks.send_email``), or
    its import path when ``by_import`` (``func("app.tasks.send_email")``). ``job_name``: the name given
    explicitly, else None: the function's ``__qualname__`` (with ``prefix``: arq's ``cron:``).
    ``call``: the registering call's name as spelt (``func``), to be resolved too; None for none.
    """

    __slots__ = ("by_import", "call", "job_name", "prefix", "reference")

    def __init__(
        self, reference: str, job_name: str | None, by_import: bool, call: str | None, prefix: str = ""
    ) -> None:
        self.reference: Final = reference
        self.job_name: Final = job_name
        self.by_import: Final = by_import
        self.call: Final = call
        self.prefix: Final = prefix


class FunctionList(Record):
    """What a worker's settings register; ``unreadable`` says why a part could not be read (then no name
    missing from ``entries`` can be called unknown)."""

    __slots__ = ("entries", "unreadable")

    def __init__(self, entries: tuple[Entry, ...], unreadable: str | None) -> None:
        self.entries: Final = entries
        self.unreadable: Final = unreadable


def module_file(module: str, roots: tuple[str, ...]) -> Path | None:
    """The source file of ``module`` under one of ``roots`` (mypy's search path, the current directory)."""
    relative = Path(*module.split("."))
    for root in roots:
        for candidate in (Path(root, relative).with_suffix(".py"), Path(root, relative, "__init__.py")):
            if candidate.is_file():
                return candidate
    return None


def source_digest(path: str) -> str:
    """A short digest of a file's bytes; empty when it cannot be read."""
    import hashlib

    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
    except OSError:
        return ""


def imported_modules(path: Path, module: str) -> list[str]:
    """The modules the worker's module imports, relative imports made absolute."""
    tree = _parse(str(path))
    if tree is None:
        return []
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, package)
            if base is not None:
                found.append(base)
                found += [f"{base}.{alias.name}" for alias in node.names if alias.name != "*"]
    return found


def _absolute(name: str | None, level: int, package: str) -> str | None:
    if level == 0:
        return name
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    base = ".".join(parts[: len(parts) - (level - 1)])
    return f"{base}.{name}" if name and base else (name or base or None)


def function_list(path: str, name: str, library: str) -> FunctionList:
    """What the settings named ``name`` at the top of the module in ``path`` register.

    A class (``class WorkerSettings: functions = [...]``) or a dict (``settings = {"functions": [...]}``,
    ``dict(functions=[...])``); its ``functions`` and ``cron_jobs``, lists or tuples written out.
    """
    tree = _parse(path)
    if tree is None:
        return FunctionList((), f"{path} cannot be read")
    fields = _settings_fields(tree, name)
    if fields is None:
        return FunctionList((), f'no class or dict literal named "{name}" at the top of {path}')
    entries: list[Entry] = []
    problems: list[str] = []
    for field in ("functions", "cron_jobs"):
        value = _followed(tree, fields.get(field))
        if value is None:
            if field == "functions" or field in fields:
                problems.append(f'"{field}" of "{name}" is not a list written out')
            continue
        for item in value:
            entry = None if isinstance(item, ast.Starred) else _entry(item, library, field)
            if entry is None:
                problems.append(f'"{ast.unparse(item)}" in "{field}" of "{name}"')
            else:
                entries.append(entry)
    return FunctionList(tuple(entries), "; ".join(problems) or None)


@lru_cache(maxsize=32)
def _parse_cached(path: str, stamp: tuple[int, int]) -> ast.Module | None:
    try:
        return ast.parse(Path(path).read_bytes(), filename=path)
    except (OSError, SyntaxError, ValueError):
        return None


def _parse(path: str) -> ast.Module | None:
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return _parse_cached(path, (stat.st_mtime_ns, stat.st_size))


def _settings_fields(tree: ast.Module, name: str) -> dict[str, ast.expr] | None:
    """The settings' fields as written: a class's assignments, a dict's string keys."""
    found: dict[str, ast.expr] | None = None
    for statement in tree.body:
        if isinstance(statement, ast.ClassDef) and statement.name == name:
            found = {
                target: value for target, value in _assignments(statement.body) if isinstance(target, str)
            }
        for target, value in _assignments([statement]):
            if target == name:
                found = _dict_fields(value)
    return found


def _assignments(statements: list[ast.stmt]) -> list[tuple[str, ast.expr]]:
    pairs: list[tuple[str, ast.expr]] = []
    for statement in statements:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            continue
        if isinstance(target, ast.Name):
            pairs.append((target.id, value))
    return pairs


def _dict_fields(value: ast.expr) -> dict[str, ast.expr] | None:
    if isinstance(value, ast.Dict):
        keys = [_text(key) for key in value.keys]
        if any(key is None for key in keys):
            return None
        return {key: item for key, item in zip(keys, value.values, strict=True) if key is not None}
    if isinstance(value, ast.Call) and _spelt(value.func) in ("dict", "SettingsDict") and not value.args:
        return {keyword.arg: keyword.value for keyword in value.keywords if keyword.arg is not None}
    return None


def _followed(tree: ast.Module, value: ast.expr | None) -> list[ast.expr] | None:
    """A list or tuple written out, directly or through a module-level name bound to one once.

    Its ``*items`` are kept, to be reported as what cannot be read.
    """
    if isinstance(value, ast.Name):
        bound = [item for target, item in _assignments(tree.body) if target == value.id]
        value = bound[-1] if len(bound) == 1 else None
    if isinstance(value, ast.List | ast.Tuple):
        return list(value.elts)
    return None


def _entry(item: ast.expr, library: str, field: str) -> Entry | None:
    reference = _spelt(item)
    if reference is not None:
        return Entry(reference, None, False, None)
    if library == "saq" and isinstance(item, ast.Tuple) and len(item.elts) == 2:
        name, spelt = _text(item.elts[0]), _spelt(item.elts[1])
        return None if name is None or spelt is None else Entry(spelt, name, False, None)
    if not isinstance(item, ast.Call) or not item.args:
        return None
    call = _spelt(item.func)
    if call is None or call.rpartition(".")[2] not in _REGISTERING_CALLS[library]:
        return None
    path = _text(item.args[0])
    by_import = path is not None
    function = path if path is not None else _spelt(item.args[0])
    named = [_text(keyword.value) for keyword in item.keywords if keyword.arg == "name"]
    if function is None or (named and named[0] is None):
        return None
    job_name = named[0] if named else None
    prefix = "cron:" if library == "arq" and field == "cron_jobs" else ""
    if by_import and job_name is None:
        # arq names a function given by its import path after the path itself.
        job_name = prefix + function if prefix else function
    return Entry(function, job_name, by_import, call, prefix)


def _text(value: ast.expr | None) -> str | None:
    """The string a literal spells; None for any other expression."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    return None


def _spelt(expr: ast.expr) -> str | None:
    """``a.b.c`` for a name or an attribute chain; None for any other expression."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        base = _spelt(expr.value)
        return None if base is None else f"{base}.{expr.attr}"
    return None
