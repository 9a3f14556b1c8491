"""Tracker methods for this area (mixed into storyweave.Tracker); filled in by the area's owner."""

from __future__ import annotations

import sqlite3

from ..settings import Settings


class EventQueries:
    conn: sqlite3.Connection
    settings: Settings

    def article_event(self, article_id: str) -> dict[str, object]:
        """``{"event": {...}, "storyline": {...}}`` for ``storyweave show``; owner fills this in."""
        return {}
