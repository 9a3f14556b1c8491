"""Queries on entities, their surface forms and their mentions."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from typing import Any

from ..models import Entity, Mention
from .articles import utc_now


def save_article_entities(
    conn: sqlite3.Connection, article_id: str, mentions: list[Mention], entities: list[Entity]
) -> None:
    """Upsert the entities and their surface counts and store the article's mentions.

    Runs inside the caller's open transaction and never commits: the writer stores the article,
    its entities and its event assignment atomically.
    """
    now = utc_now()
    for entity in entities:
        row = conn.execute("SELECT names FROM entities WHERE id = ?", (entity.id,)).fetchone()
        if row is None:
            name = entity.names.get("en") or next(iter(entity.names.values()), entity.id)
            conn.execute(
                "INSERT INTO entities (id, type, name, names, first_seen, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (entity.id, entity.type, name, json.dumps(entity.names, ensure_ascii=False), now, now),
            )
            continue
        names = json.loads(row["names"])
        merged = {**entity.names, **names}  # the first display name per language stays
        if merged != names:
            conn.execute(
                "UPDATE entities SET names = ?, updated_at = ? WHERE id = ?",
                (json.dumps(merged, ensure_ascii=False), now, entity.id),
            )
    counts = Counter((m.entity_id, m.surface, m.lang) for m in mentions if m.entity_id)
    conn.executemany(
        """INSERT INTO entity_aliases (entity_id, surface, lang, count) VALUES (?, ?, ?, ?)
           ON CONFLICT (entity_id, surface, lang) DO UPDATE SET count = count + excluded.count""",
        [(entity_id, surface, lang, n) for (entity_id, surface, lang), n in counts.items()],
    )
    conn.executemany(
        """INSERT INTO mentions (article_id, position, entity_id, surface, lang, start_pos, end_pos, type, confidence)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            (article_id, i, m.entity_id, m.surface, m.lang, m.start, m.end, m.type, m.confidence)
            for i, m in enumerate(mentions)
        ],
    )


def _entity_row(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "type": row["type"],
        "name": row["name"],
        "names": json.loads(row["names"]),
        "articles": row["articles"],
        "mentions": row["mentions"],
        "langs": sorted(set((row["langs"] or "").split(",")) - {""}),
    }


_ENTITY_STATS = """
    SELECT e.id, e.type, e.name, e.names,
           COUNT(DISTINCT m.article_id) AS articles, COUNT(m.article_id) AS mentions,
           GROUP_CONCAT(DISTINCT m.lang) AS langs
    FROM entities e LEFT JOIN mentions m ON m.entity_id = e.id
"""


def list_entities(
    conn: sqlite3.Connection, *, limit: int = 50, type: str | None = None, lang: str | None = None
) -> list[dict[str, Any]]:
    where: list[str] = []
    params: list[Any] = []
    if type:
        where.append("e.type = ?")
        params.append(type)
    if lang:
        where.append("e.id IN (SELECT entity_id FROM mentions WHERE lang = ?)")
        params.append(lang)
    sql = _ENTITY_STATS + (" WHERE " + " AND ".join(where) if where else "")
    sql += " GROUP BY e.id ORDER BY articles DESC, mentions DESC, e.id LIMIT ?"
    return [_entity_row(r) for r in conn.execute(sql, [*params, limit])]


def get_entity(conn: sqlite3.Connection, entity_id: str) -> dict[str, Any] | None:
    row = conn.execute(_ENTITY_STATS + " WHERE e.id = ? GROUP BY e.id", (entity_id,)).fetchone()
    if row is None:
        return None
    found = _entity_row(row)
    found["surface_forms"] = [
        dict(r)
        for r in conn.execute(
            "SELECT surface, lang, count FROM entity_aliases WHERE entity_id = ? ORDER BY count DESC, surface",
            (entity_id,),
        )
    ]
    found["articles_list"] = [
        dict(r)
        for r in conn.execute(
            """SELECT a.id, a.title, a.lang, a.publish_date, a.source FROM articles a
               WHERE a.id IN (SELECT article_id FROM mentions WHERE entity_id = ?)
               ORDER BY a.publish_date DESC, a.seq DESC""",
            (entity_id,),
        )
    ]
    return found


def article_mentions(conn: sqlite3.Connection, article_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        """SELECT m.surface, m.start_pos, m.end_pos, m.type, m.entity_id, e.type AS entity_type, e.name
           FROM mentions m LEFT JOIN entities e ON e.id = m.entity_id
           WHERE m.article_id = ? ORDER BY m.position""",
        (article_id,),
    ).fetchall()


def all_aliases(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(surface, entity_id, type) for every surface form in the store: resolve's extra knowledge."""
    return [
        (r["surface"], r["entity_id"], r["type"])
        for r in conn.execute(
            "SELECT DISTINCT a.surface, a.entity_id, e.type FROM entity_aliases a JOIN entities e ON e.id = a.entity_id"
        )
    ]
