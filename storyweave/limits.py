"""Every string from outside made valid and bounded before it reaches SQLite, a model, an index or a response.

Two kinds of damage come in with documents:

- *Invalid Unicode*: JSON may spell half of a UTF-16 pair (``"\\ud800"``) and file names that are
  not UTF-8 reach Python as lone surrogates.  SQLite, the models and every response encode text as
  UTF-8, which a lone surrogate cannot be, so one such string used to end the whole batch.  They
  become U+FFFD here, except in an id: two different ids could then become one, so such an id is
  a reject.
- *Unbounded size*: a field's size decides how long the models and indexes take on it (a 20,000
  word title took a minute and 900 MB to embed).  An id or a URL too long to be real is a reject
  (a cut one would name another article or point elsewhere); a title or source is cut at a word
  boundary (:func:`cut_at_word`, in the extract stage), and the text has ``max_text_chars``.

URLs whose scheme runs or embeds content (``javascript:``, ``data:``, …) are dropped: only http(s)
and relative links are kept, so no page, feed or export can hand one back.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from .models import RawDoc, Reject
from .settings import Settings

_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# Browsers drop tabs and newlines anywhere in a URL and spaces and controls around it, so
# "java\tscript:" is "javascript:" to them: the scheme is read after the same clean-up.
_URL_IGNORED_RE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_LINK_SCHEMES = frozenset({"http", "https"})
# No language tag or date is longer; beyond this they are junk that only costs time downstream.
_MAX_HINT_CHARS = 64
_MAX_DATE_CHARS = 200
_ELLIPSIS = "…"
# A cut steps back to a space when one lies in the last part of the allowance; scripts written
# without spaces (Chinese, Japanese, Thai) are cut where the limit falls.
_WORD_BACKTRACK_SHARE = 0.3


def has_surrogates(value: str) -> bool:
    return _SURROGATE_RE.search(value) is not None


def valid_text(value: str) -> str:
    """``value`` with each lone surrogate replaced by U+FFFD (a proper pair becomes its character)."""
    if not has_surrogates(value):
        return value
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def valid_value(value: Any) -> Any:
    """A JSON-like value (metadata) with every string in it, keys included, made valid."""
    encoded = json.dumps(value, ensure_ascii=False, default=str)
    if not has_surrogates(encoded):
        return value
    # Surrogates only ever sit inside JSON strings, so the repaired text is still the same JSON.
    return json.loads(valid_text(encoded))


def valid_reject(reject: Reject) -> Reject:
    if has_surrogates(reject.origin) or has_surrogates(reject.reason):
        return Reject(valid_text(reject.origin), valid_text(reject.reason))
    return reject


def cut_at_word(text: str, max_chars: int) -> str:
    """``text`` if it fits in ``max_chars``, else its start cut at a word boundary, ending in "…"."""
    if len(text) <= max_chars:
        return text
    room = max(1, max_chars - len(_ELLIPSIS))
    cut = text[:room]
    space = cut.rfind(" ", int(room * (1 - _WORD_BACKTRACK_SHARE)))
    return (cut[:space] if space > 0 else cut).rstrip() + _ELLIPSIS


def url_scheme(url: str) -> str | None:
    """The scheme of ``url`` as a browser reads it (lower case), or None for a relative URL."""
    match = _SCHEME_RE.match(_URL_IGNORED_RE.sub("", url))
    return match.group(1).lower() if match else None


def is_safe_link(url: str | None) -> bool:
    """True for an http(s) or relative URL: one that can be handed to a browser as a link."""
    if not url:
        return False
    scheme = url_scheme(url)
    return scheme is None or scheme in _LINK_SCHEMES


def checked(doc: RawDoc, settings: Settings) -> RawDoc | Reject:
    """``doc`` with every string valid and bounded, or the reject when its id or URL cannot be kept."""
    origin = valid_text(doc.origin)
    if doc.id is not None:
        if has_surrogates(doc.id):
            return Reject(origin, "field 'id' holds a lone surrogate (half of a UTF-16 pair, not valid Unicode); "
                                  "ids are not repaired, since two ids could become one")
        if len(doc.id) > int(settings.max_id_chars):
            return Reject(origin, f"field 'id' is {len(doc.id):,} characters, over the {settings.max_id_chars:,} "
                                  "limit (max_id_chars)")
    url = doc.url
    try:
        metadata = valid_value(doc.metadata)
    except (RecursionError, ValueError):
        return Reject(origin, "metadata is nested too deeply to store")
    if url is not None:
        if len(url) > int(settings.max_url_chars):
            return Reject(origin, f"field 'url' is {len(url):,} characters, over the {settings.max_url_chars:,} "
                                  "limit (max_url_chars)")
        if not is_safe_link(url):
            # Only the scheme is kept, as a trace: the rest is the payload nobody should be handed.
            metadata = {**metadata, "url_dropped": f"{url_scheme(url)}: URL (only http and https links are kept)"}
            url = None
    return dataclasses.replace(
        doc,
        origin=origin,
        title=_valid_or_none(doc.title),
        text=_valid_or_none(doc.text),
        html=_valid_or_none(doc.html),
        url=_valid_or_none(url),
        source=_valid_or_none(doc.source),
        lang_hint=_valid_or_none(doc.lang_hint[:_MAX_HINT_CHARS] if doc.lang_hint else doc.lang_hint),
        publish_date=_valid_or_none(doc.publish_date[:_MAX_DATE_CHARS] if doc.publish_date else doc.publish_date),
        metadata=metadata,
    )


def checked_item(item: RawDoc | Reject, settings: Settings) -> RawDoc | Reject:
    return valid_reject(item) if isinstance(item, Reject) else checked(item, settings)


def _valid_or_none(value: str | None) -> str | None:
    return None if value is None else valid_text(value)
