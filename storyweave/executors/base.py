"""What every executor shares: the work it runs and the interface it offers.

Executors never import the pipeline (it imports them): the pipeline hands them an ``Enrichment``,
whose enricher class and batch function travel to worker processes by reference (module and name).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..models import EnrichedArticle, RawDoc, Reject
from ..settings import Settings

Input = RawDoc | Reject
Outcome = EnrichedArticle | Reject


@dataclass(frozen=True)
class Enrichment:
    """``enrich_batch(enricher, docs)`` on an enricher built by ``make_enricher(settings)``.

    ``enrich_batch`` never raises for a bad input (it returns a reject instead) and returns one
    outcome per input, in order; each worker process builds one enricher and keeps it."""

    settings: Settings
    make_enricher: Callable[[Settings], Any]
    enrich_batch: Callable[[Any, Sequence[Input]], list[Outcome]]


class Executor(Protocol):
    """Runs the per-document stages somewhere and yields one outcome per input, in input order:
    the single writer stores them in that order, so the same input always gives the same store."""

    def enriched(self, docs: Iterable[Input]) -> Iterator[Outcome]: ...

    def close(self) -> None: ...


def batches(docs: Iterable[Input], size: int) -> Iterator[list[Input]]:
    """Batches of ``size`` inputs, the first ones smaller (1, 2, 4 …): the first article reaches
    the store after one article's enrichment, not a whole batch's, and the writer starts early."""
    iterator = iter(docs)
    size = max(1, size)
    step = 1
    while batch := list(itertools.islice(iterator, step)):
        yield batch
        step = min(2 * step, size)
