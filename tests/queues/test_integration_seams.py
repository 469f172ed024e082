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
