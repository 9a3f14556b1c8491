"""The values that cross the ``Store`` interface besides storyweave's models: rows, the assigner's
state, search hits, check findings, and the watches' records.  Engine-neutral, like ``base.py``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Severity = Literal["ok", "warning", "error"]


class Row(Protocol):
    """One stored row: ``row["column"]`` or ``row[0]``, and ``keys()`` for ``dict(row)``."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> list[str]: ...


@dataclass
class ClusterState:
    assigned: int
    consolidated_at: int
    token: str


@dataclass(frozen=True)
class TextHit:
    seq: int
    article_id: str
    rank: float  # bm25: lower is better
    snippet: str
    in_title: bool


@dataclass(frozen=True)
class Finding:
    check: str
    severity: Severity
    message: str
    count: int = 0
    examples: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity,
            "message": self.message,
            "count": self.count,
            "examples": list(self.examples),
        }


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class WatchRow:
    """A saved watch (see ``storyweave/alerts``)."""

    id: str
    name: str
    words: str
    entity_query: str
    entity_id: str | None
    entity_type: str | None
    langs: tuple[str, ...]
    min_outlets: int
    min_langs: int
    webhook_url: str | None
    secret: str
    created_at: str


@dataclass
class Reported:
    """What one watch has reported about one event: whether it fired, and the languages and outlets
    it named."""

    fired: bool
    langs: set[str]
    outlets: set[str]


@dataclass(frozen=True)
class Due:
    """A webhook delivery claimed for one attempt."""

    seq: int
    url: str
    secret: str
    payload: dict[str, Any]
    attempts: int
