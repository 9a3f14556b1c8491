"""Queries on entities, their surface forms and their mentions."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..models import EnrichedArticle, Entity, Mention
from .articles import (
    ARTICLE_ROW,
    DATE_ROWS,
    REMOVAL_ROWS,
    VECTOR_ROWS,
    dates_of,
    removals_of,
    row_to_article,
    utc_now,
    vectors_of,
)
from .connection import Connection, rows_in
from .values import Row


def save_article_entities(
    conn: Connection,
    article_id: str,
    mentions: list[Mention],
    entities: list[Entity],
    name_keys: Iterable[tuple[str, str]] = (),
) -> None:
    """Upsert the article's entities and store its mentions, with the ids they already carry.

    Runs inside the caller's open transaction and never commits: the writer stores the article,
    its entities and its event assignment atomically.  The ids are the reconciled ones
    (``entities.resolve.reconcile.store_article_entities`` decides them, then calls this);
    ``name_keys`` are the (key, entity id) rows of the reconciliation index.
    """
    now = utc_now()
    stored = _stored_names(conn, [e.id for e in entities])
    added, changed = [], {}
    for entity in entities:
        if entity.id not in stored:
            name = entity.names.get("en") or next(iter(entity.names.values()), entity.id)
            added.append((entity.id, entity.type, name, json.dumps(entity.names, ensure_ascii=False), now, now))
            stored[entity.id] = dict(entity.names)
            continue
        merged = {**entity.names, **stored[entity.id]}  # the first display name per language stays
        if merged != stored[entity.id]:
            stored[entity.id] = changed[entity.id] = merged
    conn.executemany(
        "INSERT INTO entities (id, type, name, names, first_seen, updated_at) VALUES (?, ?, ?, ?, ?, ?)", added
    )
    conn.executemany(
        "UPDATE entities SET names = ?, updated_at = ? WHERE id = ?",
        [(json.dumps(names, ensure_ascii=False), now, entity_id) for entity_id, names in changed.items()],
    )
    counts = Counter((m.entity_id, m.surface, m.lang) for m in mentions if m.entity_id)
    conn.executemany(
        """INSERT INTO entity_aliases (entity_id, surface, lang, count) VALUES (?, ?, ?, ?)
           ON CONFLICT (entity_id, surface, lang) DO UPDATE SET count = entity_aliases.count + excluded.count""",
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
    add_name_keys(conn, name_keys)


def _stored_names(conn: Connection, ids: list[str]) -> dict[str, dict[str, str]]:
    """entity id -> its stored display names (language -> name), for those of ``ids`` stored."""
    return {r[0]: json.loads(r[1]) for r in rows_in(conn, "SELECT id, names FROM entities WHERE id IN ({marks})", ids)}


def _merge_names(conn: Connection, entity_id: str, names: dict[str, str], now: str) -> None:
    row = conn.execute("SELECT names FROM entities WHERE id = ?", (entity_id,)).fetchone()
    stored = json.loads(row["names"])
    merged = {**names, **stored}  # the first display name per language stays
    if merged != stored:
        conn.execute(
            "UPDATE entities SET names = ?, updated_at = ? WHERE id = ?",
            (json.dumps(merged, ensure_ascii=False), now, entity_id),
        )


# -- reconciliation support (see storyweave.entities.resolve.reconcile) -------------------------------
def add_name_keys(conn: Connection, rows: Iterable[tuple[str, str]]) -> None:
    """Index (key, entity id) rows of the reconciliation index."""
    conn.executemany("INSERT OR IGNORE INTO entity_name_keys (key, entity_id) VALUES (?, ?)", sorted(set(rows)))


def ensure_name_keys(conn: Connection, keys_of: Callable[[str], set[str]]) -> bool:
    """Index the people and organisations of a store written before the key index existed;
    whether the index holds any row now."""
    if conn.execute("SELECT 1 FROM entity_name_keys LIMIT 1").fetchone() is not None:
        return True
    rows = conn.execute(
        """SELECT a.entity_id, a.surface FROM entity_aliases a JOIN entities e ON e.id = a.entity_id
           WHERE e.type IN ('person', 'organisation')"""
    ).fetchall()
    keyed = [(key, r["entity_id"]) for r in rows for key in keys_of(r["surface"])]
    add_name_keys(conn, keyed)
    return bool(keyed)


def entity_ids_by_key(conn: Connection, keys: Iterable[str]) -> dict[str, set[str]]:
    """name key -> the ids indexed under it (whatever their type, existing or merged away)."""
    found: dict[str, set[str]] = {k: set() for k in keys}
    for r in rows_in(conn, "SELECT key, entity_id FROM entity_name_keys WHERE key IN ({marks})", found):
        found[r[0]].add(r[1])
    return found


def entity_types(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    """entity id -> its type, for those of ``ids`` that exist."""
    return {r[0]: r[1] for r in rows_in(conn, "SELECT id, type FROM entities WHERE id IN ({marks})", ids)}


def mention_type_votes(conn: Connection, ids: Iterable[str]) -> dict[str, dict[str, tuple[int, int, int]]]:
    """entity id -> type -> (languages, articles, mentions) of its stored mentions typed so."""
    found: dict[str, dict[str, tuple[int, int, int]]] = {e: {} for e in ids}
    query = (
        "SELECT entity_id, type, COUNT(DISTINCT lang), COUNT(DISTINCT article_id), COUNT(*) FROM mentions"
        " WHERE entity_id IN ({marks}) GROUP BY entity_id, type"
    )
    for r in rows_in(conn, query, found):
        found[r[0]][r[1]] = (int(r[2]), int(r[3]), int(r[4]))
    return found


def set_entity_types(conn: Connection, types: dict[str, str]) -> None:
    conn.executemany(
        "UPDATE entities SET type = ? WHERE id = ? AND type != ?",
        [(kind, entity_id, kind) for entity_id, kind in sorted(types.items())],
    )


def entity_surfaces(conn: Connection, entity_id: str) -> list[str]:
    return [r["surface"] for r in conn.execute("SELECT surface FROM entity_aliases WHERE entity_id = ?", (entity_id,))]


def exists(conn: Connection, entity_id: str) -> bool:
    return conn.execute("SELECT 1 FROM entities WHERE id = ?", (entity_id,)).fetchone() is not None


def cooccurrences(conn: Connection, entity_id: str, others: set[str]) -> int:
    """Stored articles that name ``entity_id`` together with any of ``others``."""
    marks = ",".join("?" * len(others))
    row = conn.execute(
        f"""SELECT COUNT(DISTINCT a.article_id) FROM mentions a JOIN mentions b ON b.article_id = a.article_id
            WHERE a.entity_id = ? AND b.entity_id IN ({marks})""",
        [entity_id, *sorted(others)],
    ).fetchone()
    return int(row[0])


def article_total(conn: Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])


def article_counts(conn: Connection, ids: Iterable[str]) -> dict[str, int]:
    """entity id -> stored articles that name it."""
    found = dict.fromkeys(ids, 0)
    query = "SELECT entity_id, COUNT(DISTINCT article_id) FROM mentions WHERE entity_id IN ({marks}) GROUP BY entity_id"
    found.update((r[0], int(r[1])) for r in rows_in(conn, query, found))
    return found


def redirect_targets(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    """old id -> current id for those of ``ids`` that were merged away."""
    query = "SELECT old_id, new_id FROM entity_redirects WHERE old_id IN ({marks})"
    return {r[0]: r[1] for r in rows_in(conn, query, ids)}


def current_id(conn: Connection, entity_id: str) -> str:
    return redirect_targets(conn, [entity_id]).get(entity_id, entity_id)


_SAVE_REDIRECT = """INSERT INTO entity_redirects (old_id, new_id, reason, merged_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (old_id) DO UPDATE SET new_id = excluded.new_id, reason = excluded.reason,
                                       merged_at = excluded.merged_at"""


def merge_entities(conn: Connection, old: str, new: str, reason: str) -> None:
    """Fold the stored entity ``old`` into ``new``: mentions, surface forms, names, event counts;
    ``old`` keeps resolving through ``entity_redirects``."""
    now = utc_now()
    row = conn.execute("SELECT names FROM entities WHERE id = ?", (old,)).fetchone()
    if row is None or old == new:
        return
    conn.execute("UPDATE mentions SET entity_id = ? WHERE entity_id = ?", (new, old))
    conn.execute(
        """INSERT INTO entity_aliases (entity_id, surface, lang, count)
           SELECT ?, surface, lang, count FROM entity_aliases WHERE entity_id = ? AND true
           ON CONFLICT (entity_id, surface, lang) DO UPDATE SET count = entity_aliases.count + excluded.count""",
        (new, old),
    )
    conn.execute(
        """INSERT OR IGNORE INTO entity_name_keys (key, entity_id)
           SELECT key, ? FROM entity_name_keys WHERE entity_id = ?""",
        (new, old),
    )
    _merge_names(conn, new, json.loads(row["names"]), now)
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'event_entities'").fetchone():
        # Storyline linking reads per-event entity sets: the merged id must count where the old one did.
        conn.execute(
            """INSERT INTO event_entities (event_id, entity_id, type, articles)
               SELECT event_id, ?, type, articles FROM event_entities WHERE entity_id = ? AND true
               ON CONFLICT (event_id, entity_id) DO UPDATE
               SET articles = CASE WHEN excluded.articles > event_entities.articles THEN excluded.articles
                                   ELSE event_entities.articles END""",
            (new, old),
        )
        conn.execute("DELETE FROM event_entities WHERE entity_id = ?", (old,))
    conn.execute("DELETE FROM entity_aliases WHERE entity_id = ?", (old,))
    conn.execute("DELETE FROM entities WHERE id = ?", (old,))
    conn.execute("UPDATE entity_redirects SET new_id = ? WHERE new_id = ?", (new, old))
    conn.execute(
        _SAVE_REDIRECT,
        (old, new, reason, now),
    )


def load_article_entities(conn: Connection, article_id: str) -> tuple[list[Mention], list[Entity]]:
    """An article's stored mentions and entities (what ``EntityRecognizer.analyse`` gave, reconciled)."""
    return mentions_and_entities(article_mentions(conn, article_id))


def load_enriched(conn: Connection, article_id: str) -> EnrichedArticle | None:
    """An article as stored with its dates, vectors, mentions and entities: what ``get_article``,
    ``get_dates``, ``load_vectors`` and ``load_article_entities`` give, their five statements all
    sent before any is read, so that in PostgreSQL's pipeline they wait for one round trip, not five."""
    key = (article_id,)
    article, removals, dates, vectors, mentions = (
        conn.execute(query, key) for query in (ARTICLE_ROW, REMOVAL_ROWS, DATE_ROWS, VECTOR_ROWS, _MENTION_ROWS)
    )
    row = article.fetchone()
    if row is None:
        return None
    enriched = EnrichedArticle(
        article=row_to_article(row, removals_of(removals)), dates=dates_of(dates), vectors=vectors_of(vectors)
    )
    enriched.mentions, enriched.entities = mentions_and_entities(mentions.fetchall())
    return enriched


def mentions_and_entities(rows: list[Row]) -> tuple[list[Mention], list[Entity]]:
    mentions = [
        Mention(r["surface"], r["start_pos"], r["end_pos"], r["type"], r["lang"], r["entity_id"], r["confidence"])
        for r in rows
    ]
    entities: dict[str, Entity] = {}
    for r in rows:
        if r["entity_id"] is None:
            continue
        entity = entities.setdefault(
            r["entity_id"],
            Entity(r["entity_id"], r["entity_type"] or r["type"], json.loads(r["names"] or "{}")),
        )
        entity.aliases.add(r["surface"])
    return mentions, list(entities.values())


def entity_names(conn: Connection, ids: list[str]) -> dict[str, str]:
    """Display names of ``ids``; ids merged away answer with the name of the entity they joined."""
    found = {}
    for entity_id in ids:
        row = conn.execute("SELECT name FROM entities WHERE id = ?", (current_id(conn, entity_id),)).fetchone()
        if row is not None:
            found[entity_id] = row["name"]
    return found


def _entity_row(row: Row, surfaces: list[tuple[str, str, int]], lang: str | None) -> dict[str, Any]:
    names = display_names(json.loads(row["names"]), surfaces)
    return {
        "id": row["id"],
        "type": row["type"],
        "name": display_name(names, surfaces, lang, row["name"]),
        "names": names,
        "articles": row["articles"],
        "mentions": row["mentions"],
        "langs": sorted(set((row["langs"] or "").split(",")) - {""}),
    }


# -- display names ------------------------------------------------------------------------------------
def _fullest(surfaces: list[tuple[str, str, int]]) -> str | None:
    """The surface to show among some (surface, lang, count): a multi-word one first, then the most
    frequent ("Vladimir Poutine" over a more frequent bare "Poutine")."""
    if not surfaces:
        return None
    return max(surfaces, key=lambda s: (len(s[0].split()) > 1, s[2], len(s[0]), s[0]))[0]


def display_names(names: dict[str, str], surfaces: list[tuple[str, str, int]]) -> dict[str, str]:
    """``names`` (lang -> name, from the knowledge base or the first article in that language)
    completed with the best surface form of every other language the entity was mentioned in."""
    out = dict(names)
    by_lang: dict[str, list[tuple[str, str, int]]] = {}
    for surface in surfaces:
        by_lang.setdefault(surface[1], []).append(surface)
    for lang, found in sorted(by_lang.items()):
        if lang and lang not in out:
            best = _fullest(found)
            if best:
                out[lang] = best
    return out


def _latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isascii() or "\u00c0" <= c <= "\u024f" or "\u1e00" <= c <= "\u1eff" for c in letters)


def display_name(names: dict[str, str], surfaces: list[tuple[str, str, int]], lang: str | None, fallback: str) -> str:
    """The name to show for a reader of ``lang``: its own name in that language when known; else
    English, else the most mentioned Latin-script form, else the most mentioned form of any script."""
    if lang and names.get(lang):
        return names[lang]
    if names.get("en"):
        return names["en"]
    latin = [s for s in surfaces if _latin(s[0])]
    latin_names = [n for n in names.values() if _latin(n)]
    if latin_names:
        counts = {s[0]: s[2] for s in latin}
        return max(latin_names, key=lambda n: (counts.get(n, 0), len(n.split()) > 1, n))
    return _fullest(latin) or _fullest(surfaces) or fallback


def entity_surface_counts(conn: Connection, ids: Iterable[str]) -> dict[str, list[tuple[str, str, int]]]:
    """entity id -> its (surface, lang, count) rows."""
    found: dict[str, list[tuple[str, str, int]]] = {}
    query = "SELECT entity_id, surface, lang, count FROM entity_aliases WHERE entity_id IN ({marks})"
    for r in rows_in(conn, query, ids):
        found.setdefault(r[0], []).append((r[1], r[2] or "", int(r[3])))
    return found


_ENTITY_STATS = """
    SELECT e.id, e.type, e.name, e.names,
           COUNT(DISTINCT m.article_id) AS articles, COUNT(m.article_id) AS mentions,
           GROUP_CONCAT(DISTINCT m.lang) AS langs
    FROM entities e LEFT JOIN mentions m ON m.entity_id = e.id
"""


def list_entities(
    conn: Connection,
    *,
    limit: int = 50,
    type: str | None = None,
    lang: str | None = None,
    name_lang: str | None = None,
) -> list[dict[str, Any]]:
    """Top entities; ``lang`` keeps those mentioned in that language and names them in it, unless
    ``name_lang`` asks for another display language."""
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
    rows = conn.execute(sql, [*params, limit]).fetchall()
    surfaces = entity_surface_counts(conn, [r["id"] for r in rows])
    return [_entity_row(r, surfaces.get(r["id"], []), name_lang or lang) for r in rows]


def get_entity(conn: Connection, entity_id: str, lang: str | None = None) -> dict[str, Any] | None:
    """One entity with its surface forms and articles; an id merged away answers with its successor."""
    entity_id = current_id(conn, entity_id)
    row = conn.execute(_ENTITY_STATS + " WHERE e.id = ? GROUP BY e.id", (entity_id,)).fetchone()
    if row is None:
        return None
    found = _entity_row(row, entity_surface_counts(conn, [entity_id]).get(entity_id, []), lang)
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


_MENTION_ROWS = """SELECT m.surface, m.start_pos, m.end_pos, m.type, m.lang, m.confidence, m.entity_id,
                          e.type AS entity_type, e.name, e.names
                   FROM mentions m LEFT JOIN entities e ON e.id = m.entity_id
                   WHERE m.article_id = ? ORDER BY m.position"""


def article_mentions(conn: Connection, article_id: str) -> list[Row]:
    return conn.execute(_MENTION_ROWS, (article_id,)).fetchall()


def all_aliases(conn: Connection) -> list[tuple[str, str, str, str, int]]:
    """(surface, lang, entity_id, type, mentions) for every surface form in the store: resolve's
    extra knowledge."""
    return [
        (r["surface"], r["lang"], r["entity_id"], r["type"], int(r["count"]))
        for r in conn.execute(
            """SELECT a.surface, a.lang, a.entity_id, e.type, a.count
               FROM entity_aliases a JOIN entities e ON e.id = a.entity_id
               ORDER BY a.surface, a.lang, a.entity_id"""
        )
    ]


# -- re-resolving a whole store (migration 0006, see storyweave.entities.resolve.rebuild) ------------
def step_pending(conn: Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM pending_steps WHERE name = ?", (name,)).fetchone() is not None


def has_mentions(conn: Connection) -> bool:
    return conn.execute("SELECT 1 FROM mentions LIMIT 1").fetchone() is not None


def finish_step(conn: Connection, name: str) -> None:
    conn.execute("DELETE FROM pending_steps WHERE name = ?", (name,))


def mention_ids(conn: Connection) -> dict[tuple[str, int, int], str]:
    """(article id, start, end) -> entity id of every resolved mention."""
    rows = conn.execute("SELECT article_id, start_pos, end_pos, entity_id FROM mentions WHERE entity_id IS NOT NULL")
    return {(r["article_id"], int(r["start_pos"]), int(r["end_pos"])): r["entity_id"] for r in rows}


def stored_mentions(conn: Connection) -> Iterator[tuple[str, str, list[Mention]]]:
    """(article id, article language, its mentions without ids), in ingest order."""
    articles = conn.execute(
        "SELECT id, lang FROM articles WHERE id IN (SELECT article_id FROM mentions) ORDER BY seq"
    ).fetchall()
    for article in articles:
        rows = conn.execute(
            """SELECT surface, start_pos, end_pos, type, lang, confidence FROM mentions
               WHERE article_id = ? ORDER BY position""",
            (article["id"],),
        )
        mentions = [
            Mention(r["surface"], r["start_pos"], r["end_pos"], r["type"], r["lang"], None, r["confidence"])
            for r in rows
        ]
        yield article["id"], article["lang"] or "", mentions


def clear_entities(conn: Connection) -> None:
    """Forget every entity, surface form and mention id (mentions stay, without ids); redirects stay."""
    conn.execute("UPDATE mentions SET entity_id = NULL WHERE entity_id IS NOT NULL")
    conn.execute("DELETE FROM entity_name_keys")
    conn.execute("DELETE FROM entity_aliases")
    conn.execute("DELETE FROM entities")


def delete_article_mentions(conn: Connection, article_id: str) -> None:
    conn.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))


def redirect_moved(conn: Connection, moves: dict[str, str], reason: str) -> None:
    """Old id -> new id for ids that no longer exist; redirects that pointed at them follow, and an
    id that exists again is nobody's old id."""
    now = utc_now()
    for old, new in sorted(moves.items()):
        if old == new or exists(conn, old):
            continue
        conn.execute("UPDATE entity_redirects SET new_id = ? WHERE new_id = ?", (new, old))
        conn.execute(
            _SAVE_REDIRECT,
            (old, new, reason, now),
        )
    conn.execute("DELETE FROM entity_redirects WHERE old_id IN (SELECT id FROM entities)")


def rebuild_event_entities(conn: Connection) -> None:
    """Recount which entities each event's articles name, after the mentions' ids changed."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'event_entities'").fetchone():
        return
    conn.execute("DELETE FROM event_entities")
    conn.execute(
        """INSERT INTO event_entities (event_id, entity_id, type, articles)
           SELECT ea.event_id, m.entity_id, e.type, COUNT(DISTINCT m.article_id)
           FROM event_articles ea JOIN mentions m ON m.article_id = ea.article_id
           JOIN entities e ON e.id = m.entity_id
           GROUP BY ea.event_id, m.entity_id"""
    )
