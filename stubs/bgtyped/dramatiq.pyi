from typing import Any, Self

import dramatiq
from dramatiq.middleware import Middleware, MiddlewareError

__all__ = ["CheckArguments", "MessageRefused", "group"]

class MessageRefused(MiddlewareError, TypeError): ...

class CheckArguments(Middleware):
    def __init__(self) -> None: ...
    def before_enqueue(self, broker: dramatiq.Broker, message: dramatiq.Message[Any], delay: int) -> None: ...

class group(dramatiq.group):
    def run(self, *, delay: int | None = None) -> Self: ...
