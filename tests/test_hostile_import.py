"""Tampered export files (issue 15, points 9 and 15): refused whole, with one line, by the real command.

An import used to commit stores that ``storyweave check`` then failed (an article row twice with
different titles, a 3-byte vector, a wrong or negative article_count), and to end in a traceback on
a huge integer, bytes that are not UTF-8 or a lone surrogate escape.  Now the import runs the
store checks inside its transaction and commits only a store that passes them.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from import_outcome import import_outcome
from typer.testing import CliRunner

from storyweave import Tracker
from storyweave.cli import app
from storyweave.errors import StoryweaveError
from storyweave.ingest import record_to_doc
from storyweave.store.check import check_store
from storyweave.store.db import connect

FAST: dict[str, Any] = {"enrich_stages": [], "assign_events": True}
RECORDS = [
    {"id": f"harbour-{n}", "title": f"Harbour fees rise in Haiphong, report {n}",
     "text": f"Port fees in Haiphong rose again on Monday, the authority said in report {n}.",
     "lang": "en", "source": "port.example", "publish_date": f"2024-05-0{n}"}
    for n in range(1, 5)
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-import")
    db = folder / "source.db"
    with Tracker(db=db, **FAST) as tracker:
        tracker.ingest_docs(record_to_doc(r, f"test#{r['id']}") for r in RECORDS)
    out = folder / "store.jsonl"
    result = CliRunner().invoke(app, ["--db", str(db), "export", "--output", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _rows(exported: Path) -> tuple[str, list[dict[str, Any]]]:
    header, *lines = exported.read_text(encoding="utf-8").splitlines()
    return header, [json.loads(line) for line in lines]


def _write(path: Path, header: str, rows: list[dict[str, Any]], extra: str = "") -> Path:
    path.write_text(header + "\n" + "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + extra,
                    encoding="utf-8")
    return path


def _first(rows: list[dict[str, Any]], table: str) -> dict[str, Any]:
    return next(r["row"] for r in rows if r["table"] == table)


def _duplicate_article(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    copy = {"table": "articles", "row": {**_first(rows, "articles"), "title": "Another title altogether"}}
    return [*rows, copy]


def _short_vector(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    article = _first(rows, "articles")["id"]
    vector = {"article_id": article, "model": "usem3", "vector": {"$b64": base64.b64encode(b"abc").decode()}}
    return [*rows, {"table": "article_vectors", "row": vector}]


def _count(table: str, column: str, change: Callable[[int], int]) -> Callable[[list[dict[str, Any]]], Any]:
    def tamper(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        row = _first(rows, table)
        row[column] = change(row[column])
        return rows
    return tamper


def _metadata(text: str) -> Callable[[list[dict[str, Any]]], Any]:
    def tamper(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        _first(rows, "articles")["metadata"] = text
        return rows
    return tamper


INCONSISTENT = {
    "metadata that is not JSON": _metadata("{not json"),
    "metadata that is not an object": _metadata("[1, 2]"),
    "metadata nested past any reader": _metadata('{"a": ' + "[" * 5000 + "]" * 5000 + "}"),
    "article twice": _duplicate_article,
    "3-byte vector": _short_vector,
    "wrong event article_count": _count("events", "article_count", lambda n: n + 1),
    "negative event article_count": _count("events", "article_count", lambda n: -n),
    "negative storyline article_count": _count("storylines", "article_count", lambda n: -5),
}


def _import(db: Path, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "storyweave", "--db", str(db), "import", str(path)],
                          capture_output=True, text=True, timeout=180, env={**os.environ, "HF_HUB_OFFLINE": "1"})


def _assert_refused_whole(done: subprocess.CompletedProcess[str], db: Path) -> None:
    assert done.returncode != 0, done.stdout
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr
    with sqlite3.connect(db) as conn:
        for table in ("articles", "events", "storylines", "article_vectors"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table


@pytest.mark.parametrize("name", sorted(INCONSISTENT))
def test_an_inconsistent_store_is_not_imported(exported: Path, tmp_path: Path, name: str) -> None:
    header, rows = _rows(exported)
    path = _write(tmp_path / "tampered.jsonl", header, INCONSISTENT[name](rows))
    db = tmp_path / "target.db"
    _assert_refused_whole(_import(db, path), db)


def _surrogate_title(header: str, rows: list[dict[str, Any]]) -> str:
    line = json.dumps({"table": "articles", "row": {**_first(rows, "articles"), "id": "lone", "title": "x\ud800y"}})
    return header + "\n" + line + "\n"


TAMPERED: dict[str, Callable[[str, list[dict[str, Any]]], str | bytes]] = {
    "huge integer": lambda header, rows: header + "\n" + json.dumps(
        {"table": "events", "row": {**_first(rows, "events"), "article_count": 10**30}}) + "\n",
    "huge sequence": lambda header, rows: header + "\n" + json.dumps(
        {"table": "sqlite_sequence", "row": {"name": "articles", "seq": 10**30}}) + "\n",
    "integer of 5000 digits": lambda header, rows: header + "\n" + '{"table": "events", "row": {"article_count": '
                                                   + "9" * 5000 + "}}\n",
    "invalid UTF-8": lambda header, rows: (header + "\n").encode() + json.dumps(
        {"table": "rejects", "row": {"origin": "a", "reason": "b"}}).encode().replace(b'"b"', b'"\xff\xfe"') + b"\n",
    "invalid UTF-8 in the header": lambda header, rows: header.encode()[:-1] + b"\xc3\x28}\n",
    "lone surrogate escape": _surrogate_title,
}


@pytest.mark.parametrize("name", sorted(TAMPERED))
def test_a_tampered_import_ends_in_one_line_not_a_traceback(exported: Path, tmp_path: Path, name: str) -> None:
    header, rows = _rows(exported)
    content = TAMPERED[name](header, rows)
    path = tmp_path / "tampered.jsonl"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    db = tmp_path / "target.db"
    _assert_refused_whole(_import(db, path), db)


def test_a_sound_export_still_imports_and_checks_clean(exported: Path, tmp_path: Path) -> None:
    db = tmp_path / "sound.db"
    done = _import(db, exported)
    assert done.returncode == 0, done.stderr
    conn = connect(db)
    try:
        report = check_store(conn)
        assert report.ok, report.errors
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(RECORDS)
    finally:
        conn.close()


# Values a tamperer can write into any column: numbers of any size, lone surrogates (as JSON
# \\ud800 escapes), controls, base64 bytes of any length, and a row's own table's values moved around.
_tampered_value = st.one_of(
    st.integers(), st.integers(min_value=2**63 - 2, max_value=2**70), st.floats(allow_nan=False),
    st.text(max_size=20), st.sampled_from(["\ud800", "x\udfff", "\x00", "\u202e", "", "[]", "{}"]),
    st.binary(max_size=12).map(lambda b: {"$b64": base64.b64encode(b).decode()}), st.none(), st.booleans(),
)


@hypothesis_settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_tampered_value_is_refused_in_one_line_or_imported_sound(exported: Path, tmp_path: Path,
                                                                      data: st.DataObject) -> None:
    header, rows = _rows(exported)
    for _ in range(data.draw(st.integers(1, 3))):
        row = data.draw(st.sampled_from(rows))["row"]
        row[data.draw(st.sampled_from(sorted(row)))] = data.draw(_tampered_value)
    if data.draw(st.booleans()):
        rows.append(data.draw(st.sampled_from(rows)))  # a row twice
    path = tmp_path / "fuzzed.jsonl"  # ASCII JSON: a lone surrogate is written as its \\ud800 escape
    path.write_text(header + "\n" + "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db = tmp_path / "fuzzed.db"
    for leftover in tmp_path.glob("fuzzed.db*"):
        leftover.unlink(missing_ok=True)
    outcome = import_outcome(db, path)
    if isinstance(outcome, StoryweaveError):
        assert "\n" not in str(outcome), str(outcome)
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
        return
    assert outcome.ok, [f.message for f in outcome.errors]
