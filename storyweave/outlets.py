"""Which outlet published an article, when the input does not name it.

Three clues, most reliable first: the registrable domain of the article's URL (``news.bbc.co.uk``
→ ``bbc.co.uk``), the title of the feed it came in (the feed reader passes that as ``source``),
and a wire-style dateline opening the text (``(VOVWORLD) - …``, ``PARIS (AFP) —``).  Ingest stores
what these give; the web UI applies the same rules to articles stored before they existed.

The domain rule knows the common two-label public suffixes (``co.uk``, ``com.au``, ``com.tr``…)
rather than the full Public Suffix List, which would be one more data file to keep current for a
label that only has to be recognisable.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

# Second-level labels that, under a country code, form a suffix of their own ("co" + "uk").
_SECOND_LEVELS = frozenset({
    "ac", "co", "com", "edu", "gen", "gob", "gouv", "gov", "govt", "ltd", "mil", "ne", "net", "nom", "or", "org",
    "plc", "sch",
})

# A dateline: up to a few words of place and date, then the agency in parentheses, then a dash
# (or, for an all-capitals agency, just the text going on).
_DATELINE = re.compile(
    r"^\s*(?P<prefix>[^\n()]{0,50}?)\(\s*(?P<name>[^\W\d_][\w .&'’/-]{0,30}?)\s*\)\s*(?P<dash>[-–—:]?)",
)
# Words that open a text in parentheses without being an outlet.
_NOT_OUTLETS = frozenset({"photo", "photos", "video", "update", "updated", "live", "file", "audio", "ap photo",
                          "en direct", "vidéo", "mise à jour", "foto", "upd"})


def registrable_domain(host: str | None) -> str | None:
    """The part of a host name an organisation registers: ``www.smh.com.au`` → ``smh.com.au``."""
    if not host:
        return None
    name = host.strip().strip(".").lower()
    if name.startswith("[") or ":" in name:
        return name
    try:
        ipaddress.ip_address(name)
        return name
    except ValueError:
        pass
    labels = [label for label in name.split(".") if label]
    if len(labels) <= 2:
        return ".".join(labels) or None
    top, second = labels[-1], labels[-2]
    if len(top) == 2 and second in _SECOND_LEVELS:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def source_from_url(url: str | None) -> str | None:
    """The outlet a URL belongs to, as its registrable domain; None for non-web URLs."""
    try:
        parts = urlsplit(url or "")
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    return registrable_domain(host)


def dateline_source(text: str | None) -> str | None:
    """The agency a text's opening dateline credits: ``(VOVWORLD) - Ce jeudi…`` → ``VOVWORLD``."""
    found = _DATELINE.match((text or "")[:120])
    if found is None:
        return None
    name = " ".join(found["name"].split())
    if name.lower() in _NOT_OUTLETS or len(name) < 2 or not _looks_like_dateline(found["prefix"]):
        return None
    if name[0].islower() and (" " in name or len(name) > 4):  # "(dpa)" yes, "(in Paris)" no
        return None
    if not found["dash"]:
        # Without a dash only an agency-style capitalised name is trusted: "(AFP) Le président…".
        letters = [c for c in name if c.isalpha()]
        if not letters or not all(c.isupper() for c in letters):
            return None
    return name


def _looks_like_dateline(prefix: str) -> bool:
    """A place and perhaps a date ("WASHINGTON, March 5", "Paris, 5 mars"), not a sentence."""
    words = prefix.replace(",", " ").split()
    if any(c.isdigit() for c in prefix):
        return len(words) <= 6
    return len(words) <= 3 and all(not w[0].islower() for w in words)


def outlet_of(source: str | None, url: str | None = None, *openings: str | None) -> str | None:
    """The outlet to show for an article: its stored source, else what its URL says, else the first
    dateline among ``openings`` (its title, then its text: a plain-text file's first line is its title)."""
    named = " ".join((source or "").split())
    return named or source_from_url(url) or next((d for d in map(dateline_source, openings) if d), None)
