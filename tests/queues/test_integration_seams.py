"""What the integrations share with the rest of bgtyped: a lazy import, and the check in ``bgtyped._check``."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import dramatiq
import pytest
import redis
from bgtyped_queue_tasks import add
from dramatiq.brokers.stub import StubBroker

import bgtyped
import bgtyped._check
from bgtyped.dramatiq import CheckArguments, MessageRefused
from bgtyped.rq import Queue


def test_import_bgtyped_loads_no_task_queue() -> None:
    script = (
        "import sys, bgtyped; bgtyped.check_call(print, 1)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'rq', 'dramatiq', 'redis'}))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_check_switched_in_bgtyped_check_reaches_both(monkeypatch: pytest.MonkeyPatch) -> None:
    # A stricter check (of values, say) replaces `bgtyped._check.check_arguments` at run time.
    def stricter(func: Any, args: tuple[Any, ...], kwargs: dict[str, Any], api: str = "add_task") -> bool:
        raise TypeError(f"{func.__name__}: switched check refused {args}")

    monkeypatch.setattr(bgtyped._check, "check_arguments", stricter)
    queue = Queue(connection=redis.Redis(port=1))  # never reached: the check comes first
    with pytest.raises(TypeError, match=r"^add: switched check refused \(1, 2\)$"):
        queue.enqueue(add, 1, 2)
    broker = StubBroker()
    broker.add_middleware(CheckArguments())
    actor = dramatiq.actor(add, broker=broker)
    with pytest.raises(MessageRefused, match=r"^add: switched check refused \(1, 2\)$"):
        actor.send(1, 2)
    assert broker.queues["default"].qsize() == 0


def test_with_value_checking_a_pipeline_step_is_not_judged_by_the_result_it_has_not_got() -> None:
    # The previous step's result is known only on the worker: its place is bound, its value never checked.
    broker = StubBroker()
    broker.add_middleware(CheckArguments())

    def total(x: int, y: int) -> int:
        return x + y

    def double(x: int) -> int:
        return 2 * x

    add_actor = dramatiq.actor(total, broker=broker)
    double_actor = dramatiq.actor(double, broker=broker)
    previous = bgtyped.check_types(True)
    try:
        dramatiq.pipeline([add_actor.message(1, 2), double_actor.message()], broker=broker).run()
        assert broker.queues["default"].qsize() == 1
        with pytest.raises(
            MessageRefused, match=r"<locals>.double\(\) takes 1 positional argument but 2 were given"
        ):
            dramatiq.pipeline([add_actor.message(1, 2), double_actor.message(5)], broker=broker).run()
        ignored = double_actor.message_with_options(args=("5",), pipe_ignore=True)
        with pytest.raises(
            MessageRefused, match=r"<locals>.double\(\) argument 'x' must be int, got str: '5'"
        ):
            dramatiq.pipeline([add_actor.message(1, 2), ignored], broker=broker).run()
        assert broker.queues["default"].qsize() == 1
    finally:
        bgtyped.check_types(previous)
