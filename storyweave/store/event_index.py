"""What the assigner's in-memory event index reads: the events it keeps, and those it reads back.

The index keeps the ``event_index_kept`` events most recently changed (by ``touched``, then
``seq``) that have a centroid of its model.  Every other event lies *below* a boundary, the
``(touched, seq)`` of the oldest event kept, so "the events out of memory" is a condition a
statement can state, and the index holds the same events whether it was kept up to date article by
article or rebuilt from the store after a restart.
"""

from __future__ import annotations

from collections.abc import Iterable

from .connection import Connection
from .values import Row

# Does a member of event ``e`` carry a publication date (not one estimated from its text)?
HAS_PUBLICATION_DATE = """EXISTS (
    SELECT 1 FROM event_articles m JOIN articles a ON a.id = m.article_id
    WHERE m.event_id = e.id AND (a.publish_date IS NOT NULL OR EXISTS (
        SELECT 1 FROM article_dates d WHERE d.article_id = a.id AND d.kind = 'publication')))"""

_COLUMNS = f"""e.seq, e.id, e.first_date, e.last_date, e.first_seq, e.last_seq, e.touched, e.storyline_id,
               v.vector, {HAS_PUBLICATION_DATE} AS firm"""
_INDEXED = "events e JOIN event_vectors v ON v.event_id = e.id AND v.model = ?"
_BELOW = "(e.touched < ? OR (e.touched = ? AND e.seq < ?))"


def index_boundary(conn: Connection, model: str, kept: int) -> tuple[int, int] | None:
    """``(touched, seq)`` of the oldest of the ``kept`` newest events with a centroid of ``model``;
    ``None`` when there are no more than ``kept`` of them (all are kept)."""
    rows = conn.execute(
        f"SELECT e.touched, e.seq FROM {_INDEXED} ORDER BY e.touched DESC, e.seq DESC LIMIT 2 OFFSET ?",
        (model, kept - 1),
    ).fetchall()
    return (int(rows[0][0]), int(rows[0][1])) if len(rows) == 2 else None


def iter_event_index_rows(conn: Connection, model: str, boundary: tuple[int, int] | None = None) -> Iterable[Row]:
    """The index's rows of the events with a centroid of ``model`` at or above ``boundary`` (all
    when ``None``), in creation order."""
    if boundary is None:
        return conn.execute(f"SELECT {_COLUMNS} FROM {_INDEXED} ORDER BY e.seq", (model,))
    touched, seq = boundary
    return conn.execute(
        f"SELECT {_COLUMNS} FROM {_INDEXED} WHERE NOT {_BELOW} ORDER BY e.seq", (model, touched, touched, seq)
    )


def evicted_index_rows(
    conn: Connection,
    model: str,
    boundary: tuple[int, int],
    *,
    since_seq: int,
    first_date: str | None = None,
    last_date: str | None = None,
    undated_by_order: bool = False,
) -> list[Row]:
    """The index's rows of the events below ``boundary`` that may lie in a window: last changed by
    an article at or after ``since_seq`` (only those without dates when ``undated_by_order``), or
    (with dates) with days overlapping ``first_date``..``last_date``, in creation order."""
    touched, seq = boundary
    reach = "e.last_seq >= ?" + (" AND e.first_date IS NULL" if undated_by_order else "")
    params: list[object] = [model, touched, touched, seq, since_seq]
    if first_date is not None and last_date is not None:
        reach += " OR (e.last_date >= ? AND e.first_date <= ?)"
        params += [first_date, last_date]
    return list(conn.execute(f"SELECT {_COLUMNS} FROM {_INDEXED} WHERE {_BELOW} AND ({reach}) ORDER BY e.seq", params))


def newest_index_rows_below(conn: Connection, model: str, boundary: tuple[int, int], count: int) -> list[Row]:
    """The index's rows of the ``count`` newest events below ``boundary``, newest first."""
    touched, seq = boundary
    return list(
        conn.execute(
            f"SELECT {_COLUMNS} FROM {_INDEXED} WHERE {_BELOW} ORDER BY e.touched DESC, e.seq DESC LIMIT ?",
            (model, touched, touched, seq, count),
        )
    )


def evicted_extent(
    conn: Connection, model: str, boundary: tuple[int, int]
) -> tuple[str | None, str | None, int | None]:
    """The earliest first date, latest last date and latest ``last_seq`` of the events below
    ``boundary``: where in time a read-back can find anything."""
    touched, seq = boundary
    row = conn.execute(
        f"SELECT min(e.first_date), max(e.last_date), max(e.last_seq) FROM {_INDEXED} WHERE {_BELOW}",
        (model, touched, touched, seq),
    ).fetchone()
    return row[0], row[1], None if row[2] is None else int(row[2])
