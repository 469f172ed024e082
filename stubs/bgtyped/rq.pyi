import rq

__all__ = ["Queue"]

# The enqueuing methods keep rq.Queue's signatures: the check changes what is refused, not what is accepted.
class Queue(rq.Queue): ...
