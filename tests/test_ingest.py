"""iter_inputs: every source and format, and every broken input becoming a one-line Reject."""

from __future__ import annotations

import gzip
import io
import json
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from httpserver import LocalHTTPServer
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from storyweave.encoding import binary_kind, decode_bytes
from storyweave.extract import extract
from storyweave.ingest import Session, iter_inputs, iter_jsonl, sniff_format
from storyweave.ingest.sources import UNEXPECTED
from storyweave.models import Article, RawDoc, Reject
from storyweave.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
OFFLINE = Settings({"fetch_feed_links": False})

ARABIC = (
    "قال المتحدث باسم وزارة الخارجية إن الرئيس فلاديمير بوتين تلقى دعوة رسمية لزيارة فيتنام، "
    "وإن موعد الزيارة سيتم الاتفاق عليه عبر القنوات الدبلوماسية في الأسابيع المقبلة."
)
FRENCH = (
    "Le président a déclaré jeudi que la coopération entre les deux pays était « très importante », "
    "et qu'une visite officielle était prévue l'été prochain à Hanoï. Ça s'est passé à l'Élysée."
)


def collect(target: str | Path, settings: Settings = OFFLINE) -> list[RawDoc | Reject]:
    items = list(iter_inputs(str(target), settings))
    _check_items(items)
    return items


def only(items: list[RawDoc | Reject]) -> RawDoc | Reject:
    assert len(items) == 1, items
    return items[0]


def only_doc(items: list[RawDoc | Reject]) -> RawDoc:
    item = only(items)
    assert isinstance(item, RawDoc), item
    return item


def only_reject(items: list[RawDoc | Reject]) -> Reject:
    item = only(items)
    assert isinstance(item, Reject), item
    return item


@pytest.fixture(scope="module")
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as running:
        yield running


def local(**overrides: object) -> Settings:
    values: dict[str, object] = {"allow_private_addresses": True, "fetch_timeout_s": 2.0}
    values.update(overrides)
    return Settings(values)


# -- plain files -----------------------------------------------------------------------------------


def test_txt_first_line_is_the_title() -> None:
    doc = only_doc(collect(FIXTURES / "story.txt"))
    assert doc.title == "Port reopens after two-day storm closure"
    assert doc.text is not None and doc.text.startswith("The port reopened") and doc.text.endswith("master said.")
    assert doc.origin.endswith("story.txt")


def test_markdown_heading_marks_are_dropped_from_the_title() -> None:
    doc = only_doc(collect(FIXTURES / "note.md"))
    assert doc.title == "Harbour notes: what the storm changed"
    assert "outer breakwater" in (doc.text or "")


def test_html_file_carries_its_canonical_url() -> None:
    doc = only_doc(collect(FIXTURES / "news_page.html"))
    assert doc.html is not None and "<article>" in doc.html
    assert doc.url is not None and doc.url.startswith("HTTPS://WWW.Journal-Sud.example:443/economie/")


def test_html_file_falls_back_to_og_url(tmp_path: Path) -> None:
    page = tmp_path / "og.htm"
    page.write_text('<html><head><meta property="og:url" content="https://x.example/og"></head><body>t</body></html>')
    assert only_doc(collect(page)).url == "https://x.example/og"


def test_directory_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "2.txt").write_text("Second\nbody")
    (tmp_path / "a.txt").write_text("First\nbody")
    (tmp_path / "b" / "1.md").write_text("# Middle\nbody")
    (tmp_path / ".hidden.txt").write_text("Hidden\nbody")
    (tmp_path / ".git" / "x.txt").write_text("Hidden too\nbody")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    items = collect(tmp_path)
    assert [item.title for item in items if isinstance(item, RawDoc)] == ["First", "Middle", "Second"]
    reject = next(item for item in items if isinstance(item, Reject))
    assert reject.origin.endswith("photo.jpg") and reject.reason.startswith("unsupported file type .jpg; expected")


def test_missing_path_is_a_reject() -> None:
    reject = only_reject(collect("/no/such/place.jsonl"))
    assert reject.origin == "/no/such/place.jsonl"
    assert reject.reason.startswith("no such file or directory")


# -- JSON and JSONL --------------------------------------------------------------------------------


def test_jsonl_good_lines_go_in_and_bad_lines_are_rejected_with_their_number() -> None:
    items = collect(FIXTURES / "articles.jsonl")
    docs = [item for item in items if isinstance(item, RawDoc)]
    rejects = {item.origin.rsplit(":", 1)[1]: item.reason for item in items if isinstance(item, Reject)}
    assert [doc.id for doc in docs] == ["a1", "a2", "a3", "7"]
    first = docs[0]
    assert (first.title, first.text, first.lang_hint, first.publish_date, first.url, first.source) == (
        "Port reopens", "The port reopened on Thursday.", "en", "2024-03-28", "https://example.com/a1",
        "Harbour Gazette",
    )
    assert first.metadata == {"section": "economy"} and first.origin.endswith("articles.jsonl:1")
    assert rejects == {
        "5": "invalid JSON: Expecting ',' delimiter (column 44)",
        "6": "field 'id' is missing",
        "7": "expected a JSON object, got a list",
        "8": "field 'title' must be a string, got a number",
        "9": "record 'a6' needs a non-empty 'title' or 'text'",
    }


def test_json_list_and_single_object(tmp_path: Path) -> None:
    items = collect(FIXTURES / "articles.json")
    assert [item.id for item in items if isinstance(item, RawDoc)] == ["j1", "j2"]
    assert items[1].metadata == {"tags": ["x", "y"]}  # type: ignore[union-attr]
    bad = items[2]
    assert isinstance(bad, Reject) and bad.origin.endswith("articles.json#3")
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"id": "solo", "text": "Just one."}))
    assert only_doc(collect(one)).id == "solo"
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": "x", "title": "t"},')
    assert only_reject(collect(broken)).reason.startswith("invalid JSON: ")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    assert "invalid JSON" in only_reject(collect(deep)).reason


# -- feeds -----------------------------------------------------------------------------------------


def test_rss2_feed_entries() -> None:
    items = collect(FIXTURES / "rss2.xml")
    assert len(items) == 2
    first, second = items
    assert isinstance(first, RawDoc) and isinstance(second, RawDoc)
    assert first.id == "hg-2024-0328-port" and first.title == "Port reopens after two-day storm closure"
    assert first.text is not None and first.text.count("\n") == 2 and "alert" not in first.text
    assert first.url == "https://www.harbour-gazette.example/2024/03/28/port-reopens?utm_source=rss"
    assert first.publish_date == "2024-03-28T09:15:00+01:00"
    assert (first.source, first.lang_hint) == ("Harbour Gazette", "en-GB")
    assert first.metadata == {"author": "Jane Marlow", "tags": ["Economy", "Weather"]}
    assert second.id == second.url  # no guid: the link is the id
    assert second.text is not None and second.text.startswith("Ferry operators") and "<p>" not in second.text
    art = extract(first, OFFLINE)
    assert isinstance(art, Article) and art.lang_hint == "en" and art.canonical_url is not None
    assert "utm_source" not in art.canonical_url


def test_atom_feed_entries() -> None:
    first, second = collect(FIXTURES / "atom.xml")
    assert isinstance(first, RawDoc) and isinstance(second, RawDoc)
    assert first.title == "Le port rouvre enfin" and first.lang_hint == "fr"
    assert first.id == "urn:courrier:port-rouvre" and first.url == "https://courrier-port.example/port-rouvre"
    assert first.publish_date == "2024-03-28T09:30:00+01:00" and first.source == "Le Courrier du Port"
    assert first.text is not None and first.text.count("\n") == 2
    assert second.lang_hint == "de" and second.publish_date == "2024-03-28T11:00:00+00:00"


def test_rdf_feed_entries() -> None:
    doc = only_doc(collect(FIXTURES / "rdf.xml"))
    assert (doc.title, doc.source, doc.lang_hint) == ("Il porto riapre dopo la tempesta", "RDF News", "it")
    assert doc.publish_date == "2024-03-28T09:00:00+01:00"


def summary_feed(server: LocalHTTPServer) -> str:
    items = [
        ("full", "Storm story", "Short teaser.", "/story-full"),
        ("missing", "Missing page", "A teaser that survives the broken link.", "/story-404"),
        ("nothing", "No summary, dead link", "", "/story-500"),
    ]
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{title}</title><link>{server.url(path)}</link>"
        f"<description>{summary}</description></item>"
        for guid, title, summary, path in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Teasers</title>{entries}</channel></rss>'


def test_summary_only_entries_fetch_their_links(server: LocalHTTPServer, tmp_path: Path) -> None:
    page = (FIXTURES / "news_page.html").read_bytes()
    server.route("/story-full", body=page)
    server.route("/story-404", status=404)
    server.route("/story-500", status=500)
    feed = tmp_path / "teasers.rss"
    feed.write_text(summary_feed(server))
    full, missing, nothing = collect(feed, local())
    assert isinstance(full, RawDoc) and full.text is not None
    assert full.text.startswith("Le Grand Port maritime") and "cookies" not in full.text
    assert full.title == "Storm story" and full.metadata["text_from"] == "link"
    assert full.publish_date == "2024-03-28T09:15:00+01:00"
    assert full.url is not None and full.url.startswith("HTTPS://WWW.Journal-Sud.example")  # the page's canonical
    assert isinstance(missing, RawDoc) and missing.text == "A teaser that survives the broken link."
    assert missing.metadata["link_fetch_error"].startswith("HTTP 404 Not Found from ")
    assert isinstance(nothing, Reject) and nothing.origin.endswith("teasers.rss#3")
    assert nothing.reason.startswith("entry has no text and its link could not be fetched: HTTP 500")


def test_summary_links_are_not_fetched_when_the_setting_is_off(server: LocalHTTPServer, tmp_path: Path) -> None:
    server.route("/story-full", body=b"<p>page</p>")
    before = server.hits("/story-full")
    feed = tmp_path / "teasers.xml"
    feed.write_text(summary_feed(server))
    items = collect(feed, local(fetch_feed_links=False))
    assert isinstance(items[0], RawDoc) and items[0].text == "Short teaser."
    assert server.hits("/story-full") == before


def test_feed_links_obey_the_ssrf_rules(server: LocalHTTPServer, tmp_path: Path) -> None:
    server.route("/story-full", body=b"<p>page</p>")
    before = server.hits("/story-full")
    feed = tmp_path / "teasers.xml"
    feed.write_text(summary_feed(server))
    first = collect(feed, Settings({"allow_private_addresses": False}))[0]
    assert isinstance(first, RawDoc) and first.text == "Short teaser."
    assert "non-public address 127.0.0.1" in first.metadata["link_fetch_error"]
    assert server.hits("/story-full") == before


def test_malformed_feed(tmp_path: Path) -> None:
    feed = tmp_path / "broken.xml"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Cut <off')
    assert only_reject(collect(feed)).reason.startswith("malformed feed: ")
    other = tmp_path / "other.xml"
    other.write_text('<?xml version="1.0"?><config><value>1</value></config>')
    assert only_reject(collect(other)).reason in ("not an RSS, Atom or RDF feed", "feed has no entries")


BOMB = """<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
  <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<rss version="2.0"><channel><title>Bomb</title>
<item><title>&g;</title><description>&g;</description></item></channel></rss>
"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<rss version="2.0"><channel><title>x</title><item><title>&secret;</title></item></channel></rss>
"""


@pytest.mark.parametrize(("name", "content"), [("bomb.xml", BOMB), ("external.rss", EXTERNAL)])
def test_entity_declarations_are_refused_before_parsing(tmp_path: Path, name: str, content: str) -> None:
    feed = tmp_path / name
    feed.write_text(content)
    tracemalloc.start()
    try:
        reject = only_reject(collect(feed))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "entities" in reject.reason and "refused" in reject.reason
    assert peak < 5_000_000


def test_rss_091_doctype_without_entities_is_fine(tmp_path: Path) -> None:
    feed = tmp_path / "old.xml"
    feed.write_text(
        '<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel><title>Old</title>'
        "<item><title>Old style</title><link>https://old.example/1</link><description>Still works.</description>"
        "</item></channel></rss>"
    )
    assert only_doc(collect(feed)).title == "Old style"


# -- URLs ------------------------------------------------------------------------------------------


def test_page_url(server: LocalHTTPServer) -> None:
    url = server.route("/page.php", body=(FIXTURES / "news_page.html").read_bytes())
    doc = only_doc(collect(url, local()))
    assert doc.origin == url and doc.html is not None and doc.url is not None
    assert doc.url.startswith("HTTPS://WWW.Journal-Sud.example")


def test_page_url_with_relative_canonical_and_legacy_charset(server: LocalHTTPServer) -> None:
    html = f"<html><head><link rel=canonical href='/canon'></head><body><p>{FRENCH}</p></body></html>"
    url = server.route("/latin", body=html.encode("cp1252"), content_type="text/html; charset=ISO-8859-1")
    doc = only_doc(collect(url, local()))
    assert doc.url == server.url("/canon") and doc.html is not None and FRENCH in doc.html


def test_feed_url_and_gzip_transfer(server: LocalHTTPServer) -> None:
    url = server.route("/feed", body=(FIXTURES / "atom.xml").read_bytes(), content_type="application/atom+xml",
                       content_encoding="gzip")
    items = collect(url, local(fetch_feed_links=False))
    assert [item.id for item in items if isinstance(item, RawDoc)] == ["urn:courrier:port-rouvre", "urn:courrier:hafen"]
    assert items[0].origin == url + "#1"


def test_feed_url_served_as_text_plain_is_sniffed(server: LocalHTTPServer) -> None:
    url = server.route("/feed.txt", body=(FIXTURES / "rss2.xml").read_bytes(), content_type="text/plain")
    assert len(collect(url, local(fetch_feed_links=False))) == 2


@pytest.mark.parametrize("status", [403, 404, 500])
def test_url_errors_become_rejects(server: LocalHTTPServer, status: int) -> None:
    url = server.route(f"/err{status}", status=status)
    reject = only_reject(collect(url, local()))
    assert reject.origin == url and reject.reason.startswith(f"HTTP {status} ")


def test_url_timeout_unreachable_and_blocked(server: LocalHTTPServer) -> None:
    url = server.route("/never", delay_s=30)
    assert only_reject(collect(url, local(fetch_timeout_s=0.3))).reason.startswith("timed out after 0.3s")
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert only_reject(collect(f"http://127.0.0.1:{port}/", local())).reason.startswith("cannot connect to 127.0.0.1")
    blocked = only_reject(collect(server.url("/page.php"), Settings()))
    assert "non-public address 127.0.0.1" in blocked.reason
    assert only_reject(collect("file:///etc/passwd")).reason.startswith("refusing file:// URL")


def test_binary_url_body(server: LocalHTTPServer) -> None:
    url = server.route("/logo", body=b"\x89PNG\r\n\x1a\n" + bytes(200), content_type="image/png")
    assert only_reject(collect(url, local())).reason == "binary data (PNG image), not text"


# -- stdin -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "check"),
    [
        (b'{"id": "s1", "title": "From stdin"}\n{"id": "s2", "text": "Second"}\n', lambda items: len(items) == 2),
        (b'[{"id": "s1", "title": "A"}]', lambda items: items[0].id == "s1"),
        (b'{\n  "id": "pretty",\n  "title": "Pretty JSON"\n}\n', lambda items: items[0].id == "pretty"),
        (b"<!DOCTYPE html><html><body><p>Hello</p></body></html>", lambda items: items[0].html is not None),
        ((FIXTURES / "rss2.xml").read_bytes(), lambda items: len(items) == 2 and items[0].id == "hg-2024-0328-port"),
        (b"\xef\xbb\xbfPlain title\nPlain body", lambda items: (items[0].title, items[0].text) == ("Plain title",
                                                                                               "Plain body")),
    ],
)
def test_stdin_is_sniffed(monkeypatch: pytest.MonkeyPatch, data: bytes, check: object) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    items = collect("-")
    assert all(isinstance(item, RawDoc) and item.origin.startswith("stdin") for item in items), items
    assert check(items)  # type: ignore[operator]


def test_stdin_over_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x" * 2000)))
    reject = only_reject(collect("-", Settings({"max_input_bytes": 1000})))
    assert reject == Reject("stdin", "standard input is larger than the 1 kB cap (max_input_bytes)")


@pytest.mark.parametrize(
    ("text", "expected"),
    [('{"id": 1}\n{"id": 2}', "jsonl"), ('{"id": 1}', "json"), ("[1]", "json"), ("<rss>", "feed"),
     ("<?xml version='1.0'?><!-- c --><feed>", "feed"), ("<?xml version='1.0'?><html>", "html"), ("<p>x", "html"),
     ("Title\nbody", "text"), ("\ufeff  {\"a\": 1}", "json")],
)
def test_sniff_format(text: str, expected: str) -> None:
    assert sniff_format(text) == expected


# -- broken inputs ---------------------------------------------------------------------------------


def test_empty_and_blank_files(tmp_path: Path) -> None:
    for name, data in (("empty.txt", b""), ("blank.jsonl", b" \n\n\t\n"), ("empty.html", b"")):
        path = tmp_path / name
        path.write_bytes(data)
        assert only_reject(collect(path)) == Reject(str(path), "empty file")


def test_png_renamed_html(tmp_path: Path) -> None:
    fake = tmp_path / "photo.html"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert only_reject(collect(fake)).reason == "binary data (PNG image), not text"


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"%PDF-1.7\n...", "PDF document"), (b"PK\x03\x04rest", "ZIP archive"), (gzip.compress(b"x"), "gzip archive"),
     (b"GIF89a...", "GIF image"), (b"\xff\xd8\xff\xe0", "JPEG image"), (b"abc\x00def", "unknown type with NUL bytes"),
     (bytes(range(1, 9)) * 20, "unknown type with control characters")],
)
def test_binary_kinds(tmp_path: Path, data: bytes, kind: str) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(data)
    assert only_reject(collect(path)).reason == f"binary data ({kind}), not text"
    assert binary_kind(data) == kind


def test_fifty_megabyte_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(50_000_000)  # sparse: instant to create, 50 MB to read
    tracemalloc.start()
    try:
        reject = only_reject(collect(big))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reject.reason == "file is larger than the 10 MB cap (max_input_bytes)"
    assert peak < 15_000_000


def test_a_jsonl_file_over_the_input_cap_streams_record_by_record(tmp_path: Path) -> None:
    settings = Settings({"fetch_feed_links": False, "max_input_bytes": 20_000})
    dump = tmp_path / "dump.jsonl"
    with dump.open("w", encoding="utf-8") as out:
        out.write("\ufeff")
        for n in range(400):
            out.write(json.dumps({"id": f"r{n}", "title": f"Record {n}", "text": "Body text. " * 20}) + "\n")
            if n == 150:
                out.write(json.dumps({"id": "giant", "text": "x" * 30_000}) + "\n")
            if n == 151:
                out.write("{not json\n\n")
        out.write(json.dumps({"id": "é-last", "title": "Dernière"}, ensure_ascii=False))  # no final newline
    assert dump.stat().st_size > 4 * 20_000
    docs: list[tuple[str | None, str, str | None]] = []
    rejects: list[Reject] = []
    tracemalloc.start()
    try:
        for item in Session(settings).file(dump, "jsonl"):
            if isinstance(item, RawDoc):
                docs.append((item.id, item.origin, item.title))
            else:
                rejects.append(item)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [d[0] for d in docs] == [f"r{n}" for n in range(400)] + ["é-last"]
    assert docs[0][1] == f"{dump}:1" and docs[-1][2] == "Dernière"
    assert [r.origin for r in rejects] == [f"{dump}:152", f"{dump}:154"]
    assert rejects[0].reason == "line is larger than the 20 kB cap (max_input_bytes)"
    assert rejects[1].reason.startswith("invalid JSON")
    assert peak < 300_000  # lines are read one at a time, never the whole file (about 110 kB)


def test_mostly_utf8_with_bad_bytes_keeps_utf8(tmp_path: Path) -> None:
    data = FRENCH.encode("utf-8").replace("déclaré".encode(), b"d\xe9clar\xc3") + b"\xff fin"
    path = tmp_path / "broken-utf8.txt"
    path.write_bytes(b"Titre\n" + data)
    doc = only_doc(collect(path))
    assert doc.text is not None and "coopération" in doc.text and "Élysée" in doc.text and "\ufffd" in doc.text
    assert decode_bytes(data)[1] == "utf-8"


def test_windows_1256_arabic(tmp_path: Path) -> None:
    path = tmp_path / "arabic.txt"
    path.write_bytes(("عنوان الخبر\n" + ARABIC).encode("cp1256"))
    doc = only_doc(collect(path))
    assert (doc.title, doc.text) == ("عنوان الخبر", ARABIC)


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_latin1_french(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "french.txt"
    path.write_bytes(("Titre à la une\n" + FRENCH).encode(codec))
    doc = only_doc(collect(path))
    assert (doc.title, doc.text) == ("Titre à la une", FRENCH)


def test_declared_charset_in_html_meta(tmp_path: Path) -> None:
    html = f'<html><head><meta charset="windows-1256"><title>خبر</title></head><body><p>{ARABIC}</p></body></html>'
    path = tmp_path / "ar.html"
    path.write_bytes(html.encode("cp1256"))
    doc = only_doc(collect(path))
    art = extract(doc, OFFLINE)
    assert isinstance(art, Article) and art.text == ARABIC


def test_decode_bytes_rules() -> None:
    assert decode_bytes("é".encode("utf-16"))[0] == "é"
    assert decode_bytes(b"plain ascii") == ("plain ascii", "utf-8")
    assert decode_bytes(b"a\x00b") == ("ab", "utf-8")
    assert decode_bytes("Noël".encode("cp1252"), "iso-8859-1") == ("Noël", "cp1252")
    assert decode_bytes(FRENCH.encode("cp1252"), "no-such-charset")[0] == FRENCH
    assert decode_bytes("Hanoi, 28 mars".encode("utf-16-le")) == ("Hanoi, 28 mars", "utf-16-le")


def test_malformed_html_file_still_extracts(tmp_path: Path) -> None:
    path = tmp_path / "broken.html"
    path.write_text("<html><body><div><p>Unclosed story about the harbour reopening after the storm<p>More <b>text")
    art = extract(only_doc(collect(path)), OFFLINE)
    assert isinstance(art, Article) and "harbour reopening" in art.text


# -- hypothesis: the JSONL reader ------------------------------------------------------------------


def _check_items(items: list[RawDoc | Reject]) -> None:
    for item in items:
        assert isinstance(item, RawDoc | Reject)
        if isinstance(item, Reject):
            assert item.reason and "\n" not in item.reason and "\r" not in item.reason
            assert not item.reason.startswith(UNEXPECTED), item  # the safety net caught a real bug


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_as_jsonl_never_raise(data: bytes) -> None:
    session = Session(OFFLINE)
    _check_items(list(session.iter_bytes(data, "fuzz.jsonl", "jsonl")))


@hypothesis_settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=200), max_size=20))
def test_arbitrary_lines_never_raise(lines: list[str]) -> None:
    _check_items(list(iter_jsonl("\n".join(lines), "fuzz.jsonl")))


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=1500))
def test_arbitrary_bytes_in_any_format_never_raise(data: bytes) -> None:
    _check_items(list(Session(OFFLINE).iter_bytes(data, "fuzz")))


_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60).filter(str.strip)
_records = st.fixed_dictionaries(
    {"id": _text, "title": _text},
    optional={"text": _text, "lang": st.sampled_from(["en", "fr", "ar"]), "url": _text, "source": _text,
              "publish_date": _text, "extra": st.integers() | st.booleans() | _text},
)


@hypothesis_settings(max_examples=100, deadline=None)
@given(st.lists(_records, min_size=1, max_size=8))
def test_valid_records_round_trip(records: list[dict[str, object]]) -> None:
    payload = "\n".join(json.dumps(record, ensure_ascii=False) for record in records).encode("utf-8")
    items = list(Session(OFFLINE).iter_bytes(payload, "rt.jsonl", "jsonl"))
    assert len(items) == len(records)
    for number, (item, record) in enumerate(zip(items, records, strict=True), start=1):
        assert isinstance(item, RawDoc), item
        assert item.origin == f"rt.jsonl:{number}"
        assert item.id == str(record["id"]).strip()
        assert (item.title, item.text, item.lang_hint) == (record["title"], record.get("text"), record.get("lang"))
        assert (item.url, item.source, item.publish_date) == (
            record.get("url"), record.get("source"), record.get("publish_date")
        )
        assert item.metadata == ({"extra": record["extra"]} if "extra" in record else {})


@pytest.mark.parametrize(
    ("name", "content", "ids"),
    [
        ("lines.json", '{"id": "l1", "title": "A"}\n{"id": "l2", "title": "B"}\n', ["l1", "l2"]),
        ("list.jsonl", '[{"id": "k1", "title": "A"},\n {"id": "k2", "title": "B"}]', ["k1", "k2"]),
        ("pretty.jsonl", '{\n  "id": "p1",\n  "title": "A"\n}\n', ["p1"]),
        ("single.jsonl", '{"id": "s1", "title": "A"}', ["s1"]),
    ],
)
def test_json_and_jsonl_mixups_are_read_anyway(tmp_path: Path, name: str, content: str, ids: list[str]) -> None:
    path = tmp_path / name
    path.write_text(content)
    items = collect(path)
    assert [item.id for item in items if isinstance(item, RawDoc)] == ids
