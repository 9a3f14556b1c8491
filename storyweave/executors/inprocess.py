"""Enrichment in the calling process: no start-up cost, one core (the encoders' threads aside)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .base import Enrichment, Input, Outcome, batches


class InProcessExecutor:
    def __init__(self, enrichment: Enrichment, enricher: Any) -> None:
        self.enrichment = enrichment
        self.enricher = enricher

    def enriched(self, docs: Iterable[Input]) -> Iterator[Outcome]:
        for batch in batches(docs, self.enrichment.settings.enrich_batch):
            yield from self.enrichment.enrich_batch(self.enricher, batch)

    def close(self) -> None:
        """Nothing to stop: the enricher belongs to the caller."""
