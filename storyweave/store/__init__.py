"""The store: one ``Store`` interface (``base.py``) and its engines; only this package runs SQL."""

from pathlib import Path

from .base import Store
from .sqlite import SQLiteStore


def open_store(location: str | Path, *, busy_timeout_ms: int = 30000, readonly: bool = False) -> Store:
    """The store at ``location`` (a SQLite file), created and brought up to date unless ``readonly``."""
    return SQLiteStore(location, busy_timeout_ms=busy_timeout_ms, readonly=readonly)


__all__ = ["SQLiteStore", "Store", "open_store"]
