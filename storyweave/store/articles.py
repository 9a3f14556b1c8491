"""Queries on articles, what cleaning removed, dates, vectors and rejected inputs."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import numpy as np

from ..models import Article, DateMention, Reject, Removal
from .connection import Connection
from .values import Row


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def find_existing(conn: Connection, article: Article) -> str | None:
    """The id of a stored article that is the same input (same id, canonical URL or content)."""
    row = conn.execute(
        "SELECT id FROM articles WHERE id = ? OR content_hash = ? OR (canonical_url IS NOT NULL AND canonical_url = ?)",
        (article.id, article.content_hash, article.canonical_url),
    ).fetchone()
    return row["id"] if row else None


def id_taken_by_other_content(conn: Connection, article: Article) -> str | None:
    """The origin of a stored article that has this id but other content and another URL.

    Ids are immutable: a second, different article under a used id (two files named alike in
    different folders, an edited JSONL record) is rejected rather than silently dropped.
    """
    row = conn.execute(
        "SELECT origin, content_hash, canonical_url FROM articles WHERE id = ?", (article.id,)
    ).fetchone()
    if row is None or row["content_hash"] == article.content_hash:
        return None
    if article.canonical_url and row["canonical_url"] == article.canonical_url:
        return None
    return str(row["origin"])


def has_article_id(conn: Connection, article_id: str) -> bool:
    return conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None


def article_origin(conn: Connection, article_id: str) -> str | None:
    """Where the stored article ``article_id`` was read from, if it is stored."""
    row = conn.execute("SELECT origin FROM articles WHERE id = ?", (article_id,)).fetchone()
    return row["origin"] if row is not None else None


def article_lang(conn: Connection, article_id: str) -> str | None:
    row = conn.execute("SELECT lang FROM articles WHERE id = ?", (article_id,)).fetchone()
    return row["lang"] if row is not None else None


def copy_of(conn: Connection, content_hash: str, canonical_url: str | None) -> str | None:
    """The id of a stored article with this content or canonical URL, whatever its id."""
    row = conn.execute(
        "SELECT id FROM articles WHERE content_hash = ? OR (canonical_url IS NOT NULL AND canonical_url = ?)",
        (content_hash, canonical_url),
    ).fetchone()
    return row["id"] if row is not None else None


def insert_article(conn: Connection, article: Article) -> None:
    conn.execute(
        """INSERT INTO articles (id, title, text, origin, url, canonical_url, source, lang, lang_confidence,
                                 lang_hint, publish_date, content_hash, metadata, ingested_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            article.id,
            article.title,
            article.text,
            article.origin,
            article.url,
            article.canonical_url,
            article.source,
            article.lang,
            article.lang_confidence,
            article.lang_hint,
            article.publish_date,
            article.content_hash,
            json.dumps(article.metadata, ensure_ascii=False, default=str),
            utc_now(),
        ),
    )
    conn.executemany(
        "INSERT INTO removals (article_id, position, kind, text) VALUES (?, ?, ?, ?)",
        [(article.id, i, r.kind, r.text) for i, r in enumerate(article.removed)],
    )


def insert_dates(conn: Connection, article_id: str, dates: list[DateMention]) -> None:
    conn.executemany(
        "INSERT INTO article_dates (article_id, position, date, expression, sentence, kind) VALUES (?, ?, ?, ?, ?, ?)",
        [(article_id, i, d.date, d.expression, d.sentence, d.kind) for i, d in enumerate(dates)],
    )


def insert_vectors(conn: Connection, article_id: str, vectors: dict[str, Any]) -> None:
    conn.executemany(
        "INSERT INTO article_vectors (article_id, model, vector) VALUES (?, ?, ?)",
        [(article_id, model, np.asarray(v, dtype="<f4").tobytes()) for model, v in sorted(vectors.items())],
    )


# An article's own rows, each read by its id (``get_article``, ``get_dates``, ``load_vectors``, and
# ``entities.load_enriched``, which sends them all before reading any).
ARTICLE_ROW = "SELECT * FROM articles WHERE id = ?"
REMOVAL_ROWS = "SELECT kind, text FROM removals WHERE article_id = ? ORDER BY position"
DATE_ROWS = "SELECT date, expression, sentence, kind FROM article_dates WHERE article_id = ? ORDER BY position"
VECTOR_ROWS = "SELECT model, vector FROM article_vectors WHERE article_id = ?"


def load_vectors(conn: Connection, article_id: str) -> dict[str, np.ndarray]:
    return vectors_of(conn.execute(VECTOR_ROWS, (article_id,)))


def vectors_of(rows: Iterable[Row]) -> dict[str, np.ndarray]:
    return {r["model"]: np.frombuffer(r["vector"], dtype="<f4") for r in rows}


def record_reject(conn: Connection, reject: Reject) -> None:
    now = utc_now()
    conn.execute(
        """INSERT INTO rejects (origin, reason, first_seen, last_seen) VALUES (?, ?, ?, ?)
           ON CONFLICT (origin, reason) DO UPDATE SET last_seen = excluded.last_seen, times = rejects.times + 1""",
        (reject.origin, reject.reason, now, now),
    )


def row_to_article(row: Row, removed: list[Removal] | None = None) -> Article:
    return Article(
        id=row["id"],
        title=row["title"],
        text=row["text"],
        origin=row["origin"],
        url=row["url"],
        canonical_url=row["canonical_url"],
        source=row["source"],
        lang=row["lang"],
        lang_confidence=row["lang_confidence"],
        lang_hint=row["lang_hint"],
        publish_date=row["publish_date"],
        content_hash=row["content_hash"],
        removed=removed or [],
        metadata=json.loads(row["metadata"]),
    )


def get_article(conn: Connection, article_id: str) -> Article | None:
    row = conn.execute(ARTICLE_ROW, (article_id,)).fetchone()
    if row is None:
        return None
    return row_to_article(row, removals_of(conn.execute(REMOVAL_ROWS, (article_id,))))


def removals_of(rows: Iterable[Row]) -> list[Removal]:
    return [Removal(r["kind"], r["text"]) for r in rows]


def get_dates(conn: Connection, article_id: str) -> list[DateMention]:
    return dates_of(conn.execute(DATE_ROWS, (article_id,)))


def dates_of(rows: Iterable[Row]) -> list[DateMention]:
    return [DateMention(r["date"], r["expression"], r["sentence"], r["kind"]) for r in rows]


def list_articles(
    conn: Connection,
    *,
    lang: str | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    after_seq: int | None = None,
    limit: int = 50,
) -> list[Row]:
    """Articles in insertion order; ``after_seq`` is the cursor for stable pagination."""
    where: list[str] = ["1 = 1"]
    params: list[str | int] = []
    if lang:
        where.append("lang = ?")
        params.append(lang)
    if source:
        where.append("source = ?")
        params.append(source)
    if since:
        where.append("publish_date >= ?")
        params.append(since)
    if until:
        where.append("publish_date <= ?")
        params.append(until)
    if after_seq is not None:
        where.append("seq > ?")
        params.append(after_seq)
    sql = (
        "SELECT seq, id, title, lang, lang_confidence, source, url, publish_date, ingested_at, length(text) AS chars "
        f"FROM articles WHERE {' AND '.join(where)} ORDER BY seq LIMIT ?"
    )
    params.append(limit)
    return list(conn.execute(sql, params))


def iter_metadata(conn: Connection) -> Iterator[tuple[Any, Any]]:
    """``(id, metadata)`` of every article as stored (JSON text, unless the store was tampered with)."""
    for row in conn.execute("SELECT id, metadata FROM articles ORDER BY seq"):
        yield row["id"], row["metadata"]


def list_rejects(conn: Connection, limit: int = 100) -> list[Row]:
    return list(conn.execute("SELECT * FROM rejects ORDER BY seq DESC LIMIT ?", (limit,)))


def count(conn: Connection, table: str) -> int:
    if table not in {"articles", "rejects", "removals", "article_dates", "article_vectors"}:
        raise ValueError(table)
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
