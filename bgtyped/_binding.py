"""The scheduling-time check: do these arguments bind to the function that will be called later?

A real call is the only complete authority on binding (positional-only names may reappear in ``**kwargs``,
defaults, keyword-only parameters, ...), so each target gets a *binder*: a function compiled with the target's
parameter list whose body only returns whether the target is async. Calling the binder with the scheduled
arguments raises exactly the ``TypeError`` that the task would raise later, named after the task. Binders are
cached per function object.
"""

from __future__ import annotations

import functools
import inspect
import keyword
import reprlib
import types
import weakref
from collections.abc import Callable
from typing import Any

# Called with the scheduled arguments: raises the TypeError a real call would raise, else returns whether the
# target is async.
Binder = Callable[..., bool]


# id(key) -> (weak reference to key, binder). The weak reference proves the entry belongs to this very object
# (ids are reused after an object dies) and removes the entry when the object goes.
_binders_by_id: dict[int, tuple[weakref.ref[Any], Binder]] = {}


def check_arguments(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """Raise ``TypeError`` unless ``func(*args, **kwargs)`` would bind; return whether ``func`` is async.

    Bound methods, ``functools.partial`` objects and callable instances are unwrapped to the function they
    call, with the arguments they add, so that one cached binder serves every method object and partial.
    """
    entry = _binders_by_id.get(id(func))
    if entry is not None and entry[0]() is func:
        return entry[1](*args, **kwargs)
    kind = type(func)
    if kind is types.MethodType:
        return check_arguments(func.__func__, (func.__self__, *args), kwargs)  # type: ignore[attr-defined]
    if kind is functools.partial:
        return check_arguments(func.func, (*func.args, *args), {**func.keywords, **kwargs})  # type: ignore[attr-defined]
    if not callable(func):
        raise TypeError(not_callable_message(func))
    call_method = kind.__call__
    if (
        kind is not types.FunctionType
        and not isinstance(func, type)
        and isinstance(call_method, types.FunctionType)
    ):
        return check_arguments(call_method, (func, *args), kwargs)
    return binder_for(func)(*args, **kwargs)


def binder_for(key: Callable[..., Any]) -> Binder:
    entry = _binders_by_id.get(id(key))
    if entry is not None and entry[0]() is key:
        return entry[1]
    binder = make_binder(key, inspect.iscoroutinefunction(key))
    _remember(key, binder)
    return binder


def _remember(key: Callable[..., Any], binder: Binder) -> None:
    key_id = id(key)

    def forget(ref: weakref.ref[Any]) -> None:
        if _binders_by_id.get(key_id, (None,))[0] is ref:
            del _binders_by_id[key_id]

    try:
        ref = weakref.ref(key, forget)
    except TypeError:  # not weak-referenceable: checked afresh each time rather than kept alive forever
        return
    _binders_by_id[key_id] = (ref, binder)


def _accept_any_sync(*args: Any, **kwargs: Any) -> bool:
    return False


def _accept_any_async(*args: Any, **kwargs: Any) -> bool:
    return True


def make_binder(key: Callable[..., Any], is_async: bool) -> Binder:
    """A function with ``key``'s parameters and name; accepts anything when the signature cannot be known."""
    try:
        signature = inspect.signature(key)
    except (TypeError, ValueError):
        signature = None
    parameter_list = None if signature is None else render_parameters(signature)
    if parameter_list is None:
        return _accept_any_async if is_async else _accept_any_sync
    name = getattr(key, "__name__", None)
    qualname = getattr(key, "__qualname__", None)
    return _compile_binder(
        parameter_list,
        name if isinstance(name, str) else type(key).__name__,
        qualname if isinstance(qualname, str) else type(key).__qualname__,
        is_async,
    )


@functools.lru_cache(maxsize=4096)
def _compile_binder(parameter_list: str, name: str, qualname: str, is_async: bool) -> Binder:
    # Only validated parameter names reach the compiled text; every default is the same placeholder.
    namespace: dict[str, Any] = {"_default": None, "_is_async": is_async}
    exec(f"def binder({parameter_list}): return _is_async", namespace)
    binder: Binder = namespace["binder"]
    binder.__name__ = name
    binder.__qualname__ = qualname
    return binder


def render_parameters(signature: inspect.Signature) -> str | None:
    """The text of a ``def`` parameter list equivalent for binding, or None if a name is not an identifier."""
    rendered: list[str] = []
    kind = inspect.Parameter
    previous: inspect._ParameterKind | None = None
    for parameter in signature.parameters.values():
        name = parameter.name
        if not name.isidentifier() or keyword.iskeyword(name):
            return None
        if previous is kind.POSITIONAL_ONLY and parameter.kind is not kind.POSITIONAL_ONLY:
            rendered.append("/")
        if parameter.kind is kind.KEYWORD_ONLY and previous not in (kind.KEYWORD_ONLY, kind.VAR_POSITIONAL):
            rendered.append("*")
        if parameter.kind is kind.VAR_POSITIONAL:
            rendered.append(f"*{name}")
        elif parameter.kind is kind.VAR_KEYWORD:
            rendered.append(f"**{name}")
        elif parameter.default is parameter.empty:
            rendered.append(name)
        else:
            rendered.append(f"{name}=_default")
        previous = parameter.kind
    if previous is kind.POSITIONAL_ONLY:
        rendered.append("/")
    return ", ".join(rendered)


def not_callable_message(func: object) -> str:
    if inspect.iscoroutine(func):
        name = func.__qualname__
        func.close()  # it will never run; closing it avoids a "never awaited" warning on top of this error
        return (
            f"a background task needs the function, not the coroutine object returned by calling {name}(): "
            f"write add_task({name}, <its arguments>)"
        )
    if inspect.isawaitable(func):
        return (
            f"a background task needs a function, got an awaitable {type(func).__name__}: "
            "pass the function that produces it and its arguments instead"
        )
    return f"a background task needs a function to call, got {type(func).__name__}: {short_repr(func)}"


def _shortening_repr() -> reprlib.Repr:
    # Log lines name the task without dumping large or sensitive arguments whole.
    shortening = reprlib.Repr()
    shortening.maxstring = 60
    shortening.maxother = 60
    shortening.maxlong = 40
    return shortening


_short = _shortening_repr()


def short_repr(value: object) -> str:
    return _short.repr(value)
