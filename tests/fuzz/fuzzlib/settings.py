"""How much to generate, and hypothesis' settings for tests whose every example costs a mypy run.

``BGTYPED_FUZZ_CALLS=20000`` (any number) sets how many calls the differential test generates (default
4,000; the never-crash test takes a third of that); ``BGTYPED_FUZZ_SEED=<int>`` replaces the fixed seed
of the default run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import HealthCheck, Phase, seed, settings

DEFAULT_CALLS = 4000
CALLS = int(os.environ.get("BGTYPED_FUZZ_CALLS", DEFAULT_CALLS))
SEED = os.environ.get("BGTYPED_FUZZ_SEED")

F = TypeVar("F", bound=Callable[..., Any])


def fuzz_settings(examples: int) -> Callable[[F], F]:
    """No shrinking (a disagreement is reduced by `reduce`, one mypy run per round), no deadline.

    The default run is derandomized, so CI sees the same calls every time; a seed or a larger run explores.
    """
    configured = settings(
        max_examples=examples,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        database=None,
        derandomize=SEED is None and CALLS <= DEFAULT_CALLS,
        suppress_health_check=list(HealthCheck),
    )

    def decorate(test: F) -> F:
        test = configured(test)
        return seed(int(SEED))(test) if SEED is not None else test

    return decorate
