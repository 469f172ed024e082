from collections.abc import Callable, Sequence
from typing import Any, Final, ParamSpec

import starlette.background

__all__ = ["BackgroundTask", "BackgroundTasks", "__version__", "check_call", "check_types"]

__version__: Final[str]

_P = ParamSpec("_P")

def check_call(func: Callable[_P, Any], /, *args: _P.args, **kwargs: _P.kwargs) -> None: ...
def check_types(enabled: bool) -> bool: ...

class BackgroundTask(starlette.background.BackgroundTask):
    func: Callable[..., Any]
    # Starlette leaves these two to inference, which gives them the ParamSpec components of its
    # `__init__`; outside that method they are a plain tuple and dict.
    args: tuple[Any, ...]  # type: ignore[assignment]
    kwargs: dict[str, Any]  # type: ignore[assignment]
    is_async: bool
    # `func` is positional-only so that a task may take keyword arguments named `func` or `self`.
    def __init__(self, func: Callable[_P, Any], /, *args: _P.args, **kwargs: _P.kwargs) -> None: ...
    async def __call__(self) -> None: ...
    def __repr__(self) -> str: ...

class BackgroundTasks(starlette.background.BackgroundTasks):
    tasks: list[starlette.background.BackgroundTask]
    def __init__(self, tasks: Sequence[starlette.background.BackgroundTask] | None = None) -> None: ...
    # Positional-only `func` narrows Starlette's signature, and is what lets a task take keyword
    # arguments named `func` or `self`.
    def add_task(  # type: ignore[override]
        self, func: Callable[_P, Any], /, *args: _P.args, **kwargs: _P.kwargs
    ) -> None: ...
    async def __call__(self) -> None: ...
    def __repr__(self) -> str: ...
