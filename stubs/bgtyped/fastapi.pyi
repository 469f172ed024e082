from collections.abc import AsyncIterator
from typing import Annotated, TypeAlias

import fastapi

from . import BackgroundTasks

__all__ = ["Tasks", "request_tasks"]

# An async generator dependency: calling it returns the iterator without awaiting anything.
def request_tasks(injected: fastapi.BackgroundTasks) -> AsyncIterator[BackgroundTasks]: ...

Tasks: TypeAlias = Annotated[BackgroundTasks, fastapi.Depends(request_tasks)]
