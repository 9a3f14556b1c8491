"""The CLI as a new user meets it, on a real store built by the full pipeline: ingest exit codes,
date and entity options, progress totals, search, exports, the event header, paging and the demo's
addresses.  Search and exports are compared with the REST API of a real server on the same store."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree as ET

import click
import httpx
import pytest
import typer
from conftest import ARABIC_SEED, EXAMPLES, FRENCH_SEED, REPO
from rich.console import Console
from test_api_support import LiveServer, free_port, running_server, seeded_store
from typer.testing import CliRunner

from storyweave import Tracker
from storyweave.cli import app
from storyweave.cli.progress import ingest_progress, ingest_progress_bar
from storyweave.errors import InputError

ARABIC_ID = ARABIC_SEED.stem
FRENCH_ID = FRENCH_SEED.stem


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_store(tmp_path_factory.mktemp("cli"))


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[LiveServer]:
    with running_server(store) as live:
        yield live


@pytest.fixture(scope="module")
def seed_event(store: Path) -> str:
    with Tracker(db=store) as tracker:
        event = tracker.article_event(ARABIC_ID)["event"]
    assert isinstance(event, dict)
    return str(event["id"])


def run(store: Path, *args: str) -> click.testing.Result:
    return CliRunner().invoke(app, ["--db", str(store), *args])


def run_process(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed entry point's way: errors become a one-line message and their exit code."""
    return subprocess.run([sys.executable, "-m", "storyweave", "--db", str(store), *args], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "HF_HUB_OFFLINE": "1"})


def flat(output: str) -> str:
    """Text of a usage error without the box rich draws around it, in which lines wrap."""
    return " ".join(output.replace("│", " ").split())


def _bad_inputs(folder: Path) -> list[str]:
    png = folder / "picture.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    empty = folder / "empty.txt"
    empty.write_text("")
    return [str(folder / "missing.txt"), str(png), str(empty)]


# -- 5: ingest exit codes ---------------------------------------------------------------------------
def test_ingest_fails_when_every_input_is_rejected(store: Path, tmp_path: Path) -> None:
    result = run(store, "ingest", *_bad_inputs(tmp_path))
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: no input could be ingested: added 0, already stored 0, rejected 3; "
                      "see 'storyweave rejects'"]
    assert result.stderr.count("rejected ") == 3 + 1  # one line per reject, and the summary


def test_ingest_succeeds_when_something_was_usable_unless_strict(store: Path, tmp_path: Path) -> None:
    bad = _bad_inputs(tmp_path)[2]
    relaxed = run(store, "ingest", str(FRENCH_SEED), bad)
    assert relaxed.exit_code == 0, relaxed.output
    assert "added 0, already stored 1, rejected 1" in relaxed.stderr
    strict = run(store, "ingest", "--strict", str(FRENCH_SEED), bad)
    assert strict.exit_code == 1
    assert "error: an input was rejected (--strict): added 0, already stored 1, rejected 1" in strict.stderr
    as_json = run(store, "ingest", "--json", bad)
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["rejected"] == 1
    assert run(store, "ingest", "--strict", str(FRENCH_SEED)).exit_code == 0


def test_ingest_help_documents_the_exit_codes() -> None:
    result = CliRunner().invoke(app, ["ingest", "--help"], env={"COLUMNS": "200"})
    text = " ".join(result.output.split())
    assert "Exit status: 0 when at least one input was stored" in text
    assert "--strict" in text and "2 on a usage error" in text


# -- 6: dates and entity names ------------------------------------------------------------------------
def _date_options() -> list[tuple[str, str]]:
    """Every (command, --option) of the CLI that takes a date."""
    group = typer.main.get_command(app)
    found = []
    for name, command in sorted(group.commands.items()):  # type: ignore[attr-defined]
        for param in command.params:
            if param.param_type_name == "option" and param.name in ("since", "until", "date", "before", "after"):
                found.append((name, param.opts[0]))
    return found


@pytest.mark.parametrize("bad", ["2020-13-45", "yesterday", "2024-02-30"])
def test_bad_dates_are_refused_with_the_reason(store: Path, bad: str) -> None:
    options = _date_options()
    assert {("articles", "--since"), ("articles", "--until"), ("events", "--since"), ("events", "--until"),
            ("search", "--since"), ("search", "--until")} <= set(options)
    for name, opt in options:
        args = [name, "anything"] if name in ("search", "export-search") else [name]
        result = run(store, *args, opt, bad)
        assert result.exit_code == 2, (name, opt, result.output)
        message = flat(result.output)
        assert f"'{bad}' is not a date" in message and "YYYY-MM-DD" in message, (name, opt, message)
    assert "month must be in 1..12" in flat(run(store, "events", "--since", "2020-13-45").output)


def test_good_dates_filter(store: Path) -> None:
    later = json.loads(run(store, "events", "--since", "2024-06-01", "--json").stdout)
    assert later and all((e["last_date"] or "") >= "2024-06-01" for e in later)
    assert json.loads(run(store, "articles", "--until", "1999-01-01", "--json").stdout) == []


def test_the_api_refuses_bad_dates_too(store: Path, server: LiveServer) -> None:
    for path, params in (("/api/events", {"since": "2020-13-45"}), ("/api/articles", {"until": "2020-13-45"}),
                         ("/api/search", {"q": "Hanoi", "since": "2020-13-45"})):
        response = httpx.get(server.url(path), params=params, timeout=60)
        assert response.status_code == 400, (path, response.text)
        assert "'2020-13-45' is not a date (month must be in 1..12)" in response.json()["error"]["message"]
    assert httpx.get(server.url("/api/events"), params={"since": "2024-03-01"}, timeout=60).status_code == 200
    with Tracker(db=store) as tracker, pytest.raises(InputError, match="is not a date"):
        tracker.articles(since="28/03/2024")


def test_events_entity_accepts_a_name_and_says_which(store: Path, seed_event: str) -> None:
    by_name = run(store, "events", "--entity", "Putin", "--json")
    assert by_name.exit_code == 0, by_name.output
    match = re.search(r"^entity: (\S+) (.+) \(the name 'Putin' resolved to it\)$", by_name.stderr, re.M)
    assert match is not None, by_name.stderr
    assert "Putin" in match.group(2)
    events = json.loads(by_name.stdout)
    assert seed_event in {e["id"] for e in events}
    by_id = run(store, "events", "--entity", match.group(1), "--json")
    assert json.loads(by_id.stdout) == events and "resolved" not in by_id.stderr
    arabic = run(store, "events", "--entity", "بوتين", "--json")
    assert f"entity: {match.group(1)} " in arabic.stderr and json.loads(arabic.stdout) == events
    unknown = run_process(store, "events", "--entity", "Zzyzx Qwertyuiop")
    assert unknown.returncode == 3
    assert unknown.stderr.strip() == ("error: no entity with id or name 'Zzyzx Qwertyuiop' in this store; "
                                      "list them with 'storyweave entities'")


# -- 7: progress -------------------------------------------------------------------------------------------
def test_input_counts_are_known_before_reading(tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps({"id": f"a{i}", "title": "t"}) + "\n" for i in range(144)), encoding="utf-8")
    unterminated = tmp_path / "last.jsonl"
    unterminated.write_text('{"id": "x", "title": "t"}\n{"id": "y", "title": "t"}', encoding="utf-8")
    with Tracker(db=tmp_path / "count.db") as tracker:
        assert tracker.count_inputs(dump) == 144
        assert tracker.count_inputs(unterminated) == 2
        assert tracker.count_inputs(EXAMPLES) == len([p for p in EXAMPLES.iterdir() if not p.name.startswith(".")])
        assert tracker.count_inputs(dump, EXAMPLES, tmp_path / "missing") == 144 + 3 + 1
        assert tracker.count_inputs("https://example.org/feed.xml") is None
        assert tracker.count_inputs("-", dump) is None


def test_progress_counts_every_input_even_those_already_stored(store: Path) -> None:
    seen: list[str] = []
    with Tracker(db=store) as tracker:
        report = tracker.ingest(EXAMPLES, on_progress=seen.append)
        assert report.added == [] and report.duplicates
        assert len(seen) == tracker.count_inputs(EXAMPLES) == len(report.duplicates)


def test_progress_shows_total_rate_and_time_left() -> None:
    console = Console(file=io.StringIO(), force_terminal=True, width=160)
    bar = ingest_progress_bar(console)
    task = bar.add_task("ingesting", total=144)
    for _ in range(3):
        bar.advance(task, 24)
        time.sleep(0.05)
    out = Console(file=io.StringIO(), width=160, record=True)
    out.print(bar.make_tasks_table(bar.tasks))
    line = out.export_text()
    assert "72/144" in line
    assert re.search(r"\d+\.\d/s", line), line
    assert re.search(r"eta \d+:\d\d:\d\d", line), line


def test_progress_total_grows_when_more_inputs_turn_up() -> None:
    buffer = io.StringIO()
    with ingest_progress("ingesting", 2, Console(file=buffer, force_terminal=True, width=160)) as advance:
        for origin in ("a", "b", "c"):
            advance(origin)
    rendered = buffer.getvalue()
    assert "3/3" in rendered and "3/2" not in rendered


def test_jsonl_ingest_shows_its_total(store: Path, tmp_path: Path) -> None:
    dump = tmp_path / "again.jsonl"
    with Tracker(db=store) as tracker:
        rows = list(tracker.iter_articles())
    dump.write_text("".join(json.dumps({"id": r["id"], "title": r["title"] or "t"}) + "\n" for r in rows))
    result = subprocess.run(
        [sys.executable, "-m", "storyweave", "--db", str(store), "ingest", str(dump)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "FORCE_COLOR": "1", "COLUMNS": "160", "TTY_COMPATIBLE": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert f"/{len(rows)}" in result.stderr and "/?" not in result.stderr, result.stderr


# -- 8: search -----------------------------------------------------------------------------------------------
def test_search_gives_the_api_blend_and_why(store: Path, server: LiveServer) -> None:
    result = run(store, "search", "Poutine", "--json", "--limit", "5")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    api = httpx.get(server.url("/api/search"), params={"q": "Poutine", "limit": 5}, timeout=120).json()["items"]
    assert [h["id"] for h in hits] == [h["article_id"] for h in api]
    assert [h["why"] for h in hits] == [h["why"] for h in api]
    assert {ARABIC_ID, FRENCH_ID} <= {h["id"] for h in hits}
    arabic = next(h for h in hits if h["id"] == ARABIC_ID)
    assert any(w["kind"] == "entity" and "Putin" in w["name"] for w in arabic["why"])


def test_search_filters_pages_and_prints_why(store: Path) -> None:
    only_ar = json.loads(run(store, "search", "Poutine", "--lang", "ar", "--json").stdout)
    assert [h["id"] for h in only_ar] == [ARABIC_ID]
    first = run(store, "search", "Poutine", "--json", "--limit", "1")
    assert len(json.loads(first.stdout)) == 1
    cursor = re.search(r"more exist: add --cursor (\d+)", first.stderr)
    assert cursor is not None, first.stderr
    table = CliRunner().invoke(app, ["--db", str(store), "search", "Poutine", "--lang", "fr"], env={"COLUMNS": "250"})
    assert table.exit_code == 0 and FRENCH_ID in table.stdout
    assert "entity: names Vladimir Putin" in table.stdout


# -- 9: exports ---------------------------------------------------------------------------------------------
def test_export_event_writes_what_the_api_serves(store: Path, server: LiveServer, seed_event: str,
                                                 tmp_path: Path) -> None:
    for kind in ("csv", "json"):
        target = tmp_path / f"event.{kind}"
        result = run(store, "export-event", seed_event, "--format", kind, "--output", str(target))
        assert result.exit_code == 0, result.output
        served = httpx.get(server.url(f"/api/events/{seed_event}.{kind}"), timeout=60)
        assert target.read_bytes() == served.content
    rows = list(csv.DictReader(io.StringIO((tmp_path / "event.csv").read_text(encoding="utf-8"))))
    assert {r["article_id"] for r in rows} >= {ARABIC_ID, FRENCH_ID}
    for kind, item in (("rss", "channel/item"), ("atom", "{http://www.w3.org/2005/Atom}entry")):
        result = run(store, "export-event", seed_event, "-f", kind)  # stdout
        assert result.exit_code == 0, result.output
        mine = ET.fromstring(result.stdout.encode("utf-8"))
        served_xml = ET.fromstring(httpx.get(server.url(f"/api/events/{seed_event}.{kind}"), timeout=60).content)
        assert [e.findtext("{*}title") for e in mine.iterfind(item)] == [
            e.findtext("{*}title") for e in served_xml.iterfind(item)]
        assert len(list(mine.iterfind(item))) >= 2


def test_export_entity_and_search(store: Path, tmp_path: Path) -> None:
    entity = run(store, "export-entity", "Poutine", "--format", "json")
    assert entity.exit_code == 0, entity.output
    assert {ARABIC_ID, FRENCH_ID} <= {r["article_id"] for r in json.loads(entity.stdout)}
    assert "resolved to it" in entity.stderr
    feed = run(store, "export-entity", "Poutine", "-f", "rss", "--base-url", "http://news.example")
    link = ET.fromstring(feed.stdout.encode("utf-8")).findtext("channel/link") or ""
    entity_id = re.search(r"entity: (\S+) ", feed.stderr)
    assert entity_id is not None and link == f"http://news.example/api/entities/{quote(entity_id.group(1))}.rss"
    found = run(store, "export-search", "Poutine", "--format", "csv", "--lang", "fr")
    assert found.exit_code == 0, found.output
    rows = list(csv.DictReader(io.StringIO(found.stdout)))
    assert [r["article_id"] for r in rows] == [FRENCH_ID] and "entity" in rows[0]["why"]


def test_export_errors_leave_no_file(store: Path, tmp_path: Path) -> None:
    target = tmp_path / "none.csv"
    missing = run_process(store, "export-event", "ev_nope", "--output", str(target))
    assert missing.returncode == 3 and "no event with id 'ev_nope'" in missing.stderr
    assert not target.exists() and not list(tmp_path.iterdir())
    bad = run(store, "export-event", "ev_nope", "--format", "pdf")
    assert bad.exit_code == 2 and "no export format 'pdf'" in flat(bad.output)


# -- 10: event header ----------------------------------------------------------------------------------------
def test_event_header_counts_articles(store: Path, seed_event: str) -> None:
    result = CliRunner().invoke(app, ["--db", str(store), "event", seed_event], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[1]
    assert re.search(r"· 2 articles from \d+ outlets$", header), header
    assert "{" not in header and "[" not in header


# -- 11: every article, not a silent first page --------------------------------------------------------------
def test_iter_articles_goes_through_every_page(store: Path) -> None:
    with Tracker(db=store) as tracker:
        everything = [r["id"] for r in tracker.articles(limit=10_000)]
        assert len(everything) > 3
        assert [r["id"] for r in tracker.iter_articles(page_size=2)] == everything
        assert [r["id"] for r in tracker.iter_articles(lang="ar", page_size=1)] == [ARABIC_ID]


def test_cli_articles_says_more_exist_and_continues(store: Path) -> None:
    first = run(store, "articles", "--limit", "2", "--json")
    cursor = re.search(r"^showing the first 2 articles; more exist: add --cursor (\d+) for the next page$",
                       first.stderr, re.M)
    assert cursor is not None, first.stderr
    rest = run(store, "articles", "--limit", "1000", "--cursor", cursor.group(1), "--json")
    assert "more exist" not in rest.stderr
    ids = [r["id"] for r in json.loads(first.stdout)] + [r["id"] for r in json.loads(rest.stdout)]
    with Tracker(db=store) as tracker:
        assert ids == [r["id"] for r in tracker.iter_articles()]


def test_readme_python_example_lists_every_arabic_article(store: Path, tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", readme, re.S)
    assert block is not None
    copy = tmp_path / "news.db"
    shutil.copyfile(store, copy)
    code = block.group(1).replace('db="news.db"', f"db={str(copy)!r}")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert result.returncode == 0, result.stderr
    assert ARABIC_ID in result.stdout


# -- 1: the demo says where it serves ----------------------------------------------------------------------
def test_demo_prints_the_address_and_pages_before_serving(store: Path, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    shutil.copyfile(store, db)  # the examples are already in: the demo's ingest adds nothing
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "storyweave", "--db", str(db), "demo", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    try:
        assert proc.stderr is not None
        lines: list[str] = []
        deadline = time.monotonic() + 240
        while not any("REST API docs" in line for line in lines):
            line = proc.stderr.readline()
            assert line and time.monotonic() < deadline, "".join(lines)
            lines.append(line)
        text = "".join(lines)
        base = f"http://127.0.0.1:{port}/"
        assert f"serving {db} on {base}" in text
        urls = dict(re.findall(r"^  (front page|event .*?|search for .*?|REST API docs)\s+(http\S+)$", text, re.M))
        assert urls.get("front page") == base and urls.get("REST API docs") == f"{base}docs"
        event_url = next(u for k, u in urls.items() if k.startswith("event"))
        assert next(u for k, u in urls.items() if k.startswith("search for")).startswith(f"{base}search?q=")
        for _ in range(200):
            try:
                httpx.get(base, timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        for url in urls.values():
            assert httpx.get(url, timeout=60).status_code == 200, url
        event = httpx.get(event_url.replace("/events/", "/api/events/"), timeout=60).json()
        assert {a["id"] for a in event["articles"]} >= {ARABIC_ID, FRENCH_ID}
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads niceness from /proc")
def test_ingest_runs_at_the_lower_priority_ingest_nice_asks(tmp_path: Path) -> None:
    """A batch ingest beside a server: the ingest lowers its own priority before reading any input."""
    # In-process CLI tests ran ingests in this process, at the default ingest_nice (10) at least.
    assert os.nice(0) < 15
    proc = subprocess.Popen(
        [sys.executable, "-m", "storyweave", "--db", str(tmp_path / "s.db"), "ingest", "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "STORYWEAVE_INGEST_NICE": "15"},
    )
    try:
        deadline = time.monotonic() + 120
        while _niceness(proc.pid) != 15:  # it waits for stdin meanwhile
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        record = {"id": "n1", "title": "Flooding in Valencia", "text": "Rain flooded Valencia on Tuesday."}
        _, err = proc.communicate(json.dumps(record) + "\n", timeout=300)
        assert proc.returncode == 0, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with Tracker(db=tmp_path / "s.db") as tracker:
        assert [a["id"] for a in tracker.articles()] == ["n1"]
