"""Exports of a search, an entity or an event as JSON, CSV, Atom or RSS, built as a stream of text.

The REST API streams these to the browser and ``storyweave export-event`` (and its kin) write them
to a file or stdout, so both give the same bytes for the same store.

CSV cells that a spreadsheet would run as a formula (starting with ``= + - @``, tab or carriage
return) get a leading apostrophe.  Text in CSV and JSON exports loses controls and bidi overrides
(ids excepted: they must still name their article).  Feeds are built element by element with ElementTree, which
escapes every text and attribute; characters XML 1.0 cannot carry and bidi controls are removed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from xml.etree import ElementTree as ET

from .errors import InputError
from .limits import url_scheme
from .safetext import strip_controls, xml_text
from .summarize import lead
from .tracker import Tracker

FORMATS = ("json", "csv", "atom", "rss")
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8",
               "atom": "application/atom+xml; charset=utf-8", "rss": "application/rss+xml; charset=utf-8"}
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

ARTICLE_COLUMNS = ["article_id", "title", "lang", "source", "url", "publish_date", "event_id"]
SEARCH_COLUMNS = ["article_id", "title", "lang", "source", "url", "publish_date", "score", "event_id", "why"]


@dataclass
class Export:
    """One export ready to write: its rows (pulled lazily), CSV columns, feed title and file name."""

    rows: Iterator[dict[str, Any]]
    columns: list[str]
    title: str
    name: str


def check_format(kind: str, allowed: tuple[str, ...] = FORMATS) -> str:
    if kind not in allowed:
        raise InputError(f"no export format {kind!r}; use one of {', '.join(allowed)}")
    return kind


# Fields that name a stored row: kept exactly, or they would no longer find it.
ID_FIELDS = frozenset({"id", "article_id", "event_id", "storyline_id", "entity_id"})


def clean_field(key: str, value: Any) -> Any:
    """An exported field's value without controls or bidi overrides (ids and non-text unchanged)."""
    if isinstance(value, str):
        return value if key in ID_FIELDS else strip_controls(value)
    if isinstance(value, dict):
        return {k: clean_field(k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_field(key, item) for item in value]
    return value


def safe_cell(value: Any) -> str:
    """A CSV cell that spreadsheets show as text, never evaluate."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_FORMULA_STARTS) else text


def csv_lines(columns: list[str], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(clean_field(c, row.get(c))) for c in columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()


def json_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A JSON array written one item at a time."""
    yield "["
    for index, row in enumerate(rows):
        yield ("," if index else "") + "\n" + json.dumps(clean_field("", row), ensure_ascii=False, default=str)
    yield "\n]\n"


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _link(row: dict[str, Any], base_url: str) -> str:
    """The row's own link when it is an absolute http(s) URL, else its page here: a feed reader
    follows links, so a javascript: or data: URL an article came with must never go out."""
    own = str(row.get("link") or row.get("url") or "")
    return own if url_scheme(own) in ("http", "https") else f"{base_url}articles/{row['article_id']}"


def _urn(row: dict[str, Any]) -> str:
    return str(row.get("urn") or f"urn:storyweave:article:{row['article_id']}")


def _element(tag: str, text: Any = None, **attributes: str) -> ET.Element:
    element = ET.Element(tag, {k: xml_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def atom_lines(title: str, self_url: str, base_url: str, rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    head = ET.Element("feed", {"xmlns": "http://www.w3.org/2005/Atom"})
    for child in (_element("title", title), _element("id", f"urn:storyweave:feed:{self_url}"),
                  _element("updated", now), _element("link", rel="self", href=self_url)):
        head.append(child)
    opening = ET.tostring(head, encoding="unicode").removesuffix("</feed>")
    yield '<?xml version="1.0" encoding="utf-8"?>\n' + opening + "\n"
    for row in rows:
        entry = ET.Element("entry")
        when = _when(row.get("publish_date"))
        link = _link(row, base_url)
        for child in (_element("title", row.get("title") or row["article_id"]),
                      _element("id", _urn(row)),
                      _element("updated", (when.isoformat(timespec="seconds") if when else now)),
                      _element("link", href=link),
                      _element("summary", row.get("summary") or "")):
            entry.append(child)
        if row.get("lang"):
            entry.set("xml:lang", xml_text(row["lang"]))
        if row.get("source"):
            author = ET.SubElement(entry, "author")
            author.append(_element("name", row["source"]))
        yield ET.tostring(entry, encoding="unicode") + "\n"
    yield "</feed>\n"


def rss_lines(title: str, self_url: str, rows: Iterable[dict[str, Any]], base_url: str) -> Iterator[str]:
    channel = ET.Element("channel")
    for child in (_element("title", title), _element("link", self_url), _element("description", title)):
        channel.append(child)
    opening = ET.tostring(channel, encoding="unicode").removesuffix("</channel>")
    yield '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">' + opening + "\n"
    for row in rows:
        item = ET.Element("item")
        when = _when(row.get("publish_date"))
        for child in (_element("title", row.get("title") or row["article_id"]),
                      _element("link", _link(row, base_url)),
                      _element("guid", _urn(row), isPermaLink="false"),
                      _element("description", row.get("summary") or "")):
            item.append(child)
        if when:
            item.append(_element("pubDate", format_datetime(when)))
        yield ET.tostring(item, encoding="unicode") + "\n"
    yield "</channel></rss>\n"


def render(kind: str, export: Export, self_url: str, base_url: str) -> Iterator[str]:
    """The text of ``export`` in format ``kind``; feeds link to ``self_url`` and to articles under ``base_url``."""
    if kind == "json":
        return json_lines(export.rows)
    if kind == "csv":
        return csv_lines(export.columns, export.rows)
    if kind == "atom":
        return atom_lines(export.title, self_url, base_url, export.rows)
    return rss_lines(export.title, self_url, export.rows, base_url)


# -- row sources ------------------------------------------------------------------------------------
def search_rows(tracker: Tracker, q: str, lang: str | None) -> Iterator[dict[str, Any]]:
    for hit in tracker.iter_search(q, lang=lang):
        yield {**hit, "why": " ".join(sorted({w["kind"] for w in hit["why"]})), "summary": hit.get("snippet", "")
               .replace("\ue000", "").replace("\ue001", "")}


def _lead_of(tracker: Tracker, article_id: str) -> str:
    """An article's opening sentences: what a feed reader shows under the title."""
    return lead(tracker.article(article_id).text)


def event_rows(tracker: Tracker, event: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for article in event.get("articles", []):
        row = {**article, "article_id": article["id"], "event_id": event["id"]}
        yield {**row, "summary": _lead_of(tracker, article["id"])}


def entity_rows(tracker: Tracker, entity: dict[str, Any]) -> Iterator[dict[str, Any]]:
    articles = entity.get("articles", [])
    events = tracker.db.event_ids_for([a["id"] for a in articles])
    for article in articles:
        row = {**article, "article_id": article["id"], "event_id": events.get(article["id"])}
        yield {**row, "summary": _lead_of(tracker, article["id"])}


def _started(rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """``rows`` with the first one already pulled, so a missing event or entity raises here and now
    (a clean error or 404) instead of in the middle of a stream."""
    first = next(rows, None)
    if first is None:
        return iter(())

    def chained() -> Iterator[dict[str, Any]]:
        yield first
        yield from rows

    return chained()


def search_export(tracker: Tracker, q: str, lang: str | None = None) -> Export:
    """Every hit of a search, uncapped, best first."""
    return Export(_started(search_rows(tracker, q, lang)), SEARCH_COLUMNS, f"storyweave search: {q}", "search")


def event_export(tracker: Tracker, event_id: str) -> Export:
    """An event's articles, each with its lead, under the event's title (what a feed reader lists
    the channel by); raises ``NotFoundError`` for an unknown event."""
    event = tracker.event(event_id)
    title = str(event.get("title") or f"storyweave event {event_id}")
    return Export(event_rows(tracker, event), ARTICLE_COLUMNS, title, f"event-{event_id}")


def entity_export(tracker: Tracker, entity_id: str) -> Export:
    """The articles naming an entity, under its name; raises ``NotFoundError`` for an unknown entity."""
    entity = tracker.entity(entity_id)
    title = str(entity.get("name") or f"storyweave entity {entity_id}")
    return Export(entity_rows(tracker, entity), ARTICLE_COLUMNS, title, f"entity-{entity_id}")
