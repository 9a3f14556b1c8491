"""What the area modules (``articles``, ``events``, …) need of a database connection.

Their statements are written once, in SQLite's spelling with ``?`` (or ``:name``) parameters, and
run on whatever the engine hands them: SQLite's own connection, or the PostgreSQL engine's
``PgConnection``, which translates each statement (``pg_dialect.py``).  These protocols are the
part of ``sqlite3.Connection`` both offer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

# Ids bound to one statement's IN (…): well within every engine's limit on parameters.
IDS_PER_STATEMENT = 500


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Any: ...


def chunks(items: Sequence[str], size: int = IDS_PER_STATEMENT) -> list[list[str]]:
    """``items`` cut into runs short enough to bind to one statement."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def rows_in(conn: Connection, query: str, ids: Iterable[str]) -> list[Any]:
    """The rows of ``query`` for ``ids``, which fill its ``{marks}`` a chunk at a time (one statement
    for many ids, sorted so the statements do not depend on a set's order).  A list, fetched whole:
    the writer reads hundreds of rows an article this way, and a generator's step per row costs more
    than the row."""
    rows: list[Any] = []
    for chunk in chunks(sorted(set(ids))):
        rows += conn.execute(query.format(marks=",".join("?" * len(chunk))), chunk).fetchall()
    return rows

