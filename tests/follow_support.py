"""Shared by the follow tests and benchmarks/follow.py: feeds built on the fly, and fast settings."""

from __future__ import annotations

from html import escape

# Follow tests are about polling, not enrichment: no models, no event assignment.
FAST = {"enrich_stages": [], "assign_events": False, "allow_private_addresses": True, "workers": 1,
        "follow_host_delay_s": 0.0}
FEED_TYPE = "application/rss+xml; charset=utf-8"
LONG = ("The port authority said the new terminal would double the harbour's capacity by next spring, "
        "and the city council approved the plan after a long debate about traffic and noise. ") * 3


def entry(guid: str, title: str, link: str, text: str = LONG) -> dict[str, str]:
    return {"guid": guid, "title": title, "link": link, "text": text}


def rss(entries: list[dict[str, str]], title: str = "Harbour News") -> bytes:
    """An RSS 2.0 feed of ``entries`` (``guid``, ``title``, ``link``, ``text``)."""
    items = "".join(
        f"<item><guid>{escape(e['guid'])}</guid><title>{escape(e['title'])}</title><link>{escape(e['link'])}</link>"
        f"<description>{escape(e['text'])}</description></item>"
        for e in entries
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>http://harbour.example/</link>{items}</channel></rss>").encode()


def article_page(title: str, words: int = 80) -> bytes:
    """An article page long enough to be the entry's full text."""
    text = " ".join(f"{title} paragraph word{n}." for n in range(words))
    return (f"<html><head><title>{escape(title)}</title></head><body><article><h1>{escape(title)}</h1>"
            f"<p>{escape(text)}</p></article></body></html>").encode()
