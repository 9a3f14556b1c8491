"""The whole-store operations of ``PostgresStore``: check, export, import and backup.

The export is the JSONL format of ``backup.py``, written from the catalog the same way: every
table of the store's schema but ``storyweave_meta``, in creation order, without derived columns
(the generated ``search`` vector, ``article_vectors.rowid``); the ``sqlite_sequence`` lines carry
the identity sequences.  Rows come in primary-key order (PostgreSQL keeps no insertion order; for
SQLite's tables keyed by ``seq`` the two agree), so an export of a SQLite store imported here
exports the same lines again, only those of tables keyed otherwise in another order.  The import
loads a file in one transaction with foreign keys deferred and runs every check before it commits.
The backup is ``pg_dump``'s custom format.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

from ..errors import InputError, StoreError
from .backup import (
    PRESET_TABLES,
    SEQUENCE_TABLE,
    decode_value,
    header_line,
    parse_line,
    quote,
    read_header,
    refuse_inconsistent,
    row_line,
    sequence_line,
)
from .check import SHARED_CHECKS, run_checks, schema_finding
from .pg_connection import PgConnection, latest_version
from .values import CheckReport, Finding

# Rows sent to the server per batch while importing.
_BATCH = 500
_SAMPLE = 50
# Debian's postgresql packages put pg_dump under /usr/lib/postgresql/<major>/bin, newest first.
_PROGRAM_PATH = [str(p) for p in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)]


def schema_version(conn: PgConnection) -> int:
    row = conn.run_native("SELECT schema_version FROM storyweave_meta").fetchone()
    return int(row[0]) if row else 0


def data_version(conn: PgConnection) -> int:
    row = conn.run_native("SELECT data_version FROM storyweave_meta").fetchone()
    return int(row[0]) if row else 0


# -- the catalog -----------------------------------------------------------------------------------------------


def _tables(conn: PgConnection) -> list[str]:
    """The store's tables in creation order, without its own bookkeeping."""
    rows = conn.run_native(
        """SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'
           AND relname <> 'storyweave_meta' ORDER BY oid"""
    )
    return [str(r[0]) for r in rows]


def _columns(conn: PgConnection, table: str) -> list[str]:
    """The columns an export holds: all but generated ones and identities the database always assigns."""
    rows = conn.run_native(
        """SELECT column_name FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'
             AND NOT (is_identity = 'YES' AND identity_generation = 'ALWAYS')
           ORDER BY ordinal_position""",
        [table],
    )
    return [str(r[0]) for r in rows]


def _primary_key(conn: PgConnection, table: str) -> list[str]:
    rows = conn.run_native(
        """SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid
           WHERE i.indrelid = $1::regclass AND i.indisprimary AND a.attnum = ANY(i.indkey)
           ORDER BY array_position(i.indkey::int2[], a.attnum)""",
        [quote(table)],
    )
    return [str(r[0]) for r in rows]


def _identities(conn: PgConnection) -> dict[str, str]:
    """table -> its identity column that an insert may also set (SQLite's AUTOINCREMENT keys)."""
    rows = conn.run_native(
        """SELECT table_name, column_name FROM information_schema.columns
           WHERE table_schema = current_schema() AND is_identity = 'YES' AND identity_generation = 'BY DEFAULT'"""
    )
    return {str(r[0]): str(r[1]) for r in rows}


def _sequence_value(conn: PgConnection, table: str, column: str) -> int | None:
    row = conn.run_native(
        "SELECT last_value FROM pg_sequences WHERE format('%I.%I', schemaname, sequencename) = "
        "pg_get_serial_sequence($1, $2)",
        [quote(table), column],
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


# -- check ---------------------------------------------------------------------------------------------------


def check_store(conn: PgConnection, *, quick: bool = False) -> CheckReport:
    """Every check of the data model, in one snapshot, plus PostgreSQL's side of the promises."""
    report = CheckReport()
    own_transaction = not conn.in_transaction
    if own_transaction:
        conn.execute("BEGIN")
    try:
        report.findings.append(schema_finding(schema_version(conn), latest_version()))
        report.findings.extend(_indexes(conn))
        report.findings.extend(run_checks(conn, SHARED_CHECKS, quick, psycopg.Error))
        report.findings.extend(_full_text_sample(conn))
    finally:
        if own_transaction:
            conn.execute("ROLLBACK")
    return report


def _indexes(conn: PgConnection) -> Iterator[Finding]:
    """PostgreSQL enforces references and keeps indexes itself; an index left invalid (a failed
    concurrent build) is what it can still report."""
    invalid = [str(r[0]) for r in conn.run_native(
        """SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
           WHERE c.relnamespace = current_schema()::regnamespace AND NOT (i.indisvalid AND i.indisready)"""
    )]
    if invalid:
        yield Finding("integrity", "error", f"{len(invalid)} indexes are invalid; REINDEX them", len(invalid),
                      tuple(invalid[:5]))
    else:
        yield Finding("integrity", "ok", "every index is valid; PostgreSQL enforces every reference")


def _full_text_sample(conn: PgConnection) -> Iterator[Finding]:
    """A user's search for the title of sampled articles, parsed as the article's language, finds it."""
    rows = conn.run_native(
        """WITH sample AS (
               SELECT seq, id, lang, title, search FROM articles
               WHERE seq % greatest(1, (SELECT count(*) FROM articles) / $1) = 0 ORDER BY seq LIMIT $1),
           parsed AS (SELECT id, search, phraseto_tsquery(storyweave_text_config(lang), title) AS query FROM sample)
           SELECT id, search @@ query AS found FROM parsed WHERE numnode(query) > 0""",
        [_SAMPLE],
    ).fetchall()
    lost = [str(r["id"]) for r in rows if not r["found"]]
    if lost:
        yield Finding("full_text", "error", f"searching the title of {len(lost)} of {len(rows)} sampled articles "
                      "does not find them", len(lost), tuple(lost[:5]))
    elif rows:
        yield Finding("full_text", "ok", f"the title of each of {len(rows)} sampled articles finds it")


# -- export and import -------------------------------------------------------------------------------------


def export_store(conn: PgConnection, out: IO[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    conn.execute("BEGIN")  # one snapshot for the whole export, even while a writer goes on
    try:
        tables = _tables(conn)
        out.write(header_line(schema_version(conn), tables) + "\n")
        for table in tables:
            columns = ", ".join(quote(c) for c in _columns(conn, table))
            order = ", ".join(quote(c) for c in _primary_key(conn, table))
            for row in conn.run_native(f"SELECT {columns} FROM {quote(table)} ORDER BY {order}"):
                out.write(row_line(table, row) + "\n")
                counts[table] = counts.get(table, 0) + 1
        for table, column in sorted(_identities(conn).items()):
            value = _sequence_value(conn, table, column)
            if value is not None:
                out.write(sequence_line(table, value) + "\n")
                counts[SEQUENCE_TABLE] = counts.get(SEQUENCE_TABLE, 0) + 1
    finally:
        conn.execute("ROLLBACK")
    return counts


def _holds_data(conn: PgConnection) -> str | None:
    for table in _tables(conn):
        if table not in PRESET_TABLES and conn.run_native(f"SELECT 1 FROM {quote(table)} LIMIT 1").fetchone():
            return table
    return None


def import_rows(conn: PgConnection, source: IO[str], name: str) -> dict[str, int]:
    """Load an export into the empty store in one transaction, checked before it commits."""
    busy = _holds_data(conn)
    if busy is not None:
        raise StoreError(f"{name} already holds data (table {busy}); import into a new, empty database")
    read_header(source, latest_version())
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.run_native("SET CONSTRAINTS ALL DEFERRED")  # rows arrive table by table; checked at the end
        counts, sequences = _load_rows(conn, source)
        _restore_sequences(conn, sequences)
        conn.run_native("SET CONSTRAINTS ALL IMMEDIATE")
        refuse_inconsistent(check_store(conn))
        conn.execute("COMMIT")
    except psycopg.Error as exc:
        conn.execute("ROLLBACK")
        message = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise InputError(f"the export does not fit this store: {message}") from None
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return counts


def _load_rows(conn: PgConnection, source: IO[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Insert every row after the header, a batch at a time; row counts per table, and the sequences."""
    counts: dict[str, int] = {}
    sequences: dict[str, int] = {}
    columns = {table: set(_columns(conn, table)) for table in _tables(conn)}
    keys = {table: _primary_key(conn, table) for table in PRESET_TABLES}
    batch: list[list[Any]] = []
    batch_key: tuple[str, tuple[str, ...]] | None = None

    def flush() -> None:
        if batch_key is not None and batch:
            table, names = batch_key
            conn.executemany(_insert_sql(table, names, keys.get(table)), batch)
            batch.clear()

    number = 1
    try:
        for number, line in enumerate(source, start=2):
            if not line.strip():
                continue
            table, row = parse_line(line, number, {t: c for t, c in columns.items()})
            counts[table] = counts.get(table, 0) + 1
            if table == SEQUENCE_TABLE:
                seq = row.get("seq")
                if not isinstance(row.get("name"), str) or not isinstance(seq, int) or isinstance(seq, bool):
                    raise InputError(f"export line {number}: a sequence needs a table name and an integer")
                sequences[row["name"]] = max(seq, sequences.get(row["name"], seq))
                continue
            names = tuple(row)
            if (table, names) != batch_key or len(batch) >= _BATCH:
                flush()
                batch_key = (table, names)
            batch.append([decode_value(row[c], f"export line {number}") for c in names])
        flush()
    except UnicodeDecodeError:
        raise InputError(f"the export is not UTF-8 text (a bad byte after line {number}); nothing was imported"
                         ) from None
    return counts, sequences


def _insert_sql(table: str, names: tuple[str, ...], key: list[str] | None) -> str:
    sql = (f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in names)}) "
           f"VALUES ({', '.join(f'${n}' for n in range(1, len(names) + 1))})")
    if key is None:  # only the rows every new store starts with may be replaced
        return sql
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in names if c not in key)
    return f"{sql} ON CONFLICT ({', '.join(quote(c) for c in key)}) DO " + (f"UPDATE SET {updates}" if updates
                                                                             else "NOTHING")


def _restore_sequences(conn: PgConnection, sequences: dict[str, int]) -> None:
    """Each identity goes on after the highest of its exported counter and its rows, as SQLite's would."""
    identities = _identities(conn)
    unknown = sorted(set(sequences) - set(identities))
    if unknown:
        raise InputError(f"the export names a counter of {unknown[0][:80]!r}, which has none here")
    for table, column in identities.items():
        row = conn.run_native(f"SELECT coalesce(max({quote(column)}), 0) FROM {quote(table)}").fetchone()
        value = max(sequences.get(table, 0), int(row[0]) if row else 0)
        if value > 0:
            conn.run_native("SELECT setval(pg_get_serial_sequence($1, $2), $3)", [quote(table), column, value])


# -- backup --------------------------------------------------------------------------------------------------


def find_program(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path=os.pathsep.join(_PROGRAM_PATH))


def backup_store(url: str, name: str, target: str | Path, *, overwrite: bool = False) -> int:
    """``pg_dump`` of the store into ``target`` (custom format: ``pg_restore`` reads it), written next to
    it and renamed into place once complete; the size in bytes.  One snapshot, writers go on."""
    target = Path(target)
    if target.exists() and not overwrite:
        raise StoreError(f"{target} exists; choose a new file or pass --overwrite")
    program = find_program("pg_dump")
    if program is None:
        raise StoreError("pg_dump not found; install PostgreSQL's client programs (Debian: postgresql-client)")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    parts = urlsplit(url)
    environment = dict(os.environ)
    if parts.password is not None:  # kept off the command line, which other users can read
        environment["PGPASSWORD"] = parts.password
        url = urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", "@", 1)))
    done = subprocess.run([program, "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={url}"],
                          capture_output=True, text=True, env=environment, check=False)
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        reason = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise StoreError(f"backup of {name} to {target} failed: {reason}")
    os.replace(partial, target)
    return target.stat().st_size
