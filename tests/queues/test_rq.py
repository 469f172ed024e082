"""``bgtyped.rq.Queue`` against a real Redis server and a real RQ worker.

Each path of enqueuing: a correct job is stored and run to completion by a ``SimpleWorker`` in burst mode;
a wrong one raises ``TypeError`` in the caller and the queue (and the scheduled jobs' registry) keeps its
length. A plain ``rq.Queue`` is the control: the same wrong call is stored and fails on the worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
import rq
from bgtyped_queue_tasks import Thumbnailer, add, area, resize, tick
from redis import Redis
from rq.decorators import job
from rq.group import Group
from rq.job import JobStatus

from bgtyped.rq import Queue

if TYPE_CHECKING:
    from conftest import Summary

pytestmark = pytest.mark.slow


@pytest.fixture
def connection(redis_url: str) -> Iterator[Redis]:
    client = Redis.from_url(redis_url + "/0")
    client.flushdb()
    yield client
    client.close()


@pytest.fixture
def queue(connection: Redis) -> Queue:
    return Queue("images", connection=connection)


def run_all(queue: rq.Queue) -> None:
    """Run every job of the queue, the scheduled ones that are due included, then return."""
    worker = rq.SimpleWorker([queue], connection=queue.connection)
    worker.work(burst=True, with_scheduler=True)


def refused(
    queue: rq.Queue,
    enqueue: Callable[[], object],
    message: str,
    summary: Summary | None = None,
    call: str = "",
) -> None:
    """``enqueue()`` raises TypeError with ``message`` and adds nothing, queued or scheduled."""
    before = (len(queue), queue.scheduled_job_registry.count)
    with pytest.raises(TypeError) as raised:
        enqueue()
    assert str(raised.value) == message
    after = (len(queue), queue.scheduled_job_registry.count)
    assert after == before
    if summary is not None:
        counts = f"queued {before[0]} -> {after[0]}, scheduled {before[1]} -> {after[1]}"
        summary.add("rq", call, f"refused, {type(raised.value).__name__}: {raised.value} ({counts})")


def ran(summary: Summary, call: str, job: rq.job.Job) -> None:
    summary.add("rq", call, f"ran on the worker: {job.get_status()}, returned {job.return_value()!r}")


def finished(job: rq.job.Job) -> Any:
    job.refresh()
    assert job.get_status() == JobStatus.FINISHED, job.latest_result()
    return job.return_value()


MISSING_WIDTH = "resize() missing 1 required positional argument: 'width'"


def test_enqueue_positional_and_keyword_arguments(queue: Queue, summary: Summary) -> None:
    good = queue.enqueue(resize, "a.png", 300, keep_ratio=False, job_timeout=30, description="thumb")
    options_only = queue.enqueue(tick, job_id="tick-1", meta={"by": "test"}, result_ttl=60)
    assert len(queue) == 2
    refused(queue, lambda: queue.enqueue(resize, "a.png"), MISSING_WIDTH, summary, 'enqueue(resize, "a.png")')
    refused(
        queue,
        lambda: queue.enqueue(resize, "a.png", 300, keep=True),
        "resize() got an unexpected keyword argument 'keep'",
    )
    refused(queue, lambda: queue.enqueue(add, 1, 2, 3), "add() takes 2 positional arguments but 3 were given")
    refused(
        queue,
        lambda: queue.enqueue(tick, 1, job_id="tick-2"),
        "tick() takes 0 positional arguments but 1 was given",
    )
    run_all(queue)
    assert finished(good) == "a.png@300!"
    assert finished(options_only) == "tick"
    assert good.timeout == 30 and options_only.id == "tick-1"
    ran(summary, 'enqueue(resize, "a.png", 300, keep_ratio=False, job_timeout=30)', good)


def test_enqueue_with_args_and_kwargs_keywords(queue: Queue, summary: Summary) -> None:
    good = queue.enqueue(resize, args=("a.png",), kwargs={"width": 120}, description="packed")
    refused(queue, lambda: queue.enqueue(resize, args=("a.png",)), MISSING_WIDTH)
    refused(
        queue,
        lambda: queue.enqueue(resize, args=("a.png", 120), keep_ratio=False),
        "enqueue() given args= or kwargs= passes the task nothing else: keep_ratio would be dropped; "
        "put them into kwargs=",
        summary,
        'enqueue(resize, args=("a.png", 120), keep_ratio=False)',
    )
    with pytest.raises(TypeError, match=r"either positionally or in args=/kwargs=, not both"):
        queue.enqueue(resize, "a.png", kwargs={"width": 120})
    assert len(queue) == 1
    run_all(queue)
    assert finished(good) == "a.png@120"


def test_enqueue_call(queue: Queue, summary: Summary) -> None:
    good = queue.enqueue_call(resize, args=("a.png", 64), timeout=30)
    call = 'enqueue_call(resize, args=("a.png",), kwargs={"keep_ratio": True})'
    refused(
        queue,
        lambda: queue.enqueue_call(resize, args=("a.png",), kwargs={"keep_ratio": True}),
        MISSING_WIDTH,
        summary,
        call,
    )
    run_all(queue)
    assert finished(good) == "a.png@64"
    ran(summary, 'enqueue_call(resize, args=("a.png", 64), timeout=30)', good)


def test_enqueue_at_and_enqueue_in(queue: Queue, summary: Summary) -> None:
    due = datetime.now(UTC) - timedelta(seconds=1)
    at = queue.enqueue_at(due, resize, "a.png", width=10)
    later = queue.enqueue_in(timedelta(seconds=-1), add, 2, y=3)
    assert queue.scheduled_job_registry.count == 2
    refused(
        queue,
        lambda: queue.enqueue_at(due, resize, "a.png", widht=10),
        "resize() got an unexpected keyword argument 'widht'",
    )
    refused(
        queue,
        lambda: queue.enqueue_in(timedelta(seconds=-1), add, 2),
        "add() missing 1 required positional argument: 'y'",
        summary,
        "enqueue_in(timedelta(seconds=-1), add, 2)",
    )
    refused(
        queue,
        lambda: queue.enqueue_in(timedelta(seconds=-1), add, kwargs={"x": 1, "y": 2}, z=3),
        "enqueue_in() given args= or kwargs= passes the task nothing else: z would be dropped; put them into kwargs=",
    )
    run_all(queue)
    assert finished(at) == "a.png@10"
    assert finished(later) == 5
    ran(summary, "enqueue_in(timedelta(seconds=-1), add, 2, y=3)", later)


def test_enqueue_many_checks_every_job_before_any(queue: Queue, summary: Summary) -> None:
    jobs = queue.enqueue_many(
        [Queue.prepare_data(add, (1, 2)), Queue.prepare_data(resize, ("b.png",), {"width": 5}, job_id="b")]
    )
    assert len(queue) == 2
    wrong = [Queue.prepare_data(add, (1, 2)), Queue.prepare_data(resize, ("c.png",))]
    call = 'enqueue_many([prepare_data(add, (1, 2)), prepare_data(resize, ("c.png",))])'
    refused(queue, lambda: queue.enqueue_many(wrong), MISSING_WIDTH, summary, call)
    # RQ's groups enqueue through the queue's enqueue_many, with a pipeline of their own.
    group = Group.create(connection=queue.connection)
    grouped = group.enqueue_many(queue, [Queue.prepare_data(add, (5, 6))])
    refused(queue, lambda: group.enqueue_many(queue, wrong), MISSING_WIDTH)
    run_all(queue)
    assert [finished(job) for job in jobs + grouped] == [3, "b.png@5", 11]


def test_bound_method(queue: Queue) -> None:
    good = queue.enqueue(Thumbnailer("thumbs").make, "a.png", 8)
    refused(
        queue,
        lambda: queue.enqueue(Thumbnailer("thumbs").make, "a.png"),
        "Thumbnailer.make() missing 1 required positional argument: 'width'",
    )
    run_all(queue)
    assert finished(good) == "thumbs/a.png@8"


def test_job_decorator_with_a_bgtyped_queue(queue: Queue, connection: Redis, summary: Summary) -> None:
    # RQ's decorator returns the function itself, with an `enqueue` attribute for the queue it was given.
    given_queue = job(queue, connection=connection)(area)
    good = given_queue.enqueue(2, height=3)
    message = "area() missing 1 required positional argument: 'height'"
    refused(queue, lambda: given_queue.enqueue(2), message, summary, "@job(queue) area.enqueue(2)")
    by_name = job("images", connection=connection, queue_class=Queue)(area)
    second = by_name.enqueue(4, 5, job_id="area-2")
    message = "area() takes 2 positional arguments but 3 were given"
    call = '@job("images", queue_class=Queue) area.enqueue(4, 5, 6)'
    refused(queue, lambda: by_name.enqueue(4, 5, 6), message, summary, call)
    # Given a queue name and no queue_class, RQ's decorator makes a plain rq.Queue: nothing is checked.
    unchecked = job("images", connection=connection)(area)
    unchecked.enqueue(4)
    assert len(queue) == 3
    run_all(queue)
    assert finished(good) == 6 and finished(second) == 20
    ran(summary, "@job(queue) area.enqueue(2, height=3)", good)


def test_a_function_named_by_a_string_is_not_checked(queue: Queue, summary: Summary) -> None:
    stored = queue.enqueue("bgtyped_queue_tasks.resize", "a.png")
    assert len(queue) == 1
    run_all(queue)
    stored.refresh()
    assert stored.get_status() == JobStatus.FAILED
    assert (
        "TypeError: resize() missing 1 required positional argument: 'width'"
        in stored.latest_result().exc_string
    )
    failure = stored.latest_result().exc_string.strip().splitlines()[-1]
    summary.add(
        "rq",
        'enqueue("bgtyped_queue_tasks.resize", "a.png")',
        f"not checked, queued 0 -> 1; worker: {failure}",
    )


def test_plain_rq_queue_stores_the_wrong_call_and_the_worker_fails(
    connection: Redis, summary: Summary
) -> None:
    plain = rq.Queue("images", connection=connection)
    stored = plain.enqueue(resize, "a.png")
    assert len(plain) == 1
    run_all(plain)
    stored.refresh()
    assert stored.get_status() == JobStatus.FAILED
    assert f"TypeError: {MISSING_WIDTH}" in stored.latest_result().exc_string
    failure = stored.latest_result().exc_string.strip().splitlines()[-1]
    summary.add("rq", 'rq.Queue (control): enqueue(resize, "a.png")', f"queued 0 -> 1; worker: {failure}")
