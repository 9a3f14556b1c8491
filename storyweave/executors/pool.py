"""The default executor: a pool of local worker processes, past ``parallel_after`` inputs.

Small inputs are enriched in the calling process; the first inputs are held back until it is clear
which way to go, so that with a pool the calling process never loads the models the workers load
(hundreds of MB each).  Workers fork from a server that preloaded the read-mostly models once
(``storyweave.worker_preload``) and exit as soon as the process that owns the pool is gone.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import select
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from ..memory import release_free_memory
from ..settings import Settings
from .base import Enrichment, Input, Outcome, batches
from .inprocess import InProcessExecutor

_ORPHAN_CHECK_S = 1.0


class PoolExecutor:
    def __init__(self, enrichment: Enrichment, enricher: Any) -> None:
        self.enrichment = enrichment
        self.in_process = InProcessExecutor(enrichment, enricher)

    def enriched(self, docs: Iterable[Input]) -> Iterator[Outcome]:
        settings = self.enrichment.settings
        workers = worker_count(settings)
        iterator = iter(docs)
        held = list(itertools.islice(iterator, settings.parallel_after if workers > 1 else 0))
        if workers <= 1 or len(held) < settings.parallel_after:
            yield from self.in_process.enriched(itertools.chain(held, iterator))
            return
        yield from _enriched_in_pool(itertools.chain(held, iterator), self.enrichment, workers)

    def close(self) -> None:
        """Nothing to stop: each ``enriched`` call's pool ends with it."""


def start_early(settings: Settings, inputs: int | None) -> bool:
    """Start the server that workers fork from now, when ``inputs`` inputs will be enriched by a
    pool (whether it will is decided only after ``parallel_after`` of them were read): its preload,
    seconds of loading models, then runs while the caller builds its writer and store instead of
    after.  Whether it was started; the pool later uses it the same either way.  The caller's
    niceness at this moment is the server's and its workers'."""
    if (
        inputs is None
        or inputs < settings.parallel_after
        or worker_count(settings) <= 1
        or settings.executor != "pool"
        or "forkserver" not in multiprocessing.get_all_start_methods()
    ):
        return False
    from multiprocessing import forkserver

    _worker_context()  # names the preload module before the server starts
    forkserver.ensure_running()
    return True


def worker_count(settings: Settings) -> int:
    """How many worker processes a pool for ``settings`` runs."""
    return int(settings.workers) or min(os.cpu_count() or 1, 8)


def _enriched_in_pool(docs: Iterable[Input], enrichment: Enrichment, workers: int) -> Iterator[Outcome]:
    settings = enrichment.settings
    # Each pool's workers enrich about ``worker_recycle_articles`` inputs each, then the next pool's
    # fresh ones take over: a worker's caches and spaCy's vocabulary only ever grow, and a fork of the
    # preloaded server starts without them.  The pools do not overlap, so memory never holds both.
    per_pool = int(settings.worker_recycle_articles) * workers
    pending_batches = batches(docs, settings.enrich_batch)
    while (first := next(pending_batches, None)) is not None:
        yield from _one_pool(itertools.chain([first], pending_batches), enrichment, workers, per_pool)


def _one_pool(
    pending_batches: Iterator[list[Input]], work: Enrichment, workers: int, articles: int
) -> Iterator[Outcome]:
    """Enrich batches in a pool of ``workers`` processes until they hold ``articles`` inputs (0: all);
    the pool has stopped when this ends, and the rest of ``pending_batches`` is left unread."""
    # A bounded window of pending work keeps memory flat on endless inputs, and taking results in
    # submission order keeps the store deterministic.
    window = workers * 4  # deep enough that no worker idles while the writer stores a batch
    submitted = 0
    with ProcessPoolExecutor(
        workers, mp_context=_worker_context(), initializer=_start_worker, initargs=(work, os.getpid())
    ) as pool:
        pending: deque[Future[list[Outcome]]] = deque()
        for batch in pending_batches:
            pending.append(pool.submit(_enrich_in_worker, batch))
            submitted += len(batch)
            if len(pending) >= window:
                yield from pending.popleft().result()
            if articles and submitted >= articles:
                break
        while pending:
            yield from pending.popleft().result()


_worker: tuple[Any, Enrichment] | None = None


def _start_worker(work: Enrichment, owner: int) -> None:
    global _worker
    # Enrichment is batch work: a server answering readers on the same cores, and this pool's own
    # writer (which the workers can only run ahead of by a window), should get the CPU first.
    os.nice(max(0, min(19, int(work.settings.enrich_nice))))
    _worker = (work.make_enricher(work.settings), work)
    threading.Thread(target=_exit_when_orphaned, args=(owner,), name="orphan-watch", daemon=True).start()


def _exit_when_orphaned(owner: int) -> None:
    """Exit as soon as ``owner``, the process running the pool, is gone.

    A pool owner killed with SIGKILL cannot stop its pool: its workers would finish the batches in
    hand, then block forever writing results nobody reads, holding their models' memory.  The
    owner is watched itself, not this process's parent: workers forked by the fork server are the
    server's children, and the server lives as long as any worker does.
    """
    try:
        handle = os.pidfd_open(owner)  # Linux: readable once the owner has exited, zombie or not
    except (AttributeError, OSError):
        handle = None
    if handle is not None:
        select.select([handle], [], [])
    else:
        parent = os.getppid()
        while os.getppid() == parent and _process_exists(owner):
            time.sleep(_ORPHAN_CHECK_S)
    os._exit(1)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: the pid was reused, so the owner is gone
        return False
    return True


def _enrich_in_worker(batch: list[Input]) -> list[Outcome]:
    assert _worker is not None
    enricher, work = _worker
    outcomes = work.enrich_batch(enricher, batch)
    release_free_memory()
    return outcomes


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers fork from a server that preloaded the read-mostly models once (``worker_preload``);
    where there is no fork server (Windows), they are spawned and each loads its own."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["storyweave.worker_preload"])
    return context
