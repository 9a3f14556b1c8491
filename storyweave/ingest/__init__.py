"""Ingest sources: files, directories, stdin, RSS/Atom feeds and web pages → ``RawDoc`` or ``Reject``.

``iter_inputs(target, settings, transport=None)`` is the one entry point; see ``sources`` for the
rules every source shares, ``records`` for JSON/JSONL and ``feeds`` for feeds.
"""

from .count import count_inputs
from .feeds import FeedReader
from .records import iter_json, iter_jsonl, record_to_doc
from .sources import EXTENSIONS, Session, iter_inputs, sniff_format

__all__ = [
    "EXTENSIONS",
    "FeedReader",
    "Session",
    "count_inputs",
    "iter_inputs",
    "iter_json",
    "iter_jsonl",
    "record_to_doc",
    "sniff_format",
]
