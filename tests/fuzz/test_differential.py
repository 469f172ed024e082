"""The plugin's verdict equals the runtime's on generated scheduling calls.

Each hypothesis example is one batch of calls rendered into one module: mypy with the plugin type-checks it
once (an error on a call's line is a static rejection), and the same module is executed, every call as
written, through the real schedulers (bgtyped's, Starlette's and FastAPI's, whose deferred tasks are run):
a call is correct at run time when it binds and every value fits its parameter's annotation by the typing
spec's rules. Every call must get the same verdict from both; a disagreement is reduced to a minimal
reproducer. ``BGTYPED_FUZZ_CALLS`` and ``BGTYPED_FUZZ_SEED``: see ``fuzzlib/settings.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bgtyped_fuzzlib.dask_calls import DaskCase, compare_dask, dask_batches
from bgtyped_fuzzlib.deferred import DeferCase, compare_deferred, deferred_batches
from bgtyped_fuzzlib.job_verdicts import compare_jobs
from bgtyped_fuzzlib.jobs import JobCase, job_batches
from bgtyped_fuzzlib.model import Case
from bgtyped_fuzzlib.reduce import reduce
from bgtyped_fuzzlib.settings import CALLS, fuzz_settings
from bgtyped_fuzzlib.strategies import MYPY_VERSION, batches
from bgtyped_fuzzlib.tally import WorkerResult
from bgtyped_fuzzlib.verdicts import BatchResult, Disagreement, add_counts, compare
from hypothesis import given

BATCH_SIZE = 200
# Jobs named by a string (arq, saq): a tenth as many calls, checked under settings of their own.
JOB_CALLS = max(CALLS // 10, BATCH_SIZE)
# procrastinate's defer, which drops positional arguments: a twentieth as many.
DEFERRED_CALLS = max(CALLS // 20, BATCH_SIZE)
# Dask's submit, whose options are keywords of its own: a twentieth as many.
DASK_CALLS = max(CALLS // 20, BATCH_SIZE)


@pytest.mark.slow
def test_plugin_verdict_equals_runtime_verdict(tmp_path: Path, mypy_cache: Path) -> None:
    totals = BatchResult()

    @fuzz_settings(-(-CALLS // BATCH_SIZE))
    @given(batches(BATCH_SIZE))
    def check_batch(batch: list[Case]) -> None:
        add_counts(totals, compare(batch, tmp_path, mypy_cache))

    check_batch()
    print(
        f"\n{totals.calls} calls: {totals.calls - len(totals.disagreements)} agree, "
        f"{len(totals.disagreements)} disagree; mypy accepted {totals.static_accepted}, "
        f"the runtime accepted {totals.runtime_accepted}; {totals.unknowable} rejected at run time for a "
        "reason no type says (untyped decorator, singledispatch implementation, packed value of unknown shape, "
        "`Any` result, a callback protocol's function async) were accepted"
    )
    for shape, count in sorted(totals.shapes.items()):
        print(f"  {count:6} {shape}")
    assert not totals.unexpected, "\n".join(totals.unexpected[:5])
    assert not totals.runtime_inconsistencies, "\n".join(totals.runtime_inconsistencies[:10])
    assert totals.calls >= CALLS
    if totals.disagreements:
        pytest.fail(_report(totals.disagreements, tmp_path / "reduce", mypy_cache))


@pytest.mark.slow
def test_plugin_verdict_equals_worker_verdict_on_named_jobs(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, redis_url: str
) -> None:
    # The worker settings are plugin settings: a cache of its own keeps the other tests' cache valid.
    cache = tmp_path_factory.mktemp("mypy-cache-jobs")
    totals = WorkerResult()

    @fuzz_settings(-(-JOB_CALLS // BATCH_SIZE))
    @given(job_batches(BATCH_SIZE))
    def check_batch(batch: list[JobCase]) -> None:
        add_counts(totals, compare_jobs(batch, tmp_path, cache, redis_url))

    check_batch()
    _check_worker_totals(totals, JOB_CALLS, "calls of jobs named by a string (arq, saq)")


@pytest.mark.slow
def test_plugin_verdict_equals_worker_verdict_on_deferred_jobs(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, mypy_cache: Path
) -> None:
    totals = WorkerResult()

    @fuzz_settings(-(-DEFERRED_CALLS // BATCH_SIZE))
    @given(deferred_batches(BATCH_SIZE))
    def check_batch(batch: list[DeferCase]) -> None:
        # mypy before 2.4 crashes on procrastinate's types read from its cache: a cold cache for each batch.
        cache = mypy_cache if MYPY_VERSION >= (2, 4) else tmp_path_factory.mktemp("mypy-cache-deferred")
        add_counts(totals, compare_deferred(batch, tmp_path, cache))

    check_batch()
    _check_worker_totals(totals, DEFERRED_CALLS, "procrastinate defer_async calls")


@pytest.mark.slow
def test_plugin_verdict_equals_worker_verdict_on_dask_options(tmp_path: Path, mypy_cache: Path) -> None:
    totals = WorkerResult()

    @fuzz_settings(-(-DASK_CALLS // BATCH_SIZE))
    @given(dask_batches(BATCH_SIZE))
    def check_batch(batch: list[DaskCase]) -> None:
        add_counts(totals, compare_dask(batch, tmp_path, mypy_cache))

    check_batch()
    _check_worker_totals(totals, DASK_CALLS, "Dask submit calls")


def _check_worker_totals(totals: WorkerResult, minimum: int, what: str) -> None:
    print(totals.summary(what))
    for shape, count in sorted(totals.shapes.items()):
        print(f"  {count:6} {shape}")
    assert not totals.unexpected, "\n".join(totals.unexpected[:3])
    assert totals.calls >= minimum
    assert not totals.disagreements, (
        f"{len(totals.disagreements)} calls where mypy with the plugin and the worker disagree; the first "
        "ones:\n" + "\n".join(totals.disagreements[:12])
    )


def _report(disagreements: list[Disagreement], workdir: Path, cache: Path) -> str:
    reproducers: dict[str, int] = {}
    for disagreement in disagreements[:12]:
        text = reduce(disagreement, workdir, cache).describe()
        reproducers[text] = reproducers.get(text, 0) + 1
    return (
        f"{len(disagreements)} calls where mypy with the plugin and the runtime disagree; minimal "
        "reproducers of the first ones:\n" + "\n".join(reproducers)
    )
