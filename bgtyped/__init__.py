"""Background tasks whose arguments are checked against the function they schedule."""

from ._tasks import BackgroundTask, BackgroundTasks

__all__ = ["BackgroundTask", "BackgroundTasks", "__version__"]

__version__ = "0.1.0"
