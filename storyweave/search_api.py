"""Tracker methods for search (mixed into storyweave.Tracker); filled in by the area's owner."""

from __future__ import annotations

import sqlite3

from .settings import Settings


class SearchQueries:
    conn: sqlite3.Connection
    settings: Settings
