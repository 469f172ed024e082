"""mypy never crashes with the plugin loaded, and odd targets that the runtime accepts are not flagged.

The odd shapes (``fuzzlib/odd.py``): decorators returning ``Any`` or keeping the signature by ParamSpec or
``functools.wraps``, partials and partials of partials, lambdas, overloads, generic functions and classes,
``*args: *Ts``, recursive aliases, callback protocols, ``Callable[..., None]``, unbound methods,
``**kwargs: Unpack[TypedDict]``, star-unpacking of unknown length (``*xs``, ``**dict[str, Any]``, ``*Any``),
schedulers scheduled, unions, ``type[C]``, the target itself unpacked, coroutines passed instead of functions.

``BGTYPED_FUZZ_CALLS`` scales this run too (a third of the differential run's calls).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bgtyped_fuzzlib.odd import OddCase, OddResult, check_odd_batch, odd_batches
from bgtyped_fuzzlib.settings import CALLS, fuzz_settings
from bgtyped_fuzzlib.verdicts import add_counts
from hypothesis import given

BATCH_SIZE = 120


@pytest.mark.slow
def test_mypy_never_crashes_and_correct_odd_calls_pass(tmp_path: Path, mypy_cache: Path) -> None:
    totals = OddResult()

    @fuzz_settings(max(1, CALLS // 3 // BATCH_SIZE))
    @given(odd_batches(BATCH_SIZE))
    def check_batch(batch: list[OddCase]) -> None:
        add_counts(totals, check_odd_batch(batch, tmp_path, mypy_cache))

    check_batch()
    print(
        f"\n{totals.calls} odd calls in {len(totals.by_shape)} shapes; {totals.judged} judged, "
        f"{totals.runtime_accepted} accepted at run time; flagged although correct: "
        f"{len(totals.flagged_correct)}; wrong but not flagged (allowed here): {len(totals.missed)}"
    )
    assert not totals.crashes, "mypy crashed with the plugin loaded:\n" + totals.crashes[0]
    assert not totals.flagged_correct, f"{len(totals.flagged_correct)} correct calls flagged:\n" + "\n".join(
        totals.flagged_correct[:8]
    )
