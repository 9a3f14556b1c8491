"""``SQLiteStore``: the ``Store`` on one SQLite file in WAL mode.

It owns one connection and offers the area modules' statements on it (``bound.py``); full-text
search runs on FTS5 (``search.py``); checking, export/import and backup use SQLite's own
machinery (``check.py``, ``backup.py``).  ``open_store`` returns it as a ``Store``, so mypy checks
every operation against the interface's signature.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any

from . import search as search_sql
from .backup import backup_store, export_store, import_rows
from .base import CheckReport
from .bound import AreaOperations, on_connection
from .check import check_store
from .db import connect, data_version, schema_version, transaction


class SQLiteStore(AreaOperations):
    """The store in the SQLite file ``path`` (created and migrated unless ``readonly``).

    ``conn`` is the SQLite connection itself: for this package, and for tests that inspect SQLite's
    own tables; never for the rest of storyweave.
    """

    conn: sqlite3.Connection

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = 30000, readonly: bool = False) -> None:
        self.path = Path(path)
        self.conn = connect(self.path, busy_timeout_ms=busy_timeout_ms, readonly=readonly)

    # -- lifecycle and whole-store operations -------------------------------------------------------
    def transaction(self) -> AbstractContextManager[Any]:
        return transaction(self.conn)

    def close(self) -> None:
        self.conn.close()

    def schema_version(self) -> int:
        return schema_version(self.conn)

    def data_version(self) -> int:
        return data_version(self.conn)

    def check(self, *, quick: bool = False) -> CheckReport:
        return check_store(self.conn, quick=quick)

    def export(self, out: IO[str]) -> dict[str, int]:
        return export_store(self.conn, out)

    def import_export(self, source: IO[str]) -> dict[str, int]:
        return import_rows(self.conn, source, str(self.path))

    def backup(self, target: str | Path, *, overwrite: bool = False) -> int:
        return backup_store(self.conn, target, overwrite=overwrite)

    # -- search -----------------------------------------------------------------------------------------
    text_matches = on_connection(search_sql.text_matches)
    substring_matches = on_connection(search_sql.substring_matches)
    vector_rows = on_connection(search_sql.vector_rows)
    vector_article_ids = on_connection(search_sql.vector_article_ids)
