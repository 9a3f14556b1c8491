"""What the CLI prints of outside text: never a control sequence, a bidi override or a split line.

Titles, sources and file names come from anyone (issue 15, point 14): an ESC sequence would be
obeyed by the user's terminal, U+202E would reverse what follows it, rich markup in a title would be
styled (or crash the table), and a newline in a file name would split a one-line reject in two.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyweave.cli import app

FAST_ENV = {"STORYWEAVE_ENRICH_STAGES": "", "STORYWEAVE_ASSIGN_EVENTS": "false"}
ESC_TITLE = "Harbour \x1b[2J\x1b[31mfees\x1b[0m rise \u202eniaga\u202c in [/]Haiphong[bold]"
RAW = ("\x1b", "\u202e", "\u2066", "\x9b", "\x07")


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=FAST_ENV)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def _assert_clean(output: str) -> None:
    for char in RAW:
        assert char not in output, (char, output)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-cli")
    records = folder / "records.jsonl"
    records.write_text(json.dumps({"id": "esc-1", "title": "placeholder", "text": "Port fees rose again on Monday.",
                                   "source": "\u202eevil\x1b]0;owned\x07.example", "lang": "en"}) + "\n",
                       encoding="utf-8")
    db = folder / "store.db"
    code, output = _run("--db", str(db), "ingest", str(records))
    assert code == 0, output
    # What ingest would clean away can still arrive through an import or an older store.
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET title = ?, text = ? WHERE id = 'esc-1'",
                     (ESC_TITLE, "First line \x1b[8m hidden\nSecond \u202eline"))
    return db


def test_a_hostile_file_name_is_one_escaped_reject_line(tmp_path: Path, store: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "evil\x1b[31m\u202e\nname.json").write_text("{not json", encoding="utf-8")
    code, output = _run("--db", str(store), "ingest", str(folder))
    _assert_clean(output)
    rejected = [line for line in output.splitlines() if "rejected" in line and "added" not in line]
    assert len(rejected) == 1, output
    assert "evil\\x1b[31m\\u202e\\x0aname.json" in rejected[0], output
    code, output = _run("--db", str(store), "rejects")
    assert code == 0
    _assert_clean(output)


@pytest.mark.parametrize("command", [["articles"], ["articles", "--json"], ["show", "esc-1"],
                                     ["show", "esc-1", "--json"], ["rejects", "--json"]])
def test_titles_and_sources_are_printed_escaped(store: Path, command: list[str]) -> None:
    code, output = _run("--db", str(store), *command)
    assert code == 0, output
    _assert_clean(output)
    if "--json" in command and command[0] != "rejects":
        parsed = json.loads(output)
        title = parsed[0]["title"] if isinstance(parsed, list) else parsed["title"]
        assert title == ESC_TITLE  # the data itself is unchanged, only its printing is escaped
    elif command[0] != "rejects":
        assert "[/]Haiphong[bold]" in output.replace("\n", "") or "[/]Haiphong" in output


def test_an_error_naming_a_hostile_file_is_one_escaped_line(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "storyweave", "--db", str(tmp_path / "new.db"), "import",
                           str(tmp_path / "no\x1b[31mfile\u202e\nhere")],
                          capture_output=True, text=True, timeout=120, env={**os.environ, **FAST_ENV})
    assert done.returncode != 0
    _assert_clean(done.stderr)
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: "), done.stderr


@pytest.mark.parametrize("command", ["articles", "events", "storylines"])
def test_a_cursor_past_sqlites_integers_is_a_usage_error(store: Path, command: str) -> None:
    code, output = _run("--db", str(store), command, "--cursor", str(10**30))
    assert code == 2, output
    assert "cursor" in output
