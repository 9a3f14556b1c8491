"""The span tuple every rule-based recogniser returns; ``ner.py`` turns spans into ``Mention``s."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ..models import EntityType


class Span(NamedTuple):
    start: int
    end: int
    type: EntityType
    confidence: float


class Known(NamedTuple):
    """What the knowledge base says a surface names: its type, and whether it is a country."""

    type: EntityType
    country: bool


# surface → Known, or None when the knowledge base has no such name
KnownLookup = Callable[[str], Known | None]
