"""Where a scheduler's result is used, mypy with the plugin reports what mypy alone reports, under its code.

Generated calls assign a scheduler's result to a variable of a declared type, or schedule a lambda that takes
the scheduled arguments (`fuzzlib/parity.py`). mypy solves such a result from the type context first, and
infers the lambda's parameters from the arguments; the plugin must do the same, so that the same mistake keeps
plain mypy's error and code on the same line, and an ignore comment written for it keeps applying.
``BGTYPED_FUZZ_CALLS`` scales this run too (a tenth of the differential run's calls).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bgtyped_fuzzlib.parity import ParityResult, ResultCase, compare_parity, result_batches
from bgtyped_fuzzlib.settings import CALLS, fuzz_settings
from bgtyped_fuzzlib.verdicts import add_counts
from hypothesis import given

BATCH_SIZE = 100


@pytest.mark.slow
def test_the_plugin_keeps_mypys_errors_on_used_results_and_lambdas(tmp_path: Path, mypy_cache: Path) -> None:
    totals = ParityResult()

    @fuzz_settings(max(1, CALLS // 10 // BATCH_SIZE))
    @given(result_batches(BATCH_SIZE))
    def check_batch(batch: list[ResultCase]) -> None:
        add_counts(totals, compare_parity(batch, tmp_path, mypy_cache))

    check_batch()
    print(
        f"\n{totals.calls} calls ({totals.lambdas} through a lambda), {totals.context_errors} with an error of "
        f"plain mypy; {totals.same} without a mistake of the plugin's own, {totals.own} with one; "
        f"{len(totals.disagreements)} disagree"
    )
    assert not totals.unexpected, "\n".join(totals.unexpected[:5])
    assert totals.calls >= CALLS // 10
    assert totals.context_errors > 0 and totals.lambdas > 0
    assert not totals.disagreements, (
        f"{len(totals.disagreements)} calls where the plugin changes plain mypy's codes:\n"
        + "\n".join(totals.disagreements[:10])
    )
