"""dramatiq: a middleware that refuses, in the sender, a message whose arguments would fail on the worker.

A dramatiq message is encoded and stored whatever its arguments; when they do not fit the actor's function,
the worker raises ``TypeError`` (and retries it) later. ``CheckArguments`` binds them before the broker
enqueues the message.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any, Self

import dramatiq
from dramatiq.errors import ActorNotFound
from dramatiq.middleware import Middleware, MiddlewareError

from . import _binding, _check

__all__ = ["CheckArguments", "MessageRefused", "group"]


class MessageRefused(MiddlewareError, TypeError):
    """A message whose arguments do not bind to its actor's function.

    A ``TypeError``, with the text the worker's call would raise, and a dramatiq ``MiddlewareError``: the
    broker lets only those out of a middleware (it logs and swallows any other exception).
    """


class CheckArguments(Middleware):
    """Check each message's arguments against its actor's function before the broker enqueues it.

    With ``broker.add_middleware(CheckArguments())`` (after dramatiq's default middleware, where
    ``add_middleware`` puts it), ``send``, ``send_with_options`` (whose options are not the actor's
    arguments), ``pipeline(...).run()`` and each message of ``group(...).run()`` raise ``MessageRefused`` (a
    ``TypeError``) in the sender, and enqueue nothing, when ``actor.fn(*message.args, **message.kwargs)``
    would not bind. The first message of a pipeline carries the rest: each later step is checked as the
    worker will call it, with the previous step's result as its last positional argument unless
    ``pipe_ignore`` (its value is unknown: only its place counts). A message for an actor this broker does
    not declare is not checked, and neither are the messages a worker enqueues itself after a message has
    run (a retry, a pipeline's next step, a callback, a delayed message coming due): they were checked when
    first sent, and a mistake only the real result reveals fails as that message's own failure.

    Example::

        broker.add_middleware(CheckArguments())
        resize.send("a.png")  # MessageRefused: resize() missing 1 required positional argument: 'width'
    """

    def __init__(self) -> None:
        # Whether this thread is running user code: off in a worker's own threads outside an actor's call.
        self._local = threading.local()

    def before_enqueue(self, broker: dramatiq.Broker, message: dramatiq.Message[Any], delay: int) -> None:
        if getattr(self._local, "checking", True):
            _check_message(broker, message)

    def after_consumer_thread_boot(self, broker: dramatiq.Broker, thread: object) -> None:
        self._local.checking = False  # it only moves messages: delayed ones coming due

    def before_process_message(self, broker: dramatiq.Broker, message: object) -> None:
        self._local.checking = True  # the actor's own sends are checked

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: object,
        *,
        result: object | None = None,
        exception: BaseException | None = None,
    ) -> None:
        # Runs before the middleware added earlier (Pipelines, Retries, Callbacks) enqueue what follows.
        self._local.checking = False

    def after_skip_message(self, broker: dramatiq.Broker, message: object) -> None:
        self._local.checking = False


class group(dramatiq.group):  # dramatiq's own name, so that it replaces it in an import
    """A ``dramatiq.group`` that checks every message it holds before it enqueues any.

    ``run`` raises ``MessageRefused`` and enqueues nothing when one message's arguments do not bind (with
    ``dramatiq.group`` and ``CheckArguments``, the messages before that one are already enqueued). The
    check is made whether or not the broker has the middleware.
    """

    def run(self, *, delay: int | None = None) -> Self:
        for message in _messages(self.children):
            _check_message(self.broker, message)
        super().run(delay=delay)  # type: ignore[no-untyped-call]
        return self


def _check_message(broker: dramatiq.Broker, message: dramatiq.Message[Any]) -> None:
    """Raise ``MessageRefused`` unless ``message`` and the pipeline steps it carries bind to their actors."""
    actor = _actor(broker, message.actor_name)
    if actor is None:
        return
    try:
        # Through the module, so that a check switched in `_check` at run time applies here too.
        _check.check_call(actor.fn, *message.args, **message.kwargs)
    except TypeError as error:
        raise MessageRefused(str(error)) from None
    _check_pipe(broker, actor, message.options.get("pipe_target"))


def _check_pipe(broker: dramatiq.Broker, previous: dramatiq.Actor[Any, Any], target: object) -> None:
    """Check the pipeline steps after ``previous``'s message, as the worker will send each."""
    step = 2
    while isinstance(target, Mapping):
        actor = _actor(broker, target["actor_name"])
        if actor is None:
            return  # neither it nor whether it passes on its result can be known
        options = target.get("options") or {}
        args, kwargs = tuple(target.get("args") or ()), dict(target.get("kwargs") or {})
        piped = not (options.get("pipe_ignore") or previous.options.get("pipe_ignore"))
        try:
            if not piped:
                _check.check_call(actor.fn, *args, **kwargs)
            elif not _dispatches_on_type(actor.fn):
                # The result's value is unknown: only its place counts (value checking leaves it alone).
                _check.check_call(actor.fn, *args, _binding.UNKNOWN_VALUE, **kwargs)
        except TypeError as error:
            where = f"step {step} of the pipeline"
            if piped:
                where += ", given the previous step's result as its last positional argument"
            raise MessageRefused(f"{error} ({where})") from None
        previous, target, step = actor, options.get("pipe_target"), step + 1


def _dispatches_on_type(fn: Any) -> bool:
    """Whether ``fn`` is a ``singledispatch`` function, whose parameters depend on an argument's type."""
    fn = getattr(fn, "__func__", fn)
    return callable(getattr(fn, "register", None)) and hasattr(fn, "dispatch")


def _actor(broker: dramatiq.Broker, name: str) -> dramatiq.Actor[Any, Any] | None:
    try:
        return broker.get_actor(name)
    except ActorNotFound:
        return None  # sent by name to an actor declared elsewhere


def _messages(children: Iterable[Any]) -> Iterable[dramatiq.Message[Any]]:
    """The messages a group enqueues: its own, and the first of each pipeline (which carries the rest)."""
    for child in children:
        if isinstance(child, dramatiq.group):
            yield from _messages(child.children)
        elif isinstance(child, dramatiq.pipeline):
            yield from child.messages[:1]
        else:
            yield child
