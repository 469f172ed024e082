"""The plugin's settings: ``[tool.bgtyped]`` in pyproject.toml, ``[mypy.plugins.bgtyped]`` in an ini file.

Settings are read from the file mypy itself was configured with. Every key is checked: a misspelt setting
stops mypy with a message naming the file, the section and the keys it knows, instead of being ignored.

``schedulers`` adds the project's own schedulers to the registry, one entry each (pyproject.toml)::

    [[tool.bgtyped.schedulers]]
    function = "myapp.jobs.defer"   # or method = "pkg.mod.Class.meth", constructor = "pkg.mod.Class"
    target = "func"                 # the parameter taking the function (a name or a position), or "self"
    args = "*args"                  # "*name" / "**name": variadic; a name or position: a tuple and a dict
    kwargs = "**kwargs"

and, where the scheduler needs them: ``coroutines``, ``reserved_keywords``, ``accepts_none``,
``accepts_name``, ``options`` and ``packed_keywords`` (variadic keywords only), ``result_callbacks``,
``completed_later`` (the fields of `SchedulerSpec`, `Param` and `Variadic`).

``arq_worker_settings`` and ``saq_settings`` name the worker settings whose function list resolves jobs
enqueued by name (``"app.worker:WorkerSettings"``: module, colon, the class or dict in it)::

    [tool.bgtyped]
    arq_worker_settings = ["app.worker:WorkerSettings"]
    saq_settings = ["app.worker:settings"]

and in an ini file, one scheduler a line (and the worker settings separated by commas)::

    [mypy.plugins.bgtyped]
    schedulers =
        function=myapp.jobs.defer target=func args=*args kwargs=**kwargs
"""

from __future__ import annotations

import configparser
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Final, NoReturn

from .records import Record
from .schedulers import SchedulerSpec

TOML_SECTION: Final = ("tool", "bgtyped")
INI_SECTION: Final = "mypy.plugins.bgtyped"

# The worker settings of each library whose jobs are named by a string (`JobNames.library`).
WORKER_SETTINGS_KEYS: Final = {"arq_worker_settings": "arq", "saq_settings": "saq"}
KNOWN_KEYS: Final[frozenset[str]] = frozenset({"schedulers", *WORKER_SETTINGS_KEYS})


class ConfigError(SystemExit):
    """Raised (and mypy stopped, exit status 2) when the plugin's settings cannot be used."""

    def __init__(self, message: str) -> None:
        print(f"bgtyped: {message}", file=sys.stderr)
        super().__init__(2)


class BgtypedConfig(Record):
    """The plugin's settings; their digest is reported to mypy's cache (a change rechecks every module)."""

    __slots__ = ("schedulers", "worker_settings")

    def __init__(
        self, schedulers: tuple[SchedulerSpec, ...] = (), worker_settings: tuple[tuple[str, str], ...] = ()
    ) -> None:
        self.schedulers: Final = schedulers
        # (library, "module:name") pairs, in the order given.
        self.worker_settings: Final = worker_settings

    def to_data(self) -> dict[str, object]:
        data: dict[str, object] = {"schedulers": [_fields_data(spec) for spec in self.schedulers]}
        if self.worker_settings:
            data["worker_settings"] = [list(pair) for pair in self.worker_settings]
        return data


def _fields_data(record: Record) -> dict[str, object]:
    """A record's fields as plain data, the same in every process (the settings' digest is made of it)."""
    return {name: _plain(value) for name, value in record.fields()}


def _plain(value: object) -> object:
    """A setting's value as JSON data that is the same in every process (sets sorted, not hash-ordered)."""
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, Record):
        return [type(value).__name__, _fields_data(value)]
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def load_config(config_file: str | None) -> BgtypedConfig:
    if config_file is None:
        return BgtypedConfig()
    path = Path(config_file)
    if path.suffix == ".toml":
        section, where = _toml_section(path)
    else:
        section, where = _ini_section(path)
    return _parse(section, where)


def _toml_section(path: Path) -> tuple[Mapping[str, object], str]:
    where = f"[{'.'.join(TOML_SECTION)}] of {path}"
    try:
        with path.open("rb") as file:
            data: object = tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError):
        # mypy reads the same file and reports what is wrong with it.
        return {}, where
    for key in TOML_SECTION:
        if not isinstance(data, dict):
            fail(f"{where} must be a table")
        data = data.get(key, {})
    if not isinstance(data, dict):
        fail(f"{where} must be a table")
    return data, where


def _ini_section(path: Path) -> tuple[Mapping[str, object], str]:
    where = f"[{INI_SECTION}] of {path}"
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error:
        return {}, where
    if not parser.has_section(INI_SECTION):
        return {}, where
    section: dict[str, object] = dict(parser.items(INI_SECTION))
    for key in WORKER_SETTINGS_KEYS:
        value = section.get(key)
        if isinstance(value, str):
            section[key] = [item.strip() for item in value.replace("\n", ",").split(",") if item.strip()]
    schedulers = section.get("schedulers")
    if isinstance(schedulers, str):
        from .scheduler_settings import ini_entry

        # One scheduler a line, as ``key=value`` pairs; list values separated by commas.
        section["schedulers"] = [ini_entry(line, where) for line in schedulers.splitlines() if line.strip()]
    return section, where


def _parse(section: Mapping[str, object], where: str) -> BgtypedConfig:
    unknown = sorted(set(section) - KNOWN_KEYS)
    if unknown:
        known = ", ".join(sorted(KNOWN_KEYS))
        fail(f"unknown setting(s) {', '.join(unknown)} in {where}; known settings: {known}")
    entries = section.get("schedulers", [])
    if not isinstance(entries, list):
        fail(f"schedulers in {where} must be a list of schedulers")
    worker_settings = tuple(
        (library, setting)
        for key, library in WORKER_SETTINGS_KEYS.items()
        for setting in _worker_settings(section.get(key, []), key, where)
    )
    if not entries:
        return BgtypedConfig((), worker_settings)
    from .scheduler_settings import scheduler

    return BgtypedConfig(tuple(scheduler(entry, where) for entry in entries), worker_settings)


def _worker_settings(value: object, key: str, where: str) -> list[str]:
    """``"module:name"`` strings (an ini file's comma-separated value is made a list when read)."""
    if not isinstance(value, list) or not all(
        isinstance(item, str) and _is_settings_name(item) for item in value
    ):
        fail(
            f"{key} in {where} must be a list of worker settings, each the module and the name in it joined "
            f'by a colon, such as "app.worker:WorkerSettings"; got {value!r}'
        )
    return [str(item) for item in value]


def _is_settings_name(text: str) -> bool:
    module, colon, name = text.partition(":")
    return bool(colon) and name.isidentifier() and all(part.isidentifier() for part in module.split("."))


def fail(message: str) -> NoReturn:
    """Stop mypy (exit status 2) with ``message`` about the plugin's settings: raises `ConfigError`."""
    raise ConfigError(message)
