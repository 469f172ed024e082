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
from .schedulers import (
    CONSTRUCTOR,
    COROUTINE_POLICIES,
    Coroutines,
    Packed,
    Param,
    Receiver,
    SchedulerSpec,
    Variadic,
)

TOML_SECTION: Final = ("tool", "bgtyped")
INI_SECTION: Final = "mypy.plugins.bgtyped"

# The worker settings of each library whose jobs are named by a string (`JobNames.library`).
WORKER_SETTINGS_KEYS: Final = {"arq_worker_settings": "arq", "saq_settings": "saq"}
KNOWN_KEYS: Final[frozenset[str]] = frozenset({"schedulers", *WORKER_SETTINGS_KEYS})

# The keys of one scheduler entry. Exactly one of the first three names the scheduling callable.
KINDS: Final = ("function", "method", "constructor")
# Settings whose value is a list (comma-separated in an ini file), and those that are true or false.
LIST_KEYS: Final = ("reserved_keywords", "options", "packed_keywords", "result_callbacks")
BOOL_KEYS: Final = ("accepts_none", "accepts_name", "completed_later")
ENTRY_KEYS: Final[frozenset[str]] = frozenset(
    {*KINDS, "name", "target", "args", "kwargs", "coroutines", *LIST_KEYS, *BOOL_KEYS}
)
RECEIVER: Final = "self"


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
            _fail(f"{where} must be a table")
        data = data.get(key, {})
    if not isinstance(data, dict):
        _fail(f"{where} must be a table")
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
        # One scheduler a line, as ``key=value`` pairs; list values separated by commas.
        section["schedulers"] = [_ini_entry(line, where) for line in schedulers.splitlines() if line.strip()]
    return section, where


def _ini_entry(line: str, where: str) -> dict[str, object]:
    entry: dict[str, object] = {}
    for pair in line.split():
        key, sep, value = pair.partition("=")
        if not sep:
            _fail(f"scheduler {line.strip()!r} in {where}: write each setting as key=value, got {pair!r}")
        if key in LIST_KEYS:
            entry[key] = [_ini_item(word) for word in value.split(",") if word]
        elif key in BOOL_KEYS:
            entry[key] = _ini_bool(key, value, line, where)
        else:
            entry[key] = value
    return entry


def _ini_item(word: str) -> str | int:
    """A list item of an ini line: digits give a position (``result_callbacks=3``)."""
    return int(word) if word.isdigit() else word


def _ini_bool(key: str, value: str, line: str, where: str) -> bool:
    if value.lower() in ("true", "yes", "1"):
        return True
    if value.lower() in ("false", "no", "0"):
        return False
    _fail(f"scheduler {line.strip()!r} in {where}: {key} must be true or false, got {value!r}")


def _parse(section: Mapping[str, object], where: str) -> BgtypedConfig:
    unknown = sorted(set(section) - KNOWN_KEYS)
    if unknown:
        known = ", ".join(sorted(KNOWN_KEYS))
        _fail(f"unknown setting(s) {', '.join(unknown)} in {where}; known settings: {known}")
    entries = section.get("schedulers", [])
    if not isinstance(entries, list):
        _fail(f"schedulers in {where} must be a list of schedulers")
    worker_settings = tuple(
        (library, setting)
        for key, library in WORKER_SETTINGS_KEYS.items()
        for setting in _worker_settings(section.get(key, []), key, where)
    )
    return BgtypedConfig(tuple(_scheduler(entry, where) for entry in entries), worker_settings)


def _worker_settings(value: object, key: str, where: str) -> list[str]:
    """``"module:name"`` strings (an ini file's comma-separated value is made a list when read)."""
    if not isinstance(value, list) or not all(
        isinstance(item, str) and _is_settings_name(item) for item in value
    ):
        _fail(
            f"{key} in {where} must be a list of worker settings, each the module and the name in it joined "
            f'by a colon, such as "app.worker:WorkerSettings"; got {value!r}'
        )
    return [str(item) for item in value]


def _is_settings_name(text: str) -> bool:
    module, colon, name = text.partition(":")
    return bool(colon) and name.isidentifier() and all(part.isidentifier() for part in module.split("."))


def _scheduler(entry: object, where: str) -> SchedulerSpec:
    if not isinstance(entry, dict):
        _fail(f"each scheduler in {where} must be a table of settings, got {entry!r}")
    kinds = [kind for kind in KINDS if kind in entry]
    label = f"scheduler {entry.get(kinds[0]) if len(kinds) == 1 else entry!r} in {where}"
    unknown = sorted(set(entry) - ENTRY_KEYS)
    if unknown:
        known = ", ".join(sorted(ENTRY_KEYS))
        _fail(f"{label}: unknown setting(s) {', '.join(unknown)}; known settings: {known}")
    if len(kinds) != 1:
        _fail(f"{label}: give exactly one of {', '.join(KINDS)} (the fully qualified name to check)")
    kind = kinds[0]
    fullname = entry[kind]
    if not isinstance(fullname, str) or not _is_qualified_name(fullname, kind):
        _fail(f"{label}: {kind} must be a fully qualified name such as {_EXAMPLES[kind]!r}")
    owner, member = fullname.rpartition(".")[::2]
    if kind == "constructor":
        owner, member = fullname, CONSTRUCTOR
    target = _target(entry.get("target", 0), kind, label)
    accepts = {key: _bool(entry, key, label) for key in ("accepts_none", "accepts_name")}
    if any(accepts.values()):
        if not isinstance(target, Param):
            _fail(f"{label}: accepts_none and accepts_name are for a target that is a parameter")
        target = Param(
            target.name,
            target.position,
            accepts_none=accepts["accepts_none"],
            accepts_name=accepts["accepts_name"],
        )
    return SchedulerSpec(
        owner=owner,
        member=member,
        name=_string(entry.get("name", fullname.rpartition(".")[2]), "name", label),
        target=target,
        arguments=_with_options(
            _arguments(entry.get("args", "*args"), entry.get("kwargs", "**kwargs"), label), entry, label
        ),
        reserved_keywords=frozenset(
            _keywords(entry.get("reserved_keywords", []), "reserved_keywords", label)
        ),
        coroutines=_coroutines(entry.get("coroutines", "awaited"), label),
        is_method=kind != "function",
        result_callbacks=_result_callbacks(entry.get("result_callbacks", []), label),
        completed_later=_bool(entry, "completed_later", label),
    )


def _bool(entry: Mapping[str, object], key: str, label: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        _fail(f"{label}: {key} must be true or false, got {value!r}")
    return value


def _with_options(arguments: Variadic | Packed, entry: Mapping[str, object], label: str) -> Variadic | Packed:
    """Variadic arguments with the scheduler's own ``options`` and its ``packed_keywords``."""
    options = frozenset(_keywords(entry.get("options", []), "options", label))
    packed = _keywords(entry.get("packed_keywords", []), "packed_keywords", label)
    if not (options or packed):
        return arguments
    if not isinstance(arguments, Variadic) or arguments.kwargs is None:
        _fail(
            f"{label}: options and packed_keywords are keywords taken out of variadic keywords; "
            'give kwargs = "**name"'
        )
    if packed and len(packed) != 2:
        _fail(f"{label}: packed_keywords must name two keywords, the tuple's and the dict's, got {packed!r}")
    return Variadic(arguments.args, arguments.kwargs, options, (packed[0], packed[1]) if packed else None)


def _result_callbacks(value: object, label: str) -> tuple[Param, ...]:
    if not isinstance(value, list):
        _fail(f"{label}: result_callbacks must be a list of parameter names or positions, got {value!r}")
    callbacks = [_param(item, "result_callbacks", label) for item in value]
    return tuple(callback for callback in callbacks if callback is not None)


_EXAMPLES: Final = {
    "function": "myapp.jobs.defer",
    "method": "myapp.queue.Queue.enqueue",
    "constructor": "myapp.workers.Worker",
}


def _is_qualified_name(name: str, kind: str) -> bool:
    parts = name.split(".")
    minimum = 3 if kind == "method" else 2
    return len(parts) >= minimum and all(part.isidentifier() for part in parts)


def _target(value: object, kind: str, label: str) -> Param | Receiver:
    if value == RECEIVER:
        if kind != "method":
            _fail(f'{label}: target = "self" (the receiver is the function) needs a method')
        return Receiver()
    param = _param(value, "target", label)
    if param is None:
        _fail(f"{label}: target must name the parameter that takes the function, or give its position")
    return param


def _param(value: object, key: str, label: str) -> Param | None:
    """A parameter given by name, or by position (an integer, or digits in an ini file)."""
    if value is False or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return Param(None, value)
    if isinstance(value, str) and value.isdigit():
        return Param(None, int(value))
    if isinstance(value, str) and value.isidentifier():
        return Param(value)
    _fail(f"{label}: {key} must be a parameter name or position, got {value!r}")


def _arguments(args: object, kwargs: object, label: str) -> Variadic | Packed:
    """``*name`` / ``**name``: the scheduler's own variadic parameters; else a tuple and a dict parameter."""
    star = isinstance(args, str) and args.startswith("*")
    star2 = isinstance(kwargs, str) and kwargs.startswith("**")
    if star:
        assert isinstance(args, str)
        args_name = args[1:]
        kwargs_name = kwargs[2:] if star2 and isinstance(kwargs, str) else None
        if not args_name.isidentifier() or (kwargs_name is not None and not kwargs_name.isidentifier()):
            _fail(f"{label}: args and kwargs must be parameter names, got {args!r} and {kwargs!r}")
        if not star2 and _param(kwargs, "kwargs", label) is not None:
            _fail(f'{label}: args = {args!r} takes the arguments variadically; kwargs must be "**name" too')
        return Variadic(args_name, kwargs_name)
    if star2:
        _fail(f'{label}: kwargs = {kwargs!r} takes keywords variadically; args must be "*name" too')
    return Packed(_param(args, "args", label), _param(kwargs, "kwargs", label))


def _string(value: object, key: str, label: str) -> str:
    if not isinstance(value, str) or not value:
        _fail(f"{label}: {key} must be a non-empty string, got {value!r}")
    return value


def _keywords(value: object, key: str, label: str) -> list[str]:
    names = value if isinstance(value, list) else [None]
    if not all(isinstance(word, str) and word.isidentifier() for word in names):
        _fail(f"{label}: {key} must be a list of parameter names, got {value!r}")
    return [str(word) for word in names]


def _coroutines(value: object, label: str) -> Coroutines:
    for policy in COROUTINE_POLICIES:
        if value == policy:
            return policy
    choices = ", ".join(repr(policy) for policy in COROUTINE_POLICIES)
    _fail(f"{label}: coroutines must be one of {choices}, got {value!r}")


def _fail(message: str) -> NoReturn:
    raise ConfigError(message)
