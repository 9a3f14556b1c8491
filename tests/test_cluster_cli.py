"""The ``storyweave cluster`` contract: a stream in publication order into a fresh store, one CSV row
per input article, rejects reported on stderr, one-line errors and a non-zero exit on bad input."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from storyweave.cli import app
from storyweave.models import RawDoc
from storyweave.store.spool import OrderedSpool

FIXTURES = Path(__file__).parent / "fixtures" / "events"
REPO = Path(__file__).resolve().parents[1]


def _records() -> list[dict[str, object]]:
    lines = (FIXTURES / "football.jsonl").read_text(encoding="utf-8").splitlines()
    records: list[dict[str, object]] = [json.loads(line) for line in lines]
    records.append(json.loads((FIXTURES / "putin_hanoi_visit.json").read_text(encoding="utf-8")))
    return records


def test_cluster_writes_one_row_per_input_article(tmp_path: Path) -> None:
    records = _records()
    # Newest first in the file: the command must still stream them in publication order.
    records.sort(key=lambda r: str(r["publish_date"]), reverse=True)
    exact_copy = dict(records[-1], id="exact-copy-of-first")  # same title, text and outlet: not stored twice
    lines = [json.dumps(r, ensure_ascii=False) for r in [*records, exact_copy]]
    lines.insert(1, "{not json")
    lines.insert(2, json.dumps({"id": "empty", "title": "", "text": ""}))
    articles = tmp_path / "articles.jsonl"
    articles.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = tmp_path / "clusters.csv"

    # Entities and e5 are left out to keep this contract test fast; tests/test_cluster.py runs them all.
    config = tmp_path / "light.toml"
    config.write_text('enrich_stages = ["dates", "embed"]\nembed_models = ["usem3"]\n', encoding="utf-8")
    result = CliRunner().invoke(
        app, ["--config", str(config), "cluster", "--articles", str(articles), "--output", str(output)]
    )

    assert result.exit_code == 0, result.output
    with output.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["article_id", "event_id", "storyline_id"]
    by_id = {r["article_id"]: r for r in rows}
    assert set(by_id) == {str(r["id"]) for r in records} | {"exact-copy-of-first"}
    assert all(r["event_id"].startswith("ev_") and r["storyline_id"].startswith("sl_") for r in rows)
    first = str(records[-1]["id"])
    assert by_id["exact-copy-of-first"]["event_id"] == by_id[first]["event_id"]
    match = by_id["sw-fixture-euro2024-germany-scotland-a"]
    assert by_id["sw-fixture-euro2024-germany-scotland-a-syndicated"]["event_id"] == match["event_id"]
    assert by_id["sw-fixture-putin-hanoi-2024-06-20"]["event_id"] != match["event_id"]
    assert "rejected" in result.stderr and "not json" not in result.stdout
    assert "clustered" in result.stderr


def test_the_spool_gives_documents_back_whole_in_stable_publication_order(tmp_path: Path) -> None:
    docs = [
        RawDoc("f:0", id="undated-first", text="x"),
        RawDoc("f:1", id="c", text="x", publish_date="2024-06-20"),
        RawDoc("f:2", id="undated-after-c", text="x"),
        RawDoc("f:3", id="a", text="x", publish_date="2024-06-14T08:00:00+02:00"),
        RawDoc("f:4", id="b", text="x", publish_date="2024-06-14T07:00:00Z"),
        RawDoc("f:5", id="a2", text="x", publish_date="2024-06-14T06:00:00Z"),
        RawDoc("f:6", id="a3", text="x", publish_date="2024-06-14T06:00:00.5Z"),
        RawDoc("f:7", id="rich", title="Путин в Ханое", text="بوتين\u2028…", html="<p>x</p>", url="https://e.x/1",
               source="vov.vn", lang_hint="fr", publish_date="2024-06-20", metadata={"tags": ["a", 1]}),
    ]
    with OrderedSpool(tmp_path / "spool.db") as spool:
        assert [spool.add(d) for d in docs] == list(range(len(docs)))
        ordered = [d.id for d in spool.in_publication_order()]
        assert ordered == ["undated-first", "a", "a2", "a3", "b", "c", "undated-after-c", "rich"]
        assert spool.get(7) == docs[7] and len(spool) == len(docs)


@given(
    st.lists(
        st.one_of(st.none(), st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 1, 1))),
        max_size=600,
    )
)
@settings(max_examples=25, deadline=None)
def test_the_spool_orders_like_a_stable_sort_over_pages(moments: list[datetime | None]) -> None:
    # Up to more than two pages of reading back: the order must survive the page boundaries.
    docs = [RawDoc(f"f:{i}", id=str(i), text="x", publish_date=m and m.isoformat()) for i, m in enumerate(moments)]
    keys, last = [], datetime.min
    for m in moments:
        last = m if m is not None else last
        keys.append(last)
    expected = [str(i) for i in sorted(range(len(docs)), key=lambda i: keys[i])]
    with tempfile.TemporaryDirectory() as tmp, OrderedSpool(Path(tmp) / "spool.db") as spool:
        for doc in docs:
            spool.add(doc)
        assert [d.id for d in spool.in_publication_order()] == expected


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storyweave", *args], capture_output=True, text=True, cwd=REPO, timeout=120
    )


def test_bad_input_exits_non_zero_with_one_line(tmp_path: Path) -> None:
    missing = _run("cluster", "--articles", str(tmp_path / "missing.jsonl"), "--output", str(tmp_path / "c.csv"))
    assert missing.returncode != 0
    assert len(missing.stderr.strip().splitlines()) == 1 and "does not exist" in missing.stderr

    junk = tmp_path / "junk.jsonl"
    junk.write_text("{broken\n[1, 2]\n", encoding="utf-8")
    bad = _run("cluster", "--articles", str(junk), "--output", str(tmp_path / "c.csv"))
    assert bad.returncode != 0
    assert len(bad.stderr.strip().splitlines()) == 1 and "no usable article records" in bad.stderr
