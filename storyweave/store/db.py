"""Open the SQLite store in WAL mode and bring its schema up to date.

Migrations are the numbered ``migrations/NNNN_name.sql`` files, applied in order, each in its own
transaction together with the bump of ``PRAGMA user_version``, so a crash mid-migration leaves the
store at the previous version rather than half-migrated.
"""

from __future__ import annotations

import re
import sqlite3
from importlib import resources
from pathlib import Path

from ..errors import StoreError
from .connection import Connection

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def _migrations() -> list[tuple[int, str, str]]:
    found = []
    for entry in resources.files(__package__).joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def data_version(conn: sqlite3.Connection) -> int:
    """A number that moves whenever another connection, in any process, commits to the store."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def latest_version() -> int:
    migrations = _migrations()
    return migrations[-1][0] if migrations else 0


def migrate(conn: sqlite3.Connection) -> None:
    current = schema_version(conn)
    if current > latest_version():
        raise StoreError(
            f"the store has schema version {current}, newer than this storyweave knows "
            f"({latest_version()}); upgrade storyweave"
        )
    for version, name, sql in _migrations():
        if version <= current:
            continue
        try:
            conn.execute("BEGIN IMMEDIATE")
            # executescript would COMMIT first; run statement by statement inside our transaction
            for statement in _split_sql(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise StoreError(f"migration {name} failed: {exc}") from exc


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, keeping CREATE TRIGGER … END blocks whole."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def connect(path: str | Path, *, busy_timeout_ms: int = 30000, readonly: bool = False) -> sqlite3.Connection:
    """Open (creating if needed) the store at ``path`` and migrate it.

    ``isolation_level=None`` puts transactions in our hands: writers use explicit
    ``BEGIN IMMEDIATE`` so two writers queue on the lock instead of failing on upgrade.
    """
    path = Path(path)
    if not readonly:
        path.parent.mkdir(parents=True, exist_ok=True)
    uri = f"file:{path}?mode=ro" if readonly else str(path)
    try:
        conn = sqlite3.connect(
            uri, uri=readonly, isolation_level=None, check_same_thread=False, timeout=busy_timeout_ms / 1000
        )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            migrate(conn)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open store {path}: {exc}") from exc
    return conn


class transaction:
    """``with transaction(conn):`` runs a BEGIN IMMEDIATE … COMMIT, rolling back on error (on PostgreSQL,
    ``PgConnection`` gives the same statements the same meaning)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def __enter__(self) -> Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
