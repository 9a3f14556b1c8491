"""Tracker methods for this area (mixed into storyweave.Tracker); filled in by the area's owner."""

from __future__ import annotations

import sqlite3

from ..settings import Settings


class EntityQueries:
    conn: sqlite3.Connection
    settings: Settings

    def article_entities(self, article_id: str) -> dict[str, object]:
        """``{"entities": [...], "mentions": [...]}`` for ``storyweave show``; owner fills this in."""
        return {}
