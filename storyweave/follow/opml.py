"""OPML subscription lists: read the feeds out of one (any nesting, titles or not), write one back.

An OPML file comes from elsewhere (another reader's export, a web page), so it is parsed with
defusedxml: entity declarations and external references are refused, as for feeds.  Folders are
outlines without ``xmlUrl``; their outlines are read at any depth.  ``language``, ``country`` and
``every`` attributes are read when present and written back, so an export imports as it was.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from ..errors import InputError
from ..safetext import xml_text

# A subscription list is small; this bounds the work a hostile one can ask for.
MAX_OPML_BYTES = 5_000_000


@dataclass(frozen=True)
class Subscription:
    """One feed outline: its URL and what the outline says about it (None when it says nothing)."""

    url: str
    name: str | None = None
    lang: str | None = None
    country: str | None = None
    every: str | None = None


def _attribute(element: ElementTree.Element, name: str) -> str | None:
    """An attribute by name in any letter case (``xmlUrl``, ``xmlurl``, ``XMLURL`` all occur)."""
    for key, value in element.attrib.items():
        if key.lower() == name.lower():
            value = " ".join(value.split())
            return value or None
    return None


def read_opml(data: bytes) -> list[Subscription]:
    """Every feed outline of an OPML document, in document order; raise ``InputError`` when it is not one."""
    if len(data) > MAX_OPML_BYTES:
        raise InputError(f"OPML file is larger than {MAX_OPML_BYTES:,} bytes")
    try:
        root = SafeElementTree.fromstring(data)
    except DefusedXmlException as exc:
        refused = type(exc).__name__
        raise InputError(f"OPML uses forbidden entities or external references ({refused}); refused") from None
    except ElementTree.ParseError as exc:
        raise InputError(f"not an OPML file: {' '.join(str(exc).split())}") from None
    if root.tag.lower() != "opml":
        raise InputError(f"not an OPML file: its root element is <{root.tag[:40]}>, not <opml>")
    found = [_subscription(outline) for outline in _outlines(root)]
    return [item for item in found if item is not None]


def _outlines(root: ElementTree.Element) -> Iterator[ElementTree.Element]:
    # iter() walks without recursion, so a file nested thousands deep costs no stack.
    return (element for element in root.iter() if isinstance(element.tag, str) and element.tag.lower() == "outline")


def _subscription(outline: ElementTree.Element) -> Subscription | None:
    url = _attribute(outline, "xmlUrl")
    if url is None:
        return None  # a folder, or a plain note
    return Subscription(
        url=url,
        name=_attribute(outline, "title") or _attribute(outline, "text"),
        lang=_attribute(outline, "language"),
        country=_attribute(outline, "country"),
        every=_attribute(outline, "every"),
    )


def write_opml(sources: Iterable[dict[str, Any]], title: str = "storyweave sources") -> str:
    """An OPML 2.0 document with one outline per source (``url``, ``feed_url``, ``name``,
    ``feed_title``, ``lang``, ``country``, ``every``)."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = xml_text(title)
    body = ElementTree.SubElement(root, "body")
    for source in sources:
        name = source.get("name") or source.get("feed_title") or source["url"]
        attributes = {"type": "rss", "text": name, "title": name, "xmlUrl": source.get("feed_url") or source["url"]}
        if source.get("feed_url") and source["feed_url"] != source["url"]:
            attributes["htmlUrl"] = source["url"]
        for key, column in (("language", "lang"), ("country", "country"), ("every", "every")):
            if source.get(column):
                attributes[key] = str(source[column])
        ElementTree.SubElement(body, "outline", {key: xml_text(value) for key, value in attributes.items()})
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"
