"""Where the per-document stages run: ``inprocess``, ``pool`` (local worker processes, the
default) or ``ray`` (actors on a Ray cluster), chosen by the ``executor`` setting.

Every executor yields outcomes in input order, so the single writer stores the same thing
whichever one enriched them.
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError
from .base import Enrichment, Executor

EXECUTORS = ("inprocess", "pool", "ray")


def create_executor(enrichment: Enrichment, enricher: Any) -> Executor:
    """The executor the settings name; ``enricher`` is the caller's, for work done in-process."""
    name = enrichment.settings.executor
    if name == "inprocess":
        from .inprocess import InProcessExecutor

        return InProcessExecutor(enrichment, enricher)
    if name == "pool":
        from .pool import PoolExecutor

        return PoolExecutor(enrichment, enricher)
    if name == "ray":
        try:
            from .ray import RayExecutor
        except ModuleNotFoundError as exc:
            if exc.name != "ray":
                raise
            raise ConfigError("executor 'ray' needs Ray: pip install storyweave[ray]") from None
        return RayExecutor(enrichment, enricher)
    raise ConfigError(f"unknown executor {name!r}; choose one of {', '.join(EXECUTORS)}")


__all__ = ["EXECUTORS", "Enrichment", "Executor", "create_executor"]
