"""Opt-in value checking: each scheduled argument against its parameter's annotation, through beartype.

Off, it costs nothing: the scheduling path is the binding check alone, and neither this module's checks nor
beartype are imported. On, the name ``check_arguments`` is switched, in every module that calls it by that
name, to ``check_arguments_and_values``: the binding check first (its errors unchanged), then the values.

The switch covers the modules in ``SWITCHED_MODULES`` that are imported. ``bgtyped._binding`` is one of them,
so that a module importing ``check_arguments`` from it later gets the current one. An integration either
calls ``bgtyped.check_call`` (switched with ``bgtyped._check``), or imports ``check_arguments`` from
``bgtyped._binding`` by that name and is listed in ``SWITCHED_MODULES``, so that turning the check off again
reaches it too. A module that reads the binding check's shortcut inline, by the name ``vouched_calls``, as
``add_task`` does, gets an empty one while the check is on: every call then goes through ``check_arguments``.

Because ``bgtyped._binding`` calls ``check_arguments`` by that name for what a call really reaches (a bound
method's function, a partial's target with the partial's arguments, a class's ``__new__``/``__init__``, a
callable instance's ``__call__``, a ``singledispatch`` implementation), the values are checked there, against
the plain function each ends at, with the arguments that function will receive.
"""

from __future__ import annotations

import inspect
import os
import sys
import types
import typing
from collections.abc import Callable
from typing import Any

from . import _binding
from ._binding import UNKNOWN_VALUE, short_repr
from ._binding import check_arguments as _check_binding

SWITCHED_MODULES = ("bgtyped._binding", "bgtyped._tasks", "bgtyped._check", "bgtyped.rq", "bgtyped.dramatiq")

ENVIRONMENT_VARIABLE = "BGTYPED_CHECK_TYPES"

# Checks one value: returns None, or raises beartype's violation.
_Checker = Callable[[object], object]


class _Checks:
    """The checks of a function's parameters, made once per code object (one ``def``'s closures share it)."""

    __slots__ = (
        "annotations",
        "checked",
        "code",
        "hints",
        "keywords",
        "namespace",
        "positional",
        "var_keyword",
        "variadic",
    )

    code: types.CodeType  # held, so that its id is not reused while the entry exists
    annotations: dict[str, Any]  # the __annotations__ they were made from
    namespace: dict[str, Any]  # the globals their names were resolved in
    hints: dict[str, Any]  # the resolved hints, for messages
    positional: tuple[tuple[str, _Checker | None], ...]  # per positional parameter, in order
    variadic: tuple[str, _Checker] | None  # *args, when checked
    keywords: dict[str, _Checker | None]  # per parameter a keyword argument may fill
    var_keyword: tuple[str, _Checker] | None  # **kwargs, when checked
    checked: bool  # whether any of them is


_entries: dict[int, _Checks] = {}
_ENTRIES_LIMIT = 4096
_FunctionType = types.FunctionType
_MethodType = types.MethodType
_NOT_NAMED: Any = object()
# Python passes these first parameters itself: a bound method's instance, a class's own, the instance that
# __init__ receives (a stand-in while only binding is checked).
_RECEIVER_NAMES = frozenset({"self", "cls", "mcs", "mcls", "metacls"})
_RECEIVING_FUNCTIONS = frozenset({"__init__", "__new__", "__call__", "__init_subclass__"})

_enabled = False
_NO_SHORTCUT: typing.Mapping[object, Any] = types.MappingProxyType({})


def check_types(enabled: bool) -> bool:
    """Turn the checking of argument values against their annotations on (True) or off (False).

    On, every runtime check (``BackgroundTasks.add_task``, ``BackgroundTask(...)``, ``check_call`` and the
    integrations) also checks each argument's value, ``*args`` items and ``**kwargs`` values included, against
    its parameter's annotation, with beartype, and raises ``TypeError`` naming the task, the parameter, the
    expected type and the value given; nothing is scheduled. A parameter whose annotation cannot be resolved
    or checked is not checked. Off (the default), the values are not looked at and the check costs nothing.

    Returns the previous setting. Raises ``ImportError`` when turning it on without beartype installed
    (``pip install "bgtyped[types]"``), and ``TypeError`` when ``enabled`` is not a bool. The environment
    variable ``BGTYPED_CHECK_TYPES=1`` turns it on when ``bgtyped`` is imported; pytest's
    ``--bgtyped-check-types`` option for a test run.
    """
    global _enabled
    if not isinstance(enabled, bool):
        raise TypeError(f"check_types() takes True or False, got {type(enabled).__name__}: {enabled!r}")
    previous = _enabled
    if enabled:
        _load_beartype()
    _switch(check_arguments_and_values if enabled else _check_binding)
    _enabled = enabled
    return previous


def check_types_from_environment() -> None:
    """Apply ``BGTYPED_CHECK_TYPES``: ``1`` turns the check on; ``0`` or empty leaves it off.

    Raises ``ValueError`` for any other value, rather than guessing what it meant.
    """
    value = os.environ.get(ENVIRONMENT_VARIABLE, "")
    if value == "1":
        check_types(True)
    elif value not in ("", "0"):
        raise ValueError(
            f"{ENVIRONMENT_VARIABLE} must be 1 (check argument values against their annotations) or 0 or "
            f"empty (do not), got {value!r}"
        )


def _switch(checker: Callable[..., bool]) -> None:
    """Make ``checker`` what ``check_arguments`` names in every listed module imported so far.

    Checking values, the modules that read the binding check's shortcut (``vouched_calls``) inline get an
    empty one instead; ``bgtyped._binding``, which fills it, keeps its own.
    """
    shortcut = _binding.vouched_calls if checker is _check_binding else _NO_SHORTCUT
    for name in SWITCHED_MODULES:
        module = sys.modules.get(name)
        if module is not None and "check_arguments" in vars(module):
            module.check_arguments = checker  # type: ignore[attr-defined]
        if module is not None and module is not _binding and "vouched_calls" in vars(module):
            module.vouched_calls = shortcut  # type: ignore[attr-defined]


def check_arguments_and_values(
    func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], api: str = "add_task"
) -> bool:
    """``check_arguments``, then each value against its parameter's annotation; return whether it is async.

    Raises the binding check's ``TypeError`` first; then ``TypeError`` for the first value that does not fit.
    Values are checked here for a plain function and for a method bound to one (the binding check vouches for
    such a method on its function's cache, without calling ``check_arguments`` again); every other callable
    reaches a plain function through ``check_arguments``.
    """
    is_async = _check_binding(func, args, kwargs, api)
    if type(func) is _MethodType and type(func.__func__) is _FunctionType:
        args = (func.__self__, *args)
        func = func.__func__
    if type(func) is _FunctionType:
        annotations = func.__annotations__
        entry = _entries.get(id(func.__code__))
        if (
            entry is None
            or entry.code is not func.__code__
            or not (entry.annotations is annotations or _equal(entry.annotations, annotations))
            or entry.namespace is not func.__globals__
        ):
            entry = _new_entry(func)
        if entry.checked:
            _check_values(func, entry, args, kwargs)
    return is_async


def _check_values(
    func: types.FunctionType, entry: _Checks, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    # Where the loop is, for the message: a parameter's name, an index into *args, a keyword into **kwargs.
    name: str = ""
    index = -1
    keyword: str | None = None
    value: object = None
    try:
        # A value known only when the task runs (UNKNOWN_VALUE) is bound, never checked.
        for (name, check), value in zip(entry.positional, args, strict=False):  # noqa: B007 (read on error)
            if check is not None and value is not UNKNOWN_VALUE:
                check(value)
        variadic = entry.variadic
        if variadic is not None:
            name, check = variadic
            for index, value in enumerate(args[len(entry.positional) :]):  # noqa: B007 (read on error)
                if value is not UNKNOWN_VALUE:
                    check(value)
            index = -1
        keywords = entry.keywords
        var_keyword = entry.var_keyword
        for keyword, value in kwargs.items():
            if value is UNKNOWN_VALUE:
                continue
            check = keywords.get(keyword, _NOT_NAMED)
            if check is _NOT_NAMED:
                if var_keyword is not None:
                    name, check = var_keyword
                    check(value)
            elif check is not None:
                name = keyword
                check(value)
    except _violation as violation:
        finding = str(violation)
    except Exception:
        # A hint beartype took but could not check (a forward reference inside it, say): not ours to judge.
        if _forget(entry, name):
            _check_values(func, entry, args, kwargs)  # the other parameters still are
        return
    else:
        return
    # Raised here, after the handler: beartype's violation is not chained to the call's error.
    raise _value_error(func, entry, name, index, keyword, value, finding)


def _equal(first: dict[str, Any], second: dict[str, Any]) -> bool:
    """Whether two functions' annotations are equal (per-request closures of one ``def`` have equal ones)."""
    try:
        return bool(first == second)
    except Exception:  # an annotation whose == does not answer a bool (an array in Annotated's metadata)
        return False


def _forget(entry: _Checks, name: str) -> bool:
    """Stop checking a parameter whose check could not run; return whether it was being checked."""
    named = [*entry.positional, *entry.keywords.items(), *filter(None, (entry.variadic, entry.var_keyword))]
    if all(check is None for each, check in named if each == name):
        return False
    entry.positional = tuple((each, None if each == name else check) for each, check in entry.positional)
    entry.keywords = {each: None if each == name else check for each, check in entry.keywords.items()}
    if entry.variadic is not None and entry.variadic[0] == name:
        entry.variadic = None
    if entry.var_keyword is not None and entry.var_keyword[0] == name:
        entry.var_keyword = None
    entry.checked = _any_checked(entry)
    return True


def _any_checked(entry: _Checks) -> bool:
    return bool(
        entry.variadic or entry.var_keyword or any(check is not None for _, check in entry.positional)
    ) or any(check is not None for check in entry.keywords.values())


def _value_error(
    func: types.FunctionType,
    entry: _Checks,
    name: str,
    index: int,
    keyword: str | None,
    value: object,
    finding: str,
) -> TypeError:
    """``notify() argument 'user_id' must be int, got str: 'x'``; beartype's finding for a container."""
    if index >= 0:
        where = f"argument '{name}[{index}]' (in *{name})"
    elif keyword is not None and keyword != name:
        where = f"keyword argument {keyword!r} (in **{name})"
    else:
        where = f"argument {name!r}"
    hint = entry.hints.get(name)
    message = (
        f"{func.__qualname__}() {where} must be {hint_name(hint)}, "
        f"got {type(value).__qualname__}: {short_repr(value)}"
    )
    container = typing.get_origin(hint)
    if isinstance(container, type) and container is not types.UnionType and isinstance(value, container):
        # The container fits, an item does not: beartype says which ("list index 2 item str 'x' not ...").
        detail = finding.rpartition(", as ")[2].rstrip(".")
        if detail != finding:
            message += f" ({detail})"
    return TypeError(message)


def hint_name(hint: object) -> str:
    """A type hint as it is written in the code: ``int``, ``list[User]``, ``int | None``, ``Literal['a']``."""
    if hint is None or hint is types.NoneType:
        return "None"
    if isinstance(hint, list):  # a Callable's parameters
        return f"[{', '.join(map(hint_name, hint))}]"
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is not None and args:
        if origin is typing.Literal:
            return f"Literal[{', '.join(map(repr, args))}]"
        if origin is typing.Annotated:
            return f"Annotated[{hint_name(args[0])}, {', '.join(map(repr, args[1:]))}]"
        if origin is typing.Union or origin is types.UnionType:
            return " | ".join(map(hint_name, args))
        return f"{hint_name(origin)}[{', '.join(map(hint_name, args))}]"
    if hint is Ellipsis:
        return "..."
    if isinstance(hint, type):
        return hint.__qualname__
    return repr(hint).replace("typing.", "")


def _new_entry(func: types.FunctionType) -> _Checks:
    """The checks of ``func``'s parameters, from its resolved annotations, kept for its code object."""
    code = func.__code__
    entry = _Checks()
    entry.code = code
    entry.annotations = func.__annotations__
    entry.namespace = func.__globals__
    entry.hints = {} if _copied_annotations(func) else _resolved_hints(func)
    checks = {name: _checker(hint) for name, hint in entry.hints.items() if name != "return"}
    names = code.co_varnames
    positional_count = code.co_argcount
    end = positional_count + code.co_kwonlyargcount
    receiving = code.co_name in _RECEIVING_FUNCTIONS
    if positional_count and (receiving or names[0] in _RECEIVER_NAMES):
        checks.pop(names[0], None)
    entry.positional = tuple((name, checks.get(name)) for name in names[:positional_count])
    entry.keywords = {name: checks.get(name) for name in names[code.co_posonlyargcount : end]}
    entry.variadic = entry.var_keyword = None
    # `def __init__(*args)`: the receiver is the first of *args.
    if code.co_flags & _CO_VARARGS and not (receiving and not positional_count):
        check = checks.get(names[end])
        entry.variadic = None if check is None else (names[end], check)
    if code.co_flags & _CO_VARKEYWORDS:
        var_keyword = names[end + bool(code.co_flags & _CO_VARARGS)]
        check = checks.get(var_keyword)
        entry.var_keyword = None if check is None else (var_keyword, check)
    entry.checked = _any_checked(entry)
    if len(_entries) >= _ENTRIES_LIMIT:
        _entries.clear()
    _entries[id(code)] = entry
    return entry


def _copied_annotations(func: types.FunctionType) -> bool:
    """Whether ``func`` carries another function's annotations (``functools.wraps``, ``singledispatch``).

    Its own parameters are what a call binds to; what it passes on, and how, is not known.
    """
    wrapped = getattr(func, "__wrapped__", None)
    return wrapped is not None and getattr(wrapped, "__annotations__", None) is func.__annotations__


def _resolved_hints(func: types.FunctionType) -> dict[str, Any]:
    """``typing.get_type_hints(func, include_extras=True)``; one parameter at a time if that fails.

    A name that does not exist at run time (imported under ``TYPE_CHECKING``, say) leaves out the parameters
    that use it, and only those.
    """
    try:
        return typing.get_type_hints(func, include_extras=True)
    except Exception:
        pass
    hints: dict[str, Any] = {}
    for name, annotation in func.__annotations__.items():
        alone = types.SimpleNamespace(
            __annotations__={name: annotation}, __type_params__=getattr(func, "__type_params__", ())
        )
        try:
            hints.update(typing.get_type_hints(alone, func.__globals__, include_extras=True))
        except Exception:
            continue
    return hints


# A hint -> its checker, or None when it checks nothing or cannot be checked.
_checkers: dict[object, _Checker | None] = {}


def _checker(hint: object) -> _Checker | None:
    try:
        return _checkers[hint]
    except KeyError:
        pass
    except TypeError:  # an unhashable hint: made each time its function's entry is
        return _make_checker(hint)
    if len(_checkers) >= _ENTRIES_LIMIT:  # annotations made at run time do not pile up
        _checkers.clear()
    made = _checkers[hint] = _make_checker(hint)
    return made


def _make_checker(hint: object) -> _Checker | None:
    """A function that raises beartype's violation when its one argument does not fit ``hint``.

    None for a hint that admits every value (``Any``, ``object``, a TypeVar with neither bound nor
    constraints), a ``ParamSpec``'s ``P.args``/``P.kwargs`` (whose items say nothing on their own), and a
    hint beartype does not support.
    """
    if hint is Any or hint is object or isinstance(hint, typing.ParamSpecArgs | typing.ParamSpecKwargs):
        return None
    if isinstance(hint, typing.TypeVar) and hint.__bound__ is None and not hint.__constraints__:
        return None

    def check(value):  # type: ignore[no-untyped-def]  # beartype reads the annotation set below
        pass

    check.__annotations__ = {"value": hint}
    try:
        checker: _Checker = _beartype(conf=_conf)(check)
    except Exception:  # BeartypeDecorHint*: a hint beartype cannot check
        return None
    return checker


_CO_VARARGS = inspect.CO_VARARGS
_CO_VARKEYWORDS = inspect.CO_VARKEYWORDS
_violation: type[Exception] = Exception
_beartype: Any = None
_conf: Any = None


def _load_beartype() -> None:
    global _violation, _beartype, _conf
    if _beartype is not None:
        return
    try:
        import beartype
        from beartype.roar import BeartypeCallHintViolation
    except ImportError as missing:
        raise ImportError(
            'checking argument values against their annotations needs beartype: pip install "bgtyped[types]"'
        ) from missing
    # int is accepted for float, and int or float for complex, as type checkers accept them (PEP 484).
    _conf = beartype.BeartypeConf(is_pep484_tower=True)
    _violation = BeartypeCallHintViolation
    _beartype = beartype.beartype
