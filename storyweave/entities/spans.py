"""The span tuple every rule-based recogniser returns; ``ner.py`` turns spans into ``Mention``s."""

from __future__ import annotations

from typing import NamedTuple

from ..models import EntityType


class Span(NamedTuple):
    start: int
    end: int
    type: EntityType
    confidence: float
