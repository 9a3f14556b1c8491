"""Whole-store export to JSONL and import back, plus a safe online copy.

The export is schema-driven: every ordinary table is written, one ``{"table": …, "row": {…}}``
object per line (BLOBs base64-encoded), after a header line with the schema version.  Derived
tables (full-text indexes and their shadow tables) are not exported; the import rebuilds them.
Reading happens inside one read transaction, so an export of a store that is being written to is
still a consistent snapshot.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .errors import InputError, StoreError
from .store.db import connect, latest_version, schema_version

FORMAT = "storyweave-export"


def _exported_tables(conn: sqlite3.Connection) -> list[str]:
    """Ordinary tables in creation order (parents before children), minus FTS machinery."""
    virtual = {
        row["name"]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'")
    }
    tables = []
    for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid"):
        name = row["name"]
        if name.startswith("sqlite_") or name in virtual or any(name.startswith(v + "_") for v in virtual):
            continue
        tables.append(name)
    return tables


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode("ascii")}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"$b64"}:
        return base64.b64decode(value["$b64"])
    return value


def export_lines(conn: sqlite3.Connection) -> Iterator[tuple[str | None, str]]:
    """``(table, line)`` pairs; the header line comes first with table ``None``."""
    conn.execute("BEGIN")  # one snapshot for the whole export, even while a writer goes on
    try:
        tables = _exported_tables(conn)
        yield None, json.dumps({"format": FORMAT, "schema_version": schema_version(conn), "tables": tables})
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                record = {key: _encode(row[key]) for key in row.keys()}  # noqa: SIM118 - a Row iterates values
                yield table, json.dumps({"table": table, "row": record}, ensure_ascii=False)
    finally:
        conn.execute("COMMIT")


def export_store(conn: sqlite3.Connection, out: IO[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table, line in export_lines(conn):
        out.write(line + "\n")
        if table is not None:
            counts[table] = counts.get(table, 0) + 1
    return counts


def import_store(db_path: str | Path, source: IO[str]) -> dict[str, int]:
    """Load an export into a new, empty store; refuses to mix it into a store with data."""
    conn = connect(db_path)
    try:
        if conn.execute("SELECT count(*) FROM articles").fetchone()[0]:
            raise StoreError(f"{db_path} already holds articles; import into a new store file")
        header_line = source.readline()
        try:
            header = json.loads(header_line)
        except json.JSONDecodeError:
            raise InputError("not a storyweave export: the first line is not JSON") from None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise InputError("not a storyweave export: the header line is missing")
        if header.get("schema_version") != latest_version():
            raise InputError(
                f"the export has schema version {header.get('schema_version')}, this storyweave has "
                f"{latest_version()}; import with the storyweave version that wrote it"
            )
        counts: dict[str, int] = {}
        conn.execute("PRAGMA foreign_keys = OFF")  # rows arrive table by table; checked at the end
        conn.execute("BEGIN IMMEDIATE")
        try:
            known = set(_exported_tables(conn))
            for number, line in enumerate(source, start=2):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    table, row = record["table"], record["row"]
                except (json.JSONDecodeError, KeyError, TypeError):
                    raise InputError(f"export line {number} is not a table row") from None
                if table not in known:
                    raise InputError(f"export line {number} names unknown table {table!r}")
                columns = list(row)
                conn.execute(
                    f'INSERT OR REPLACE INTO "{table}" ({", ".join(f"{c!r}" for c in columns)}) '
                    f"VALUES ({', '.join('?' for _ in columns)})",
                    [_decode(row[c]) for c in columns],
                )
                counts[table] = counts.get(table, 0) + 1
            problems = conn.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise StoreError(f"the export is inconsistent: {len(problems)} rows point at missing rows")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.execute("PRAGMA foreign_keys = ON")
        return counts
    finally:
        conn.close()


def backup_store(conn: sqlite3.Connection, target: str | Path) -> None:
    """Copy a live store page by page with SQLite's online backup API: safe while it is written."""
    destination = sqlite3.connect(str(target))
    try:
        conn.backup(destination, pages=1024)
    finally:
        destination.close()
