"""RawDoc → Article: main text out of HTML, then one normal form for every field.

HTML goes through trafilatura (main text without navigation, footers, comments and related links),
with the page's own ``<head>`` read for what trafilatura drops or truncates: the canonical URL, the
``<html lang>`` / Content-Language hint and a publication *datetime* with its time zone.  When
trafilatura gives up (pathological nesting, broken markup), a plain-text strip built on the
standard library's non-recursive parser takes over, so no page crashes or hangs the batch.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit, urlunsplit

from .limits import cut_at_word, is_safe_link
from .models import Article, RawDoc, Reject
from .outlets import outlet_of
from .settings import Settings

logger = logging.getLogger(__name__)

# Elements whose content is never article text.
_NEVER_TEXT = frozenset({"script", "style", "noscript", "template", "svg", "math", "iframe", "object",
                         "head", "select", "button", "canvas"})
# Page furniture, skipped by the plain-text fallback when it reads a whole page.
_FURNITURE = frozenset({"nav", "footer", "header", "aside", "form", "menu", "dialog"})
_BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
                     "section", "article", "blockquote", "pre", "figure", "figcaption", "dd", "dt", "hr",
                     "main", "td", "th", "title"})
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source",
                   "track", "wbr"})
_DATE_META = frozenset({"article:published_time", "og:published_time", "datepublished", "date", "pubdate",
                        "publishdate", "publish-date", "dc.date", "dc.date.issued", "dcterms.created",
                        "parsely-pub-date", "sailthru.date", "article.published", "published_time"})
_TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga"})
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS_RE = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_SPACES_RE = re.compile(r"[^\S\n]+")
_LANG_RE = re.compile(r"[a-z]{2,3}")
_HEAD_SCAN_CHARS = 256 * 1024
_RFC822_RE = re.compile(r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s+\S+)?$")


class _StopParsing(Exception):
    """Raised inside the head scanner once the body starts: nothing more to learn there."""


@dataclass
class PageHints:
    """What a page's ``<head>`` says about itself."""

    title: str | None = None
    url: str | None = None
    lang: str | None = None
    date: str | None = None
    feeds: list[str] = field(default_factory=list)  # <link rel="alternate"> to RSS or Atom, in page order


_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})


class _HeadScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hints = PageHints()
        self._og_url: str | None = None
        self._in_title = False
        self._title: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key.lower(): (value or "").strip() for key, value in attrs}
        if tag == "html" and values.get("lang"):
            self.hints.lang = self.hints.lang or values["lang"]
        elif tag == "title":
            self._in_title = True
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split() and values.get("href"):
            self.hints.url = self.hints.url or values["href"]
        elif tag == "link" and "alternate" in values.get("rel", "").lower().split() and values.get("href") and (
                values.get("type", "").lower() in _FEED_TYPES):
            self.hints.feeds.append(values["href"])
        elif tag == "meta":
            self._meta(values)
        elif tag == "body":
            raise _StopParsing

    def _meta(self, values: dict[str, str]) -> None:
        key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
        content = values.get("content", "")
        if not content:
            return
        if values.get("http-equiv", "").lower() == "content-language" or key in ("language", "dc.language"):
            self.hints.lang = self.hints.lang or content
        elif key == "og:url":
            self._og_url = self._og_url or content
        elif key in _DATE_META and self.hints.date is None:
            self.hints.date = normalise_date(content)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            raise _StopParsing

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)

    def finish(self) -> PageHints:
        self.hints.url = self.hints.url or self._og_url
        title = " ".join("".join(self._title).split())
        self.hints.title = title or None
        return self.hints


def page_hints(html: str) -> PageHints:
    """Read the canonical URL, language, publication date and ``<title>`` from a page's head."""
    scanner = _HeadScanner()
    with contextlib.suppress(_StopParsing):
        scanner.feed(html[:_HEAD_SCAN_CHARS])  # a head is small; a hostile one must not cost seconds
        scanner.close()
    return scanner.finish()


# A start tag and everything up to its ">", quoted values read whole (a ">" inside quotes does not
# end the tag, for libxml2 either).  Possessive: the scan never backtracks, so it stays linear.
_START_TAG_RE = re.compile(r"""<[A-Za-z][^\s/>]*+((?:[^>"']++|"[^"]*+"|'[^']*+')*+)""")
_ELEMENT_START_RE = re.compile(r"<[A-Za-z]")
_ATTRIBUTE_RE = re.compile(r"""([^\s"'=/>]++)(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'>]*+))?+""")
# Below this many characters a tag cannot hold max_html_attributes attributes; skip counting them.
_CHARS_PER_ATTRIBUTE = 2
# Above this share of U+FFFD among its letters, a text is the debris of a wrong decoding, not news.
_MAX_REPLACEMENT_SHARE = 0.2
_REPLACEMENT_SAMPLE_CHARS = 20_000


def html_work_problem(html: str, settings: Settings) -> str | None:
    """Why ``html`` would cost too much to parse (a one-line reason), or None.

    libxml2 (under trafilatura, lxml and htmldate) checks each new attribute of an element against
    all the earlier ones, so one element with 50,000 distinct attributes takes minutes; and the
    extraction's cost grows with the element count.  Both are counted here first, in one linear
    scan, instead of finding out by parsing.
    """
    max_elements = int(settings.max_html_elements)
    if html.count("<") > max_elements:  # cheap bound first; the exact count stops at the limit
        elements = sum(1 for _ in itertools.islice(_ELEMENT_START_RE.finditer(html), max_elements + 1))
        if elements > max_elements:
            return f"HTML has more than {max_elements:,} elements, the limit (max_html_elements)"
    return attribute_problem(html, settings)


def attribute_problem(markup: str, settings: Settings) -> str | None:
    """Why ``markup`` (HTML or XML) has an element with too many attributes to parse, or None.

    Expat and feedparser pay the same square on a feed's elements as libxml2 on a page's
    (50,000 attributes on one ``<item>``: 49 s).
    """
    max_attributes = int(settings.max_html_attributes)
    for tag in _START_TAG_RE.finditer(markup):
        if tag.end(1) - tag.start(1) > max_attributes * _CHARS_PER_ATTRIBUTE:
            names = {name.lower() for name in _ATTRIBUTE_RE.findall(markup, tag.start(1), tag.end(1))}
            if len(names) > max_attributes:
                return (f"an element has {len(names):,} attributes, over the {max_attributes:,} limit "
                        "(max_html_attributes)")
    return None


def garbled_problem(title: str, text: str) -> str | None:
    """A one-line reason when the text is mostly U+FFFD: bytes decoded with the wrong encoding."""
    sample = (title + " " + text)[:_REPLACEMENT_SAMPLE_CHARS]
    letters = sum(1 for ch in sample if not ch.isspace())
    bad = sample.count("\ufffd")
    if letters and bad / letters > _MAX_REPLACEMENT_SHARE:
        return (f"text is {bad / letters:.0%} replacement characters (U+FFFD): its encoding was misread or "
                "it is not text")
    return None


_TOKEN_RE = re.compile(r"<(?:(!--)|[!?]|(/?)([A-Za-z][A-Za-z0-9:_-]*))")
_REST_OF_TAG_RE = re.compile(r"[^<>]*>?")  # stops at the next "<" too, which keeps the scan linear
_RAW_TEXT = frozenset({"script", "style", "textarea", "xmp", "title", "noembed", "noframes"})


def html_to_text(html: str, *, drop_furniture: bool = False) -> str:
    """Plain text of an HTML fragment or page; scripts and styles never become text.

    A single linear scan, not a tree: it is the fallback for pages the real parser gives up on
    (100,000 nested ``<div>``s, unclosed everything), so it must stay fast on any input.
    """
    skip = _NEVER_TEXT | _FURNITURE if drop_furniture else _NEVER_TEXT
    lower = html.lower()
    depth: dict[str, int] = {}
    skipping = 0
    parts: list[str] = []
    pos = 0
    while (token := _TOKEN_RE.search(html, pos)) is not None:
        if token.start() > pos and not skipping:
            parts.append(unescape(html[pos : token.start()]))
        if token.group(1):  # comment: up to "-->" or the end
            close = lower.find("-->", token.end())
            pos = len(html) if close < 0 else close + 3
            continue
        rest = _REST_OF_TAG_RE.match(html, token.end())
        pos = rest.end() if rest else token.end()
        name = (token.group(3) or "").lower()
        if not name:  # <!doctype …>, <?xml …?>
            continue
        closing = token.group(2) == "/"
        self_closing = html[pos - 2 : pos] == "/>"
        if not closing and name in _RAW_TEXT:
            close = lower.find(f"</{name}", pos)
            text_end = len(html) if close < 0 else close
            if name not in skip and not skipping:
                parts.append(unescape(html[pos:text_end]))
            pos = text_end
            continue
        if name in skip and name not in _VOID and not self_closing:
            if closing and depth.get(name):
                depth[name] -= 1
                skipping -= 1
            elif not closing:
                depth[name] = depth.get(name, 0) + 1
                skipping += 1
        elif name in _BLOCKS and (not parts or parts[-1] != "\n"):
            parts.append("\n")
    if pos < len(html) and not skipping:
        parts.append(unescape(html[pos:]))
    return normalise_text("".join(parts))


def normalise_text(text: str) -> str:
    """NFC, no control characters, single spaces, one paragraph per line, no blank lines."""
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS_RE.sub("\n", text)
    text = _CONTROL_RE.sub("", text).replace("\t", " ")
    lines = (_SPACES_RE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def normalise_title(title: str | None) -> str:
    return " ".join(normalise_text(title or "").split())


def _dates_differ(text: str) -> tuple[datetime, datetime] | None:
    """Parse free-form ``text`` twice with different defaults; fields that differ were missing."""
    from dateutil import parser as date_parser  # imported late: only unusual date formats need it

    try:
        first = date_parser.parse(text, default=datetime(2001, 1, 1, 0, 0, 0))
        second = date_parser.parse(text, default=datetime(2002, 2, 2, 1, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return None
    return first, second


def normalise_date(value: str | None) -> str | None:
    """ISO 8601 (``2024-03-28`` or ``2024-03-28T10:00:00+07:00``), or None when not a full date."""
    text = (value or "").strip()
    if not text:
        return None
    parsed: date | datetime | None = None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        with contextlib.suppress(ValueError):
            parsed = date.fromisoformat(text)
    if parsed is None:
        with contextlib.suppress(ValueError):
            parsed = datetime.fromisoformat(text)
    if parsed is None and _RFC822_RE.match(text):
        with contextlib.suppress(ValueError, TypeError, IndexError):
            parsed = parsedate_to_datetime(text)  # RSS dates; too lenient for anything else (drops "PM")
    if parsed is None and len(text) <= 64 and re.search(r"\d", text):
        pair = _dates_differ(text)
        if pair is not None:
            first, second = pair
            if first.date() != second.date():
                return None  # a month or a year alone is not a publication date
            has_time = (first.hour, first.minute) == (second.hour, second.minute)
            parsed = first if has_time else first.date()
    if parsed is None or not 1800 <= parsed.year <= 2200:
        return None
    return parsed.isoformat()


def canonical_url(url: str | None) -> str | None:
    """Lower-case scheme and host, no fragment, no tracking parameters, no default port."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in ("http", "https") or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        host = f"{host}:{port}"
    # Filter the raw pairs rather than re-encoding, so the kept parameters stay byte-identical.
    kept = [
        pair for pair in parts.query.split("&")
        if pair and not (key := pair.split("=", 1)[0].lower()).startswith("utm_") and key not in _TRACKING_PARAMS
    ]
    return urlunsplit((scheme, host, parts.path or "/", "&".join(kept), ""))


def normalise_lang_hint(value: str | None) -> str | None:
    """``"fr-FR"`` → ``"fr"``; anything that is not a language tag → None."""
    primary = (value or "").strip().lower().replace("_", "-").split("-", 1)[0]
    return primary if _LANG_RE.fullmatch(primary) else None


@dataclass
class HtmlParts:
    """What extraction found in one HTML page."""

    title: str
    text: str
    date: str | None
    lang: str | None
    url: str | None


def _trafilatura(html: str, url: str | None) -> tuple[str, str, str | None]:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=True, include_images=False
        )
    except Exception as exc:  # hostile, broken or too deep markup must not stop the batch; the strip takes over
        logger.debug("trafilatura failed on %s: %s", url, exc)
        return "", "", None
    if doc is None or isinstance(doc, dict):
        return "", "", None
    return str(doc.title or ""), str(doc.text or ""), normalise_date(str(doc.date)) if doc.date else None


def _htmldate(html: str) -> str | None:
    import htmldate

    try:
        found = htmldate.find_date(html, extensive_search=False, original_date=True)
    except Exception as exc:  # date guessing is optional; a failure leaves the date empty
        logger.debug("htmldate failed: %s", exc)
        return None
    return normalise_date(found) if found else None


def extract_html(html: str, url: str | None = None) -> HtmlParts:
    """Main text, title, date, language and canonical URL of one page."""
    hints = page_hints(html)
    title, text, found_date = _trafilatura(html, url or hints.url)
    text = normalise_text(text)
    if not text:
        text = html_to_text(html, drop_furniture=True)
    title = title or hints.title or ""
    # <title> is raw text in HTML, so "<script>…" there is literal; no real headline contains markup.
    title = normalise_title(html_to_text(title) if "<" in title else title)
    lines = text.split("\n")
    if title and lines and normalise_title(lines[0]) == title:
        text = "\n".join(lines[1:])  # the page's <h1> repeats the title
    publish_date = hints.date or found_date
    if publish_date is None and text:
        publish_date = _htmldate(html)
    return HtmlParts(title=title, text=text, date=publish_date, lang=hints.lang, url=hints.url)


def content_hash(title: str, text: str, source: str | None) -> str:
    """sha256 over title, text and source: the same text from another outlet is another article."""
    return hashlib.sha256("\x1f".join((title, text, source or "")).encode("utf-8")).hexdigest()


def extract(raw: RawDoc, settings: Settings) -> Article | Reject:
    """Turn one raw document into an article in normal form, or say why it cannot be one."""
    try:
        return _extract(raw, settings)
    except RecursionError:
        return Reject(raw.origin, "HTML is nested too deeply to extract")


def _extract(raw: RawDoc, settings: Settings) -> Article | Reject:
    metadata = dict(raw.metadata)
    title = normalise_title(raw.title)
    text = normalise_text(raw.text or "")
    url = raw.url
    publish_date = normalise_date(raw.publish_date)
    lang_hint = normalise_lang_hint(raw.lang_hint)
    if raw.html:
        problem = html_work_problem(raw.html, settings)
        if problem:
            return Reject(raw.origin, problem)
        parts = extract_html(raw.html, raw.url)
        title = title or parts.title
        text = text or parts.text
        # A link the page declares is only used when it is one a browser may follow and not absurd.
        if not url and parts.url and len(parts.url) <= int(settings.max_url_chars) and is_safe_link(parts.url):
            url = parts.url
        publish_date = publish_date or parts.date
        lang_hint = lang_hint or normalise_lang_hint(parts.lang)
    if raw.publish_date and publish_date is None:
        metadata["publish_date_raw"] = raw.publish_date  # kept for audit, not trusted as a date
    if not text and not title:
        return Reject(raw.origin, "no article text found")
    garbled = garbled_problem(title, text)
    if garbled:
        return Reject(raw.origin, garbled)
    # Models and indexes read a title whole: it is cut to a headline's size, the text keeps its words.
    title = cut_at_word(title, int(settings.max_title_chars))
    if len(text) > settings.max_text_chars:
        return Reject(
            raw.origin,
            f"article text is {len(text):,} characters, over the {settings.max_text_chars:,} limit (max_text_chars)",
        )
    canonical = canonical_url(url)
    # The outlet is part of the content hash, so it is settled here, from the input's own clues.
    # A plain-text file's first line becomes the title, so a dateline may open either.
    source = cut_at_word(normalise_title(raw.source), int(settings.max_source_chars)) or outlet_of(
        None, canonical, title, text
    )
    digest = content_hash(title, text, source)
    if raw.id and raw.id.strip():
        article_id = raw.id.strip()
    elif canonical:
        article_id = "sha1:" + hashlib.sha1(canonical.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]
    else:
        article_id = "sha256:" + digest[:16]
    return Article(
        id=article_id,
        title=title,
        text=text,
        origin=raw.origin,
        url=url,
        canonical_url=canonical,
        source=source,
        lang_hint=lang_hint,
        publish_date=publish_date,
        content_hash=digest,
        metadata=metadata,
    )
