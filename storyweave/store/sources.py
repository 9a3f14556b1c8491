"""Queries on followed sources: the list, the poll state, the entries already handled, and health."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .connection import Connection
from .values import Row

# How many recent latencies the median is taken over.
LATENCY_SAMPLES = 20

_COLUMNS = ("url", "name", "lang", "country", "every_s")


def add_source(conn: Connection, values: dict[str, Any], added_at: str) -> int | None:
    """Insert a source (``url``, ``name``, ``lang``, ``country``, ``every_s``); None when its URL is followed."""
    row = conn.execute(
        "INSERT INTO sources (url, name, lang, country, every_s, added_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (url) DO NOTHING RETURNING id",
        (*(values.get(column) for column in _COLUMNS), added_at),
    ).fetchone()
    return int(row[0]) if row is not None else None


def source_by_url(conn: Connection, url: str) -> Row | None:
    """The source followed at ``url``, given as added or as the feed it led to."""
    return conn.execute("SELECT * FROM sources WHERE url = ? OR feed_url = ?", (url, url)).fetchone()


def get_source(conn: Connection, source_id: int) -> Row | None:
    return conn.execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone()


def list_sources(conn: Connection) -> list[Row]:
    return list(conn.execute("SELECT * FROM sources ORDER BY id"))


def source_added_since(conn: Connection, first_day: str) -> dict[int, int]:
    """Articles each source added from ``first_day`` (YYYY-MM-DD) on."""
    rows = conn.execute("SELECT source_id, sum(added) AS n FROM source_days WHERE day >= ? GROUP BY source_id",
                        (first_day,))
    return {int(r["source_id"]): int(r["n"]) for r in rows}


def source_days(conn: Connection, source_id: int, limit: int) -> list[Row]:
    return list(conn.execute("SELECT day, polls, failures, added FROM source_days WHERE source_id = ? "
                             "ORDER BY day DESC LIMIT ?", (source_id, limit)))


def remove_source(conn: Connection, source_id: int) -> bool:
    return conn.execute("DELETE FROM sources WHERE id = ?", (source_id,)).rowcount > 0


def set_source_paused(conn: Connection, source_id: int, reason: str | None, next_poll_at: float = 0.0) -> None:
    """Pause with ``reason``, or (``reason`` None) resume: due at once, failures forgotten."""
    if reason is not None:
        conn.execute("UPDATE sources SET paused = 1, pause_reason = ? WHERE id = ?", (reason, source_id))
    else:
        conn.execute("UPDATE sources SET paused = 0, pause_reason = NULL, consecutive_failures = 0, "
                     "next_poll_at = ? WHERE id = ?", (next_poll_at, source_id))


def due_sources(conn: Connection, now: float, every_one: bool = False) -> list[Row]:
    """Active sources whose next poll is due at ``now`` (all active ones with ``every_one``), oldest due first."""
    return list(conn.execute(
        "SELECT * FROM sources WHERE paused = 0 AND (? OR next_poll_at <= ?) ORDER BY next_poll_at, id",
        (every_one, now),
    ))


def next_source_due_at(conn: Connection) -> float | None:
    row = conn.execute("SELECT min(next_poll_at) FROM sources WHERE paused = 0").fetchone()
    return None if row[0] is None else float(row[0])


def handled_entry(conn: Connection, keys: Iterable[str], article_id: str | None,
                  canonical_url: str | None, content_hash: str | None) -> bool:
    """Whether an entry was handled before: one of its keys is remembered, or the store holds an
    article with its id, canonical URL or content hash (ingested by a poll or by other means)."""
    keys = list(keys)
    if keys and conn.execute(f"SELECT 1 FROM source_entries WHERE key IN ({','.join('?' * len(keys))}) LIMIT 1",
                             keys).fetchone():
        return True
    row = conn.execute(
        "SELECT 1 FROM articles WHERE id = ? OR content_hash = ? OR (canonical_url IS NOT NULL AND canonical_url = ?) "
        "LIMIT 1", (article_id, content_hash, canonical_url),
    ).fetchone()
    return row is not None


def remember_source_entries(conn: Connection, source_id: int, keys: Iterable[tuple[str, str | None]],
                     seen_at: str) -> None:
    conn.executemany("INSERT OR IGNORE INTO source_entries (key, source_id, article_id, seen_at) VALUES (?, ?, ?, ?)",
                     [(key, source_id, article_id, seen_at) for key, article_id in keys])


def forget_source_entries_before(conn: Connection, source_id: int, seen_before: str) -> None:
    """Entries long gone from a feed need no memory: the articles table still knows what was stored."""
    conn.execute("DELETE FROM source_entries WHERE source_id = ? AND seen_at < ?", (source_id, seen_before))


def _count_day(conn: Connection, source_id: int, day: str, failures: int, added: int) -> None:
    conn.execute(
        "INSERT INTO source_days (source_id, day, polls, failures, added) VALUES (?, ?, 1, ?, ?) "
        "ON CONFLICT (source_id, day) DO UPDATE SET polls = source_days.polls + 1, "
        "failures = source_days.failures + excluded.failures, added = source_days.added + excluded.added",
        (source_id, day, failures, added),
    )


def _latencies(conn: Connection, source_id: int, latency_ms: float | None) -> str:
    row = conn.execute("SELECT latencies_ms FROM sources WHERE id = ?", (source_id,)).fetchone()
    try:
        recent = [float(x) for x in json.loads(row[0])] if row else []
    except (TypeError, ValueError):
        recent = []
    if latency_ms is not None:
        recent = [*recent, round(latency_ms, 1)][-LATENCY_SAMPLES:]
    return json.dumps(recent)


def save_poll_success(conn: Connection, source_id: int, poll: dict[str, Any]) -> None:
    """A poll that got an answer and handled every entry: ``poll`` holds ``at``, ``day``,
    ``next_poll_at``, ``status``, ``latency_ms``, ``added``, and the validators and feed details."""
    conn.execute(
        """UPDATE sources SET last_poll_at = :at, last_success_at = :at, last_status = :status,
                  next_poll_at = :next_poll_at, consecutive_failures = 0, latencies_ms = :latencies,
                  etag = :etag, last_modified = :last_modified, content_sha = :content_sha,
                  feed_url = coalesce(:feed_url, feed_url), feed_title = coalesce(:feed_title, feed_title),
                  articles_added = articles_added + :added
           WHERE id = :id""",
        {**poll, "id": source_id, "latencies": _latencies(conn, source_id, poll["latency_ms"])},
    )
    _count_day(conn, source_id, poll["day"], 0, int(poll["added"]))


def save_poll_failure(conn: Connection, source_id: int, poll: dict[str, Any], pause_after: int) -> str | None:
    """A failed poll (``at``, ``day``, ``next_poll_at``, ``error``, ``latency_ms``); pauses the source
    once it has failed ``pause_after`` times in a row and returns the reason it gives then."""
    conn.execute(
        """UPDATE sources SET last_poll_at = :at, last_error_at = :at, last_error = :error, last_status = 'error',
                  next_poll_at = :next_poll_at, consecutive_failures = consecutive_failures + 1,
                  latencies_ms = :latencies
           WHERE id = :id""",
        {**poll, "id": source_id, "latencies": _latencies(conn, source_id, poll["latency_ms"])},
    )
    _count_day(conn, source_id, poll["day"], 1, 0)
    failures = int(conn.execute("SELECT consecutive_failures FROM sources WHERE id = ?", (source_id,)).fetchone()[0])
    if pause_after > 0 and failures >= pause_after:
        reason = f"paused after {failures} consecutive failures; last: {poll['error']}"
        set_source_paused(conn, source_id, reason)
        return reason
    return None


def defer_source(conn: Connection, source_id: int, next_poll_at: float, status: str) -> None:
    """Not polled this time (its host asked to wait): only the next poll moves."""
    conn.execute("UPDATE sources SET next_poll_at = ?, last_status = ? WHERE id = ?", (next_poll_at, status, source_id))
