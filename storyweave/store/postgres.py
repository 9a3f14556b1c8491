"""``PostgresStore``: the ``Store`` on a PostgreSQL database, for a team's shared store.

Open it with ``open_store("postgresql://user@host/db")`` (``--db`` and the ``db`` setting take the
same URL).  It keeps a psycopg pool of connections (``pool_size``), runs the area modules'
statements through the dialect layer (``pg_connection.py``, ``pg_dialect.py``), searches with
PostgreSQL's own full text and trigrams (``pg_search.py``), and checks, exports, imports and backs
up with ``pg_admin.py``.  Exactly one writer at a time: ``transaction()`` takes an advisory lock
(see ``pg_connection.py``); any number of readers, in any number of processes.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any

from . import pg_admin
from . import pg_search as search_sql
from .bound import AreaOperations, on_connection
from .db import transaction
from .pg_connection import PgConnection, describe, open_pool
from .values import CheckReport


class PostgresStore(AreaOperations):
    """The store in the PostgreSQL database at ``url`` (migrated unless ``readonly``)."""

    conn: PgConnection

    def __init__(
        self, url: str, *, busy_timeout_ms: int = 30000, readonly: bool = False, pool_size: int = 4
    ) -> None:
        self.url = url
        self.name = describe(url)
        self._pool = open_pool(url, busy_timeout_ms=busy_timeout_ms, readonly=readonly, pool_size=pool_size)
        self.conn = PgConnection(self._pool, name=self.name, busy_timeout_ms=busy_timeout_ms)

    # -- lifecycle and whole-store operations -------------------------------------------------------
    def transaction(self) -> AbstractContextManager[Any]:
        return transaction(self.conn)

    def close(self) -> None:
        self._pool.close()

    def schema_version(self) -> int:
        return pg_admin.schema_version(self.conn)

    def data_version(self) -> int:
        return pg_admin.data_version(self.conn)

    def check(self, *, quick: bool = False) -> CheckReport:
        return pg_admin.check_store(self.conn, quick=quick)

    def export(self, out: IO[str]) -> dict[str, int]:
        return pg_admin.export_store(self.conn, out)

    def import_export(self, source: IO[str]) -> dict[str, int]:
        return pg_admin.import_rows(self.conn, source, self.name)

    def backup(self, target: str | Path, *, overwrite: bool = False) -> int:
        return pg_admin.backup_store(self.url, self.name, target, overwrite=overwrite)

    # -- search -----------------------------------------------------------------------------------------
    text_matches = on_connection(search_sql.text_matches)
    substring_matches = on_connection(search_sql.substring_matches)
    vector_rows = on_connection(search_sql.vector_rows)
    vector_article_ids = on_connection(search_sql.vector_article_ids)
