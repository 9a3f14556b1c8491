"""Queries on watches, what each has reported about each event, and the alerts outbox.

Writers here never open or commit transactions, except ``claim_due_alerts``,
``record_delivery_attempt`` and ``retry_failed_alerts``, which are the delivery's own short
transactions: firings are written inside the transaction that stores the article causing them
(``storyweave/alerts/watcher.py``).
"""

from __future__ import annotations

import json
from typing import Any

from .articles import utc_now
from .connection import Connection
from .db import transaction
from .values import Due, Reported, Row, WatchRow


def _watch(row: Row) -> WatchRow:
    return WatchRow(
        id=row["id"], name=row["name"], words=row["words"], entity_query=row["entity_query"],
        entity_id=row["entity_id"], entity_type=row["entity_type"], langs=tuple(json.loads(row["langs"])),
        min_outlets=row["min_outlets"], min_langs=row["min_langs"], webhook_url=row["webhook_url"],
        secret=row["secret"], created_at=row["created_at"],
    )


# -- watches ------------------------------------------------------------------------------------------
def insert_watch(conn: Connection, watch: WatchRow) -> None:
    conn.execute(
        """INSERT INTO watches (id, name, words, entity_query, entity_id, entity_type, langs, min_outlets,
                                min_langs, webhook_url, secret, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (watch.id, watch.name, watch.words, watch.entity_query, watch.entity_id, watch.entity_type,
         json.dumps(list(watch.langs)),
         watch.min_outlets, watch.min_langs, watch.webhook_url, watch.secret, watch.created_at),
    )


def delete_watch(conn: Connection, watch_id: str) -> bool:
    return conn.execute("DELETE FROM watches WHERE id = ?", (watch_id,)).rowcount > 0


def get_watch(conn: Connection, watch_id: str) -> WatchRow | None:
    row = conn.execute("SELECT * FROM watches WHERE id = ?", (watch_id,)).fetchone()
    return _watch(row) if row is not None else None


def list_watches(conn: Connection) -> list[WatchRow]:
    return [_watch(r) for r in conn.execute("SELECT * FROM watches ORDER BY seq")]


# -- what a stored article brings --------------------------------------------------------------------
def set_watch_entity(conn: Connection, watch_id: str, entity_id: str) -> None:
    conn.execute("UPDATE watches SET entity_id = ? WHERE id = ?", (entity_id, watch_id))


def article_mentioned(conn: Connection, article_id: str) -> set[tuple[str, str]]:
    """(entity id, surface form) of each resolved mention in an article."""
    rows = conn.execute(
        "SELECT DISTINCT entity_id, surface FROM mentions WHERE article_id = ? AND entity_id IS NOT NULL", (article_id,)
    )
    return {(r[0], r[1]) for r in rows}


def event_coverage(conn: Connection, event_id: str) -> list[tuple[str, str]]:
    """(language, outlet) of each member article; the outlet is '' where none is known."""
    rows = conn.execute(
        """SELECT a.lang, coalesce(a.source, '') AS source FROM event_articles m JOIN articles a ON a.id = m.article_id
           WHERE m.event_id = ?""",
        (event_id,),
    )
    return [(r["lang"], r["source"]) for r in rows]


def event_brief(conn: Connection, event_id: str) -> dict[str, Any]:
    row = conn.execute(
        "SELECT id, title, first_date, last_date, article_count FROM events WHERE id = ?", (event_id,)
    ).fetchone()
    return {"id": row["id"], "title": row["title"], "first_date": row["first_date"], "last_date": row["last_date"],
            "articles": row["article_count"]}


# -- what each watch reported --------------------------------------------------------------------------
def watch_reports(conn: Connection, event_id: str) -> dict[str, Reported]:
    """Per watch, what it reported about ``event_id`` and every event merged into it."""
    rows = conn.execute(
        """SELECT watch_id, fired, langs, outlets FROM watch_events
           WHERE event_id = ? OR event_id IN (SELECT old_id FROM event_merges WHERE new_id = ? AND kind = 'event')""",
        (event_id, event_id),
    )
    out: dict[str, Reported] = {}
    for row in rows:
        seen = out.setdefault(row["watch_id"], Reported(False, set(), set()))
        seen.fired = seen.fired or bool(row["fired"])
        seen.langs.update(json.loads(row["langs"]))
        seen.outlets.update(json.loads(row["outlets"]))
    return out


def save_watch_report(conn: Connection, watch_id: str, event_id: str, seen: Reported) -> None:
    conn.execute(
        """INSERT INTO watch_events (watch_id, event_id, fired, langs, outlets) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (watch_id, event_id) DO UPDATE
           SET fired = excluded.fired, langs = excluded.langs, outlets = excluded.outlets""",
        (watch_id, event_id, int(seen.fired), json.dumps(sorted(seen.langs)), json.dumps(sorted(seen.outlets))),
    )


# -- the outbox ---------------------------------------------------------------------------------------------
def insert_alert(
    conn: Connection, watch_id: str, event_id: str, kind: str, payload: dict[str, Any], webhook: bool
) -> int:
    row = conn.execute(
        """INSERT INTO alerts (watch_id, event_id, kind, payload, created_at, delivery)
           VALUES (?, ?, ?, ?, ?, ?) RETURNING seq""",
        (watch_id, event_id, kind, json.dumps(payload, ensure_ascii=False, sort_keys=True), utc_now(),
         "pending" if webhook else "none"),
    ).fetchone()
    return int(row[0])


def _alert(row: Row) -> dict[str, Any]:
    return {
        "id": row["seq"], "watch_id": row["watch_id"], "event_id": row["event_id"], "kind": row["kind"],
        "created_at": row["created_at"], "delivery": row["delivery"], "attempts": row["attempts"],
        "last_error": row["last_error"], "delivered_at": row["delivered_at"], "payload": json.loads(row["payload"]),
    }


def list_alerts(
    conn: Connection,
    *,
    watch_id: str | None = None,
    after: int | None = None,
    delivery: str | None = None,
    limit: int = 50,
    oldest_first: bool = False,
) -> list[dict[str, Any]]:
    """Alerts newest first (``oldest_first``: in firing order, after ``after``), optionally of one
    watch or one delivery state."""
    clauses: list[str] = ["1 = 1"]
    params: list[Any] = []
    if watch_id is not None:
        clauses.append("watch_id = ?")
        params.append(watch_id)
    if after is not None:
        clauses.append("seq > ?")
        params.append(after)
    if delivery is not None:
        clauses.append("delivery = ?")
        params.append(delivery)
    order = "ASC" if oldest_first else "DESC"
    rows = conn.execute(
        f"SELECT * FROM alerts WHERE {' AND '.join(clauses)} ORDER BY seq {order} LIMIT ?", (*params, limit)
    )
    return [_alert(r) for r in rows]


def max_alert_seq(conn: Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(seq), 0) FROM alerts").fetchone()[0])


def delivery_counts(conn: Connection, watch_id: str) -> dict[str, int]:
    rows = conn.execute("SELECT delivery, count(*) AS n FROM alerts WHERE watch_id = ? GROUP BY delivery", (watch_id,))
    return {r["delivery"]: r["n"] for r in rows}


def claim_due_alerts(conn: Connection, now: float, lease_s: float, limit: int, after: int = 0) -> list[Due]:
    """Pending deliveries after alert ``after`` whose time has come, each leased until
    ``now + lease_s`` so that another deliverer (a second process) leaves them alone while this one
    tries; a deliverer that dies mid-attempt leaves the lease to run out, and the delivery is tried
    again."""
    due = conn.execute(
        "SELECT 1 FROM alerts WHERE delivery = 'pending' AND next_attempt <= ? AND seq > ? LIMIT 1", (now, after)
    ).fetchone()
    if due is None:  # the common case, answered without taking the write lock
        return []
    with transaction(conn):
        rows = conn.execute(
            """SELECT a.seq, a.payload, a.attempts, w.webhook_url, w.secret FROM alerts a
               JOIN watches w ON w.id = a.watch_id
               WHERE a.delivery = 'pending' AND a.next_attempt <= ? AND a.seq > ? ORDER BY a.seq LIMIT ?""",
            (now, after, limit),
        ).fetchall()
        conn.executemany("UPDATE alerts SET next_attempt = ? WHERE seq = ?", [(now + lease_s, r["seq"]) for r in rows])
    return [Due(r["seq"], r["webhook_url"] or "", r["secret"], json.loads(r["payload"]), r["attempts"])
            for r in rows if r["webhook_url"]]


def record_delivery_attempt(
    conn: Connection, seq: int, *, delivered: bool, error: str | None, next_attempt: float | None
) -> None:
    """One attempt's outcome: delivered, to be retried at ``next_attempt``, or (``next_attempt`` None) failed."""
    state = "delivered" if delivered else ("pending" if next_attempt is not None else "failed")
    with transaction(conn):
        conn.execute(
            """UPDATE alerts SET attempts = attempts + 1, delivery = ?, last_error = ?,
                                 next_attempt = coalesce(?, next_attempt), delivered_at = ?
               WHERE seq = ? AND delivery = 'pending'""",
            (state, error, next_attempt, utc_now() if delivered else None, seq),
        )


def retry_failed_alerts(conn: Connection, watch_id: str) -> int:
    """Put a watch's failed deliveries back in the queue, due now; how many."""
    with transaction(conn):
        return conn.execute(
            "UPDATE alerts SET delivery = 'pending', attempts = 0, next_attempt = 0 WHERE watch_id = ? "
            "AND delivery = 'failed'", (watch_id,),
        ).rowcount
