"""The hostile input corpus (tests/fixtures/hostile/) end to end: through the CLI, the REST API and
the pages, into the store and back out through feeds and CSV exports.

Already covered elsewhere and referenced, not repeated: the Fetcher's address rules and redirect
re-checks (test_fetch.py), bombs at the Fetcher level (test_fetch.py), entity declarations in feed
files (test_ingest.py), hostile search strings on /api/search, XSS titles in a browser and CSV
formula cells in the search export (test_api.py, test_ui.py).  Here the same attacks arrive
through every other door, plus what nothing covered yet.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import zlib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

import httpx
import pytest
from httpserver import LocalHTTPServer, zero_bomb
from test_api_support import LiveServer, running_server
from test_reliability_support import LIGHT_SETTINGS, sound_store_copy
from typer.testing import CliRunner

from storyweave import Tracker
from storyweave.cli import app
from storyweave.ingest.sources import UNEXPECTED

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
SECRET = "root:x:0:0"  # the first line of /etc/passwd
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _records() -> list[dict[str, Any]]:
    return [json.loads(line) for line in (HOSTILE / "hostile_records.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = sound_store_copy(tmp_path_factory.mktemp("hostile"))
    with Tracker(db=db, **LIGHT_SETTINGS) as tracker:
        report = tracker.ingest(str(HOSTILE / "hostile_records.jsonl"))
        assert len(report.added) == len(_records()), report.as_dict()
        tracker.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[LiveServer]:
    with running_server(store, **LIGHT_SETTINGS) as live:
        yield live


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url(""), timeout=120) as http:
        yield http


@pytest.fixture
def loopback() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as local:
        local.route("/secret", body=b"internal admin page " + SECRET.encode())
        yield local


def _ssrf_urls(port: int) -> list[str]:
    lines = (HOSTILE / "ssrf_urls.txt").read_text().splitlines()
    return [line.replace("PORT", str(port)) for line in lines if line.strip() and not line.startswith("#")]


def _all_text(db: Path) -> str:
    """Every text value in the store, to prove a secret never got in."""
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        parts = []
        for table in tables:
            if table.startswith(("articles_fts", "articles_cjk")):
                continue
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                parts.extend(str(v) for v in row if isinstance(v, str))
    return "\n".join(parts)


def _rejects(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return {origin: reason for origin, reason in conn.execute("SELECT origin, reason FROM rejects")}


# -- SSRF through the CLI and the API ------------------------------------------------------------------------


def test_ssrf_urls_through_storyweave_ingest(tmp_path: Path, loopback: LocalHTTPServer) -> None:
    db = tmp_path / "ssrf.db"
    urls = _ssrf_urls(loopback.port)
    result = CliRunner().invoke(app, ["--db", str(db), "ingest", *urls, "--json"])
    assert result.exit_code == 1, result.output  # every input was refused: nothing could be ingested
    report = json.loads(result.stdout)
    assert report["added"] == 0 and report["rejected"] == len(urls)
    rejects = _rejects(db)
    for url in urls:
        reason = next((r for o, r in rejects.items() if url in o or o in url), None)
        assert reason, f"{url} left no reject row"
        assert "non-public address" in reason or "only http and https" in reason or "invalid URL" in reason, reason
    assert loopback.hits("/secret") == 0


def test_ssrf_urls_through_post_api_ingest(client: httpx.Client, store: Path, loopback: LocalHTTPServer) -> None:
    urls = _ssrf_urls(loopback.port)
    for url in urls:
        response = client.post("/api/ingest", json={"url": url})
        assert response.status_code == 200, (url, response.text)
        report = response.json()
        assert report["added"] == 0 and report["rejected"] == 1, (url, report)
        reason = report["rejects"][0]["reason"]
        assert "non-public address" in reason or "only http and https" in reason or "invalid URL" in reason, reason
    assert loopback.hits("/secret") == 0
    recorded = _rejects(store)
    assert all(any(url in origin or origin in url for origin in recorded) for url in urls)


def test_redirects_to_other_schemes_are_refused_even_when_private_is_allowed(
    tmp_path: Path, loopback: LocalHTTPServer
) -> None:
    """With loopback allowed (a self-hosted intranet), a redirect still cannot reach file:// or gopher://."""
    to_file = loopback.route("/to-file", redirect_to="file:///etc/passwd")
    to_gopher = loopback.route("/to-gopher", redirect_to=f"gopher://127.0.0.1:{loopback.port}/_secret")
    to_meta = loopback.route("/to-metadata", redirect_to="http://169.254.169.254/latest/meta-data/", status=307)
    db = tmp_path / "redirect.db"
    with Tracker(db=db, allow_private_addresses=True, fetch_timeout_s=2.0, **LIGHT_SETTINGS) as tracker:
        report = tracker.ingest(to_file, to_gopher)
    assert report.added == [] and len(report.rejected) == 2
    assert all("only http and https" in r.reason for r in report.rejected), report.rejected
    with Tracker(db=db, fetch_timeout_s=2.0, **LIGHT_SETTINGS) as strict:  # the default: nothing private
        report = strict.ingest(to_meta)
    assert report.rejected and "non-public address" in report.rejected[0].reason
    assert SECRET not in _all_text(db)
    assert loopback.hits("/secret") == 0


# -- bombs, entities, depth, size ----------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compression_bomb_through_storyweave_ingest(tmp_path: Path, loopback: LocalHTTPServer, encoding: str) -> None:
    bomb = zero_bomb(200_000_000, encoding)  # 200 MB of zeros in about 200 kB
    url = loopback.route(f"/bomb.{encoding}", body=bomb, content_type="text/html",
                         headers={"Content-Encoding": encoding})
    db = tmp_path / "bomb.db"
    with Tracker(db=db, allow_private_addresses=True, **LIGHT_SETTINGS) as tracker:
        report = tracker.ingest(url)
    assert report.added == [] and len(report.rejected) == 1
    assert "cap (max_input_bytes)" in report.rejected[0].reason
    assert _rejects(db)[url] == report.rejected[0].reason


@pytest.mark.parametrize("name", ["xxe_file_entity.xml", "xxe_parameter_entity.xml", "billion_laughs.xml"])
def test_xml_entity_tricks_from_a_file_and_a_url(tmp_path: Path, loopback: LocalHTTPServer, name: str) -> None:
    data = (HOSTILE / name).read_bytes()
    url = loopback.route(f"/{name}", body=data, content_type="application/rss+xml")
    db = tmp_path / "xml.db"
    with Tracker(db=db, allow_private_addresses=True, **LIGHT_SETTINGS) as tracker:
        report = tracker.ingest(str(HOSTILE / name), url)
    assert report.added == [] and len(report.rejected) == 2, report.as_dict()
    assert all("entit" in r.reason for r in report.rejected), report.rejected
    assert SECRET not in _all_text(db)
    assert loopback.hits("/secret") == 0


def test_external_entity_in_html_is_never_resolved(tmp_path: Path) -> None:
    db = tmp_path / "html-xxe.db"
    with Tracker(db=db, **LIGHT_SETTINGS) as tracker:
        report = tracker.ingest(str(HOSTILE / "xxe_in_html.html"))
    assert len(report.added) == 1
    assert SECRET not in _all_text(db)


def test_feed_dates_out_of_range_lose_no_entries(tmp_path: Path) -> None:
    """Found by test_fuzz_parsers: a year-0 or year-10000 date in one entry rejected the whole feed."""
    db = tmp_path / "dates.db"
    with Tracker(db=db, fetch_feed_links=False, **LIGHT_SETTINGS) as tracker:
        report = tracker.ingest(str(HOSTILE / "feed_out_of_range_dates.xml"))
    assert not any(r.reason.startswith(UNEXPECTED) for r in report.rejected), report.rejected
    assert len(report.added) == 3, report.as_dict()


def test_feed_with_a_charref_past_unicode(tmp_path: Path) -> None:
    """Found by test_fuzz_parsers: the feed is refused, but by the safety net instead of with a reason."""
    with Tracker(db=tmp_path / "charref.db", fetch_feed_links=False, **LIGHT_SETTINGS) as tracker:
        report = tracker.ingest(str(HOSTILE / "feed_bad_charref.xml"))
    assert len(report.added) + len(report.rejected) == 1
    assert not any(r.reason.startswith(UNEXPECTED) for r in report.rejected), report.rejected


def test_html_nested_a_hundred_thousand_deep(tmp_path: Path, client: httpx.Client) -> None:
    deep = "<div>" * 100_000 + "Harbour pilots deep inside the markup." + "</div>" * 100_000
    page = tmp_path / "deep.html"
    page.write_text(f"<html><head><title>Deep</title></head><body>{deep}</body></html>")
    db = tmp_path / "deep.db"
    with Tracker(db=db, **LIGHT_SETTINGS) as tracker:
        report = tracker.ingest(str(page))
    assert len(report.added) + len(report.rejected) == 1
    assert not any(r.reason.startswith(("could not process", UNEXPECTED)) for r in report.rejected)
    posted = client.post("/api/ingest", json={"id": "deep-html", "html": f"<p>{deep}</p>"})
    assert posted.status_code == 200, posted.text
    outcome = posted.json()
    assert outcome["added"] + outcome["rejected"] + outcome["duplicates"] == 1
    assert client.get("/api/health").status_code == 200


def test_a_single_ten_megabyte_line(tmp_path: Path) -> None:
    over = tmp_path / "over.jsonl"  # its one line is over max_input_bytes (10 MB)
    over.write_text(json.dumps({"id": "huge", "title": "Huge", "text": "a" * 10_485_760}))
    under = tmp_path / "under.jsonl"  # fits the input cap, but the text is over max_text_chars
    under.write_text(json.dumps({"id": "long", "title": "Long", "text": "word " * 1_900_000}))
    plain = tmp_path / "line.txt"
    plain.write_bytes(b"x" * 10_485_760)
    db = tmp_path / "big.db"
    with Tracker(db=db, **LIGHT_SETTINGS) as tracker:
        report = tracker.ingest(str(over), str(under), str(plain))
    assert report.added == [] and len(report.rejected) == 3, report.as_dict()
    rejects = _rejects(db)
    assert "max_input_bytes" in rejects[f"{over}:1"] and "max_input_bytes" in rejects[str(plain)]
    assert any("max_text_chars" in reason for origin, reason in rejects.items() if origin.startswith(str(under)))


def test_nul_bytes_in_files_records_and_queries(tmp_path: Path, store: Path, client: httpx.Client) -> None:
    text_file = tmp_path / "nul.txt"
    text_file.write_bytes(b"Harbour pilots\x00 title\nThe body has a NUL\x00 byte in the middle of a sentence.\n")
    db = tmp_path / "nul.db"
    with Tracker(db=db, **LIGHT_SETTINGS) as tracker:
        report = tracker.ingest(str(text_file))
        assert len(report.added) + len(report.rejected) == 1
        assert tracker.db.check().ok
    # the NUL record of the hostile corpus is in the served store: every view of it answers
    for path in ("/api/articles/hostile-nul", "/articles/hostile-nul", "/api/search?q=NUL&semantic=false"):
        assert client.get(path).status_code == 200, path
    assert client.get("/api/search", params={"q": "pilots\x00NUL"}).status_code == 200


# -- queries, pages, feeds and exports -----------------------------------------------------------------------


def _queries() -> list[str]:
    return [q for q in (HOSTILE / "sql_fts_queries.txt").read_text().splitlines() if q]


def test_sql_and_fts_syntax_everywhere_a_query_goes(client: httpx.Client, store: Path) -> None:
    before = client.get("/api/health").json()["articles"]
    for query in _queries():
        for path, params in (("/api/search", {"q": query, "semantic": "false"}), ("/api/search", {"q": query}),
                             ("/search", {"q": query}), ("/api/search.csv", {"q": query}),
                             ("/feeds/search.atom", {"q": query}), ("/api/articles", {"source": query}),
                             ("/api/events", {"entity": query}), ("/api/entities", {"q": query})):
            response = client.get(path, params=params)
            assert response.status_code < 500, (path, query, response.text[:300])
            assert "sqlite" not in response.text.lower() and "syntax error" not in response.text.lower()
    assert client.get("/api/health").json()["articles"] == before
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == before
        assert conn.execute("SELECT count(*) FROM entities").fetchone()[0] > 0


class _Scan(HTMLParser):
    """Everything in a page that could run script or spoof display."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            scheme = (value or "").strip().lower()
            link = name in ("href", "src", "action", "formaction")
            if link and scheme.startswith(("javascript:", "data:", "vbscript:")):
                self.problems.append(f"<{tag} {name}={scheme[:40]}>")
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src.startswith("/static/"):
                self.problems.append(f"<script src={src!r}>")
            self.in_script = True
        if tag in ("iframe", "object", "embed", "svg", "math", "base"):
            self.problems.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip():
            self.problems.append("inline script")
        if any(ch in data for ch in BIDI):
            self.problems.append(f"bidi control in {data[:40]!r}")


def _pages(client: httpx.Client) -> list[str]:
    pages = ["/", "/events", "/entities", "/search?q=harbour+pilots", "/search?q=%3Cscript%3E",
             "/search?q=" + quote("\u202eekirts")]
    for record in _records():
        if "/" in record["id"]:
            continue  # see test_an_id_with_slashes_is_reachable
        details = client.get(f"/api/articles/{quote(record['id'], safe='')}").json()
        pages.append(f"/articles/{quote(record['id'], safe='')}")
        if details.get("event"):
            event = details["event"]["id"]
            pages += [f"/events/{event}", f"/events/{event}/unique"]
        pages += [f"/entities/{quote(e['id'], safe='')}" for e in details.get("entities", [])[:2]]
    return pages


def test_an_id_with_slashes_is_reachable(client: httpx.Client) -> None:
    """Record ids are the user's ("2024/05/story-1" is a common newsroom id): API and page must serve them."""
    assert client.get("/api/articles/" + quote("../../etc/passwd", safe="")).status_code == 200
    assert client.get("/articles/" + quote("../../etc/passwd", safe="")).status_code == 200


def test_xss_and_bidi_never_reach_a_page_unneutralised(client: httpx.Client) -> None:
    pages = _pages(client)
    assert len(pages) > 15
    for path in pages:
        response = client.get(path, headers={"accept": "text/html"})
        assert response.status_code == 200, (path, response.status_code)
        scan = _Scan()
        scan.feed(response.text)
        assert not scan.problems, (path, scan.problems[:5])
        for match in re.finditer(r"<script", response.text, re.IGNORECASE):
            around = response.text[match.start(): match.start() + 60]
            assert around.startswith('<script src="/static/'), (path, response.text[match.start() - 200:][:300])


def _event_ids(client: httpx.Client) -> list[str]:
    ids = []
    for record in _records():
        details = client.get(f"/api/articles/{quote(record['id'], safe='')}").json()
        if details.get("event"):
            ids.append(details["event"]["id"])
    return sorted(set(ids))


def test_feeds_stay_well_formed_and_inert(client: httpx.Client) -> None:
    paths = ["/feeds/search.atom?q=harbour+pilots", "/feeds/search.rss?q=harbour+pilots", "/feeds/events.atom",
             "/feeds/events.rss"]
    paths += [f"/feeds/event/{e}.atom" for e in _event_ids(client)]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        ET.fromstring(response.content)  # well-formed whatever the titles hold
        assert "<script" not in response.text and not any(ch in response.text for ch in BIDI), path


def test_csv_exports_neutralise_formulas_in_every_cell(client: httpx.Client) -> None:
    paths = ["/api/search.csv?q=harbour+pilots", "/api/search.csv?q=formula"]
    paths += [f"/api/events/{e}.csv" for e in _event_ids(client)]
    details = client.get("/api/articles/hostile-formula").json()
    paths += [f"/api/entities/{quote(e['id'], safe='')}.csv" for e in details.get("entities", [])[:2]]
    cells = 0
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        for row in csv.reader(io.StringIO(response.text)):
            for cell in row:
                cells += 1
                assert not cell.startswith(FORMULA_STARTS), (path, cell)
    assert cells > 20


def test_the_hostile_store_is_still_sound(store: Path) -> None:
    with Tracker(db=store, **LIGHT_SETTINGS) as tracker:
        report = tracker.db.check()
    assert report.ok, report.errors


def test_zero_bomb_helper_is_what_it_claims() -> None:
    """The bomb really inflates to its size: the bomb tests are not vacuous."""
    bomb = zero_bomb(5_000_000, "deflate")
    assert len(bomb) < 20_000 and len(zlib.decompress(bomb)) == 5_000_000
