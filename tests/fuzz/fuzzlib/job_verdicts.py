"""The two verdicts on a job named by a string: mypy's with the plugin, and the worker's as the library runs it.

The runtime side is the libraries themselves against a real Redis server: every call of a batch is made as
written, on arq's ``ArqRedis`` and on a saq ``RedisQueue``; then a real worker of each library, built from
the worker module's own settings, runs in burst mode until its queue is empty, and each job's outcome is read
back from Redis (arq's job result, saq's job status). saq's queue stores jobs with pickle rather than JSON:
what a value is is judged, not whether JSON can carry it.

A call is correct when the job is enqueued, the worker finds it, it completes, every value it received fits
its parameter's annotation, and no keyword the call gives for one of its parameters was kept by the library
as an option of its own (the job never received it).
"""

from __future__ import annotations

import asyncio
import logging
import pickle
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import redis.asyncio
import saq
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.jobs import Job as ArqJob
from arq.worker import Worker as ArqWorker
from saq.job import Job as SaqJob
from saq.job import Status
from saq.queue.redis import RedisQueue
from saq.worker import Worker as SaqWorker

from .jobs import JOBS_CONFIG, WORKER_MODULE, JobCase, JobModules, Library, render_jobs
from .model import Kind
from .tally import WorkerResult, tally, unexpected_output
from .verdicts import ACCEPTED, RuntimeVerdict, fresh_namespace, misfit, run_mypy


def compare_jobs(cases: Sequence[JobCase], workdir: Path, cache_dir: Path, redis_url: str) -> WorkerResult:
    """Both verdicts on every call, from one mypy run on the two modules and one run of the workers."""
    modules = render_jobs(cases)
    run = run_mypy(modules.caller, workdir, cache_dir, JOBS_CONFIG, (WORKER_MODULE, modules.worker))
    result = WorkerResult(
        calls=len(cases), unexpected=unexpected_output(run, modules.call_lines, _show(modules))
    )
    if run.crashed or run.stray:
        return result
    with _quiet_workers():
        verdicts = asyncio.run(_runtime_verdicts(cases, modules, redis_url))

    def describe(case: JobCase, index: int, static: str) -> str:
        name = modules.names[index]
        return (
            f"--- {case.library.value}: a job listed as {case.listing.value}\n"
            f"{case.render_definition(name)}\n    listed: {case.render_listing(name)}\n"
            f"{case.render_call(name)}\n    mypy + plugin: {static}\n"
        )

    tally(result, cases, modules.call_lines, run, verdicts, JobCase.shapes, describe)
    return result


@contextmanager
def _quiet_workers() -> Iterator[None]:
    """The workers log every job, and a failed job's traceback: the verdicts say what failed."""
    loggers = [logging.getLogger(name) for name in ("arq", "saq")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


async def _runtime_verdicts(
    cases: Sequence[JobCase], modules: JobModules, redis_url: str
) -> list[RuntimeVerdict]:
    namespace = fresh_namespace(modules.worker)
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    client = redis.asyncio.Redis.from_url(redis_url)
    queue = RedisQueue(client, dump=pickle.dumps, load=pickle.loads)
    try:
        await pool.flushdb()
        await queue.connect()
        # A worker sweeps its queue when it starts, and would abort a job it dequeues at that moment: a sweep
        # now holds the sweep's lock (a minute) for the batch.
        await queue.sweep()
        caller = {"redis": pool, "queue": queue, "saq": saq}
        enqueued = [
            await _enqueue(case.render_call(name), caller)
            for case, name in zip(cases, modules.names, strict=True)
        ]
        await _run_workers(namespace, pool, queue)
        verdicts = [await _outcome(case, job, queue) for case, job in zip(cases, enqueued, strict=True)]
        # The function a Job built in place names is not known where it is enqueued: no type says why it fails.
        return [replace(v, knowable=False) if c.built else v for c, v in zip(cases, verdicts, strict=True)]
    finally:
        await queue.disconnect()
        await pool.aclose()


async def _enqueue(call: str, caller: dict[str, Any]) -> ArqJob | SaqJob | str:
    """The call, awaited as written: the library's job, or why nothing was enqueued."""
    try:
        job = await eval(call.removeprefix("await "), caller)
    except Exception as error:  # whatever the library raises refuses the call
        return f"the call raised {type(error).__name__}: {error}"
    return "nothing enqueued: a job of the same id exists" if job is None else job


async def _run_workers(namespace: dict[str, Any], pool: ArqRedis, queue: RedisQueue) -> None:
    """A worker of each library from the worker module's settings, until its queue is empty."""
    functions = namespace["WorkerSettings"].functions
    if functions:  # arq refuses to start a worker without functions
        arq_worker = ArqWorker(
            functions, redis_pool=pool, burst=True, handle_signals=False, poll_delay=0.01, max_jobs=1000
        )
        await arq_worker.async_run()
    saq_worker = SaqWorker(
        queue, namespace["SAQ_SETTINGS"]["functions"], burst=True, dequeue_timeout=0.01, concurrency=50
    )
    try:
        await saq_worker.start()
    finally:
        saq_worker.pool.shutdown()


# A job the burst worker left in another state was never judged: the run is wrong, not the call.
_FINISHED = frozenset({Status.COMPLETE, Status.FAILED, Status.ABORTED})


async def _outcome(case: JobCase, job: ArqJob | SaqJob | str, queue: RedisQueue) -> RuntimeVerdict:
    if isinstance(job, str):
        return RuntimeVerdict(False, job)
    if isinstance(job, ArqJob):
        info = await job.result_info()
        if info is None:
            return RuntimeVerdict(False, "the worker did not run the job", consistent=False)
        if not info.success:
            return RuntimeVerdict(False, f"the job failed: {info.result!r}")
        args, kwargs = info.args, info.kwargs
    else:
        await job.refresh()
        if job.status is Status.QUEUED and job.attempts and job.error:
            # It failed, and is queued again for the retries it was given: they run the same call.
            last = job.error.strip().splitlines()[-1:] or [""]
            return RuntimeVerdict(False, f"the job failed, and waits for a retry: {last[0]}")
        if job.status not in _FINISHED:
            return RuntimeVerdict(False, f"the worker left the job {job.status.value}", consistent=False)
        if job.status is not Status.COMPLETE:
            last = (job.error or "").strip().splitlines()[-1:] or ["no error recorded"]
            return RuntimeVerdict(False, f"the job ended {job.status.value}: {last[0]}")
        args, kwargs = (), job.kwargs or {}
    method = "enqueue_job" if case.library is Library.ARQ else "enqueue"
    reason = _taken(case, method, kwargs) or misfit(case.signature, tuple(args), kwargs) or ACCEPTED
    return RuntimeVerdict(reason == ACCEPTED, reason)


def _taken(case: JobCase, method: str, received: dict[str, Any]) -> str | None:
    """A keyword the call gives for a parameter of the job, which the library kept as its own option."""
    parameters = {
        p.name for p in case.signature.parameters if p.kind in (Kind.POSITIONAL_OR_KEYWORD, Kind.KEYWORD_ONLY)
    }
    for argument in (*case.arguments, *case.options):
        if argument.name in parameters and argument.name not in received:
            return f"{method} took {argument.name}= as its own option: the job's parameter never receives it"
    return None


def _show(modules: JobModules) -> str:
    return f"--- {WORKER_MODULE}.py:\n{modules.worker}--- caller:\n{modules.caller}"
