"""Managing followed sources: add, list, pause, resume, remove; OPML import and export (nested
folders, missing titles, hostile files); the command line and the REST API over the same store."""

from __future__ import annotations

import json
import tempfile
import threading
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import httpx
import pytest
from conftest import EXAMPLES, REPO
from follow_support import FAST, FEED_TYPE, entry, rss
from httpserver import LocalHTTPServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_api_support import running_server
from typer.testing import CliRunner

from storyweave import Tracker
from storyweave.cli import app
from storyweave.errors import InputError, NotFoundError
from storyweave.follow.opml import read_opml
from storyweave.safetext import xml_text

NESTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0"><head><title>My feeds</title></head><body>
  <outline text="News">
    <outline text="Le Monde" title="Le Monde" type="rss" xmlUrl="https://www.lemonde.fr/rss/une.xml" language="fr"/>
    <outline text="World"><outline type="rss" xmlurl="https://feeds.bbci.co.uk/news/world/rss.xml"/></outline>
  </outline>
  <outline title="" text="" xmlUrl="https://www.aljazeera.net/aljazeerarss" country="qa"/>
  <outline text="a note without a feed"/>
  <outline text="Bad" xmlUrl="javascript:alert(1)"/>
  <outline text="Twice" xmlUrl="https://www.lemonde.fr/rss/une.xml"/>
</body></opml>"""


def test_opml_import_reads_nested_folders_and_missing_titles(db_path: Path) -> None:
    with Tracker(db=db_path, **FAST) as tracker:
        report = tracker.import_opml(NESTED)
        assert len(report["added"]) == 3 and report["known"] == ["https://www.lemonde.fr/rss/une.xml"]
        assert [r["url"] for r in report["refused"]] == ["javascript:alert(1)"]
        sources = {s["url"]: s for s in tracker.sources()}
        assert sources["https://www.lemonde.fr/rss/une.xml"]["lang"] == "fr"
        assert sources["https://www.lemonde.fr/rss/une.xml"]["name"] == "Le Monde"
        untitled = sources["https://www.aljazeera.net/aljazeerarss"]
        assert untitled["given_name"] is None and untitled["name"] == "www.aljazeera.net"  # never "unknown"
        assert untitled["country"] == "QA"
        again = tracker.import_opml(tracker.export_opml().encode())
        assert not again["added"] and len(again["known"]) == 3


@pytest.mark.parametrize(("data", "reason"), [
    (b"not xml at all", "not an OPML file"),
    (b"<rss version='2.0'/>", "root element is <rss>"),
    (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x "y">]><opml><body><outline xmlUrl="http://a.example/"/>'
     b"</body></opml>", "forbidden entities"),
    (b"<opml>" + b"<outline>" * 50_000 + b"</outline>" * 50_000 + b"</opml>", None),
])
def test_hostile_opml_is_one_line_error_or_read_without_recursion(db_path: Path, data: bytes,
                                                                   reason: str | None) -> None:
    with Tracker(db=db_path, **FAST) as tracker:
        if reason is None:
            assert tracker.import_opml(data) == {"added": [], "known": [], "refused": []}
            return
        with pytest.raises(InputError, match=reason) as caught:
            tracker.import_opml(data)
        assert "\n" not in str(caught.value)


_names = st.one_of(st.none(), st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30))
_feeds = st.builds(lambda n, name, lang: (f"https://feeds{n}.example/rss", name, lang),
                   st.integers(0, 40), _names, st.sampled_from([None, "fr", "ar", "zh-CN"]))
_trees = st.recursive(st.lists(_feeds, max_size=4).map(lambda feeds: ("feeds", feeds)),
                      lambda children: st.lists(children, max_size=3).map(lambda kids: ("folder", kids)),
                      max_leaves=12)


def _build(parent: ElementTree.Element, tree: tuple[str, list]) -> list[tuple[str, str | None, str | None]]:  # type: ignore[type-arg]
    kind, items = tree
    found = []
    if kind == "feeds":
        for url, name, lang in items:
            attributes = {"xmlUrl": url, **({"text": name} if name is not None else {}),
                          **({"language": lang} if lang else {})}
            ElementTree.SubElement(parent, "outline", attributes)
            found.append((url, name, lang))
    else:
        for child in items:
            found += _build(ElementTree.SubElement(parent, "outline", {"text": "folder"}), child)
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=_trees)
def test_opml_round_trip_keeps_every_feed_once(tmp_path: Path, tree: tuple[str, list]) -> None:  # type: ignore[type-arg]
    root = ElementTree.Element("opml", version="2.0")
    expected = _build(ElementTree.SubElement(root, "body"), tree)
    data = ElementTree.tostring(root, encoding="utf-8")
    assert [item.url for item in read_opml(data)] == [url for url, _, _ in expected]
    first_seen: dict[str, tuple[str | None, str | None]] = {}
    for url, name, lang in expected:
        first_seen.setdefault(url, (name, lang))
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        with Tracker(db=Path(folder) / "one.db", **FAST) as tracker:
            report = tracker.import_opml(data)
            assert len(report["added"]) == len(first_seen) and not report["refused"]
            exported = tracker.export_opml()
        with Tracker(db=Path(folder) / "two.db", **FAST) as copy:
            assert len(copy.import_opml(exported.encode())["added"]) == len(first_seen)
            for source in copy.sources():
                name, lang = first_seen[source["url"]]
                assert source["lang"] == (lang.split("-")[0].lower() if lang else None)
                # An untitled feed is exported under its URL, which names it on the way back.
                assert source["given_name"] == (_name_kept(_name_kept(name)) or source["url"])


def _name_kept(name: str | None) -> str | None:
    """A name as an import keeps it: spaces collapsed, XML-unsafe characters gone, at most 200 characters."""
    return " ".join(xml_text(name or "").split())[:200] or None


def test_sources_on_the_command_line(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in FAST.items():
        monkeypatch.setenv(f"STORYWEAVE_{name.upper()}", json.dumps(value) if isinstance(value, list) else str(value))
    monkeypatch.setenv("STORYWEAVE_ENRICH_STAGES", "")

    def run(*args: str) -> str:
        result = CliRunner().invoke(app, ["--db", str(db_path), *args])
        assert result.exit_code == 0, result.output
        return result.output

    with LocalHTTPServer() as server:
        server.route("/feed", body=rss([entry("g1", "Harbour pilots strike", "http://harbour.example/1")]),
                     content_type=FEED_TYPE, etag='"1"')
        run("sources", "add", server.url("/feed"), "--name", "Harbour Daily", "--lang", "en", "--every", "30m")
        listed = json.loads(run("sources", "list", "--json"))
        assert listed[0]["name"] == "Harbour Daily" and listed[0]["every"] == "30m"
        polled = json.loads(run("follow", "--once", "--json"))
        assert polled[0]["added_ids"] == ["g1"]
        assert json.loads(run("follow", "--once", "--json")) == []  # nothing due for 30 minutes
        assert "Harbour" in run("sources", "list")
        run("sources", "pause", "1")
        assert json.loads(run("sources", "show", "1", "--json"))["state"] == "paused"
        run("sources", "resume", server.url("/feed"))
        opml = tmp_path / "out.opml"
        run("sources", "export", "--output", str(opml))
        run("sources", "remove", "1")
        assert json.loads(run("sources", "list", "--json")) == []
        assert "added 1" in run("sources", "import", str(opml))
    missing = CliRunner().invoke(app, ["--db", str(db_path), "sources", "show", "99"])
    assert missing.exit_code != 0


def test_sources_through_the_rest_api(db_path: Path) -> None:
    with Tracker(db=db_path, **FAST):
        pass
    with running_server(db_path, **FAST) as live, httpx.Client(base_url=live.url(""), timeout=30) as client:
        created = client.post("/api/sources", json={"url": "https://www.lemonde.fr/rss/une.xml", "name": "Le Monde",
                                                    "lang": "fr", "country": "FR", "every": "1h"})
        assert created.status_code == 200, created.text
        source_id = created.json()["id"]
        assert client.post("/api/sources", json={"url": "https://www.lemonde.fr/rss/une.xml"}).status_code == 400
        assert client.post("/api/sources", json={"url": "file:///etc/passwd"}).status_code == 400
        assert client.get("/api/sources").json()["items"][0]["name"] == "Le Monde"
        assert client.post(f"/api/sources/{source_id}/pause").json()["state"] == "paused"
        assert client.post(f"/api/sources/{source_id}/resume").json()["state"] == "active"
        exported = client.get("/api/sources/export.opml")
        assert exported.headers["content-type"].startswith("text/x-opml") and b"lemonde" in exported.content
        assert client.delete(f"/api/sources/{source_id}").json()["id"] == source_id
        assert client.get(f"/api/sources/{source_id}").status_code == 404
        imported = client.post("/api/sources/import", json={"opml": NESTED.decode()}).json()
        assert len(imported["added"]) == 3
        paths = client.get("/openapi.json").json()["paths"]
        assert {"/api/sources", "/api/sources/{source_id}", "/api/sources/{source_id}/pause",
                "/api/sources/{source_id}/resume", "/api/sources/import", "/api/sources/export.opml"} <= set(paths)
        page = client.get("/sources", headers={"accept": "text/html"})
        assert page.status_code == 200 and "Le Monde" in page.text and "www.aljazeera.net" in page.text


def test_unknown_source_is_not_found(db_path: Path) -> None:
    with Tracker(db=db_path, **FAST) as tracker, pytest.raises(NotFoundError, match="sources list"):
        tracker.pause_source(42)


def test_the_shipped_opml_follows_about_twenty_feeds_in_many_languages(db_path: Path) -> None:
    shipped = REPO / "storyweave" / "follow" / "world-news.opml"
    feeds = read_opml(shipped.read_bytes())
    assert 18 <= len(feeds) <= 25 and len({f.lang for f in feeds}) >= 8
    assert all(f.url.startswith("https://") and f.name for f in feeds)
    with Tracker(db=db_path, **FAST) as tracker:
        report = tracker.import_opml(shipped.read_bytes())
        assert len(report["added"]) == len(feeds) and not report["refused"]


def test_demo_follow_without_network_says_so_and_shows_the_examples(db_path: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYWEAVE_ENRICH_STAGES", "")
    monkeypatch.setenv("STORYWEAVE_ASSIGN_EVENTS", "false")
    opml = tmp_path / "feeds.opml"
    opml.write_text('<opml><body><outline xmlUrl="https://feeds.invalid/rss.xml"/></body></opml>', encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", str(db_path), "demo", "--follow", str(opml), "--no-serve"])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if "no network" in line]
    assert len(notes) == 1 and "feeds.invalid" in notes[0] and "bundled examples" in notes[0]
    with Tracker(db=db_path, **FAST) as tracker:
        assert tracker.stats()["articles"] >= len(list(EXAMPLES.iterdir())) - 1 and tracker.sources() == []


def test_serve_follow_polls_in_the_background(db_path: Path) -> None:
    from test_api_support import LiveServer

    from storyweave import Settings
    from storyweave.server import create_app

    with LocalHTTPServer() as feeds:
        feeds.route("/feed", body=rss([entry("bg-1", "Night ferry returns", "http://harbour.example/1")]),
                    content_type=FEED_TYPE)
        with Tracker(db=db_path, **FAST) as tracker:
            tracker.add_source(feeds.url("/feed"), name="Harbour Night")
        app = create_app(Settings.load(db=str(db_path), **FAST), follow=True)
        live = LiveServer(app).start()
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                items = httpx.get(live.url("/api/articles"), timeout=30).json()["items"]
                if items:
                    break
                time.sleep(0.1)
            assert [a["id"] for a in items] == ["bg-1"] and items[0]["source"] == "Harbour Night"
            health = httpx.get(live.url("/api/sources/1"), timeout=30).json()
            assert health["last_status"] == "ok" and health["articles_added"] == 1
        finally:
            live.stop()
        assert not [t for t in threading.enumerate() if t.name == "follow"]  # stopped with the server


def test_sources_and_their_health_survive_export_and_import(db_path: Path, tmp_path: Path) -> None:
    with LocalHTTPServer() as feeds, Tracker(db=db_path, **FAST) as tracker:
        feeds.route("/feed", body=rss([entry("ex-1", "Quay repairs", "http://harbour.example/1")]),
                    content_type=FEED_TYPE, etag='"e"')
        tracker.add_source(feeds.url("/feed"), name="Quay Post", country="PT")
        tracker.follow(once=True)
        before = tracker.sources()
    dump, copy = tmp_path / "dump.jsonl", tmp_path / "copy.db"
    for args in (["--db", str(db_path), "export", "--output", str(dump)], ["--db", str(copy), "import", str(dump)]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
    with Tracker(db=copy, **FAST) as restored:
        assert restored.sources() == before
        # The entry is remembered as handled by its guid alone (no article id, link or hash given).
        assert restored.db.handled_entry(["guid:ex-1"], None, None, None)
        assert not restored.db.handled_entry(["guid:ex-2"], None, None, None)
