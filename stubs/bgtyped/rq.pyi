from typing import ParamSpec, Protocol, TypeVar

import rq
from rq.job import Job

__all__ = ["JobFunction", "Queue"]

_P = ParamSpec("_P")
_R_co = TypeVar("_R_co", covariant=True)

# The enqueuing methods keep rq.Queue's signatures: the check changes what is refused, not what is accepted.
class Queue(rq.Queue): ...

# What the bgtyped mypy plugin makes of a function decorated by RQ's @job: delay and enqueue make a job.
class JobFunction(Protocol[_P, _R_co]):
    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co: ...
    def delay(self, *args: _P.args, **kwargs: _P.kwargs) -> Job: ...
    def enqueue(self, *args: _P.args, **kwargs: _P.kwargs) -> Job: ...
