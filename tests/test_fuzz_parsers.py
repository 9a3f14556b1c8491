"""Hypothesis against every parser that takes outside bytes, beyond what test_ingest.py already fuzzes.

test_ingest.py fuzzes the JSONL reader and format sniffing with arbitrary bytes; here: generated
HTML documents through extraction, generated RSS/Atom feeds (with and without entity tricks),
arbitrary text through every per-document stage, arbitrary JSON values through the whole ingest
into a real store (every reject recorded with its reason), and generated URLs through the
Fetcher's checks with a real server on 127.0.0.1 that must never be reached.

The rule everywhere: no exception escapes, every refusal is a one-line reason, and the safety nets
(``unexpected error while reading`` in the reader, ``could not process`` in the pipeline) never
fire, because a safety net firing is a bug that was caught, not handled.  Bounded example counts
keep this under a minute; ``fuzz/`` holds atheris harnesses for long runs.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hostile_trees import ENTRY_KINDS, OUTSIDE_SECRET, REFUSED_KINDS, read_tree
from httpserver import LocalHTTPServer
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from storyweave import Settings, Tracker
from storyweave.errors import FetchError
from storyweave.extract import extract
from storyweave.fetch import Fetcher
from storyweave.ingest import iter_inputs, record_to_doc
from storyweave.ingest.sources import UNEXPECTED, Session
from storyweave.limits import url_scheme
from storyweave.models import Article, RawDoc, Reject
from storyweave.pipeline import Enricher, enrich_one

OFFLINE = Settings({"fetch_feed_links": False, "enrich_stages": [], "workers": 1})
SAFETY_NETS = (UNEXPECTED, "could not process:")
SECRET = "root:x:0:0"  # a line of /etc/passwd: must never reach a document

FUZZ = hypothesis_settings(max_examples=60, deadline=None,
                           suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
FUZZ_SLOW = hypothesis_settings(FUZZ, max_examples=30)  # trafilatura takes a good part of a second per page

# Text with everything hostile input carries: controls, NUL, bidi overrides, surrogate-free astral.
_chars = st.characters(blacklist_categories=("Cs",))
_nasty = st.sampled_from(["\x00", "\u202e", "\u2066", "\ufeff", "\r", "\x1b[31m", "&amp;", "&#0;", "&#x110000;",
                          "&bogus;", "]]>", "<!--", "-->", "<![CDATA[", "'", '"', "\\", "{{7*7}}", "%s%n"])
_text = st.lists(st.one_of(st.text(_chars, max_size=30), _nasty), max_size=8).map("".join)


def _one_line_reason(item: RawDoc | Reject | Article) -> None:
    if isinstance(item, Reject):
        assert item.reason and "\n" not in item.reason and "\r" not in item.reason, item
        assert not item.reason.startswith(SAFETY_NETS), item


# -- HTML -------------------------------------------------------------------------------------------------

_TAGS = ["div", "p", "span", "a", "script", "style", "table", "tr", "td", "title", "meta", "article", "noscript",
         "svg", "math", "template", "iframe", "h1", "li", "ul", "br", "img", "textarea", "plaintext", "xmp"]
_attrs = st.dictionaries(st.sampled_from(["href", "src", "onerror", "style", "lang", "content", "property",
                                          "name", "charset", "http-equiv", "class"]), _text, max_size=3)


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def render(tag: str, attrs: dict[str, str], inner: list[str], closed: bool) -> str:
        attributes = "".join(f' {k}="{v}"' for k, v in attrs.items())
        return f"<{tag}{attributes}>{''.join(inner)}" + (f"</{tag}>" if closed else "")

    return st.builds(render, st.sampled_from(_TAGS), _attrs, st.lists(children, max_size=4), st.booleans())


_html = st.recursive(_text, _element, max_leaves=30).map(
    lambda body: f"<!doctype html><html><head><title>T</title></head><body>{body}</body></html>"
)


@FUZZ_SLOW
@given(html=_html, title=st.none() | _text)
def test_generated_html_never_breaks_extraction(html: str, title: str | None) -> None:
    result = extract(RawDoc("fuzz.html", id="h", html=html, title=title), OFFLINE)
    assert isinstance(result, Article | Reject)
    _one_line_reason(result)


@FUZZ_SLOW
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_as_html_never_raise(data: bytes) -> None:
    for item in Session(OFFLINE).iter_bytes(data, "fuzz.html", "html"):
        _one_line_reason(item)
        if isinstance(item, RawDoc):
            _one_line_reason(extract(item, OFFLINE))


# -- RSS / Atom -------------------------------------------------------------------------------------------

_entity_tricks = st.sampled_from([
    "",
    '<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE rss [<!ENTITY % p SYSTEM "http://127.0.0.1:1/evil.dtd"> %p;]>',
    '<!DOCTYPE rss SYSTEM "http://127.0.0.1:1/evil.dtd">',
    '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/rss-0.91.dtd">',
    # The declaration as UTF-7 spells it: markup only to a parser that honours a declared UTF-7.
    '+ADw-!DOCTYPE rss +AFs-+ADw-!ENTITY x "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"+AD4-+AF0-+AD4-',
])


def _rss(doctype: str, entries: list[tuple[str, str, str, str]], body_ref: bool, encoding: str = "utf-8") -> str:
    items = "".join(
        f"<item><title>{t}</title><link>{link}</link><description><![CDATA[{d}]]></description>"
        f"<pubDate>{when}</pubDate>{'<category>&x;</category>' if body_ref else ''}</item>"
        for t, link, d, when in entries
    )
    channel = f"<channel><title>F</title>{items}</channel>"
    return f'<?xml version="1.0" encoding="{encoding}"?>{doctype}<rss version="2.0">{channel}</rss>'


def _atom(entries: list[tuple[str, str, str, str]]) -> str:
    items = "".join(
        f'<entry><title type="html">{t}</title><link href="{link}"/><id>{link}</id><updated>{when}</updated>'
        f'<content type="html">{d}</content></entry>'
        for t, link, d, when in entries
    )
    return f'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>{items}</feed>'


_entries = st.lists(st.tuples(_text, _text, _text, st.one_of(_text, st.just("Tue, 26 Mar 2024 10:00:00 +0700"))),
                    max_size=5)


# Declared encodings that are not what the bytes are (UTF-8): the entity refusal must hold whatever
# a parser then decodes them as (issue 15: UTF-7 hid "<!ENTITY" as "+ADw-!ENTITY").
_declared = st.sampled_from(["utf-8", "utf-7", "UTF-7", "base64", "rot13", "cp037", "utf-16", "x-unknown"])


@FUZZ
@given(doctype=_entity_tricks, entries=_entries, body_ref=st.booleans(), atom=st.booleans(), encoding=_declared)
def test_generated_feeds_never_raise_and_never_expand_entities(
    doctype: str, entries: list[tuple[str, str, str, str]], body_ref: bool, atom: bool, encoding: str
) -> None:
    document = _atom(entries) if atom else _rss(doctype, entries, body_ref, encoding)
    items = list(Session(OFFLINE).iter_bytes(document.encode("utf-8", "surrogatepass"), "fuzz.xml", "feed"))
    for item in items:
        _one_line_reason(item)
        if isinstance(item, RawDoc):
            assert SECRET not in json.dumps(item.__dict__, default=str)
            assert "aaaaaaaaaaaaaaaaaaaa" not in (item.text or "") + (item.title or "")
    if not atom and "ENTITY" in doctype and (not doctype.startswith("+") or encoding.lower() == "utf-7"):
        assert items and all(isinstance(i, Reject) for i in items), items


# -- text through every per-document stage -------------------------------------------------------------------


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher(Settings({"enrich_stages": ["dates"], "workers": 1}))


@FUZZ
@given(text=st.text(_chars, max_size=1500) | _text, name=st.sampled_from(["a.txt", "a.md"]))
def test_arbitrary_text_through_extract_clean_language_dates(enricher: Enricher, text: str, name: str) -> None:
    for item in Session(OFFLINE).iter_bytes(text.encode("utf-8"), name):
        _one_line_reason(item)
        _one_line_reason(enrich_one(enricher, item))  # type: ignore[arg-type]


# -- JSON values through the whole ingest into a real store --------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)
_record = st.fixed_dictionaries(
    {},
    optional={"id": _json | _text, "title": _json | _text, "text": _json | _text, "html": _text,
              "lang": _json | _text, "publish_date": _json | _text, "url": _json | _text, "source": _text},
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tracker]:
    with Tracker(db=tmp_path_factory.mktemp("fuzz") / "fuzz.db", enrich_stages=["dates"], assign_events=False,
                 workers=1, fetch_feed_links=False) as tracker:
        yield tracker


@FUZZ
@given(values=st.lists(_json | _record, min_size=1, max_size=6))
def test_json_values_are_stored_or_rejected_with_a_recorded_reason(store: Tracker, values: list[Any]) -> None:
    docs = [record_to_doc(v, f"fuzz#{n}") for n, v in enumerate(values)]
    report = store.ingest_docs(docs)
    assert len(report.added) + len(report.duplicates) + len(report.rejected) == len(values)
    recorded = {(r["origin"], r["reason"]) for r in store.rejects(limit=100_000)}
    for reject in report.rejected:
        _one_line_reason(reject)
        assert (reject.origin, reject.reason) in recorded
    for article_id in report.added:
        assert store.article(article_id).id == article_id


def test_the_fuzzed_store_is_sound(store: Tracker) -> None:
    from storyweave.store.check import check_store

    report = check_store(store.db.conn)
    assert report.ok, report.errors


# -- URLs through the Fetcher's checks ---------------------------------------------------------------------------

_LOOPBACK_SPELLINGS = ["127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "0x7f.0.0.1", "127.0.0.1.",
                       "localhost", "LOCALHOST.", "[::1]", "[::ffff:127.0.0.1]", "[0:0:0:0:0:ffff:7f00:1]",
                       "[::ffff:7f00:1]", "０x7f.1", "１２７.０.０.１", "127。0。0。1", "0", "0.0.0.0", "[::]",
                       "169.254.169.254", "0xa9fea9fe", "[fe80::1%25lo]", "10.0.0.1", "192.168.0.1",
                       "evil.test@127.0.0.1", "127.0.0.1#@news.example", "news.example.test", "xn--nxasmq6b.test"]


@pytest.fixture(scope="module")
def loopback_server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as server:
        server.route("/", body=b"internal")
        yield server


def _url(scheme: str, host: str, port: str, path: str) -> str:
    return f"{scheme}{host}{port}/{path}"


@FUZZ
@given(
    scheme=st.sampled_from(["http://", "https://", "HTTP://", "hTtP://", "file://", "gopher://", "ftp://", "dict://",
                            "javascript:", "data:text/html,", "//", "", "http:/", "http:\\\\", " http://"]),
    host=st.sampled_from(_LOOPBACK_SPELLINGS) | st.text(_chars, max_size=20),
    use_port=st.booleans(),
    path=_text,
)
def test_no_url_reaches_a_private_address(
    loopback_server: LocalHTTPServer, scheme: str, host: str, use_port: bool, path: str
) -> None:
    # Every name resolves to loopback here, as a hostile DNS answer would: the check must still refuse.
    settings = Settings({"allow_private_addresses": False, "fetch_timeout_s": 0.5, "fetch_total_timeout_s": 1.0})
    port = f":{loopback_server.port}" if use_port else ""
    before = len(loopback_server.requests)
    with Fetcher(settings, resolver=lambda name, number: ["127.0.0.1", "::1"]) as fetcher:
        try:
            fetcher.get(_url(scheme, host, port, path))
        except FetchError as exc:
            assert str(exc) and "\n" not in str(exc)
    assert len(loopback_server.requests) == before, "a URL reached the loopback server"


def test_the_loopback_server_answers_when_allowed(loopback_server: LocalHTTPServer) -> None:
    """The property above is not vacuous: the same server is reachable when private addresses are allowed."""
    with Fetcher(Settings({"allow_private_addresses": True})) as fetcher:
        assert fetcher.get(f"http://127.0.0.1:{loopback_server.port}/").body == b"internal"


def test_rejects_table_holds_every_fuzzed_refusal(store: Tracker) -> None:
    rows = sqlite3.connect(store.db_path).execute("SELECT origin, reason FROM rejects").fetchall()
    assert rows, "the fuzzer produced no rejects at all: the generators are too tame"
    assert all(reason and "\n" not in reason for _, reason in rows)
    assert not any(reason.startswith(SAFETY_NETS) for _, reason in rows)


# -- issue 15: field sizes, surrogates, per-document work, special files, slow peers, bad redirects ----------

_surrogate = st.integers(0xD800, 0xDFFF).map(chr)
_wild = st.lists(st.one_of(st.text(_chars, max_size=20), _surrogate, _nasty), max_size=8).map("".join)
_huge = st.builds(lambda word, times: (word + " ") * times,
                  st.sampled_from(["harbour", "港口罢工", "x" * 60, "\ud800", "\u202e"]), st.integers(0, 12_000))
_any_url = _wild | _huge | st.sampled_from(["javascript:alert(1)", " data:text/html,x", "java\tscript:x",
                                            "https://a.example/x", "/relative", "vbscript:x"])
_hostile_record = st.builds(
    lambda fields, extra: {**extra, **fields},
    st.fixed_dictionaries({"id": _wild | _huge}, optional={"title": _wild | _huge, "text": _wild | _huge,
                                                           "source": _wild | _huge, "url": _any_url, "lang": _wild,
                                                           "publish_date": _wild | _huge}),
    st.dictionaries(_wild, _wild | st.lists(_wild, max_size=3), max_size=3),
)


@FUZZ_SLOW
@given(records=st.lists(_hostile_record, min_size=1, max_size=4))
def test_hostile_field_sizes_and_surrogates_are_bounded_or_rejected(store: Tracker, records: list[Any]) -> None:
    report = store.ingest_docs(record_to_doc(r, f"fields#{n}") for n, r in enumerate(records))
    assert len(report.added) + len(report.duplicates) + len(report.rejected) == len(records)
    for reject in report.rejected:
        _one_line_reason(reject)
        (reject.origin + reject.reason).encode("utf-8")
    for article_id in report.added:
        article = store.article(article_id)
        json.dumps(store.article_details(article_id), ensure_ascii=False).encode("utf-8")
        assert len(article.title) <= store.settings.max_title_chars
        assert len(article.source or "") <= store.settings.max_source_chars
        assert article.url is None or url_scheme(article.url) in (None, "http", "https"), article.url[:80]


_WORK = Settings({"max_html_attributes": 100, "max_html_elements": 2_000, "fetch_feed_links": False})


@FUZZ_SLOW
@given(attributes=st.integers(0, 3_000), unique=st.booleans(), spans=st.integers(0, 3_000),
       value=st.sampled_from(["v", ">", "a b", "'", ""]))
def test_attribute_and_element_floods_are_refused_before_parsing(
    attributes: int, unique: bool, spans: int, value: str
) -> None:
    names = " ".join(f'data-a{n if unique else 0}="{value}"' for n in range(attributes))
    html = f"<html><body><div {names}>Harbour pilots strike.</div>{'<span>w</span>' * spans}</body></html>"
    result = extract(RawDoc("flood.html", id="f", html=html), _WORK)
    _one_line_reason(result)
    flooded = (attributes if unique else min(attributes, 1)) > 100 or spans + 3 > 2_000
    refused = isinstance(result, Reject) and "max_html_" in result.reason
    assert refused == flooded, (attributes, unique, spans, result)


@FUZZ
@given(kinds=st.lists(st.sampled_from(ENTRY_KINDS), min_size=1, max_size=6))
def test_special_files_and_links_never_block_a_directory_or_leave_it(kinds: list[str]) -> None:
    items, blocked = read_tree(kinds, lambda folder: iter_inputs(folder, OFFLINE), timeout=30)
    assert not blocked, "directory ingest blocked"
    docs = [item for item in items if isinstance(item, RawDoc)]
    for item in items:
        _one_line_reason(item)
    assert len(docs) == kinds.count("file") + 2 * kinds.count("link_in")  # a link inside and its target
    assert all(OUTSIDE_SECRET not in (doc.text or "") for doc in docs)
    refused = sum(kinds.count(kind) for kind in REFUSED_KINDS)
    assert sum(isinstance(item, Reject) for item in items) == refused


_location = st.one_of(
    st.sampled_from(["http:127.0.0.1/", "http:\\\\127.0.0.1\\", "http://[::1/x", "http://", "https:", "//", "/",
                     "http://127.0.0.1:0/", "http://a b/", "ftp://x/", "javascript:alert(1)", "http://[fe80::1%25/"]),
    st.tuples(st.sampled_from(["http:", "http://", "//", "\\\\", "", "http:\\\\", "https://["]),
              st.text(st.characters(min_codepoint=0x21, max_codepoint=0xFF, blacklist_characters="\x7f"),
                      max_size=30)).map("".join),
)


@FUZZ
@given(location=_location, status=st.sampled_from([301, 302, 303, 307, 308]))
def test_any_redirect_location_is_followed_or_refused_in_one_line(
    loopback_server: LocalHTTPServer, location: str, status: int
) -> None:
    head = f"HTTP/1.1 {status} Moved\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    url = loopback_server.route("/redirect", raw=head.encode("latin-1"))
    settings = Settings({"allow_private_addresses": True, "fetch_timeout_s": 1.0, "fetch_total_timeout_s": 2.0,
                         "fetch_max_redirects": 2})
    with Fetcher(settings) as fetcher:
        try:
            fetcher.get(url)
        except FetchError as exc:
            assert str(exc) and "\n" not in str(exc) and "\r" not in str(exc)


@hypothesis_settings(FUZZ, max_examples=6)
@given(delay=st.sampled_from([0.05, 0.2, 0.5]), head=st.binary(min_size=1, max_size=40))
def test_slow_peers_never_outlast_the_total_deadline(
    loopback_server: LocalHTTPServer, delay: float, head: bytes
) -> None:
    url = loopback_server.route("/slow-peer", raw=b"HTTP/1.1 200 OK\r\nX-Slow: " + head * 200,
                                header_byte_delay_s=delay)
    settings = Settings({"allow_private_addresses": True, "fetch_timeout_s": 1.0, "fetch_total_timeout_s": 1.0})
    started = time.monotonic()
    with Fetcher(settings) as fetcher, contextlib.suppress(FetchError):
        fetcher.get(url)
    assert time.monotonic() - started < 4
