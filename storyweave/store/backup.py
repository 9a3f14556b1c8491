"""Whole-store export to JSONL and import back, plus a safe online copy.

The export is schema-driven: every ordinary table is written, one ``{"table": …, "row": {…}}``
object per line (BLOBs base64-encoded), after a header line with the schema version.  Derived
tables (full-text indexes and their shadow tables) are not exported; the import rebuilds them
through the same triggers that keep them in step during ingest.  Reading happens inside one read
transaction, so an export of a store that is being written to is still a consistent snapshot.

An export file is outside input: the import accepts only tables and columns this schema has,
quotes every identifier, passes every value as a parameter, and before it commits runs every check
``storyweave check`` runs, all in one transaction, so a bad file leaves the new store empty and the
user reads one line saying why.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import InputError, StoreError
from ..safetext import escape_controls
from .check import check_store
from .db import connect, latest_version, schema_version
from .values import CheckReport, Row

FORMAT = "storyweave-export"
# AUTOINCREMENT counters: exported so an imported store hands out the same next ids.
SEQUENCE_TABLE = "sqlite_sequence"
# Rows every new store starts with; an import may overwrite them.
PRESET_TABLES = {"cluster_state"}


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


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row["name"] for row in conn.execute(f"PRAGMA table_info({quote(table)})")}


def header_line(version: int, tables: list[str]) -> str:
    return json.dumps({"format": FORMAT, "schema_version": version, "tables": tables})


def row_line(table: str, row: Row) -> str:
    record = {key: encode_value(row[key]) for key in row.keys()}  # noqa: SIM118 - a Row iterates values
    return json.dumps({"table": table, "row": record}, ensure_ascii=False)


def sequence_line(table: str, seq: int) -> str:
    return json.dumps({"table": SEQUENCE_TABLE, "row": {"name": table, "seq": seq}})


def encode_value(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode("ascii")}
    return value


def decode_value(value: Any, where: str) -> Any:
    if isinstance(value, dict):
        if set(value) != {"$b64"} or not isinstance(value["$b64"], str):
            raise InputError(f"{where}: a value is an object that is not base64 bytes")
        try:
            return base64.b64decode(value["$b64"], validate=True)
        except (binascii.Error, ValueError):
            raise InputError(f"{where}: bad base64 bytes") from None
    if isinstance(value, list):
        raise InputError(f"{where}: a value is a list; columns hold one value")
    return value


def export_lines(conn: sqlite3.Connection) -> Iterator[tuple[str | None, str]]:
    """``(table, line)`` pairs; the header line comes first with table ``None``."""
    conn.execute("BEGIN")  # one snapshot for the whole export, even while a writer goes on
    try:
        tables = _exported_tables(conn)
        yield None, header_line(schema_version(conn), tables)
        for table in tables:
            for row in conn.execute(f"SELECT * FROM {quote(table)} ORDER BY rowid"):
                yield table, row_line(table, row)
        for row in conn.execute(f"SELECT name, seq FROM {SEQUENCE_TABLE} ORDER BY name"):
            yield SEQUENCE_TABLE, sequence_line(row["name"], row["seq"])
    finally:
        conn.execute("COMMIT")


def export_store(conn: sqlite3.Connection, out: IO[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table, line in export_lines(conn):
        out.write(line + "\n")
        if table is not None:
            counts[table] = counts.get(table, 0) + 1
    return counts


def read_header(source: IO[str], latest: int) -> None:
    """Read the header line of an export; refuse a file of another format or schema version."""
    try:
        header = json.loads(source.readline())
    except UnicodeDecodeError:  # text is decoded a block at a time: the bad byte may be a few lines on
        raise InputError("the export is not UTF-8 text (a bad byte near its start); nothing was imported") from None
    except (ValueError, RecursionError):
        raise InputError("not a storyweave export: the first line is not JSON") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise InputError("not a storyweave export: the header line is missing")
    if header.get("schema_version") != latest:
        raise InputError(
            f"the export has schema version {header.get('schema_version')}, this storyweave has "
            f"{latest}; import with the storyweave version that wrote it"
        )


def _holds_data(conn: sqlite3.Connection) -> str | None:
    for table in _exported_tables(conn):
        if table not in PRESET_TABLES and conn.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1").fetchone():
            return table
    return None


def import_store(db_path: str | Path, source: IO[str]) -> dict[str, int]:
    """Load an export into a new, empty store file; refuses to mix it into a store with data."""
    conn = connect(db_path)
    try:
        return import_rows(conn, source, str(db_path))
    finally:
        conn.close()


def import_rows(conn: sqlite3.Connection, source: IO[str], name: str) -> dict[str, int]:
    """Load an export into the empty store ``conn`` (called ``name`` in messages) in one transaction."""
    busy = _holds_data(conn)
    if busy is not None:
        raise StoreError(f"{name} already holds data (table {busy}); import into a new store file")
    read_header(source, latest_version())
    conn.execute("PRAGMA foreign_keys = OFF")  # rows arrive table by table; checked at the end
    conn.execute("BEGIN IMMEDIATE")
    try:
        counts = _load_rows(conn, source)
        problems = conn.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise InputError(f"the export is inconsistent: {len(problems)} rows point at missing rows")
        refuse_inconsistent(check_store(conn))
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        conn.execute("ROLLBACK")
        raise InputError(f"the export does not fit this store: {exc}") from None
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    return counts


def _load_rows(conn: sqlite3.Connection, source: IO[str]) -> dict[str, int]:
    """Insert every row of the export after its header; row counts per table."""
    counts: dict[str, int] = {}
    columns = {table: _columns(conn, table) for table in _exported_tables(conn)}
    number = 1
    try:
        for number, line in enumerate(source, start=2):
            if not line.strip():
                continue
            table, row = parse_line(line, number, columns)
            try:
                if table == SEQUENCE_TABLE:
                    _restore_sequence(conn, row, number)
                else:
                    _insert(conn, table, row, number)
            except (OverflowError, UnicodeEncodeError) as exc:
                # Numbers past SQLite's 64 bits, strings holding a lone surrogate (a \ud800 escape).
                raise InputError(f"export line {number}: a value does not fit this store ({exc})") from None
            counts[table] = counts.get(table, 0) + 1
    except UnicodeDecodeError:
        raise InputError(f"the export is not UTF-8 text (a bad byte after line {number}); nothing was imported"
                         ) from None
    return counts


def _insert(conn: sqlite3.Connection, table: str, row: dict[str, Any], number: int) -> None:
    # Only the rows every new store starts with may be replaced; a row twice is a tampered file
    # (replacing it would also leave the full-text index describing the first copy).
    verb = "INSERT OR REPLACE" if table in PRESET_TABLES else "INSERT"
    names = list(row)
    conn.execute(
        f"{verb} INTO {quote(table)} ({', '.join(quote(c) for c in names)}) VALUES ({', '.join('?' for _ in names)})",
        [decode_value(row[c], f"export line {number}") for c in names],
    )


def refuse_inconsistent(report: CheckReport) -> None:
    """Refuse the file when ``storyweave check`` of the loaded rows, still uncommitted, found an error."""
    errors = report.errors
    if errors:
        first = errors[0]
        example = f" (e.g. {first.examples[0]})" if first.examples else ""
        more = f", and {len(errors) - 1} more problems" if len(errors) > 1 else ""
        raise InputError(escape_controls(f"the export is inconsistent: {first.check}: {first.message}{example}"
                                         f"{more}; nothing was imported"))


def parse_line(line: str, number: int, columns: dict[str, set[str]]) -> tuple[str, dict[str, Any]]:
    try:
        record = json.loads(line)
        table, row = record["table"], record["row"]
    except (ValueError, RecursionError, KeyError, TypeError):  # ValueError: also integers past 4300 digits
        raise InputError(f"export line {number} is not a table row") from None
    if not isinstance(table, str) or not isinstance(row, dict) or not row:
        raise InputError(f"export line {number} is not a table row")
    known = columns.get(table) if table != SEQUENCE_TABLE else {"name", "seq"}
    if known is None:
        raise InputError(f"export line {number} names unknown table {table[:80]!r}")
    unknown = [c for c in row if c not in known]
    if unknown:
        raise InputError(f"export line {number} names unknown column {unknown[0][:80]!r} of table {table!r}")
    return table, row


def _restore_sequence(conn: sqlite3.Connection, row: dict[str, Any], number: int) -> None:
    name, seq = row.get("name"), row.get("seq")
    if not isinstance(name, str) or not isinstance(seq, int) or isinstance(seq, bool):
        raise InputError(f"export line {number}: a sequence needs a table name and an integer")
    updated = conn.execute(f"UPDATE {SEQUENCE_TABLE} SET seq = max(seq, ?) WHERE name = ?", (seq, name)).rowcount
    if not updated:
        conn.execute(f"INSERT INTO {SEQUENCE_TABLE} (name, seq) VALUES (?, ?)", (name, seq))


def backup_store(conn: sqlite3.Connection, target: str | Path, *, overwrite: bool = False) -> int:
    """Copy a live store with SQLite's online backup API; returns the size of the copy in bytes.

    The copy is taken in one step, i.e. inside one read transaction: in WAL mode that never blocks
    the writer, and the copy is the snapshot of one moment (a stepwise copy would restart each
    time the writer commits, and might never finish under a steady ingest).  It is written next
    to ``target`` and renamed into place once complete and checked, so ``target`` is never half
    written.
    """
    target = Path(target)
    if target.exists() and not overwrite:
        raise StoreError(f"{target} exists; choose a new file or pass --overwrite")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    destination = sqlite3.connect(str(partial))
    try:
        conn.backup(destination, pages=-1)
        verdict = destination.execute("PRAGMA quick_check").fetchone()[0]
        size = int(destination.execute("PRAGMA page_count").fetchone()[0]) * int(
            destination.execute("PRAGMA page_size").fetchone()[0]
        )
        destination.execute("PRAGMA journal_mode = WAL")  # like every store storyweave opens
    except sqlite3.Error as exc:
        destination.close()
        partial.unlink(missing_ok=True)
        raise StoreError(f"backup to {target} failed: {exc}") from exc
    destination.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise StoreError(f"the backup copy failed its check ({verdict}); the store itself may be damaged")
    os.replace(partial, target)
    return size
