"""Queries behind search: full text (FTS5), stored article vectors, and article look-ups.

User input never reaches FTS5 syntax: every term is wrapped in double quotes (inner quotes
doubled), so operators, column filters, parentheses and stray quotes in a query are plain text.
All values travel as SQL parameters.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from .base import TextHit
from .connection import Connection
from .values import Row

# Private-use characters mark matched terms in snippets: they never occur in news text, so the
# web UI can split on them and render the marks itself, with everything else escaped.
MARK_START = "\ue000"
MARK_END = "\ue001"

CJK_LANGS = ("zh", "ja", "ko", "th")


def quote_term(term: str) -> str:
    """One FTS5 string literal matching ``term`` as a phrase, whatever characters it holds."""
    return '"' + term.replace('"', '""') + '"'


def word_query(terms: Sequence[str]) -> str:
    """An FTS5 query matching any of ``terms`` (bm25 ranks articles with more of them first)."""
    return " OR ".join(quote_term(t) for t in terms if t)


def text_matches(conn: Connection, terms: Sequence[str], limit: int) -> list[TextHit]:
    """Articles whose title or text holds any of ``terms`` (word tokens), best bm25 first."""
    query = word_query(terms)
    if not query:
        return []
    # Title matches weigh three times body matches.
    rows = conn.execute(
        f"""SELECT a.seq, a.id,
                   bm25(articles_fts, 3.0, 1.0) AS rank,
                   snippet(articles_fts, 1, '{MARK_START}', '{MARK_END}', '…', 24) AS snip,
                   highlight(articles_fts, 0, '{MARK_START}', '{MARK_END}') AS title_marked
            FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid
            WHERE articles_fts MATCH ?
            ORDER BY rank LIMIT ?""",
        (query, limit),
    )
    return [
        TextHit(row["seq"], row["id"], float(row["rank"]), row["snip"], MARK_START in (row["title_marked"] or ""))
        for row in rows
    ]


def substring_matches(conn: Connection, runs: Sequence[str], limit: int) -> list[TextHit]:
    """Articles in unspaced scripts holding any of ``runs`` as a substring, most occurrences first.

    ``limit`` < 0 means no limit (as SQLite's LIMIT -1).

    Runs of three or more characters use the trigram index; shorter ones (many Chinese names and
    words are two characters) scan the articles of those languages only.
    """
    found: dict[int, TextHit] = {}
    for run in runs:
        if len(run) >= 3:
            rows = conn.execute(
                f"""SELECT a.seq, a.id, bm25(articles_cjk, 3.0, 1.0) AS rank,
                           snippet(articles_cjk, 1, '{MARK_START}', '{MARK_END}', '…', 24) AS snip,
                           instr(a.title, ?) > 0 AS in_title
                    FROM articles_cjk JOIN articles a ON a.seq = articles_cjk.rowid
                    WHERE articles_cjk MATCH ? ORDER BY rank LIMIT ?""",
                (run, quote_term(run), limit),
            )
        else:
            marks = ",".join("?" for _ in CJK_LANGS)
            rows = conn.execute(
                f"""SELECT seq, id, -(length(title) + length(text) - length(replace(title || text, ?, '')))
                               * 1.0 / max(1, length(?)) AS rank,
                           substr(text, max(1, instr(text, ?) - 40), 120) AS snip,
                           instr(title, ?) > 0 AS in_title
                    FROM articles
                    WHERE lang IN ({marks}) AND (instr(title, ?) > 0 OR instr(text, ?) > 0)
                    ORDER BY rank LIMIT ?""",
                (run, run, run, run, *CJK_LANGS, run, run, limit),
            )
        for row in rows:
            hit = TextHit(row["seq"], row["id"], float(row["rank"]), row["snip"] or "", bool(row["in_title"]))
            if row["seq"] not in found or hit.rank < found[row["seq"]].rank:
                found[row["seq"]] = hit
    ranked = sorted(found.values(), key=lambda h: h.rank)
    return ranked if limit < 0 else ranked[:limit]


def vector_rows(conn: Connection, model: str, after_rowid: int) -> Iterator[tuple[int, bytes]]:
    """``(rowid, float32 blob)`` of one model's article vectors stored after ``after_rowid``; the
    article ids are looked up for the few rows a search keeps (``vector_article_ids``)."""
    rows = conn.execute(
        "SELECT rowid, vector FROM article_vectors WHERE model = ? AND rowid > ? ORDER BY rowid",
        (model, after_rowid),
    )
    for row in rows:
        yield int(row[0]), bytes(row[1])


def vector_state(conn: Connection, model: str) -> tuple[int, int]:
    """``(max rowid, count)`` of one model's vectors: tells a cache whether rows were added or deleted."""
    row = conn.execute(
        "SELECT coalesce(max(rowid), 0), count(*) FROM article_vectors WHERE model = ?", (model,)
    ).fetchone()
    return int(row[0]), int(row[1])


def vector_article_ids(conn: Connection, model: str, rowids: Sequence[int]) -> dict[int, str]:
    """The article of each given ``article_vectors`` rowid of ``model``, by rowid (gone rows left out).

    The rowids travel as one JSON parameter: one query however many hits, with no limit on the
    number of SQL variables.
    """
    if not len(rowids):
        return {}
    rows = conn.execute(
        """SELECT rowid, article_id FROM article_vectors
           WHERE model = ? AND rowid IN (SELECT value FROM json_each(?))""",
        (model, json.dumps([int(r) for r in rowids])),
    )
    return {int(row[0]): str(row[1]) for row in rows}


def article_rows(conn: Connection, article_ids: Sequence[str]) -> dict[str, Row]:
    """Listing fields of the given articles, by id (unknown ids are left out)."""
    found: dict[str, Row] = {}
    ids = list(dict.fromkeys(article_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" for _ in chunk)
        for row in conn.execute(
            f"""SELECT seq, id, title, lang, source, url, publish_date, substr(text, 1, 400) AS lead
                FROM articles WHERE id IN ({marks})""",
            chunk,
        ):
            found[row["id"]] = row
    return found


def max_article_seq(conn: Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0])


def articles_after(conn: Connection, after_seq: int, limit: int = 200) -> list[Row]:
    """Articles stored after ``after_seq``, oldest first: what the live stream sends."""
    return list(
        conn.execute(
            """SELECT seq, id, title, lang, source, url, publish_date, ingested_at
               FROM articles WHERE seq > ? ORDER BY seq LIMIT ?""",
            (after_seq, limit),
        )
    )


def event_ids_for(conn: Connection, article_ids: Sequence[str]) -> dict[str, str]:
    """The event of each given article that has one, by article id."""
    found: dict[str, str] = {}
    ids = list(dict.fromkeys(article_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" for _ in chunk)
        for row in conn.execute(
            f"SELECT article_id, event_id FROM event_articles WHERE article_id IN ({marks})", chunk
        ):
            found[row[0]] = row[1]
    return found


def entities_with_alias(conn: Connection, surfaces: Sequence[str]) -> list[str]:
    """Ids of the entities written as any of ``surfaces`` in some article (exact surface match)."""
    wanted = list(dict.fromkeys(s for s in surfaces if s))
    found: list[str] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" for _ in chunk)
        for row in conn.execute(
            f"SELECT DISTINCT entity_id FROM entity_aliases WHERE surface IN ({marks})", chunk
        ):
            if row[0] not in found:
                found.append(row[0])
    return found


def known_entities(conn: Connection, entity_ids: Sequence[str]) -> list[str]:
    """The subset of ``entity_ids`` that the store has, in the given order."""
    ids = list(dict.fromkeys(entity_ids))
    if not ids:
        return []
    marks = ",".join("?" for _ in ids)
    present = {row[0] for row in conn.execute(f"SELECT id FROM entities WHERE id IN ({marks})", ids)}
    return [i for i in ids if i in present]


def entity_article_hits(conn: Connection, entity_ids: Sequence[str], limit: int) -> list[dict[str, object]]:
    """Articles mentioning any of the entities, most mentions first, with the surfaces they used.

    The entity's name comes in English when known: the query that found it is usually typed in Latin.
    """
    ids = list(dict.fromkeys(entity_ids))
    if not ids:
        return []
    marks = ",".join("?" for _ in ids)
    rows = conn.execute(
        f"""SELECT m.article_id, m.entity_id, coalesce(json_extract(e.names, '$.en'), e.name) AS name, e.type,
                   count(*) AS n,
                   json_group_array(DISTINCT m.surface) AS surfaces
            FROM mentions m JOIN entities e ON e.id = m.entity_id
            WHERE m.entity_id IN ({marks})
            GROUP BY m.article_id, m.entity_id, e.id
            ORDER BY n DESC, m.article_id LIMIT ?""",
        (*ids, limit),
    )
    return [
        {"article_id": r["article_id"], "entity_id": r["entity_id"], "name": r["name"], "type": r["type"],
         "count": r["n"], "surfaces": sorted(json.loads(r["surfaces"]))}
        for r in rows
    ]


def entity_names_by_lang(conn: Connection, entity_ids: Sequence[str]) -> dict[str, dict[str, str]]:
    """``{entity_id: {lang: name}}`` for the given entities (for chips in the reader's language)."""
    ids = list(dict.fromkeys(entity_ids))
    found: dict[str, dict[str, str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" for _ in chunk)
        for row in conn.execute(f"SELECT id, names FROM entities WHERE id IN ({marks})", chunk):
            try:
                names = json.loads(row["names"] or "{}")
            except ValueError:
                names = {}
            found[row["id"]] = {str(k): str(v) for k, v in names.items()} if isinstance(names, dict) else {}
    return found


def store_generation(conn: Connection) -> tuple[int, str]:
    """Changes whenever an article is stored or the event tables change (any writer, any process)."""
    seq = max_article_seq(conn)
    row = conn.execute("SELECT token FROM cluster_state WHERE id = 1").fetchone()
    return seq, str(row[0]) if row else ""
