"""PostgreSQL connections for ``PostgresStore``: a psycopg pool, the single writer's advisory lock,
the change counter, rows, and the numbered migrations of ``migrations/postgresql/``.

``PgConnection`` gives the area modules what SQLite's connection gives them (``execute``,
``executemany``, ``in_transaction``), with SQLite's transaction statements keeping their meaning:

- ``BEGIN IMMEDIATE`` (``db.transaction``: every write) takes a connection from the pool for this
  thread, and the writer lock: a transaction-scoped advisory lock, waited for at most
  ``busy_timeout_ms``.  A second writer, in any process on any machine, waits for the first to
  commit, then fails with one line naming the store.  The transaction reads committed data
  statement by statement, so it sees everything the writer before it committed.
- ``BEGIN`` (a consistent read: ``check``, ``export``) is a repeatable-read snapshot.
- ``COMMIT`` of a write transaction first bumps ``storyweave_meta.data_version``: every handle
  sees the number move (the server's answer cache reads it per request).

Outside a transaction each statement borrows a pooled connection in autocommit mode, so several
threads and processes read at once.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from importlib import resources
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import Loader
from psycopg.conninfo import make_conninfo
from psycopg.rows import RowMaker
from psycopg_pool import ConnectionPool

from ..errors import StoreError
from .pg_dialect import arguments, translate

# Advisory lock keys (any two fixed 64-bit numbers; advisory locks are per database).
WRITER_LOCK = 0x7377_7772_6974_6572  # "swwriter"
MIGRATION_LOCK = 0x7377_6D69_6772_6174  # "swmigrat"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def describe(url: str) -> str:
    """``url`` fit to print: without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


class PgRow:
    """A row indexed by column name or position, like ``sqlite3.Row``: an unknown name raises
    ``IndexError``, and ``keys()`` makes ``dict(row)`` work."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: Mapping[str, int], values: Sequence[Any]) -> None:
        self._index = index
        self._values = tuple(values)

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, str):
            try:
                return self._values[self._index[key]]
            except KeyError:
                raise IndexError(f"no column named {key}") from None
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PgRow) and self._values == other._values and self.keys() == other.keys()

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return f"PgRow({dict(zip(self._index, self._values, strict=True))!r})"


def _row_maker(cursor: Any) -> RowMaker[PgRow]:
    index = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: PgRow(index, values)


class Result:
    """A statement's rows, fetched whole, and how many rows it changed: what a SQLite cursor gives.

    In a write transaction's pipeline the statement is only sent: its rows are waited for when
    first read, so a run of writes nobody reads costs one round trip, not one each.
    """

    def __init__(self, rows: list[PgRow], rowcount: int) -> None:
        self._rows = rows
        self._next = 0
        self._rowcount = rowcount
        self._sent: tuple[psycopg.Cursor[PgRow], psycopg.Pipeline, list[int], int] | None = None

    @classmethod
    def sent(cls, cursor: psycopg.Cursor[PgRow], pipeline: psycopg.Pipeline, syncs: list[int]) -> Result:
        """A statement sent in ``pipeline``, whose syncs so far ``syncs[0]`` counts."""
        result = cls([], -1)
        result._sent = (cursor, pipeline, syncs, syncs[0])
        return result

    def _arrived(self) -> None:
        if self._sent is None:
            return
        cursor, pipeline, syncs, sent_at = self._sent
        self._sent = None
        # A sync receives the results of every statement sent before it: reads sent together (see
        # ``entities.load_enriched``) wait for one round trip, the first one read.
        if syncs[0] == sent_at:
            pipeline.sync()  # every statement sent before this one, then this one's rows
            syncs[0] += 1
        self._rows = cursor.fetchall() if cursor.description is not None else []
        self._rowcount = cursor.rowcount
        cursor.close()

    @property
    def rowcount(self) -> int:
        self._arrived()
        return self._rowcount

    def fetchone(self) -> PgRow | None:
        self._arrived()
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[PgRow]:
        self._arrived()
        rest, self._next = self._rows[self._next :], len(self._rows)
        return rest

    def __iter__(self) -> Iterator[PgRow]:
        while (row := self.fetchone()) is not None:
            yield row


class _Numeric(Loader):
    """``numeric`` (what ``sum`` of a bigint column gives) as SQLite gives it: an int when whole."""

    def load(self, data: Any) -> int | float:
        value = Decimal(bytes(data).decode("ascii"))
        return int(value) if value == value.to_integral_value() else float(value)


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.adapters.register_loader("numeric", _Numeric)


class PgConnection:
    """The area modules' connection to one PostgreSQL database (see the module's docstring)."""

    def __init__(self, pool: ConnectionPool, *, name: str, busy_timeout_ms: int) -> None:
        self._pool = pool
        self.name = name
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()

    @property
    def in_transaction(self) -> bool:
        return getattr(self._local, "conn", None) is not None

    def execute(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = (), /) -> Result:
        command = " ".join(sql.split()).upper() if len(sql) < 40 else ""  # transaction statements are short
        if command in ("BEGIN", "BEGIN DEFERRED", "BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"):
            self._begin(write=command not in ("BEGIN", "BEGIN DEFERRED"))
            return Result([], -1)
        if command in ("COMMIT", "END", "ROLLBACK"):
            self._finish(commit=command != "ROLLBACK")
            return Result([], -1)
        query, names = translate(sql)
        return self._statement(query, arguments(names, parameters))

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any] | Mapping[str, Any]], /) -> None:
        query, names = translate(sql)
        rows = [arguments(names, p) for p in parameters]
        if rows:
            self._with_connection(lambda conn: _run_many(conn, query, rows))

    def run_native(self, query: str, parameters: Sequence[Any] = ()) -> Result:
        """A statement in PostgreSQL's own spelling (``$n`` parameters), past the dialect layer."""
        return self._statement(query, list(parameters))

    def _statement(self, query: str, args: list[Any]) -> Result:
        pipeline: psycopg.Pipeline | None = getattr(self._local, "pipeline", None)
        if pipeline is None:
            return self._with_connection(lambda conn: _fetch(conn, query, args))
        cursor = self._local.conn.cursor(row_factory=_row_maker)
        cursor.execute(query, args)
        return Result.sent(cursor, pipeline, self._local.syncs)

    def _with_connection(self, work: Callable[[psycopg.Connection[Any]], Any]) -> Any:
        pinned: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if pinned is not None:
            return work(pinned)
        with self._pool.connection(timeout=self.busy_timeout_ms / 1000) as conn:
            return work(conn)

    # -- transactions ----------------------------------------------------------------------------------
    def _begin(self, *, write: bool) -> None:
        if self.in_transaction:
            raise StoreError("cannot start a transaction within a transaction")
        conn = self._pool.getconn(timeout=self.busy_timeout_ms / 1000)
        try:
            if write:
                conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
                conn.execute(f"SET LOCAL lock_timeout = {int(self.busy_timeout_ms)}")
                conn.execute("SELECT pg_advisory_xact_lock($1)", (WRITER_LOCK,))
            else:
                conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        except pg_errors.LockNotAvailable:
            conn.execute("ROLLBACK")
            self._pool.putconn(conn)
            raise StoreError(
                f"another storyweave process is writing to {self.name}; gave up after "
                f"{self.busy_timeout_ms / 1000:g} s (busy_timeout_ms)"
            ) from None
        except BaseException:
            conn.rollback()
            self._pool.putconn(conn)
            raise
        self._local.conn = conn
        self._local.write = write
        if write:
            # The writer's statements go out in pipeline mode: a read waits for what was sent before
            # it, a write waits for nothing (see ``Result``); an error surfaces at the next read or
            # at the commit, and the transaction rolls back then, as it would have at the statement.
            self._local.pipelining = conn.pipeline()
            self._local.pipeline = self._local.pipelining.__enter__()
            self._local.syncs = [0]

    def _finish(self, *, commit: bool) -> None:
        conn: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if conn is None:
            raise StoreError("no transaction is active")
        self._local.conn = None
        pipelining = getattr(self._local, "pipelining", None)
        self._local.pipelining = self._local.pipeline = None
        try:
            if pipelining is not None:
                try:
                    pipelining.__exit__(None, None, None)  # sends the rest and waits for all of it
                except psycopg.Error:
                    if commit:
                        raise  # a statement failed: the transaction rolls back below
            if commit and self._local.write:
                conn.execute("UPDATE storyweave_meta SET data_version = data_version + 1")
            conn.execute("COMMIT" if commit else "ROLLBACK")
        except BaseException:
            conn.rollback()
            raise
        finally:
            self._pool.putconn(conn)


def _fetch(conn: psycopg.Connection[Any], query: str, args: list[Any]) -> Result:
    with conn.cursor(row_factory=_row_maker) as cursor:
        cursor.execute(query, args)
        rows = cursor.fetchall() if cursor.description is not None else []
        return Result(rows, cursor.rowcount)


def _run_many(conn: psycopg.Connection[Any], query: str, rows: list[list[Any]]) -> None:
    with conn.cursor() as cursor:
        cursor.executemany(query, rows)


# -- opening and migrating -------------------------------------------------------------------------------


def migration_files() -> list[tuple[int, str, str]]:
    found = []
    for entry in resources.files(__package__).joinpath("migrations", "postgresql").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def latest_version() -> int:
    migrations = migration_files()
    return migrations[-1][0] if migrations else 0


def migrate(conn: psycopg.Connection[Any]) -> None:
    """Bring the schema up to date: every pending migration in one transaction, one process at a time."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute("""CREATE TABLE IF NOT EXISTS storyweave_meta (
                            id             integer PRIMARY KEY CHECK (id = 1),
                            schema_version integer NOT NULL DEFAULT 0,
                            data_version   bigint NOT NULL DEFAULT 0)""")
        conn.execute("INSERT INTO storyweave_meta (id) VALUES (1) ON CONFLICT DO NOTHING")
        row = conn.execute("SELECT schema_version FROM storyweave_meta").fetchone()
        current = int(row[0]) if row else 0
        if current > latest_version():
            raise StoreError(f"the store has schema version {current}, newer than this storyweave knows "
                             f"({latest_version()}); upgrade storyweave")
        for version, name, sql in migration_files():
            if version <= current:
                continue
            try:
                with conn.transaction():
                    conn.execute(sql.encode("utf-8"))
                    conn.execute("UPDATE storyweave_meta SET schema_version = %s", (version,))
            except psycopg.Error as exc:
                raise StoreError(f"migration {name} failed: {_first_line(exc)}") from exc


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def open_pool(url: str, *, busy_timeout_ms: int, readonly: bool, pool_size: int) -> ConnectionPool:
    """A pool of connections to the store at ``url``, migrated first unless ``readonly``."""
    conninfo = make_conninfo(url, options="-c default_transaction_read_only=on") if readonly else url
    timeout = max(1, round(busy_timeout_ms / 1000))
    try:
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=timeout) as conn:
            if not readonly:
                migrate(conn)
    except psycopg.Error as exc:
        raise StoreError(f"cannot open store {describe(url)}: {_first_line(exc)}") from None
    pool = ConnectionPool(
        conninfo,
        min_size=1,
        max_size=max(1, pool_size),
        kwargs={"autocommit": True, "cursor_factory": psycopg.RawCursor},
        configure=_configure,
        timeout=busy_timeout_ms / 1000,
        name=describe(url),
        open=False,
    )
    pool.open(wait=True, timeout=max(1.0, busy_timeout_ms / 1000))
    return pool
