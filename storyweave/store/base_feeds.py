"""The ``Store`` operations of watches with their alerts outbox, and of followed sources: the parts
of the interface that ``storyweave/alerts`` and ``storyweave/follow`` use.  ``base.Store`` takes
them in; they are apart only to keep each module readable."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from .values import Due, Reported, Row, WatchRow


class WatchOperations(Protocol):
    """Watches, what each reported about each event, and the alerts outbox with its deliveries."""

    def insert_watch(self, watch: WatchRow) -> None:
        ...

    def delete_watch(self, watch_id: str) -> bool:
        """Delete a watch with what it reported and its alerts; False when there was none."""
        ...

    def get_watch(self, watch_id: str) -> WatchRow | None:
        ...

    def list_watches(self) -> list[WatchRow]:
        """Every watch, oldest first."""
        ...

    def set_watch_entity(self, watch_id: str, entity_id: str) -> None:
        """The stored entity a watch's entity query turned out to name."""
        ...

    def article_mentioned(self, article_id: str) -> set[tuple[str, str]]:
        """(entity id, surface form) of each resolved mention in an article."""
        ...

    def event_coverage(self, event_id: str) -> list[tuple[str, str]]:
        """(language, outlet) of each member article; the outlet is '' where none is known."""
        ...

    def event_brief(self, event_id: str) -> dict[str, Any]:
        """An existing event's id, title, first and last date and article count, as alerts show it."""
        ...

    def watch_reports(self, event_id: str) -> dict[str, Reported]:
        """Per watch, what it reported about ``event_id`` and every event merged into it."""
        ...

    def save_watch_report(self, watch_id: str, event_id: str, seen: Reported) -> None:
        ...

    def insert_alert(
        self, watch_id: str, event_id: str, kind: str, payload: dict[str, Any], webhook: bool
    ) -> int:
        """Put an alert in the outbox (its delivery pending when the watch has a ``webhook``); its id,
        which grows with every alert."""
        ...

    def list_alerts(
        self,
        *,
        watch_id: str | None = None,
        after: int | None = None,
        delivery: str | None = None,
        limit: int = 50,
        oldest_first: bool = False,
    ) -> list[dict[str, Any]]:
        """Alerts newest first (``oldest_first``: in firing order, after ``after``), optionally of one
        watch or one delivery state."""
        ...

    def max_alert_seq(self) -> int:
        ...

    def delivery_counts(self, watch_id: str) -> dict[str, int]:
        """A watch's alerts per delivery state."""
        ...

    def claim_due_alerts(self, now: float, lease_s: float, limit: int, after: int = 0) -> list[Due]:
        """In a transaction of its own: pending deliveries after alert ``after`` whose time has come,
        each leased until ``now + lease_s`` so that another deliverer leaves them alone meanwhile."""
        ...

    def record_delivery_attempt(
        self, seq: int, *, delivered: bool, error: str | None, next_attempt: float | None
    ) -> None:
        """In a transaction of its own: one attempt's outcome: delivered, to be retried at
        ``next_attempt``, or (``next_attempt`` None) failed."""
        ...

    def retry_failed_alerts(self, watch_id: str) -> int:
        """In a transaction of its own: put a watch's failed deliveries back in the queue, due now;
        how many."""
        ...


class SourceOperations(Protocol):
    """Followed sources: the list, each one's poll state and health, and the entries handled."""

    def add_source(self, values: dict[str, Any], added_at: str) -> int | None:
        """Follow a source (``url``, ``name``, ``lang``, ``country``, ``every_s``); its id, or None
        when its URL is followed already."""
        ...

    def source_by_url(self, url: str) -> Row | None:
        """The source followed at ``url``, given as added or as the feed it led to."""
        ...

    def get_source(self, source_id: int) -> Row | None:
        ...

    def list_sources(self) -> Sequence[Row]:
        """Every followed source with its poll state and health, by id."""
        ...

    def source_added_since(self, first_day: str) -> dict[int, int]:
        """Articles each source added from ``first_day`` (YYYY-MM-DD) on."""
        ...

    def source_days(self, source_id: int, limit: int) -> Sequence[Row]:
        """A source's latest days: polls, failures, articles added."""
        ...

    def remove_source(self, source_id: int) -> bool:
        """Stop following a source (what it remembered goes too; its articles stay)."""
        ...

    def set_source_paused(self, source_id: int, reason: str | None, next_poll_at: float = 0.0) -> None:
        """Pause with ``reason``, or (``reason`` None) resume: due at ``next_poll_at``, failures forgotten."""
        ...

    def due_sources(self, now: float, every_one: bool = False) -> Sequence[Row]:
        """Active sources whose next poll is due at ``now`` (all active ones with ``every_one``), oldest
        due first."""
        ...

    def next_source_due_at(self) -> float | None:
        """When the next active source is due (unix time); None when none is active."""
        ...

    def handled_entry(
        self, keys: Iterable[str], article_id: str | None, canonical_url: str | None, content_hash: str | None
    ) -> bool:
        """Whether a feed entry was handled before: one of its keys is remembered, or the store holds
        an article with its id, canonical URL or content hash (ingested by a poll or otherwise)."""
        ...

    def remember_source_entries(
        self, source_id: int, keys: Iterable[tuple[str, str | None]], seen_at: str
    ) -> None:
        """Remember entry keys (with the article each became, if any) as handled."""
        ...

    def forget_source_entries_before(self, source_id: int, seen_before: str) -> None:
        ...

    def save_poll_success(self, source_id: int, poll: dict[str, Any]) -> None:
        """A poll that got an answer and handled every entry: ``poll`` holds ``at``, ``day``,
        ``next_poll_at``, ``status``, ``latency_ms``, ``added``, and the validators and feed details."""
        ...

    def save_poll_failure(self, source_id: int, poll: dict[str, Any], pause_after: int) -> str | None:
        """A failed poll (``at``, ``day``, ``next_poll_at``, ``error``, ``latency_ms``); pauses the
        source once it has failed ``pause_after`` times in a row and returns the reason it gives then."""
        ...

    def defer_source(self, source_id: int, next_poll_at: float, status: str) -> None:
        """Not polled this time (its host asked to wait): only the next poll moves."""
        ...
