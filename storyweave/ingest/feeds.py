"""RSS 2.0, Atom and RDF feeds → one RawDoc per entry.

XML entity declarations are refused before any parser sees the document: they are how
entity-expansion bombs ("billion laughs") and external-entity reads work, and no real news feed
needs them.  Entries that carry only a short summary can have their link fetched (through the same
SSRF-checked :class:`~storyweave.fetch.Fetcher`) and the page extracted instead.
"""

from __future__ import annotations

import calendar
import io
import logging
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import defusedxml.ElementTree as SafeElementTree
import feedparser
from defusedxml import DefusedXmlException

from ..encoding import binary_kind, declared_charset, decode_bytes, normalise_codec
from ..errors import FetchError
from ..extract import (
    attribute_problem,
    extract_html,
    html_to_text,
    html_work_problem,
    normalise_date,
    normalise_text,
)
from ..fetch import Fetcher
from ..models import RawDoc, Reject
from ..outlets import source_from_url
from ..settings import Settings

logger = logging.getLogger(__name__)

_ROOT_ELEMENT_RE = re.compile(r"<[A-Za-z]")
NO_ENTRIES = "feed has no entries"


def entity_problem(text: str) -> str | None:
    """A one-line reason when the XML declares entities (bomb or external entity), else None."""
    root = _ROOT_ELEMENT_RE.search(text)
    prolog = text[: root.start()] if root else text
    if "<!entity" in prolog.lower():
        return "XML declares entities in its DOCTYPE (entity-expansion bomb or external entity); refused"
    return None


# feedparser reads a document in EBCDIC when it starts "<?xm" in code page 037.
_EBCDIC_START = b"\x4c\x6f\xa7\x94"


def _readings(data: bytes) -> list[str]:
    """The document as text in each encoding a parser might pick, not only the one we would.

    A feed that declares UTF-7 spells "<!ENTITY" as "+ADw-!ENTITY": harmless in our reading, an
    entity declaration in feedparser's.  So the entity check reads every plausible decoding.
    """
    texts = [decode_bytes(data)[0]]
    for codec in (normalise_codec(declared_charset(data)), "cp037" if data.startswith(_EBCDIC_START) else None):
        if codec:
            texts.append(data.decode(codec, errors="replace"))
    return texts


def _defused_problem(data: bytes) -> str | None:
    """Second opinion from defusedxml; it only speaks up for entity or DTD tricks."""
    try:
        SafeElementTree.fromstring(data)
    except DefusedXmlException as exc:
        return f"XML uses forbidden entities or external references ({type(exc).__name__}); refused"
    except Exception:  # malformed XML is feedparser's call (it parses leniently), not a refusal
        return None
    return None


def _text_of(detail: Any, fallback: str | None) -> str:
    """Feed text fields may be HTML (``type: text/html``); turn them into plain text."""
    value = fallback if detail is None else detail.get("value", fallback)
    if not value:
        return ""
    kind = str(detail.get("type", "")) if detail is not None else "text/html"
    return html_to_text(value) if "html" in kind else normalise_text(value)


def _entry_date(entry: Any) -> str | None:
    for key in ("published", "updated", "created"):
        found = normalise_date(entry.get(key))
        if found:
            return found
        parsed = entry.get(f"{key}_parsed")
        if isinstance(parsed, time.struct_time):
            # feedparser already converted an odd date format to UTC; years 0, -1 or 10000 do not exist
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC).isoformat()
            except (ValueError, OverflowError, OSError):
                continue
    return None


def _entry_lang(entry: Any, feed_lang: str | None) -> str | None:
    for detail in (*entry.get("content", []), entry.get("summary_detail"), entry.get("title_detail")):
        if detail is not None and detail.get("language"):
            return str(detail["language"])
    return feed_lang


class FeedReader:
    """Reads one feed document; ``fetcher`` (created on first use) fetches summary-only links."""

    def __init__(self, settings: Settings, fetcher: Callable[[], Fetcher]) -> None:
        self.settings = settings
        self.fetcher = fetcher

    def read(self, data: bytes, origin: str, content_type: str | None = None) -> Iterator[RawDoc | Reject]:
        for item in self.entries(data, origin, content_type):
            yield self.complete(item) if isinstance(item, RawDoc) else item

    def entries(self, data: bytes, origin: str, content_type: str | None = None) -> Iterator[RawDoc | Reject]:
        """The feed's entries as they stand in it, no link fetched yet (``complete`` does that), so a
        caller can skip the entries it already has first."""
        readings = _readings(data)
        problem = (next(filter(None, map(entity_problem, readings)), None)
                   or attribute_problem(readings[0], self.settings) or _defused_problem(data))
        if problem:
            yield Reject(origin, problem)
            return
        headers = {"content-type": content_type} if content_type else {}
        try:
            parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=True)
        except ValueError as exc:  # feedparser's sgmllib path: a character reference past U+10FFFF (&#x110000;)
            yield Reject(origin, f"malformed feed: {' '.join(str(exc).split())}")
            return
        if not parsed.entries:
            if parsed.bozo:
                reason = " ".join(str(parsed.bozo_exception).split()) or "unreadable XML"
                yield Reject(origin, f"malformed feed: {reason}")
            elif not parsed.version:
                yield Reject(origin, "not an RSS, Atom or RDF feed")
            else:
                yield Reject(origin, NO_ENTRIES)
            return
        feed = parsed.feed
        feed_source = " ".join(str(feed.get("title", "")).split()) or source_from_url(feed.get("link"))
        feed_lang = feed.get("language")
        for number, entry in enumerate(parsed.entries, start=1):
            yield self._entry(entry, f"{origin}#{number}", feed_source, feed_lang)

    def _entry(self, entry: Any, origin: str, feed_source: str | None, feed_lang: str | None) -> RawDoc:
        link = entry.get("link") or None
        contents = [_text_of(item, None) for item in entry.get("content", [])]
        summary = _text_of(entry.get("summary_detail"), entry.get("summary"))
        text = max([*contents, summary], key=len)
        metadata: dict[str, Any] = {}
        if entry.get("author"):
            metadata["author"] = str(entry["author"])
        tags = [str(tag.get("term")) for tag in entry.get("tags", []) if tag.get("term")]
        if tags:
            metadata["tags"] = tags
        doc = RawDoc(
            origin=origin,
            id=entry.get("id") or link,
            title=_text_of(entry.get("title_detail"), entry.get("title")) or None,
            text=text or None,
            url=link,
            source=feed_source or source_from_url(link),
            lang_hint=_entry_lang(entry, feed_lang),
            publish_date=_entry_date(entry),
            metadata=metadata,
        )
        return doc

    def complete(self, doc: RawDoc) -> RawDoc | Reject:
        """``doc`` with its linked page's text when the entry carried only a summary (setting
        ``fetch_feed_links``, below ``feed_full_text_chars``)."""
        short = len(doc.text or "") < int(self.settings.feed_full_text_chars)
        if short and doc.url and self.settings.fetch_feed_links:
            return self._with_page(doc, doc.url)
        return doc

    def _with_page(self, doc: RawDoc, link: str) -> RawDoc | Reject:
        """Replace a summary by the linked page's main text; keep the summary if that fails."""
        try:
            page = self.fetcher().get(link)
            kind = binary_kind(page.body)
            if kind:
                raise FetchError(f"{link} is binary data ({kind}), not a page")
            body, _ = decode_bytes(page.body, page.charset)
            problem = html_work_problem(body, self.settings)
            if problem:
                raise FetchError(f"{link}: {problem}")
            parts = extract_html(body, page.final_url)
        except FetchError as exc:
            if doc.text:
                doc.metadata["link_fetch_error"] = str(exc)
                return doc
            return Reject(doc.origin, f"entry has no text and its link could not be fetched: {exc}")
        if len(parts.text) > len(doc.text or ""):
            doc.text = parts.text
            doc.url = parts.url or page.final_url
            doc.metadata["text_from"] = "link"
        doc.title = doc.title or parts.title or None
        doc.publish_date = doc.publish_date or parts.date
        doc.lang_hint = doc.lang_hint or parts.lang
        return doc
