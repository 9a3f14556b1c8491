"""The store: one ``Store`` interface (``base.py``) and its engines; only this package runs SQL.

``open_store`` picks the engine by the location it is given: a ``postgresql://`` (or
``postgres://``) URL opens ``PostgresStore`` (psycopg, the ``postgresql`` extra), anything else is a
SQLite file (``SQLiteStore``, the default).
"""

import sqlite3
from pathlib import Path

from ..errors import StoreError
from .base import Store
from .sqlite import SQLiteStore

_URL_SCHEMES = ("postgresql://", "postgres://")


def _driver_errors() -> tuple[type[Exception], ...]:
    try:
        import psycopg
    except ImportError:  # the postgresql extra is not installed: no PostgreSQL store can be open
        return ()
    return (psycopg.Error,)


# What any engine raises when the store itself fails (locked, unreadable, gone), as opposed to a bad
# input: a caller that outlives such a failure catches these, never a driver's own exception.
STORE_ERRORS: tuple[type[Exception], ...] = (StoreError, sqlite3.Error, *_driver_errors())


def is_url(location: str | Path) -> bool:
    """Whether ``location`` names a PostgreSQL database rather than a SQLite file."""
    return isinstance(location, str) and location.startswith(_URL_SCHEMES)


def describe(location: str | Path) -> str:
    """``location`` fit to print (a URL's password left out)."""
    if not is_url(location):
        return str(location)
    from .pg_connection import describe as describe_url

    return describe_url(str(location))


def open_store(
    location: str | Path, *, busy_timeout_ms: int = 30000, readonly: bool = False, pool_size: int = 4
) -> Store:
    """The store at ``location`` (a SQLite file, or a ``postgresql://`` URL), created and brought up to
    date unless ``readonly``; ``pool_size`` bounds a PostgreSQL store's connections."""
    if isinstance(location, str) and "://" in location and not is_url(location):
        raise StoreError(f"{describe(location)} is not a store: give a SQLite file or a postgresql:// URL")
    if is_url(location):
        try:
            from .postgres import PostgresStore
        except ImportError as exc:
            raise StoreError(f"a PostgreSQL store needs psycopg: pip install 'storyweave[postgresql]' ({exc})"
                             ) from None
        return PostgresStore(str(location), busy_timeout_ms=busy_timeout_ms, readonly=readonly, pool_size=pool_size)
    return SQLiteStore(location, busy_timeout_ms=busy_timeout_ms, readonly=readonly)


__all__ = ["STORE_ERRORS", "SQLiteStore", "Store", "describe", "is_url", "open_store"]
