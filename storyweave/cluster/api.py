"""Tracker methods for events and storylines (mixed into ``storyweave.Tracker``).

The shapes returned here are a contract: the REST API and the web UI serialise them as they are.
Lists are newest first; pass the last row's ``cursor`` to get the next (older) page.
"""

from __future__ import annotations

from typing import Any

from ..dates import date_filter
from ..errors import NotFoundError
from ..settings import Settings
from ..store import Store
from ..store.base import Row


class EventQueries:
    db: Store
    settings: Settings

    # -- events --------------------------------------------------------------------------------------
    def events(
        self,
        limit: int = 50,
        cursor: int | None = None,
        lang: str | None = None,
        since: str | None = None,
        until: str | None = None,
        entity: str | None = None,
        source: str | None = None,
        by_coverage: bool = False,
    ) -> list[dict[str, Any]]:
        """Events, newest first, optionally only those with an article in ``lang``, from ``source``,
        naming ``entity`` (a canonical id; an id merged into another follows it) or overlapping the
        ``since``…``until`` dates.  ``by_coverage`` lists the most covered first (no cursor)."""
        if entity:
            entity = self.db.current_id(entity)
        rows = self.db.list_events(limit=limit,
            before_seq=cursor,
            lang=lang,
            since=date_filter(since),
            until=date_filter(until),
            entity=entity,
            source=source,
            by_coverage=by_coverage,
        )
        extra = self.db.languages_and_sources([r["id"] for r in rows])
        return [_event_summary(r, *extra[r["id"]], bool(r["firm"])) for r in rows]

    def event(self, event_id: str) -> dict[str, Any]:
        """One event: its summary, articles, entities, dates and storyline.  Merged ids resolve."""
        current = self.db.resolve_event_id(event_id)
        if current is None:
            raise NotFoundError(f"no event with id {event_id!r}; list them with 'storyweave events'")
        row = self.db.event_row(current)
        langs, sources = self.db.languages_and_sources([current])[current]
        details = _event_summary(row, langs, sources, self.db.event_has_publication_date(current))
        details["articles"] = [dict(r) for r in self.db.event_members(current)]
        entity_rows = self.db.event_entities(current)
        names = self.db.entity_names([r["entity_id"] for r in entity_rows])
        details["entities"] = [
            {
                "id": r["entity_id"],
                "type": r["type"],
                "name": names.get(r["entity_id"], r["name"]),
                "articles": r["articles"],
            }
            for r in entity_rows
        ]
        details["dates"] = [dict(r) for r in self.db.event_dates(current)]
        storyline = self.storyline(row["storyline_id"])
        details["storyline"] = {
            "id": storyline["id"],
            "title": storyline["title"],
            "events": [
                {k: e[k] for k in ("id", "title", "first_date", "last_date", "articles")} for e in storyline["events"]
            ],
        }
        return details

    # -- storylines ----------------------------------------------------------------------------------
    def storylines(self, limit: int = 50, cursor: int | None = None) -> list[dict[str, Any]]:
        """Storylines, newest first."""
        return [_storyline_summary(r) for r in self.db.list_storylines(limit=limit, before_seq=cursor)]

    def storyline(self, storyline_id: str) -> dict[str, Any]:
        """One storyline with its events in time order.  Merged ids resolve."""
        current = self.db.resolve_storyline_id(storyline_id)
        row = self.db.get_storyline_row(current) if current is not None else None
        if row is None:
            raise NotFoundError(f"no storyline with id {storyline_id!r}; list them with 'storyweave storylines'")
        details = _storyline_summary(row)
        details["events"] = [
            {
                "id": e["id"],
                "title": e["title"],
                "lang": e["lang"],
                "first_date": e["first_date"],
                "last_date": e["last_date"],
                "articles": e["article_count"],
            }
            for e in self.db.storyline_events(row["id"])
        ]
        return details

    # -- per article and maintenance -------------------------------------------------------------------
    def article_event(self, article_id: str) -> dict[str, object]:
        """``{"event": {id, title} | None, "storyline": {id, title} | None}`` of one article."""
        row = self.db.article_assignment(article_id)
        if row is None:
            return {"event": None, "storyline": None}
        return {
            "event": {"id": row["event_id"], "title": row["event_title"]},
            "storyline": {"id": row["storyline_id"], "title": row["storyline_title"]},
        }

    def consolidate(self, full: bool = True) -> dict[str, Any]:
        """Merge events that turned out to be one (all events when ``full``, else those changed since
        the last run) and link lone events into storylines; returns what changed."""
        from .assigner import Assigner

        writer = getattr(self, "writer", None)
        assigner = getattr(writer, "assigner", None) if writer is not None else None
        if assigner is None:
            assigner = Assigner(self.db, self.settings)
        with self.db.transaction():
            return assigner.consolidate(full=full)


def _event_summary(row: Row, langs: dict[str, int], sources: int, firm: bool) -> dict[str, Any]:
    """``firm``: a member carries a publication date.  An event's recency (what ranking reads) is
    its last publication day, else the day it last changed here; days a text merely names are no
    clock."""
    recency = row["last_date"] if firm else row["updated_at"][:10]
    return {
        "id": row["id"],
        "title": row["title"],
        "lang": row["lang"],
        "first_date": row["first_date"],
        "last_date": row["last_date"],
        "articles": row["article_count"],
        "langs": langs,
        "sources": sources,
        "storyline_id": row["storyline_id"],
        "recency": recency,
        "cursor": row["seq"],
    }


def _storyline_summary(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "title": row["title"],
        "events": row["event_count"],
        "articles": row["article_count"],
        "first_date": row["first_date"],
        "last_date": row["last_date"],
        "cursor": row["seq"],
    }
