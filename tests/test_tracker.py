"""End to end through the Python API and the CLI: the seeds, idempotency, and a real kill."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ARABIC_SEED, EXAMPLES, FRENCH_SEED
from typer.testing import CliRunner

from storyweave import Tracker
from storyweave.cli import app
from storyweave.errors import NotFoundError

ARABIC_ID = ARABIC_SEED.stem
FRENCH_ID = FRENCH_SEED.stem


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store holding the two seeds, ingested through every stage."""
    db = tmp_path_factory.mktemp("seeded") / "seeds.db"
    with Tracker(db=db) as tracker:
        report = tracker.ingest(str(ARABIC_SEED), str(FRENCH_SEED))
        assert sorted(report.added) == sorted([ARABIC_ID, FRENCH_ID]), report.as_dict()
    yield db


def test_seeds_are_stored_with_their_languages(seeded: Path) -> None:
    with Tracker(db=seeded) as tracker:
        langs = {row["id"]: row["lang"] for row in tracker.articles()}
        assert langs == {ARABIC_ID: "ar", FRENCH_ID: "fr"}
        arabic = tracker.article(ARABIC_ID)
    body = arabic.text
    # the body survives: the first paragraphs of the seed, sentence for sentence
    seed_lines = ARABIC_SEED.read_text(encoding="utf-8").splitlines()
    assert arabic.title == seed_lines[0].strip()
    for paragraph in [p for p in seed_lines[1:] if p.strip()][:6]:
        if "الصورة:" in paragraph:
            assert paragraph.split("الصورة:")[0].strip() in body
        else:
            assert paragraph.strip() in body
    # the caption credit and the teasers of other articles are gone, but recorded
    assert "الصورة: مينه نهات" not in body
    assert "يهنئ الرئيس الروسي بوتين على إعادة انتخابه" not in body
    assert "الرئيس المؤقت يقدم تعازيه" not in body
    kinds = {r.kind for r in arabic.removed}
    assert "teaser" in kinds
    removed_text = " ".join(r.text for r in arabic.removed)
    assert "مينه نهات" in removed_text and "الرئيس المؤقت يقدم تعازيه" in removed_text


def test_ingesting_again_adds_nothing(seeded: Path) -> None:
    with Tracker(db=seeded) as tracker:
        before = tracker.stats()
        report = tracker.ingest(str(EXAMPLES))
        assert report.added == [] or set(report.added).isdisjoint({ARABIC_ID, FRENCH_ID})
        assert {ARABIC_ID, FRENCH_ID} <= set(report.duplicates)
        again = tracker.ingest(str(EXAMPLES))
        assert again.added == []
        after = tracker.stats()
    assert after["articles"] == before["articles"] + len(report.added)


def test_unknown_article_is_a_clear_error(seeded: Path) -> None:
    with Tracker(db=seeded) as tracker, pytest.raises(NotFoundError, match="no article with id 'nope'"):
        tracker.article("nope")


def test_cli_lists_and_shows_json(seeded: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["--db", str(seeded), "articles", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert {r["id"] for r in rows} >= {ARABIC_ID, FRENCH_ID}
    shown = runner.invoke(app, ["--db", str(seeded), "show", FRENCH_ID, "--json"])
    assert shown.exit_code == 0, shown.output
    details = json.loads(shown.stdout)
    assert details["lang"] == "fr"
    assert "Photo: VOV" not in details["text"]
    assert any("Photo: VOV" in r["text"] for r in details["removed"])
    table = runner.invoke(app, ["--db", str(seeded), "show", ARABIC_ID])
    assert table.exit_code == 0 and "teaser" in table.stdout


def test_cli_reports_an_unknown_id_in_one_line(seeded: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "storyweave", "--db", str(seeded), "show", "missing-id"],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        timeout=120,
    )
    assert result.returncode == 3
    assert result.stderr.strip().count("\n") == 0 and "missing-id" in result.stderr


def test_rejects_are_listed_with_reasons(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "empty.txt").write_text("")
    (inputs / "good.txt").write_text("Un titre\nLe texte de l'article, en français, assez long pour être lu.\n")
    runner = CliRunner()
    db = tmp_path / "r.db"
    result = runner.invoke(app, ["--db", str(db), "ingest", str(inputs), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"] == 1 and report["rejected"] == 1
    listed = json.loads(runner.invoke(app, ["--db", str(db), "rejects", "--json"]).stdout)
    assert listed[0]["origin"].endswith("empty.txt") and listed[0]["reason"]


def _write_corpus(path: Path, count: int) -> list[str]:
    rng = random.Random(7)
    words = [
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "gouvernement",
        "ministre",
        "ville",
        "pays",
        "accord",
        "visite",
        "sommet",
        "économie",
        "sécurité",
        "frontière",
        "élection",
        "président",
        "parlement",
        "réunion",
        "annonce",
        "projet",
        "budget",
    ]
    ids = []
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            article_id = f"kill-{n:04d}"
            ids.append(article_id)
            text = " ".join(rng.choice(words) for _ in range(120)) + f" Numéro {n}."
            out.write(json.dumps({"id": article_id, "title": f"Dépêche {n}", "text": text, "lang": "fr"}) + "\n")
    return ids


def test_kill_mid_ingest_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    ids = _write_corpus(corpus, 400)
    db = tmp_path / "kill.db"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "STORYWEAVE_ENRICH_STAGES": "", "STORYWEAVE_ASSIGN_EVENTS": "0"}
    command = [sys.executable, "-m", "storyweave", "--db", str(db), "ingest", str(corpus)]

    def stored() -> int:
        if not db.exists():
            return 0
        try:
            with sqlite3.connect(db, timeout=5) as conn:
                return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        except sqlite3.OperationalError:
            return 0

    kills = 0
    for target in (40, 150, 300):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while stored() < target and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
    assert kills >= 2, "the ingest finished before it could be killed; the test proves nothing"
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    with sqlite3.connect(db) as conn:
        rows = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id")]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM rejects").fetchone()[0] == 0
    assert rows == sorted(ids)
