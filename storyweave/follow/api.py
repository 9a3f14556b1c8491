"""Tracker methods for followed sources (mixed into storyweave.Tracker): add, list, show, remove,
pause, resume, OPML import and export, and each source's health."""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from ..errors import InputError, NotFoundError
from ..extract import normalise_lang_hint
from ..limits import has_surrogates
from ..settings import Settings
from ..store import Store
from ..store.base import Row
from .follower import display_name
from .opml import Subscription, read_opml, write_opml
from .schedule import format_every, parse_every

# Articles per day are averaged over at most this many days.
HEALTH_DAYS = 7
_MAX_NAME_CHARS = 200


def _iso(timestamp: float | None) -> str | None:
    if not timestamp:
        return None
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat(timespec="seconds")


def _median(latencies: str) -> float | None:
    try:
        values = [float(x) for x in json.loads(latencies)]
    except (TypeError, ValueError):
        return None
    return round(statistics.median(values), 1) if values else None


def source_view(row: Row | dict[str, Any], added_recently: int) -> dict[str, Any]:
    """A source with its health, ready for JSON, a table or a page."""
    source = dict(row)
    added = datetime.fromisoformat(source["added_at"]).date()
    days = max(1, min(HEALTH_DAYS, (datetime.now(UTC).date() - added).days + 1))
    return {
        "id": source["id"], "name": display_name(source), "url": source["url"], "feed_url": source["feed_url"],
        "given_name": source["name"], "feed_title": source["feed_title"],
        "lang": source["lang"], "country": source["country"],
        "every": format_every(int(source["every_s"])), "every_s": int(source["every_s"]),
        "state": "paused" if source["paused"] else "active", "pause_reason": source["pause_reason"],
        "added_at": source["added_at"], "last_poll_at": source["last_poll_at"], "last_status": source["last_status"],
        "last_success_at": source["last_success_at"], "last_error_at": source["last_error_at"],
        "last_error": source["last_error"], "consecutive_failures": int(source["consecutive_failures"]),
        "articles_added": int(source["articles_added"]), "per_day": round(added_recently / days, 1),
        "median_latency_ms": _median(source["latencies_ms"]),
        "next_poll_at": None if source["paused"] else _iso(source["next_poll_at"]) or "now",
    }


class SourceCommands:
    db: Store
    settings: Settings

    # -- reading --------------------------------------------------------------------------------------
    def _recent_added(self) -> dict[int, int]:
        first = (datetime.now(UTC).date() - timedelta(days=HEALTH_DAYS - 1)).isoformat()
        return self.db.source_added_since(first)

    def sources(self) -> list[dict[str, Any]]:
        """Every followed source with its health: last success, last error and why, failures in a
        row, articles added per day (over the last week), median latency, and whether it is paused."""
        recent = self._recent_added()
        return [source_view(row, recent.get(int(row["id"]), 0)) for row in self.db.list_sources()]

    def due_count(self, every_one: bool = False) -> int:
        """How many sources a poll round would poll now (every active one with ``every_one``)."""
        return len(self.db.due_sources(time.time(), every_one))

    def _source_row(self, ref: str | int) -> Row:
        text = str(ref).strip()
        row = self.db.get_source(int(text)) if text.isdigit() else self.db.source_by_url(text)
        if row is None:
            raise NotFoundError(f"no followed source {text!r}; list them with 'storyweave sources list'")
        return row

    def source(self, ref: str | int) -> dict[str, Any]:
        """One source (by id or URL) with its health and its last days: polls, failures, articles added."""
        row = self._source_row(ref)
        view = source_view(row, self._recent_added().get(int(row["id"]), 0))
        view["days"] = [dict(day) for day in self.db.source_days(int(row["id"]), 30)]
        return view

    # -- changing -------------------------------------------------------------------------------------
    def add_source(self, url: str, *, name: str | None = None, lang: str | None = None, country: str | None = None,
                   every: str | int | None = None) -> dict[str, Any]:
        """Follow a feed, or a page whose feed its ``<link rel="alternate">`` names; polled every
        ``every`` (``"15m"``, or seconds; default setting ``source_every_s``)."""
        values = self._checked(Subscription(url=url, name=name, lang=lang, country=country,
                                            every=None if every is None else str(every)))
        with self.db.transaction():
            existing = self.db.source_by_url(values["url"])
            source_id = None if existing else self.db.add_source(values, _now())
        if source_id is None:
            known = existing["id"] if existing else "?"
            raise InputError(f"{values['url']} is followed already (source {known})")
        return self.source(source_id)

    def _checked(self, item: Subscription) -> dict[str, Any]:
        url = " ".join(item.url.split())
        scheme, _, rest = url.partition("://")
        if scheme.lower() not in ("http", "https") or not rest.split("/", 1)[0]:
            raise InputError(f"{url[:200]!r} is not an http(s) URL; a source is a feed or a web page")
        if len(url) > int(self.settings.max_url_chars) or has_surrogates(url):
            raise InputError(f"source URL is over {self.settings.max_url_chars} characters or not valid text")
        lang = None
        if item.lang:
            lang = normalise_lang_hint(item.lang)
            if lang is None:
                raise InputError(f"invalid language {item.lang[:40]!r}: give an ISO 639 code such as fr")
        country = (item.country or "").strip().upper() or None
        if country is not None and not (country.isascii() and country.isalpha() and len(country) in (2, 3)):
            raise InputError(f"invalid country {country[:40]!r}: give an ISO 3166 code such as FR")
        name = " ".join((item.name or "").split())[:_MAX_NAME_CHARS] or None
        every_s = parse_every(item.every) if item.every else int(self.settings.source_every_s)
        return {"url": url, "name": name, "lang": lang, "country": country, "every_s": every_s}

    def remove_source(self, ref: str | int) -> dict[str, Any]:
        """Stop following a source; the articles it brought stay."""
        view = self.source(ref)
        with self.db.transaction():
            self.db.remove_source(view["id"])
        return view

    def pause_source(self, ref: str | int, reason: str = "paused by the user") -> dict[str, Any]:
        row = self._source_row(ref)
        with self.db.transaction():
            self.db.set_source_paused(int(row["id"]), reason)
        return self.source(row["id"])

    def resume_source(self, ref: str | int) -> dict[str, Any]:
        """Poll a paused source again, at once, its failures forgotten."""
        row = self._source_row(ref)
        with self.db.transaction():
            self.db.set_source_paused(int(row["id"]), None, time.time())
        return self.source(row["id"])

    # -- OPML -----------------------------------------------------------------------------------------
    def import_opml(self, data: bytes) -> dict[str, Any]:
        """Follow every feed of an OPML list (nested folders, missing titles and all): each outline
        is added, found followed already, or refused with its reason; one bad outline stops none."""
        report: dict[str, Any] = {"added": [], "known": [], "refused": []}
        for item in read_opml(data):
            try:
                values = self._checked(item)
            except InputError as exc:
                report["refused"].append({"url": item.url[:500], "reason": str(exc)})
                continue
            with self.db.transaction():
                existing = self.db.source_by_url(values["url"])
                source_id = None if existing else self.db.add_source(values, _now())
            if source_id is None:
                report["known"].append(values["url"])
            else:
                report["added"].append(source_id)
        return report

    def export_opml(self) -> str:
        """Every followed source as OPML 2.0 (``storyweave sources import`` reads it back)."""
        return write_opml({**dict(row), "every": format_every(int(row["every_s"]))}
                          for row in self.db.list_sources())


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


__all__ = ["SourceCommands", "source_view"]
