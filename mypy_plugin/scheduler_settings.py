"""The ``schedulers`` of the plugin's settings: each entry a project's own scheduler, as a `SchedulerSpec`.

Read only where the settings list schedulers (`config`); every key of an entry is checked, and a wrong one
stops mypy with a message naming the entry, the file and what the key takes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from .config import fail
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

# The keys of one scheduler entry. Exactly one of the first three names the scheduling callable.
KINDS: Final = ("function", "method", "constructor")
# Settings whose value is a list (comma-separated in an ini file), and those that are true or false.
LIST_KEYS: Final = ("reserved_keywords", "options", "packed_keywords", "result_callbacks")
BOOL_KEYS: Final = ("accepts_none", "accepts_name", "completed_later")
ENTRY_KEYS: Final[frozenset[str]] = frozenset(
    {*KINDS, "name", "target", "args", "kwargs", "coroutines", *LIST_KEYS, *BOOL_KEYS}
)
RECEIVER: Final = "self"


def ini_entry(line: str, where: str) -> dict[str, object]:
    """One scheduler of an ini file's ``schedulers``, a line of ``key=value`` pairs, as a TOML entry would be.

    ``where`` names the section and the file for messages. Raises `config.ConfigError` (mypy stops) for a
    word that is not ``key=value`` or a true-or-false setting that is neither.
    """
    entry: dict[str, object] = {}
    for pair in line.split():
        key, sep, value = pair.partition("=")
        if not sep:
            fail(f"scheduler {line.strip()!r} in {where}: write each setting as key=value, got {pair!r}")
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
    fail(f"scheduler {line.strip()!r} in {where}: {key} must be true or false, got {value!r}")


def scheduler(entry: object, where: str) -> SchedulerSpec:
    """The entry of a project's own scheduler, given as a table of settings (``where`` names the file).

    Raises `config.ConfigError` (mypy stops, naming the entry and the setting) for an unknown key, a
    missing or repeated name of the callable, or a value the key does not take.
    """
    if not isinstance(entry, dict):
        fail(f"each scheduler in {where} must be a table of settings, got {entry!r}")
    kinds = [kind for kind in KINDS if kind in entry]
    label = f"scheduler {entry.get(kinds[0]) if len(kinds) == 1 else entry!r} in {where}"
    unknown = sorted(set(entry) - ENTRY_KEYS)
    if unknown:
        known = ", ".join(sorted(ENTRY_KEYS))
        fail(f"{label}: unknown setting(s) {', '.join(unknown)}; known settings: {known}")
    if len(kinds) != 1:
        fail(f"{label}: give exactly one of {', '.join(KINDS)} (the fully qualified name to check)")
    kind = kinds[0]
    fullname = entry[kind]
    if not isinstance(fullname, str) or not _is_qualified_name(fullname, kind):
        fail(f"{label}: {kind} must be a fully qualified name such as {_EXAMPLES[kind]!r}")
    owner, member = fullname.rpartition(".")[::2]
    if kind == "constructor":
        owner, member = fullname, CONSTRUCTOR
    target = _target(entry.get("target", 0), kind, label)
    accepts = {key: _bool(entry, key, label) for key in ("accepts_none", "accepts_name")}
    if any(accepts.values()):
        if not isinstance(target, Param):
            fail(f"{label}: accepts_none and accepts_name are for a target that is a parameter")
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
        fail(f"{label}: {key} must be true or false, got {value!r}")
    return value


def _with_options(arguments: Variadic | Packed, entry: Mapping[str, object], label: str) -> Variadic | Packed:
    """Variadic arguments with the scheduler's own ``options`` and its ``packed_keywords``."""
    options = frozenset(_keywords(entry.get("options", []), "options", label))
    packed = _keywords(entry.get("packed_keywords", []), "packed_keywords", label)
    if not (options or packed):
        return arguments
    if not isinstance(arguments, Variadic) or arguments.kwargs is None:
        fail(
            f"{label}: options and packed_keywords are keywords taken out of variadic keywords; "
            'give kwargs = "**name"'
        )
    if packed and len(packed) != 2:
        fail(f"{label}: packed_keywords must name two keywords, the tuple's and the dict's, got {packed!r}")
    return Variadic(arguments.args, arguments.kwargs, options, (packed[0], packed[1]) if packed else None)


def _result_callbacks(value: object, label: str) -> tuple[Param, ...]:
    if not isinstance(value, list):
        fail(f"{label}: result_callbacks must be a list of parameter names or positions, got {value!r}")
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
            fail(f'{label}: target = "self" (the receiver is the function) needs a method')
        return Receiver()
    param = _param(value, "target", label)
    if param is None:
        fail(f"{label}: target must name the parameter that takes the function, or give its position")
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
    fail(f"{label}: {key} must be a parameter name or position, got {value!r}")


def _arguments(args: object, kwargs: object, label: str) -> Variadic | Packed:
    """``*name`` / ``**name``: the scheduler's own variadic parameters; else a tuple and a dict parameter."""
    star = isinstance(args, str) and args.startswith("*")
    star2 = isinstance(kwargs, str) and kwargs.startswith("**")
    if star:
        assert isinstance(args, str)
        args_name = args[1:]
        kwargs_name = kwargs[2:] if star2 and isinstance(kwargs, str) else None
        if not args_name.isidentifier() or (kwargs_name is not None and not kwargs_name.isidentifier()):
            fail(f"{label}: args and kwargs must be parameter names, got {args!r} and {kwargs!r}")
        if not star2 and _param(kwargs, "kwargs", label) is not None:
            fail(f'{label}: args = {args!r} takes the arguments variadically; kwargs must be "**name" too')
        return Variadic(args_name, kwargs_name)
    if star2:
        fail(f'{label}: kwargs = {kwargs!r} takes keywords variadically; args must be "*name" too')
    return Packed(_param(args, "args", label), _param(kwargs, "kwargs", label))


def _string(value: object, key: str, label: str) -> str:
    if not isinstance(value, str) or not value:
        fail(f"{label}: {key} must be a non-empty string, got {value!r}")
    return value


def _keywords(value: object, key: str, label: str) -> list[str]:
    names = value if isinstance(value, list) else [None]
    if not all(isinstance(word, str) and word.isidentifier() for word in names):
        fail(f"{label}: {key} must be a list of parameter names, got {value!r}")
    return [str(word) for word in names]


def _coroutines(value: object, label: str) -> Coroutines:
    for policy in COROUTINE_POLICIES:
        if value == policy:
            return policy
    choices = ", ".join(repr(policy) for policy in COROUTINE_POLICIES)
    fail(f"{label}: coroutines must be one of {choices}, got {value!r}")
