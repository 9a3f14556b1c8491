"""The store: one ``Store`` interface (``base.py``) and its engines; only this package runs SQL."""

import sqlite3
from pathlib import Path

from ..errors import StoreError
from .base import Store
from .sqlite import SQLiteStore

# What any engine raises when the store itself fails (locked, unreadable, gone), as opposed to a bad
# input: a caller that outlives such a failure catches these, never a driver's own exception.
STORE_ERRORS: tuple[type[Exception], ...] = (StoreError, sqlite3.Error)


def open_store(location: str | Path, *, busy_timeout_ms: int = 30000, readonly: bool = False) -> Store:
    """The store at ``location`` (a SQLite file), created and brought up to date unless ``readonly``."""
    return SQLiteStore(location, busy_timeout_ms=busy_timeout_ms, readonly=readonly)


__all__ = ["STORE_ERRORS", "SQLiteStore", "Store", "open_store"]
