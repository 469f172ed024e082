"""The scheduling-time check: do these arguments bind to the function that will be called later?

A real call is the only complete authority on binding (positional-only names may reappear in ``**kwargs``,
defaults, keyword-only parameters, ...), so each target gets a *binder*: a function compiled with the target's
parameter list whose body only returns a constant, whether the target is async. Calling the binder with the
scheduled arguments raises the ``TypeError`` that the task would raise later, named after the task.

What the call will really accept decides, never what metadata claims:

- a plain function: its code object (``co_argcount``, ``co_posonlyargcount``, ``co_kwonlyargcount``,
  ``co_varnames``, the ``*args``/``**kwargs`` flags) and the defaults it has (``__defaults__``,
  ``__kwdefaults__``). ``__signature__`` and ``__wrapped__`` are ignored: a ``functools.wraps`` wrapper is
  checked by its own parameters, so a ``(*args, **kwargs)`` wrapper accepts anything;
- a bound method, a ``functools.partial``, a callable instance: the function they call, with the arguments
  they add;
- a class: the parameters of its own ``__new__`` or ``__init__`` (or its metaclass's ``__call__``);
- a ``functools.singledispatch`` function or ``singledispatchmethod``: the implementation that
  ``dispatch(type(first_argument))`` picks;
- anything else (builtins, C-implemented callables): accepted, since its real parameters cannot be known.

Binders are cached by what determines binding: the code object and which defaults exist. Every closure or
lambda made by one ``def`` shares its code object, so a function object made per request is checked as
cheaply as a module-level one.
"""

from __future__ import annotations

import functools
import inspect
import keyword
import reprlib
import types
import weakref
from collections.abc import Callable, Iterable
from typing import Any

# Called with the scheduled arguments: raises the TypeError a real call would raise, else returns None.
Binder = Callable[..., object]

_FunctionType = types.FunctionType
_MethodType = types.MethodType
_partial = functools.partial
_partial_call = functools.partial.__call__
_CO_COROUTINE = inspect.CO_COROUTINE
_CO_VARARGS = inspect.CO_VARARGS
_CO_VARKEYWORDS = inspect.CO_VARKEYWORDS
# Python 3.12+: inspect.markcoroutinefunction() marks a sync function as async for Starlette's detection.
COROUTINE_MARK = getattr(inspect, "_is_coroutine_mark", None)
_NO_KWDEFAULTS: dict[str, Any] = {}


class _UnknownValue:
    """The type of ``UNKNOWN_VALUE``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<a value known only when the task runs>"


# Stands in for an argument whose place is known when a call is scheduled but not its value (a pipeline
# step's previous result): binding counts it, and value checking, when on, leaves it alone.
UNKNOWN_VALUE: Any = _UnknownValue()

# What binding a plain function depends on, per code object, by id(code). Each entry is a tuple:
#   code                the code object itself: held, so that its id is not reused while the entry exists
#   defaults            the __defaults__ first seen (a module function's own: an identity check suffices)
#   positional_defaults len(__defaults__) the binder was made for
#   kwdefaults          the __kwdefaults__ first seen, like defaults
#   kwdefault_names     the names it has, or None when the code has no keyword-only parameters
#   fewest, most        a positional count in this range, with keywords that keywords_fit[count] accepts,
#   keywords_fit        surely binds (most is -1 when there is no such shortcut: **kwargs, a required
#                       keyword-only parameter); keywords_fit[count] is None below fewest, so that one
#                       index answers both bounds
#   is_async            whether the code is a coroutine function's
#   binder              the exact check, for every call the shortcut does not vouch for
# The defaults held are a module function's own, or the first closure's of its `def`.
# The size bound keeps code objects made at run time (exec, code.replace) from piling up.
_FunctionEntry = tuple[
    types.CodeType | None,
    tuple[Any, ...] | None,
    int,
    dict[str, Any] | None,
    frozenset[str] | None,
    int,
    int,
    tuple[Callable[[Iterable[str]], bool] | None, ...],
    bool,
    Binder,
]
_function_binders: dict[int, _FunctionEntry] = {}
# The same entries for functions defined at module or class level, by the function object itself (a cheaper
# lookup): such a function lives as long as its module or class, so holding it costs nothing.
_lasting_functions: dict[types.FunctionType, _FunctionEntry] = {}
_FUNCTION_BINDERS_LIMIT = 4096
# The same shortcut, shaped for add_task, which reads it inline (a vouched call makes no second Python call),
# by the same keys (a lasting function, else id(code)): ``keywords_fit, defaults, kwdefaults, is_async``. A
# plain function's call surely binds when ``keywords_fit[len(args)]`` (an IndexError: too many) accepts its
# keywords and the function's defaults are the objects held (None: not compared, no vouched call relies on
# them); any other call goes to ``check_arguments``. Functions without a shortcut have no item. Value checking
# swaps the readers' name for an empty mapping, so that every call reaches ``check_arguments``.
Vouch = tuple[tuple[Callable[[Iterable[str]], bool] | None, ...], Any, Any, bool]
vouched_calls: dict[object, Vouch] = {}
UNVOUCHED: Vouch = ((None,) * 256, None, None, False)


def _unseen(*args: object, **kwargs: object) -> None:
    raise AssertionError("never called: no function has -1 defaults")


_UNSEEN: _FunctionEntry = (None, None, -1, None, None, 1, -1, (), False, _unseen)


def check_arguments(
    func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], api: str = "add_task"
) -> bool:
    """Raise ``TypeError`` unless ``func(*args, **kwargs)`` would bind; return whether ``func`` is async.

    ``api`` names what the user called (``add_task``, ``BackgroundTask``) in the error for a non-callable.
    "Async" follows Starlette's ``is_async_callable``: an ``async def`` function, also behind
    ``functools.partial`` or a bound method, or an instance whose ``__call__`` is one.
    """
    # The hot path: a plain function (a module function, a closure, a lambda) or a method bound to one, whose
    # call the cached shortcut vouches for. A bound method's instance is counted, not packed into new args.
    function: types.FunctionType
    kind = type(func)
    if kind is _FunctionType:
        function = func  # type: ignore[assignment]
        count = len(args)
    elif kind is _MethodType and type(func.__func__) is _FunctionType:  # type: ignore[attr-defined]
        function = func.__func__  # type: ignore[attr-defined]
        count = len(args) + 1
    else:
        return _check_other(func, kind, args, kwargs, api)
    (
        _,
        first_defaults,
        positional_defaults,
        kwdefaults,
        kwdefault_names,
        _,
        most,
        keywords_fit,
        is_async,
        _,
    ) = _lasting_functions.get(function) or _function_binders.get(id(function.__code__), _UNSEEN)
    if (
        count <= most
        and (fit := keywords_fit[count]) is not None
        and (not kwargs or fit(kwargs))
        and (
            (defaults := function.__defaults__) is first_defaults
            or (0 if defaults is None else len(defaults)) == positional_defaults
        )
        and (
            kwdefault_names is None
            or function.__kwdefaults__ is kwdefaults
            or (function.__kwdefaults__ or _NO_KWDEFAULTS).keys() == kwdefault_names
        )
    ):
        return is_async or (
            COROUTINE_MARK is not None and getattr(function, "_is_coroutine_marker", None) is COROUTINE_MARK
        )
    if function is not func:
        args = (func.__self__, *args)  # type: ignore[attr-defined]
    return _check_function(function, args, kwargs)


def _check_other(
    func: Callable[..., Any], kind: type, args: tuple[Any, ...], kwargs: dict[str, Any], api: str
) -> bool:
    """``check_arguments`` for anything but a plain function or a method bound to one."""
    if kind is _MethodType:
        return check_arguments(func.__func__, (func.__self__, *args), kwargs)  # type: ignore[attr-defined]
    if isinstance(func, _partial) and kind.__call__ is _partial_call:
        return check_arguments(func.func, (*func.args, *args), {**func.keywords, **kwargs})
    if not callable(func):
        raise TypeError(not_callable_message(func, api))
    if isinstance(func, type):
        targets = _class_targets(func)
        if targets is None:
            if args or kwargs:
                raise TypeError(f"{func.__qualname__}() takes no arguments")
            return False
        for target in targets:
            check_arguments(target, args, kwargs)
        return False
    call = _bound_call(func, kind)
    if call is None:
        return False  # a C-implemented callable: its parameters cannot be known
    return check_arguments(call, args, kwargs)


def _check_function(func: types.FunctionType, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """``check_arguments`` for a plain function whose call the cached shortcut does not vouch for."""
    code = func.__code__
    singledispatch_code, singledispatchmethod_code = _singledispatch_codes()
    if code is singledispatch_code:
        return _check_dispatched(func, _function_dispatch, args, kwargs)
    if code is singledispatchmethod_code:
        return _check_dispatched(func, _method_dispatch, args, kwargs)
    entry = _function_binders.get(id(code))
    if entry is None or not _binds_like(func, entry):
        entry = _new_function_entry(func)
    binder = entry[-1]
    try:
        binder(*args, **kwargs)
    except TypeError:
        pass
    else:
        return entry[8] or _marked_async(func)
    # Raised here, after the handler: the call's error is not chained to the one it was made from.
    raise _refusal(func, entry[-1], args, kwargs)


def _binds_like(func: types.FunctionType, entry: _FunctionEntry) -> bool:
    """Whether ``func`` has the defaults ``entry`` was made for (its code is the entry's)."""
    defaults, kwdefaults = func.__defaults__, func.__kwdefaults__
    return (0 if defaults is None else len(defaults)) == entry[2] and (
        entry[4] is None or (kwdefaults or _NO_KWDEFAULTS).keys() == entry[4]
    )


def _new_function_entry(func: types.FunctionType) -> _FunctionEntry:
    code = func.__code__
    defaults = func.__defaults__
    positional_defaults = 0 if defaults is None else len(defaults)
    kwdefaults = func.__kwdefaults__
    kwdefault_names = frozenset(kwdefaults or ()) if code.co_kwonlyargcount else None
    parameter_list = render_parameters(code, positional_defaults, kwdefault_names or frozenset())
    if (
        len(_function_binders) >= _FUNCTION_BINDERS_LIMIT
        or len(_lasting_functions) >= _FUNCTION_BINDERS_LIMIT
    ):
        _function_binders.clear()
        _lasting_functions.clear()
        vouched_calls.clear()
    entry = _function_binders[id(code)] = (
        code,
        defaults,
        positional_defaults,
        kwdefaults,
        kwdefault_names,
        *_binding_shortcut(code, positional_defaults, kwdefault_names or frozenset(), parameter_list),
        bool(code.co_flags & _CO_COROUTINE),
        _accept_any if parameter_list is None else _compile_binder(parameter_list),
    )
    # The code's own qualified name, which functools.wraps does not rewrite: a nested `def` or a lambda makes
    # a new function object per call, and is not held.
    lasting = "<locals>" not in code.co_qualname and code.co_name != "<lambda>"
    if lasting:
        _lasting_functions[func] = entry
    if entry[6] >= 0:
        keywords_fit = entry[7]
        if code.co_flags & _CO_VARARGS:  # more positional arguments go to *args, the keywords fit as at most
            keywords_fit += keywords_fit[-1:] * 8
        # Defaults a vouched call cannot rely on are not compared (None): with no positional defaults, every
        # vouched call fills each positional parameter; without keyword-only parameters, __kwdefaults__ binds
        # nothing.
        vouched_calls[func if lasting else id(code)] = (
            keywords_fit,
            defaults,
            kwdefaults if code.co_kwonlyargcount else None,
            entry[8],
        )
    return entry


def _marked_async(func: types.FunctionType) -> bool:
    """Python 3.12+: whether ``inspect.markcoroutinefunction`` marked this sync function as async."""
    return COROUTINE_MARK is not None and getattr(func, "_is_coroutine_marker", None) is COROUTINE_MARK


def _binding_shortcut(
    code: types.CodeType,
    positional_defaults: int,
    kwdefault_names: frozenset[str],
    parameter_list: str | None,
) -> tuple[int, int, tuple[Callable[[Iterable[str]], bool] | None, ...]]:
    """``fewest, most, keywords_fit``: calls that surely bind, checked without calling the binder.

    ``count`` positional arguments with ``fewest <= count <= most`` fill every required positional
    parameter; then keywords naming parameters left unfilled, none positional-only, bind too
    (``keywords_fit[count]``, None for a count below ``fewest``). Functions with ``**kwargs`` or a required
    keyword-only parameter get no shortcut (``most`` is -1).
    """
    names = code.co_varnames
    positional_count, keyword_only_count = code.co_argcount, code.co_kwonlyargcount
    keyword_only = names[positional_count : positional_count + keyword_only_count]
    if parameter_list is None:
        return 1, -1, ()  # the parameters are unknown: the binder accepts every call
    if code.co_flags & _CO_VARKEYWORDS or not kwdefault_names.issuperset(keyword_only):
        return 1, -1, ()
    first_keyword = code.co_posonlyargcount
    fewest = positional_count - positional_defaults
    keywords_fit = tuple(
        None
        if count < fewest
        else frozenset((*names[max(count, first_keyword) : positional_count], *keyword_only)).issuperset
        for count in range(positional_count + 1)
    )
    return fewest, positional_count, keywords_fit


def _refusal(
    func: Callable[..., Any], binder: Binder, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> TypeError:
    """The binder's ``TypeError``, named as the real call would name it (``func.__qualname__``).

    Binders are shared by every function with the same parameter list, so they carry no name of their own.
    The error comes without a traceback or context of its own: raised by the caller, it reads as raised
    where the call was scheduled.
    """
    code = binder.__code__
    named = types.FunctionType(code, {}, code.co_name, binder.__defaults__)
    named.__kwdefaults__ = binder.__kwdefaults__
    qualname = getattr(func, "__qualname__", None)
    named.__qualname__ = qualname if isinstance(qualname, str) else type(func).__qualname__
    try:
        named(*args, **kwargs)
    except TypeError as error:
        return error.with_traceback(None)
    raise AssertionError("a binder accepted the arguments it refused")  # pragma: no cover


def render_parameters(
    code: types.CodeType, positional_defaults: int, kwdefault_names: frozenset[str]
) -> str | None:
    """The text of a ``def`` parameter list that binds like ``code`` with these defaults.

    None when a name cannot be compiled as written (not an identifier, a keyword, repeated) or the defaults
    do not fit the parameters: then the parameters are not known, and the caller accepts any call.
    """
    positional_count = code.co_argcount
    keyword_only_count = code.co_kwonlyargcount
    if positional_defaults > positional_count:
        return None
    names = code.co_varnames
    end = positional_count + keyword_only_count
    var_positional = names[end] if code.co_flags & _CO_VARARGS else None
    var_keyword = names[end + (var_positional is not None)] if code.co_flags & _CO_VARKEYWORDS else None
    parameter_names = [*names[:end], *(name for name in (var_positional, var_keyword) if name is not None)]
    if len(set(parameter_names)) != len(parameter_names) or not all(map(_is_plain_name, parameter_names)):
        return None
    first_default = positional_count - positional_defaults
    rendered = [
        f"{name}=None" if index >= first_default else name
        for index, name in enumerate(names[:positional_count])
    ]
    if code.co_posonlyargcount:
        rendered.insert(code.co_posonlyargcount, "/")
    if var_positional is not None:
        rendered.append(f"*{var_positional}")
    elif keyword_only_count:
        rendered.append("*")
    rendered += [f"{name}=None" if name in kwdefault_names else name for name in names[positional_count:end]]
    if var_keyword is not None:
        rendered.append(f"**{var_keyword}")
    return ", ".join(rendered)


def _is_plain_name(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


@functools.lru_cache(maxsize=4096)
def _compile_binder(parameter_list: str) -> Binder:
    # Only validated parameter names reach the compiled text, and the body refers to no name at all (defaults
    # are the literal None, the result is None): no parameter name can change what the binder does.
    namespace: dict[str, Any] = {}
    exec(f"def binder({parameter_list}):\n    pass", {"__builtins__": {}}, namespace)
    binder: Binder = namespace["binder"]
    return binder


def _accept_any(*args: object, **kwargs: object) -> None:
    """The binder of a function whose parameters cannot be known: every call is accepted."""


def _bound_call(func: object, kind: type) -> Callable[..., Any] | None:
    """``func.__call__`` as a call of ``func`` finds it (on the type), when it is written in Python."""
    for klass in kind.__mro__:
        if "__call__" in vars(klass):
            raw = vars(klass)["__call__"]
            break
    else:
        return None
    bound = raw.__get__(func, kind) if hasattr(raw, "__get__") else raw
    return bound if type(bound) is _MethodType or type(bound) is _FunctionType else None


# id(class) -> (weak reference to the class, what a call of it binds to; None: it takes no arguments)
_class_targets_by_id: dict[int, tuple[weakref.ref[type], tuple[Callable[..., Any], ...] | None]] = {}


def _class_targets(cls: type) -> tuple[Callable[..., Any], ...] | None:
    """The callables whose binding ``cls(*args, **kwargs)`` needs; None when it takes no arguments."""
    entry = _class_targets_by_id.get(id(cls))
    if entry is not None and entry[0]() is cls:
        return entry[1]
    targets = _find_class_targets(cls)
    cls_id = id(cls)

    def forget(ref: weakref.ref[type]) -> None:
        if _class_targets_by_id.get(cls_id, (None,))[0] is ref:
            del _class_targets_by_id[cls_id]

    _class_targets_by_id[cls_id] = (weakref.ref(cls, forget), targets)
    return targets


def _find_class_targets(cls: type) -> tuple[Callable[..., Any], ...] | None:
    if type(cls).__call__ is not type.__call__:
        # The metaclass decides what happens; only its own __call__'s parameters are certain.
        metaclass_call = _bound_call(cls, type(cls))
        return () if metaclass_call is None else (metaclass_call,)
    new: object = cls.__new__
    init: object = getattr(cls, "__init__")  # noqa: B009 (mypy refuses `cls.__init__` on a class object)
    if new is object.__new__ and init is object.__init__:
        return None
    if type(new) is _FunctionType:
        # __init__ runs only if __new__ returns an instance of cls, which cannot be known here.
        return (functools.partial(new, cls),)
    if type(init) is _FunctionType:
        return (functools.partial(init, None),)  # the binder ignores values: any stand-in for self will do
    return ()  # a builtin base's __new__ or __init__: its parameters cannot be known


def _check_dispatched(
    func: Any,
    dispatch_of: Callable[[Any], Callable[[type], Callable[..., Any]]],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> bool:
    """``check_arguments`` for the implementation a ``singledispatch`` wrapper picks for ``args[0]``."""
    if not args:
        raise TypeError(f"{func.__name__} requires at least 1 positional argument")
    try:
        implementation = dispatch_of(func)(args[0].__class__)
    except Exception:  # a registry the real call would trip over in its own way: not ours to judge
        return False
    return check_arguments(implementation, args, kwargs)


def _function_dispatch(func: Any) -> Callable[[type], Callable[..., Any]]:
    """A ``singledispatch`` function's implementation for a class."""
    dispatch: Callable[[type], Callable[..., Any]] = func.dispatch
    return dispatch


def _method_dispatch(func: Any) -> Callable[[type], Callable[..., Any]]:
    """A bound ``singledispatchmethod``'s implementation for a class, bound as the call will bind it."""
    # The bound dispatcher keeps the instance and its class in its closure, and either the descriptor
    # (Python 3.11, 3.12) or its dispatch function (3.13), by these names.
    cells = {
        name: cell.cell_contents
        for name, cell in zip(func.__code__.co_freevars, func.__closure__, strict=True)
    }
    dispatch = cells["dispatch"] if "dispatch" in cells else cells["self"].dispatcher.dispatch
    return lambda cls: dispatch(cls).__get__(cells["obj"], cells["cls"])


@functools.cache
def _singledispatch_codes() -> tuple[types.CodeType, types.CodeType]:
    """The code objects of the wrappers ``singledispatch`` and ``singledispatchmethod`` make.

    Made on first use, not at import: ``import bgtyped`` stays as cheap as Starlette's own import.
    """

    @functools.singledispatch
    def function(arg: object) -> None: ...

    class Owner:
        @functools.singledispatchmethod
        def method(self, arg: object) -> None: ...

    return function.__code__, Owner().method.__code__  # type: ignore[attr-defined]


def not_callable_message(func: object, api: str = "add_task") -> str:
    if inspect.iscoroutine(func):
        name = func.__qualname__
        func.close()  # it will never run; closing it avoids a "never awaited" warning on top of this error
        return (
            f"a background task needs the function, not the coroutine object returned by calling {name}(): "
            f"write {api}({name}, <its arguments>)"
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
