"""Queries on events, storylines and the event assigner's persistent state.

Writers here never open or commit transactions: the assigner calls them inside the transaction
that stores the article, so an article, its event and its storyline become durable together.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from typing import Any

import numpy as np

from .articles import utc_now
from .base import ClusterState
from .connection import Connection, chunks, rows_in
from .event_index import HAS_PUBLICATION_DATE
from .values import Row

# -- the assigner's state row -----------------------------------------------------------------------


def get_state(conn: Connection) -> ClusterState:
    row = conn.execute("SELECT assigned, consolidated_at, token FROM cluster_state WHERE id = 1").fetchone()
    return ClusterState(row["assigned"], row["consolidated_at"], row["token"])


def bump_state(conn: Connection, *, assigned: int | None = None, consolidated_at: int | None = None) -> str:
    """Record a change; the fresh random token lets every assigner see that the tables moved."""
    token = os.urandom(8).hex()
    conn.execute(
        """UPDATE cluster_state SET token = ?, assigned = coalesce(?, assigned),
                                    consolidated_at = coalesce(?, consolidated_at) WHERE id = 1""",
        (token, assigned, consolidated_at),
    )
    return token


# -- vectors ----------------------------------------------------------------------------------------


def to_blob(vector: Any) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<f4").astype(np.float32)


def get_centroids(conn: Connection, event_id: str) -> dict[str, np.ndarray]:
    rows = conn.execute("SELECT model, vector FROM event_vectors WHERE event_id = ?", (event_id,))
    return {r["model"]: from_blob(r["vector"]) for r in rows}


def set_centroids(conn: Connection, event_id: str, centroids: dict[str, np.ndarray]) -> None:
    conn.executemany(
        """INSERT INTO event_vectors (event_id, model, vector) VALUES (?, ?, ?)
           ON CONFLICT (event_id, model) DO UPDATE SET vector = excluded.vector""",
        [(event_id, model, to_blob(v)) for model, v in sorted(centroids.items())],
    )


# -- events -----------------------------------------------------------------------------------------


def merged_entity_count(conn: Connection) -> int:
    try:
        return int(conn.execute("SELECT count(*) FROM entity_redirects").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def merged_entity_ids(conn: Connection) -> set[str]:
    """Entity ids merged into others (none on stores without entity redirects)."""
    try:
        return {r[0] for r in conn.execute("SELECT old_id FROM entity_redirects")}
    except sqlite3.OperationalError:
        return set()


def event_has_publication_date(conn: Connection, event_id: str) -> bool:
    row = conn.execute(f"SELECT {HAS_PUBLICATION_DATE} FROM events e WHERE e.id = ?", (event_id,)).fetchone()
    return bool(row and row[0])


def touched_events(conn: Connection, since: int) -> list[tuple[int, str]]:
    """``(seq, id)`` of the events changed after the state counter ``since``, oldest first."""
    rows = conn.execute("SELECT seq, id FROM events WHERE touched > ? ORDER BY seq", (since,))
    return [(r["seq"], r["id"]) for r in rows]


def cluster_totals(conn: Connection) -> tuple[int, int]:
    """How many events and storylines the store holds, read in one statement."""
    row = conn.execute("SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM storylines)").fetchone()
    return int(row[0]), int(row[1])


def article_seq(conn: Connection, article_id: str) -> int:
    return int(conn.execute("SELECT seq FROM articles WHERE id = ?", (article_id,)).fetchone()[0])


def get_event_row(conn: Connection, event_id: str) -> Row | None:
    return conn.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()


def event_row(conn: Connection, event_id: str) -> Row:
    """The row of an event the caller knows exists (an internal inconsistency raises KeyError)."""
    row = get_event_row(conn, event_id)
    if row is None:
        raise KeyError(event_id)
    return row


def title_and_opening(conn: Connection, article_id: str) -> tuple[str, str, str]:
    """An article's title, the first 400 characters of its text, and its language."""
    row = conn.execute("SELECT title, substr(text, 1, 400) AS lead, lang FROM articles WHERE id = ?", (article_id,))
    found = row.fetchone()
    return found["title"] or "", found["lead"] or "", found["lang"]


def event_of_article(conn: Connection, article_id: str) -> Row | None:
    return conn.execute(
        "SELECT event_id, duplicate_of, score FROM event_articles WHERE article_id = ?", (article_id,)
    ).fetchone()


def insert_storyline(conn: Connection, storyline_id: str) -> None:
    conn.execute("INSERT INTO storylines (id, updated_at) VALUES (?, ?)", (storyline_id, utc_now()))


def insert_event(
    conn: Connection,
    *,
    event_id: str,
    article_id: str,
    title: str,
    lang: str,
    date: str | None,
    seq: int,
    storyline_id: str,
    touched: int,
) -> int:
    row = conn.execute(
        """INSERT INTO events (id, title, lang, first_date, last_date, first_seq, last_seq, article_count,
                               rep_article_id, last_article_id, storyline_id, touched, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?) RETURNING seq""",
        (event_id, title, lang, date, date, seq, seq, article_id, article_id, storyline_id, touched, utc_now()),
    ).fetchone()
    return int(row[0])


def update_event(conn: Connection, event_id: str, **fields: Any) -> None:
    fields["updated_at"] = utc_now()
    names = sorted(fields)
    conn.execute(
        f"UPDATE events SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?",
        [fields[n] for n in names] + [event_id],
    )


def add_member(
    conn: Connection,
    article_id: str,
    event_id: str,
    score: float | None,
    duplicate_of: str | None,
    order: int,
    days: tuple[int, int, bool] | None = None,
) -> None:
    """``days``: the first and last day of the happening the member reports, and whether that is
    its publication date."""
    first, last, firm = days if days is not None else (None, None, False)
    conn.execute(
        """INSERT INTO event_articles
               (article_id, event_id, score, duplicate_of, assigned, first_day, last_day, day_firm)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (article_id, event_id, score, duplicate_of, order, first, last, int(firm)),
    )


def member_days(conn: Connection, event_id: str) -> list[tuple[int, bool]]:
    """Every member's first and last day of the happening, with whether it is a publication date."""
    rows = conn.execute(
        "SELECT first_day, last_day, day_firm FROM event_articles WHERE event_id = ? AND first_day IS NOT NULL",
        (event_id,),
    )
    return [(int(r[column]), bool(r["day_firm"])) for r in rows for column in ("first_day", "last_day")]


def add_event_entities(conn: Connection, event_id: str, entities: dict[str, str]) -> None:
    """Count one more member article naming each of ``entities`` (id -> type)."""
    conn.executemany(
        """INSERT INTO event_entities (event_id, entity_id, type, articles) VALUES (?, ?, ?, 1)
           ON CONFLICT (event_id, entity_id) DO UPDATE SET articles = event_entities.articles + 1""",
        [(event_id, entity_id, etype) for entity_id, etype in sorted(entities.items())],
    )


def event_entity_ids(conn: Connection, event_id: str) -> dict[str, str]:
    rows = conn.execute("SELECT entity_id, type FROM event_entities WHERE event_id = ?", (event_id,))
    return {r["entity_id"]: r["type"] for r in rows}


def move_event(conn: Connection, absorbed: str, into: str) -> None:
    """Re-home every member and entity count of ``absorbed`` under ``into``, then drop it."""
    conn.execute("UPDATE event_articles SET event_id = ? WHERE event_id = ?", (into, absorbed))
    conn.execute(
        """INSERT INTO event_entities (event_id, entity_id, type, articles)
           SELECT ?, entity_id, type, articles FROM event_entities WHERE event_id = ? AND true
           ON CONFLICT (event_id, entity_id) DO UPDATE SET articles = event_entities.articles + excluded.articles""",
        (into, absorbed),
    )
    conn.execute("DELETE FROM event_entities WHERE event_id = ?", (absorbed,))
    conn.execute("DELETE FROM event_vectors WHERE event_id = ?", (absorbed,))
    conn.execute("DELETE FROM events WHERE id = ?", (absorbed,))
    record_merge(conn, absorbed, into, "event")


def record_merge(conn: Connection, old_id: str, new_id: str, kind: str) -> None:
    # Earlier merges into old_id now point to new_id too, so every old link resolves in one step.
    conn.execute("UPDATE event_merges SET new_id = ? WHERE new_id = ?", (new_id, old_id))
    conn.execute(
        """INSERT INTO event_merges (old_id, new_id, kind, merged_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (old_id) DO UPDATE SET new_id = excluded.new_id, kind = excluded.kind,
                                              merged_at = excluded.merged_at""",
        (old_id, new_id, kind, utc_now()),
    )


def resolve_merged(conn: Connection, old_id: str) -> str | None:
    row = conn.execute("SELECT new_id FROM event_merges WHERE old_id = ?", (old_id,)).fetchone()
    return row["new_id"] if row else None


# -- storylines -------------------------------------------------------------------------------------


def storyline_event_ids(conn: Connection, storyline_id: str) -> list[str]:
    rows = conn.execute("SELECT id FROM events WHERE storyline_id = ? ORDER BY seq", (storyline_id,))
    return [r["id"] for r in rows]


def recent_storyline_events(conn: Connection, storyline_ids: Iterable[str], limit: int) -> dict[str, list[str]]:
    """Each storyline's ``limit`` most recently active events (by their latest member's ingest
    order), read in one statement for all of them: a storyline decision weighs dozens."""
    wanted = sorted(set(storyline_ids))
    out: dict[str, list[str]] = {s: [] for s in wanted}
    for chunk in chunks(wanted):
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"""SELECT storyline_id, id FROM (
                    SELECT storyline_id, id, last_seq, seq,
                           row_number() OVER (PARTITION BY storyline_id ORDER BY last_seq DESC, seq DESC) AS n
                    FROM events WHERE storyline_id IN ({marks})) AS ranked
                WHERE n <= ? ORDER BY storyline_id, last_seq DESC, seq DESC""",
            [*chunk, limit],
        )
        for r in rows:
            out[r[0]].append(r[1])
    return out


def comparison_member_ids(conn: Connection, event_ids: Iterable[str], limit: int) -> dict[str, tuple[str, list[str]]]:
    """event id -> (its representative, the ids of its latest ``limit`` members that are not copies
    of another member, latest first), for several events at once."""
    out: dict[str, tuple[str, list[str]]] = {}
    query = (
        "SELECT e.id, e.rep_article_id, m.article_id FROM events e LEFT JOIN ("
        " SELECT event_id, article_id, row_number() OVER (PARTITION BY event_id ORDER BY assigned DESC) AS n"
        " FROM event_articles WHERE event_id IN ({marks}) AND duplicate_of IS NULL) m"
        " ON m.event_id = e.id AND m.n <= {limit} WHERE e.id IN ({marks}) ORDER BY e.id, m.n"
    )
    for chunk in chunks(sorted(set(event_ids))):
        marks = ",".join("?" * len(chunk))
        for r in conn.execute(query.format(marks=marks, limit=int(limit)), [*chunk, *chunk]):
            _, latest = out.setdefault(r[0], (r[1], []))
            if r[2] is not None:
                latest.append(r[2])
    return out


def storylines_of(conn: Connection, event_ids: Iterable[str]) -> dict[str, str]:
    """event id -> its storyline, for those of ``event_ids`` that exist."""
    return {r[0]: r[1] for r in rows_in(conn, "SELECT id, storyline_id FROM events WHERE id IN ({marks})", event_ids)}


def storylines_and_recent_events(
    conn: Connection, event_ids: Iterable[str], limit: int
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """``storylines_of(event_ids)`` and the ``recent_storyline_events`` of those storylines, read in
    one statement: a storyline decision needs both, and on PostgreSQL each statement is a round trip."""
    storyline_of: dict[str, str] = {}
    recent: dict[str, list[str]] = {}
    query = """SELECT 0, id, storyline_id, 0, 0 FROM events WHERE id IN ({marks})
               UNION ALL
               SELECT 1, storyline_id, id, last_seq, seq FROM (
                   SELECT storyline_id, id, last_seq, seq,
                          row_number() OVER (PARTITION BY storyline_id ORDER BY last_seq DESC, seq DESC) AS n
                   FROM events WHERE storyline_id IN (SELECT storyline_id FROM events WHERE id IN ({marks}))) AS ranked
               WHERE n <= ?
               ORDER BY 1, 2, 4 DESC, 5 DESC"""
    for chunk in chunks(sorted(set(event_ids))):
        marks = ",".join("?" * len(chunk))
        seen: dict[str, list[str]] = {}
        for part, key, value, _, _ in conn.execute(query.format(marks=marks), [*chunk, *chunk, limit]):
            if part == 0:
                storyline_of[key] = value
            else:
                seen.setdefault(key, []).append(value)
        for storyline_id, events in seen.items():
            recent.setdefault(storyline_id, events)  # a storyline in two chunks reads the same events
    return storyline_of, recent


def event_total(conn: Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])


def entity_event_counts(conn: Connection, entity_ids: Iterable[str]) -> dict[str, int]:
    """How many events name each entity."""
    query = "SELECT entity_id, count(*) AS n FROM event_entities WHERE entity_id IN ({marks}) GROUP BY entity_id"
    return {r["entity_id"]: r["n"] for r in rows_in(conn, query, entity_ids)}


def move_storyline(conn: Connection, absorbed: str, into: str) -> None:
    conn.execute("UPDATE events SET storyline_id = ? WHERE storyline_id = ?", (into, absorbed))
    conn.execute("DELETE FROM storylines WHERE id = ?", (absorbed,))
    record_merge(conn, absorbed, into, "storyline")


def refresh_storyline(conn: Connection, storyline_id: str) -> None:
    """Recompute a storyline's summary from its events; drop it when none is left.

    Its title is the title of its largest event (the earliest on a tie).  Written without reading
    anything back: the writer refreshes a storyline per article, and in PostgreSQL's pipeline a
    statement that returns nothing waits for no round trip.
    """
    conn.execute(
        """UPDATE storylines SET
               title = (SELECT title FROM events WHERE storyline_id = ? ORDER BY article_count DESC, seq LIMIT 1),
               first_date = (SELECT min(first_date) FROM events WHERE storyline_id = ?),
               last_date = (SELECT max(last_date) FROM events WHERE storyline_id = ?),
               event_count = (SELECT count(*) FROM events WHERE storyline_id = ?),
               article_count = (SELECT coalesce(sum(article_count), 0) FROM events WHERE storyline_id = ?),
               updated_at = ?
           WHERE id = ? AND EXISTS (SELECT 1 FROM events WHERE storyline_id = ?)""",
        (*[storyline_id] * 5, utc_now(), storyline_id, storyline_id),
    )
    conn.execute(
        "DELETE FROM storylines WHERE id = ? AND NOT EXISTS (SELECT 1 FROM events WHERE storyline_id = ?)",
        (storyline_id, storyline_id),
    )


# -- near-duplicate signatures ---------------------------------------------------------------------


def save_signature(conn: Connection, article_id: str, signature: np.ndarray) -> None:
    conn.execute(
        """INSERT INTO article_minhash (article_id, signature) VALUES (?, ?)
           ON CONFLICT (article_id) DO UPDATE SET signature = excluded.signature""",
        (article_id, np.asarray(signature, dtype="<u4").tobytes()),
    )


def recent_signatures(conn: Connection, limit: int) -> list[tuple[str, int, np.ndarray]]:
    """(article id, ingest seq, signature) of the ``limit`` latest articles, oldest first."""
    rows = conn.execute(
        """SELECT m.article_id, a.seq, m.signature FROM article_minhash m JOIN articles a ON a.id = m.article_id
           ORDER BY a.seq DESC LIMIT ?""",
        (limit,),
    ).fetchall()
    return [(r["article_id"], r["seq"], np.frombuffer(r["signature"], dtype="<u4")) for r in reversed(rows)]


def table_exists(conn: Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


# -- reading (the Tracker API) ----------------------------------------------------------------------


def resolve_event_id(conn: Connection, event_id: str) -> str | None:
    """The current id of an event, following a merge; ``None`` when unknown."""
    if get_event_row(conn, event_id) is not None:
        return event_id
    merged = resolve_merged(conn, event_id)
    return merged if merged is not None and get_event_row(conn, merged) is not None else None


def resolve_storyline_id(conn: Connection, storyline_id: str) -> str | None:
    found = conn.execute("SELECT id FROM storylines WHERE id = ?", (storyline_id,)).fetchone()
    if found is not None:
        return storyline_id
    merged = resolve_merged(conn, storyline_id)
    if merged is None:
        return None
    return merged if conn.execute("SELECT 1 FROM storylines WHERE id = ?", (merged,)).fetchone() else None


def list_events(
    conn: Connection,
    *,
    limit: int,
    before_seq: int | None = None,
    lang: str | None = None,
    since: str | None = None,
    until: str | None = None,
    entity: str | None = None,
    source: str | None = None,
    by_coverage: bool = False,
) -> list[Row]:
    """Events, newest first (or, ``by_coverage``, most articles first); ``before_seq`` is the
    cursor of the previous page's last row (newest first only)."""
    where: list[str] = ["1 = 1"]
    params: list[str | int] = []
    if before_seq is not None and not by_coverage:
        where.append("e.seq < ?")
        params.append(before_seq)
    member = "EXISTS (SELECT 1 FROM event_articles m JOIN articles a ON a.id = m.article_id WHERE m.event_id = e.id"
    if lang:
        where.append(f"{member} AND a.lang = ?)")
        params.append(lang)
    if source:
        where.append(f"{member} AND a.source = ?)")
        params.append(source)
    if entity:
        # From the entity's own rows (indexed) to its events, not a probe into every event: an
        # entity page costs what the entity has, whatever the store's size.
        where.append("e.id IN (SELECT x.event_id FROM event_entities x WHERE x.entity_id = ?)")
        params.append(entity)
    if since:
        where.append("e.last_date >= substr(?, 1, 10)")
        params.append(since)
    if until:
        where.append("e.first_date <= substr(?, 1, 10)")
        params.append(until)
    params.append(limit)
    return list(
        conn.execute(
            f"""SELECT e.seq, e.id, e.title, e.lang, e.first_date, e.last_date, e.article_count, e.storyline_id,
                       e.updated_at, {HAS_PUBLICATION_DATE} AS firm
                FROM events e WHERE {" AND ".join(where)}
                ORDER BY {"e.article_count DESC, " if by_coverage else ""}e.seq DESC LIMIT ?""",
            params,
        )
    )


def languages_and_sources(conn: Connection, event_ids: list[str]) -> dict[str, tuple[dict[str, int], int]]:
    """Per event: articles per language and the number of distinct outlets."""
    out: dict[str, tuple[dict[str, int], int]] = {e: ({}, 0) for e in event_ids}
    for chunk in chunks(event_ids):
        marks = ",".join("?" * len(chunk))
        for r in conn.execute(
            f"""SELECT m.event_id, a.lang, count(*) AS n FROM event_articles m JOIN articles a ON a.id = m.article_id
                WHERE m.event_id IN ({marks}) GROUP BY m.event_id, a.lang ORDER BY m.event_id, n DESC, a.lang""",
            chunk,
        ):
            out[r["event_id"]][0][r["lang"]] = r["n"]
        for r in conn.execute(
            f"""SELECT m.event_id, count(DISTINCT a.source) AS n FROM event_articles m
                JOIN articles a ON a.id = m.article_id WHERE m.event_id IN ({marks}) GROUP BY m.event_id""",
            chunk,
        ):
            out[r["event_id"]] = (out[r["event_id"]][0], r["n"])
    return out


def event_members(conn: Connection, event_id: str) -> list[Row]:
    return list(
        conn.execute(
            """SELECT a.id, a.title, a.lang, a.source, a.url, a.publish_date, m.duplicate_of
               FROM event_articles m JOIN articles a ON a.id = m.article_id
               WHERE m.event_id = ? ORDER BY coalesce(a.publish_date, ''), a.seq""",
            (event_id,),
        )
    )


def event_entities(conn: Connection, event_id: str) -> list[Row]:
    """An event's canonical entities, most widely named first, with display names."""
    return list(
        conn.execute(
            """SELECT x.entity_id, coalesce(e.type, x.type) AS type, coalesce(e.name, x.entity_id) AS name, x.articles
               FROM event_entities x LEFT JOIN entities e ON e.id = x.entity_id
               WHERE x.event_id = ? ORDER BY x.articles DESC, x.entity_id""",
            (event_id,),
        )
    )


def event_dates(conn: Connection, event_id: str) -> list[Row]:
    return list(
        conn.execute(
            """SELECT d.date, d.expression, d.article_id FROM article_dates d
               JOIN event_articles m ON m.article_id = d.article_id
               WHERE m.event_id = ? AND d.kind = 'event' ORDER BY d.date, d.article_id, d.position""",
            (event_id,),
        )
    )


def get_storyline_row(conn: Connection, storyline_id: str) -> Row | None:
    return conn.execute("SELECT * FROM storylines WHERE id = ?", (storyline_id,)).fetchone()


def storyline_events(conn: Connection, storyline_id: str) -> list[Row]:
    """A storyline's events in time order (undated ones by ingest order, after the dated)."""
    return list(
        conn.execute(
            """SELECT id, title, lang, first_date, last_date, article_count FROM events WHERE storyline_id = ?
               ORDER BY first_date IS NULL, first_date, first_seq""",
            (storyline_id,),
        )
    )


def list_storylines(conn: Connection, *, limit: int, before_seq: int | None = None) -> list[Row]:
    where, params = ("seq < ?", [before_seq, limit]) if before_seq is not None else ("1 = 1", [limit])
    return list(conn.execute(f"SELECT * FROM storylines WHERE {where} ORDER BY seq DESC LIMIT ?", params))


def article_assignment(conn: Connection, article_id: str) -> Row | None:
    return conn.execute(
        """SELECT e.id AS event_id, e.title AS event_title, s.id AS storyline_id, s.title AS storyline_title
           FROM event_articles m JOIN events e ON e.id = m.event_id JOIN storylines s ON s.id = e.storyline_id
           WHERE m.article_id = ?""",
        (article_id,),
    ).fetchone()


def clustering_snapshot(conn: Connection) -> dict[str, Any]:
    """Every article's event and storyline, with event and storyline titles (for evaluations)."""
    event_of: dict[str, str] = {}
    storyline_of: dict[str, str] = {}
    for r in conn.execute(
        "SELECT m.article_id, m.event_id, e.storyline_id FROM event_articles m JOIN events e ON e.id = m.event_id"
    ):
        event_of[r["article_id"]] = r["event_id"]
        storyline_of[r["article_id"]] = r["storyline_id"]
    return {
        "event_of": event_of,
        "storyline_of": storyline_of,
        "titles": {r["id"]: r["title"] for r in conn.execute("SELECT id, title FROM events")},
        "storyline_titles": {r["id"]: r["title"] for r in conn.execute("SELECT id, title FROM storylines")},
    }


# -- what the web UI shows per event ------------------------------------------------------------------
def event_entity_salience(conn: Connection, event_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Per event, its entities with how many member articles name them and how often in all, plus
    their stored names (``names`` as JSON): what ranks the entities worth showing first."""
    out: dict[str, list[dict[str, Any]]] = {e: [] for e in event_ids}
    for chunk in chunks(event_ids):
        marks = ",".join("?" * len(chunk))
        mentions: dict[tuple[str, str], int] = {
            (r["event_id"], r["entity_id"]): int(r["n"])
            for r in conn.execute(
                f"""SELECT x.event_id, m.entity_id, count(*) AS n FROM event_articles x
                    JOIN mentions m ON m.article_id = x.article_id
                    WHERE x.event_id IN ({marks}) AND m.entity_id IS NOT NULL GROUP BY x.event_id, m.entity_id""",
                chunk,
            )
        }
        for r in conn.execute(
            f"""SELECT x.event_id, x.entity_id, coalesce(e.type, x.type) AS type, coalesce(e.name, x.entity_id) AS name,
                       coalesce(e.names, '{{}}') AS names, x.articles
                FROM event_entities x LEFT JOIN entities e ON e.id = x.entity_id WHERE x.event_id IN ({marks})""",
            chunk,
        ):
            out[r["event_id"]].append({
                "id": r["entity_id"], "type": r["type"], "name": r["name"], "names": r["names"],
                "articles": int(r["articles"]), "mentions": mentions.get((r["event_id"], r["entity_id"]), 0),
            })
    return out


def event_outlet_rows(conn: Connection, event_ids: list[str]) -> list[Row]:
    """(event_id, source, url, title_opening, text_opening) per member article; the openings (the
    first 120 characters of title and text, where a dateline would be) only where no source is stored."""
    rows: list[Row] = []
    for chunk in chunks(event_ids):
        marks = ",".join("?" * len(chunk))
        rows += conn.execute(
            f"""SELECT x.event_id, a.source, a.url,
                       CASE WHEN coalesce(a.source, '') = '' THEN substr(a.title, 1, 120) END AS title_opening,
                       CASE WHEN coalesce(a.source, '') = '' THEN substr(a.text, 1, 120) END AS text_opening
                FROM event_articles x JOIN articles a ON a.id = x.article_id WHERE x.event_id IN ({marks})""",
            chunk,
        ).fetchall()
    return rows


def event_titles_in(conn: Connection, event_ids: list[str], lang: str) -> dict[str, str]:
    """Per event of ``event_ids`` with a report in ``lang`` (copies aside), the title of its longest
    such report: the one a reader of ``lang`` is shown (``summarize.pick_headline``'s choice)."""
    out: dict[str, str] = {}
    for chunk in chunks(event_ids):
        marks = ",".join("?" * len(chunk))
        for r in conn.execute(
            f"""SELECT event_id, title FROM (
                    SELECT x.event_id, a.title, row_number() OVER (
                        PARTITION BY x.event_id ORDER BY length(a.text) DESC, a.id DESC) AS n
                    FROM event_articles x JOIN articles a ON a.id = x.article_id
                    WHERE x.event_id IN ({marks}) AND a.lang = ? AND x.duplicate_of IS NULL
                ) AS ranked WHERE n = 1""",
            [*chunk, lang],
        ):
            out[r["event_id"]] = r["title"]
    return out
