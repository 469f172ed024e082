"""``check_call``: the scheduling-time check of ``add_task``, for any scheduler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec

from ._binding import check_arguments

P = ParamSpec("P")


def check_call(func: Callable[P, Any], /, *args: P.args, **kwargs: P.kwargs) -> None:
    """Raise the ``TypeError`` that ``func(*args, **kwargs)`` would raise when the arguments do not bind.

    Nothing is called: the check binds the arguments against what ``func`` will really accept (a plain
    function's code and defaults, a wrapper's own parameters, the implementation a ``singledispatch``
    function picks), with the same cache as ``BackgroundTasks.add_task``. Where the real parameters cannot
    be known (builtins, C-implemented callables) the call is accepted: a call that works is never refused.
    ``TypeError`` is also raised when ``func`` is not callable, and, with value checking on
    (``bgtyped.check_types``), when a value does not fit its parameter's annotation.

    Example::

        check_call(resize, "a.png")  # TypeError: resize() missing 1 required positional argument: 'width'
        queue.put((resize, ("a.png",), {}))
    """
    check_arguments(func, args, kwargs, "check_call")
