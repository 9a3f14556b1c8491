"""What the area modules (``articles``, ``events``, …) need of a database connection.

Their statements are written once, in SQLite's spelling with ``?`` (or ``:name``) parameters, and
run on whatever the engine hands them: SQLite's own connection, or the PostgreSQL engine's
``PgConnection``, which translates each statement (``pg_dialect.py``).  These protocols are the
part of ``sqlite3.Connection`` both offer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol


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
