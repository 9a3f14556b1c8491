"""Export → import is lossless; hostile export files are refused whole; online backups are consistent."""

from __future__ import annotations

import base64
import json
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from test_reliability_support import sound_store_copy
from typer.testing import CliRunner

from storyweave import Tracker
from storyweave.cli import app
from storyweave.errors import InputError, StoreError
from storyweave.ingest import record_to_doc
from storyweave.store.backup import backup_store, import_store
from storyweave.store.check import check_store
from storyweave.store.db import connect


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sound_store_copy(tmp_path_factory.mktemp("backup"))


@pytest.fixture(scope="module")
def exported(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "store.jsonl"
    result = CliRunner().invoke(app, ["--db", str(source), "export", "--output", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _tables(conn: sqlite3.Connection) -> list[str]:
    """Every table but the full-text machinery, which the import rebuilds."""
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return [n for n in names if not n.startswith(("articles_fts", "articles_cjk"))]


def _dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(db) as conn:
        dump = {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in _tables(conn)}
    dump["sqlite_sequence"].sort()
    return dump


def test_round_trip_is_lossless(source: Path, exported: Path, tmp_path: Path) -> None:
    target = tmp_path / "imported.db"
    result = CliRunner().invoke(app, ["--db", str(target), "import", str(exported), "--json"])
    assert result.exit_code == 0, result.output
    before, after = _dump(source), _dump(target)
    assert sorted(before) == sorted(after)
    for table in before:
        assert before[table] == after[table], f"table {table} differs after the round trip"
    counts = json.loads(result.stdout)
    assert counts["articles"] == len(before["articles"]) >= 40
    for table in ("entities", "mentions", "events", "event_articles", "storylines", "article_vectors"):
        assert counts[table] == len(before[table]) > 0, table

    conn = connect(target)
    try:
        assert check_store(conn).ok
        # the full-text index was rebuilt: the same words find the same articles in both stores
        found = 0
        with sqlite3.connect(source) as original:
            for word in ("Erdbeben", "cheminots", "Hanoi", "Poutine", "بوتين", "terremoto", "strike"):
                query = f'"{word}"'
                sql = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid"
                want = [tuple(r) for r in original.execute(sql, (query,))]
                assert [tuple(r) for r in conn.execute(sql, (query,))] == want, word
                found += len(want)
        assert found >= 10
    finally:
        conn.close()
    with Tracker(db=target, enrich_stages=[]) as tracker:
        hits = tracker.search("Hanoi", semantic=False)
        assert hits and all(h["article_id"] for h in hits)
        # new articles continue after the imported ones (the AUTOINCREMENT counters came along)
        tracker.ingest_docs([record_to_doc({"id": "after-import", "title": "Nach dem Import", "text": "Neu."}, "t")])
        seq = tracker.db.conn.execute("SELECT seq FROM articles WHERE id = 'after-import'").fetchone()[0]
    assert seq > max(r[0] for r in before["articles"])


def test_export_to_stdout_and_import_from_stdin(source: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    dumped = runner.invoke(app, ["--db", str(source), "export"])
    assert dumped.exit_code == 0
    assert json.loads(dumped.stdout.splitlines()[0])["format"] == "storyweave-export"
    target = tmp_path / "piped.db"
    loaded = runner.invoke(app, ["--db", str(target), "import", "-"], input=dumped.stdout)
    assert loaded.exit_code == 0, loaded.output
    assert _dump(target)["articles"] == _dump(source)["articles"]


def test_import_refuses_a_store_that_holds_data(source: Path, exported: Path, tmp_path: Path) -> None:
    busy = tmp_path / "busy.db"
    shutil.copyfile(source, busy)
    with exported.open(encoding="utf-8") as stream, pytest.raises(StoreError, match="already holds data"):
        import_store(busy, stream)
    result = CliRunner().invoke(app, ["--db", str(busy), "import", str(exported)])
    assert result.exit_code != 0


def _lines(exported: Path) -> list[str]:
    return exported.read_text(encoding="utf-8").splitlines()


def _row_line(table: str, row: dict[str, Any]) -> str:
    return json.dumps({"table": table, "row": row})


def _hostile_exports(exported: Path) -> dict[str, tuple[str, str]]:
    header, *rows = _lines(exported)
    article = next(json.loads(r) for r in rows if json.loads(r)["table"] == "articles")
    injected = dict(article["row"])
    injected['id") VALUES (1); DROP TABLE articles; --'] = "x"
    return {
        # name: (file content, phrase of the one-line error)
        "not json": ("PK\x03\x04 zip bytes\n", "first line is not JSON"),
        "no header": (rows[0] + "\n", "header line is missing"),
        "other schema": (json.dumps({"format": "storyweave-export", "schema_version": 999}) + "\n",
                         "schema version 999"),
        "unknown table": (header + "\n" + _row_line("sqlite_master", {"name": "x"}) + "\n", "unknown table"),
        "injected column": (header + "\n" + _row_line("articles", injected) + "\n", "unknown column"),
        "bad base64": (header + "\n" + _row_line("article_vectors", {"article_id": "a", "model": "m",
                                                                      "vector": {"$b64": "!!!"}}) + "\n",
                       "bad base64"),
        "dangling reference": (header + "\n" + _row_line("event_articles", {"article_id": "nowhere",
                                                                             "event_id": "ev", "assigned": 1}) + "\n",
                               "point at missing rows"),
        "constraint": (header + "\n" + _row_line("articles", {"id": "x"}) + "\n", "does not fit this store"),
        "garbage row": (header + "\n" + "[1, 2, 3]\n", "not a table row"),
        "deep nesting": (header + "\n" + "[" * 100_000 + "\n", "not a table row"),
        "list value": (header + "\n" + _row_line("rejects", {"origin": ["a"], "reason": "r"}) + "\n",
                       "is a list"),
    }


def test_hostile_export_files_are_refused_whole(exported: Path, tmp_path: Path) -> None:
    for number, (name, (content, phrase)) in enumerate(sorted(_hostile_exports(exported).items())):
        path = tmp_path / f"hostile-{number}.jsonl"
        path.write_text(content, encoding="utf-8")
        db = tmp_path / f"hostile-{number}.db"
        with path.open(encoding="utf-8") as stream, pytest.raises((InputError, StoreError)) as caught:
            import_store(db, stream)
        assert phrase in str(caught.value), (name, str(caught.value))
        assert "\n" not in str(caught.value)
        with sqlite3.connect(db) as conn:  # nothing of a refused file stays behind
            assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0, name
            assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE name = 'articles'")], name
        result = CliRunner().invoke(app, ["--db", str(tmp_path / f"cli-{number}.db"), "import", str(path)])
        assert isinstance(result.exception, InputError), (name, result.exception)
    # the real command: exit status 2 and one line on stderr
    done = subprocess.run([sys.executable, "-m", "storyweave", "--db", str(tmp_path / "sub.db"), "import", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.startswith("error: ") and done.stderr.count("\n") == 1


def test_blob_values_survive_exactly(tmp_path: Path) -> None:
    raw = bytes(range(256)) * 3
    db = tmp_path / "blob.db"
    conn = connect(db)
    conn.execute("INSERT INTO articles (id, origin, content_hash, ingested_at) VALUES ('b', 'o', 'h', 't')")
    conn.execute("INSERT INTO article_vectors (article_id, model, vector) VALUES ('b', 'm', ?)", (raw,))
    conn.close()
    out = tmp_path / "blob.jsonl"
    assert CliRunner().invoke(app, ["--db", str(db), "export", "-o", str(out)]).exit_code == 0
    assert base64.b64encode(raw).decode() in out.read_text()
    assert CliRunner().invoke(app, ["--db", str(tmp_path / "b2.db"), "import", str(out)]).exit_code == 0
    with sqlite3.connect(tmp_path / "b2.db") as copy:
        assert copy.execute("SELECT vector FROM article_vectors").fetchone()[0] == raw


def _write_continuously(db: Path, stop: threading.Event, written: list[int]) -> None:
    with Tracker(db=db, enrich_stages=[], assign_events=False) as tracker:
        number = 0
        while not stop.is_set():
            record = {"id": f"live-{number}", "title": f"Live article {number}", "text": f"Body {number} " * 40}
            tracker.ingest_docs([record_to_doc(record, "live")])
            number += 1
            written.append(number)


def test_backup_and_export_while_a_writer_runs(source: Path, tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    shutil.copyfile(source, live)
    stop, written = threading.Event(), []  # type: ignore[var-annotated]
    writer = threading.Thread(target=_write_continuously, args=(live, stop, written), daemon=True)
    writer.start()
    try:
        while len(written) < 20:
            stop.wait(0.05)
        runner = CliRunner()
        copies = []
        for number in range(3):
            target = tmp_path / f"copy-{number}.db"
            result = runner.invoke(app, ["--db", str(live), "backup", str(target)])
            assert result.exit_code == 0, result.output
            copies.append(target)
        out = tmp_path / "live.jsonl"
        assert runner.invoke(app, ["--db", str(live), "export", "-o", str(out)]).exit_code == 0
        during = len(written)
    finally:
        stop.set()
        writer.join(30)
    assert during > 20, "the writer did not run during the backups"
    counts = []
    for copy in copies:
        conn = connect(copy)
        try:
            report = check_store(conn)
            assert report.ok, report.errors
            counts.append(conn.execute("SELECT count(*) FROM articles WHERE id LIKE 'live-%'").fetchone()[0])
        finally:
            conn.close()
    assert counts == sorted(counts) and counts[0] >= 20  # each copy a later snapshot of a growing store
    imported = tmp_path / "from-live-export.db"
    with out.open(encoding="utf-8") as stream:
        import_store(imported, stream)
    conn = connect(imported)
    try:
        assert check_store(conn).ok
    finally:
        conn.close()


def test_backup_refuses_to_overwrite_unless_asked(source: Path, tmp_path: Path) -> None:
    target = tmp_path / "exists.db"
    target.write_bytes(b"precious")
    conn = connect(source)
    try:
        with pytest.raises(StoreError, match="exists"):
            backup_store(conn, target)
        assert target.read_bytes() == b"precious"
        backup_store(conn, target, overwrite=True)
    finally:
        conn.close()
    assert _dump(target) == _dump(source)
    assert not list(tmp_path.glob(".exists.db.partial*"))
