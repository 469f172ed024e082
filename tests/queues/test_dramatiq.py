"""``bgtyped.dramatiq.CheckArguments`` against a real Redis server and a real dramatiq worker.

Each way of sending: a correct message is enqueued on the ``RedisBroker``, run by a ``dramatiq.Worker`` and
its result read back; a wrong one raises ``MessageRefused`` (a ``TypeError``) in the sender and the queue
keeps its length. A broker without the middleware is the control: the same message is stored and fails on
the worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import dramatiq
import pytest
import redis
from bgtyped_queue_tasks import add, describe, double, resize, tick
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import MiddlewareError
from dramatiq.results import ResultFailure, Results
from dramatiq.results.backends.redis import RedisBackend

from bgtyped.dramatiq import CheckArguments, MessageRefused
from bgtyped.dramatiq import group as checked_group

if TYPE_CHECKING:
    from conftest import Summary

pytestmark = pytest.mark.slow

QUEUE = "images"


class Actors:
    """The tasks of tasks.py as actors of one broker, storing their results, never retried."""

    def __init__(self, broker: dramatiq.Broker) -> None:
        def declare(fn: Callable[..., Any]) -> dramatiq.Actor[Any, Any]:
            return dramatiq.actor(fn, broker=broker, queue_name=QUEUE, store_results=True, max_retries=0)

        self.resize = declare(resize)
        self.add = declare(add)
        self.double = declare(double)
        self.tick = declare(tick)
        self.describe = declare(describe)

        def fan_out(n: int) -> int:
            self.double.send(n, n)  # a wrong send made by an actor, on the worker
            return n

        self.fan_out = declare(fan_out)


def make_broker(redis_url: str, *, checked: bool) -> Iterator[tuple[RedisBroker, Actors]]:
    url = redis_url + "/1"
    redis.Redis.from_url(url).flushdb()
    broker = RedisBroker(url=url)
    broker.add_middleware(Results(backend=RedisBackend(url=url)))
    if checked:
        broker.add_middleware(CheckArguments())
    dramatiq.set_broker(broker)
    broker.declare_queue(QUEUE)
    yield broker, Actors(broker)
    broker.close()


@pytest.fixture
def checked(redis_url: str) -> Iterator[tuple[RedisBroker, Actors]]:
    yield from make_broker(redis_url, checked=True)


@pytest.fixture
def unchecked(redis_url: str) -> Iterator[tuple[RedisBroker, Actors]]:
    yield from make_broker(redis_url, checked=False)


def run_all(broker: dramatiq.Broker) -> None:
    """Start a worker, wait until the queue is empty and its work is done, and stop it."""
    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=50)
    worker.start()
    try:
        broker.join(QUEUE, timeout=20_000)
        worker.join()
    finally:
        worker.stop()


def refused(
    broker: RedisBroker,
    send: Callable[[], object],
    message: str,
    summary: Summary | None = None,
    call: str = "",
) -> None:
    """``send()`` raises MessageRefused with ``message`` and leaves the queue's length as it was."""
    before = broker.do_qsize(QUEUE)
    with pytest.raises(MessageRefused) as raised:
        send()
    assert isinstance(raised.value, TypeError) and isinstance(raised.value, MiddlewareError)
    assert str(raised.value) == message
    after = broker.do_qsize(QUEUE)
    assert after == before
    if summary is not None:
        summary.add(
            "dramatiq",
            call,
            f"refused, {type(raised.value).__name__}: {raised.value} (queue {before} -> {after})",
        )


def ran(summary: Summary, call: str, value: object) -> None:
    summary.add("dramatiq", call, f"ran on the worker, returned {value!r}")


def result(message: dramatiq.Message[Any]) -> Any:
    return message.get_result(block=True, timeout=10_000)


MISSING_WIDTH = "resize() missing 1 required positional argument: 'width'"


def test_send_and_send_with_options(checked: tuple[RedisBroker, Actors], summary: Summary) -> None:
    broker, actors = checked
    good = actors.resize.send("a.png", 300, keep_ratio=False)
    packed = actors.resize.send_with_options(args=("b.png",), kwargs={"width": 20}, delay=10, max_retries=0)
    assert broker.do_qsize(QUEUE) == 2
    refused(broker, lambda: actors.resize.send("a.png"), MISSING_WIDTH, summary, 'resize.send("a.png")')
    refused(broker, lambda: actors.add.send(1, 2, 3), "add() takes 2 positional arguments but 3 were given")
    refused(
        broker,
        lambda: actors.resize.send_with_options(args=("b.png",), kwargs={"widht": 20}, delay=10),
        "resize() got an unexpected keyword argument 'widht'",
        summary,
        'resize.send_with_options(args=("b.png",), kwargs={"widht": 20}, delay=10)',
    )
    refused(
        broker,
        lambda: actors.tick.send_with_options(args=(1,), time_limit=1000),
        "tick() takes 0 positional arguments but 1 was given",
    )
    run_all(broker)
    assert result(good) == "a.png@300!"
    assert result(packed) == "b.png@20"
    ran(summary, 'resize.send("a.png", 300, keep_ratio=False)', result(good))
    ran(summary, 'resize.send_with_options(args=("b.png",), kwargs={"width": 20}, delay=10)', result(packed))


def test_pipelines(checked: tuple[RedisBroker, Actors], summary: Summary) -> None:
    broker, actors = checked
    piped = dramatiq.pipeline([actors.add.message(1, 2), actors.double.message(), actors.add.message(10)])
    ignoring = actors.add.message(1, 2) | actors.resize.message_with_options(
        args=("c.png", 7), pipe_ignore=True
    )
    piped.run()
    ignoring.run()
    assert broker.do_qsize(QUEUE) == 2  # a pipeline enqueues its first message; the worker, the others
    refused(broker, lambda: (actors.resize.message("a.png") | actors.double.message()).run(), MISSING_WIDTH)
    refused(
        broker,
        lambda: (actors.add.message(1, 2) | actors.double.message(5)).run(),
        "double() takes 1 positional argument but 2 were given (step 2 of the pipeline, given the previous "
        "step's result as its last positional argument)",
        summary,
        "(add.message(1, 2) | double.message(5)).run()",
    )
    refused(
        broker,
        lambda: (
            actors.add.message(1, 2)
            | actors.double.message()
            | actors.resize.message_with_options(args=("c.png",), pipe_ignore=True)
        ).run(),
        f"{MISSING_WIDTH} (step 3 of the pipeline)",
        summary,
        '(add.message(1, 2) | double.message() | resize.message_with_options(args=("c.png",), pipe_ignore=True)).run()',
    )
    run_all(broker)
    assert piped.get_result(block=True, timeout=10_000) == 16
    assert ignoring.get_result(block=True, timeout=10_000) == "c.png@7"
    ran(summary, "pipeline([add.message(1, 2), double.message(), add.message(10)]).run()", piped.get_result())


def test_groups(checked: tuple[RedisBroker, Actors], summary: Summary) -> None:
    broker, actors = checked
    good = checked_group([actors.add.message(1, 2), actors.double.message(4) | actors.double.message()]).run()
    assert broker.do_qsize(QUEUE) == 2
    wrong = [actors.add.message(1, 2), actors.tick.message(), actors.double.message(1, 2)]
    message = "double() takes 1 positional argument but 2 were given"
    call = "bgtyped.dramatiq.group([add.message(1, 2), tick.message(), double.message(1, 2)]).run()"
    refused(broker, lambda: checked_group(wrong).run(), message, summary, call)
    refused(
        broker,
        lambda: checked_group([actors.tick.message(), checked_group([actors.add.message(1)])]).run(),
        "add() missing 1 required positional argument: 'y'",
    )
    # dramatiq's own group enqueues its messages one by one: those before the wrong one are already sent.
    with pytest.raises(MessageRefused) as raised:
        dramatiq.group(wrong).run()
    assert broker.do_qsize(QUEUE) == 4
    call = "dramatiq.group([add.message(1, 2), tick.message(), double.message(1, 2)]).run()"
    summary.add(
        "dramatiq", call, f"refused at its 3rd message, MessageRefused: {raised.value} (queue 2 -> 4)"
    )
    run_all(broker)
    results = list(good.get_results(block=True, timeout=10_000))
    assert results == [3, 16]
    ran(
        summary,
        "bgtyped.dramatiq.group([add.message(1, 2), double.message(4) | double.message()]).run()",
        results,
    )


def test_an_actor_sending_a_wrong_message_fails_on_the_worker(checked: tuple[RedisBroker, Actors]) -> None:
    broker, actors = checked
    sender = actors.fan_out.send(3)
    run_all(broker)
    with pytest.raises(ResultFailure) as failed:
        result(sender)
    assert failed.value.orig_exc_type == "MessageRefused"
    assert failed.value.orig_exc_msg == "double() takes 1 positional argument but 2 were given"
    assert broker.do_qsize(QUEUE) == 0


def test_a_pipeline_step_the_worker_enqueues_fails_as_its_own_message(
    checked: tuple[RedisBroker, Actors],
) -> None:
    # Which implementation of a singledispatch function takes the piped result depends on its type, unknown
    # when sent: not checked then. On the worker, the next step is enqueued, not refused (a refusal there
    # would only be logged, and the step lost): it fails as its own message, and its result says why.
    broker, actors = checked
    piped = (actors.add.message(1, 2) | actors.describe.message()).run()
    run_all(broker)
    with pytest.raises(ResultFailure) as failed:
        piped.get_result(block=True, timeout=10_000)
    assert (failed.value.orig_exc_type, failed.value.orig_exc_msg) == (
        "TypeError",
        "_() missing 1 required positional argument: 'unit'",
    )


def test_a_message_for_an_actor_declared_elsewhere_is_not_checked(
    checked: tuple[RedisBroker, Actors],
) -> None:
    broker, _ = checked
    broker.enqueue(
        dramatiq.Message(queue_name=QUEUE, actor_name="elsewhere", args=(1, 2, 3), kwargs={}, options={})
    )
    assert broker.do_qsize(QUEUE) == 1
    broker.flush(QUEUE)


def test_without_the_middleware_the_wrong_message_fails_on_the_worker(
    unchecked: tuple[RedisBroker, Actors], summary: Summary
) -> None:
    broker, actors = unchecked
    stored = actors.resize.send("a.png")
    assert broker.do_qsize(QUEUE) == 1
    run_all(broker)
    with pytest.raises(ResultFailure) as failed:
        result(stored)
    assert (failed.value.orig_exc_type, failed.value.orig_exc_msg) == ("TypeError", MISSING_WIDTH)
    worker_error = f"{failed.value.orig_exc_type}: {failed.value.orig_exc_msg}"
    summary.add(
        "dramatiq", 'no middleware (control): resize.send("a.png")', f"queue 0 -> 1; worker: {worker_error}"
    )
