"""The span tuple every rule-based recogniser returns; ``ner.py`` turns spans into ``Mention``s."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ...models import EntityType


class Span(NamedTuple):
    start: int
    end: int
    type: EntityType
    confidence: float


class Known(NamedTuple):
    """What the knowledge base says a surface names: its type, and whether it is a country."""

    type: EntityType
    country: bool


# (surface, article language) → Known, or None when the knowledge base has no such name; the language
# lets short forms that name a country in one language only ("Mỹ" in Vietnamese, "ABD" in Turkish) count
KnownLookup = Callable[[str, str], Known | None]
