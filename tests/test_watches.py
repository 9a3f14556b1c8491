"""Watches and alerts on real stores, delivered to a real webhook receiver on loopback.

These stores skip the model stages (``enrich_stages=[]``): each article founds its own event unless
it is a near-identical copy of one already stored, which joins that event; the copy from another
outlet is then the "matching event gains an outlet" change.  The cross-script and new-language
cases run the full pipeline on the seed story in ``test_watches_seeds.py``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from httpserver import LocalHTTPServer
from hypothesis import given, settings
from hypothesis import strategies as st
from test_reliability_support import kill_and_restart, store_invariants, write_corpus
from typer.testing import CliRunner

from storyweave import BlockedURLError, InputError, NotFoundError, Tracker
from storyweave.alerts.query import normalise, parse_words
from storyweave.cli import app
from storyweave.ingest import record_to_doc

TEXT = ("The harbour authority of Haiphong raised container fees on Monday for the third time this year, citing "
        "dredging costs. Shipping lines said they would pass the increase on to customers within weeks, and "
        "exporters warned of delays at the busiest port of northern Vietnam.")
OTHER = ("Heavy rain closed schools across the Mekong delta on Tuesday as rivers rose to their highest level in a "
         "decade; officials moved families from low-lying villages to shelters in the provincial capital.")


def _article(article_id: str, source: str, text: str = TEXT, title: str = "Haiphong harbour fees rise") -> Any:
    return record_to_doc({"id": article_id, "title": title, "text": text, "lang": "en", "source": source},
                         f"test#{article_id}")


def _tracker(db: Path, **overrides: Any) -> Tracker:
    options: dict[str, Any] = {"enrich_stages": [], "workers": 1, "alert_webhook_allow_private": True,
                               "alert_retry_base_s": 0.0}
    options.update(overrides)
    return Tracker(db=db, **options)


def _receiver_check(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does, written here from the documented scheme (not with the library's code)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    timestamp = lowered["x-storyweave-timestamp"]
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return abs(time.time() - int(timestamp)) < 300 and hmac.compare_digest(
        lowered["x-storyweave-signature"], "sha256=" + expected)


def test_webhook_signed_retried_after_500_and_never_fired_twice(db_path: Path) -> None:
    with LocalHTTPServer() as receiver:
        hook = receiver.route("/hook", status=500, body=b"down", content_type="text/plain")
        with _tracker(db_path) as tracker:
            watch = tracker.add_watch(words="harbour fees", webhook=hook, name="Ports")
            tracker.ingest_docs([_article("a1", "port-news.example")])
            tracker.ingest_docs([_article("a1", "port-news.example")])  # the same change again: nothing new
            tracker.ingest_docs([_article("a2", "wire.example", TEXT + " (AFP)")])  # the event gains an outlet
            tracker.ingest_docs([_article("b1", "port-news.example", OTHER, "Mekong floods close schools")])
            fired = tracker.alerts(watch["id"])
            assert [(a["kind"], a["payload"]["new_outlets"]) for a in reversed(fired)] == [
                ("new_event", ["port-news.example"]), ("coverage", ["wire.example"])]
            first = tracker.deliver_alerts()
            assert first == {"delivered": [], "retrying": [1, 2], "failed": []}
            receiver.route("/hook", status=204)
            assert tracker.deliver_alerts() == {"delivered": [1, 2], "retrying": [], "failed": []}
        # A restart, the same articles once more, and two more delivery rounds: nothing new goes out.
        with _tracker(db_path) as tracker:
            tracker.ingest_docs([_article("a1", "port-news.example"), _article("a2", "wire.example", TEXT + " (AFP)")])
            assert tracker.deliver_alerts() == {"delivered": [], "retrying": [], "failed": []}
            assert tracker.deliver_alerts() == {"delivered": [], "retrying": [], "failed": []}
            assert len(tracker.alerts(watch["id"])) == 2
            shown = tracker.watch(watch["id"])
            assert shown["deliveries"] == {"delivered": 2}
            assert [a["attempts"] for a in shown["alerts"]] == [2, 2]
        posts = receiver.posts
    assert len(posts) == 4  # two alerts, each tried twice: refused once, then taken
    ids = [json.loads(body)["id"] for _, _, body in posts]
    assert sorted(ids) == [1, 1, 2, 2]
    for path, headers, body in posts:
        assert path == "/hook"
        assert _receiver_check(watch["secret"], headers, body)
        assert not _receiver_check("another secret", headers, body)
        assert headers["Content-Type"] == "application/json"
        assert headers["X-Storyweave-Alert"] == str(json.loads(body)["id"])
    new_event = json.loads(posts[-2][2] if ids[-2] == 1 else posts[-1][2])
    assert new_event["type"] == "storyweave.alert" and new_event["kind"] == "new_event"
    assert new_event["watch"] == {"id": watch["id"], "name": "Ports"}
    assert new_event["event"]["title"] == "Haiphong harbour fees rise" and new_event["event"]["langs"] == ["en"]
    assert new_event["article"]["id"] == "a1" and new_event["new_langs"] == ["en"]


def test_failed_deliveries_are_recorded_shown_and_can_be_retried(db_path: Path) -> None:
    with LocalHTTPServer() as receiver:
        hook = receiver.route("/hook", status=500)
        with _tracker(db_path, alert_webhook_attempts=2) as tracker:
            watch = tracker.add_watch(words="harbour", webhook=hook)
            tracker.ingest_docs([_article("a1", "port-news.example")])
            assert tracker.deliver_alerts()["retrying"] == [1]
            assert tracker.deliver_alerts()["failed"] == [1]
            assert tracker.deliver_alerts() == {"delivered": [], "retrying": [], "failed": []}
            failed = tracker.watch(watch["id"])["failed"]
            assert [(a["id"], a["attempts"], a["last_error"]) for a in failed] == [(1, 2, "HTTP 500 from the receiver")]
        result = CliRunner().invoke(app, ["--db", str(db_path), "watch", "show", watch["id"]],
                                    env={"STORYWEAVE_ENRICH_STAGES": "", "COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        assert "failed deliveries" in result.output and "HTTP 500 from the receiver" in result.output
        receiver.route("/hook", status=200)
        runner = CliRunner()
        assert runner.invoke(app, ["--db", str(db_path), "watch", "retry", watch["id"]]).exit_code == 0
        delivered = runner.invoke(app, ["--db", str(db_path), "watch", "deliver", "--json"],
                                  env={"STORYWEAVE_ALERT_WEBHOOK_ALLOW_PRIVATE": "1"})
        assert delivered.exit_code == 0, delivered.output
        assert json.loads(delivered.stdout) == {"delivered": [1], "retrying": [], "failed": []}
        assert len(receiver.posts) == 3


def test_a_webhook_on_a_private_address_is_refused_unless_allowed(db_path: Path) -> None:
    with LocalHTTPServer() as receiver:
        hook = receiver.route("/hook", status=200)
        with _tracker(db_path, alert_webhook_allow_private=False) as tracker:
            for url in (hook, "http://169.254.169.254/latest", "http://[::1]/x", "http://2130706433/", "file:///etc"):
                with pytest.raises(BlockedURLError):
                    tracker.add_watch(words="harbour", webhook=url)
            assert tracker.watches() == []
        with _tracker(db_path) as tracker:  # allowed when added, refused when delivered
            tracker.add_watch(words="harbour", webhook=hook)
            tracker.ingest_docs([_article("a1", "port-news.example")])
        with _tracker(db_path, alert_webhook_allow_private=False) as tracker:
            assert tracker.deliver_alerts()["retrying"] == [1]
            error = tracker.alerts()[0]["last_error"] or ""
            assert "non-public address 127.0.0.1" in error and "set alert_webhook_allow_private" in error
        assert receiver.posts == []


def test_a_claimed_delivery_is_left_alone_by_a_second_deliverer(db_path: Path) -> None:
    with _tracker(db_path) as tracker, _tracker(db_path) as other:
        tracker.add_watch(words="harbour", webhook="http://127.0.0.1:9/hook")
        tracker.ingest_docs([_article("a1", "port-news.example")])
        now = time.time()
        assert [d.seq for d in tracker.db.claim_due_alerts(now, 60.0, 10)] == [1]
        assert other.db.claim_due_alerts(now, 60.0, 10) == []
        assert [d.seq for d in other.db.claim_due_alerts(now + 61, 60.0, 10)] == [1]  # the lease ran out


def test_watch_minimum_coverage_and_languages(db_path: Path) -> None:
    with _tracker(db_path) as tracker:
        two_outlets = tracker.add_watch(words="harbour", min_outlets=2)
        french_only = tracker.add_watch(words="harbour", langs=["fr"])
        excluded = tracker.add_watch(words="harbour -Haiphong")
        tracker.ingest_docs([_article("a1", "port-news.example")])
        assert tracker.alerts(two_outlets["id"]) == []
        tracker.ingest_docs([_article("a2", "wire.example", TEXT + " (AFP)")])
        fired = tracker.alerts(two_outlets["id"])
        assert [(a["kind"], a["payload"]["event"]["outlets"]) for a in fired] == [
            ("new_event", ["port-news.example", "wire.example"])]
        assert tracker.alerts(french_only["id"]) == [] and tracker.alerts(excluded["id"]) == []


def test_what_a_watch_reported_about_a_merged_event_still_counts(db_path: Path) -> None:
    with _tracker(db_path) as tracker:
        watch = tracker.add_watch(words="harbour")
        tracker.ingest_docs([_article("a1", "port-news.example"),
                             _article("b1", "wire.example", OTHER + " The harbour was closed too.", "Mekong floods")])
        first, second = (tracker.article_event(a)["event"] for a in ("a1", "b1"))
        assert isinstance(first, dict) and isinstance(second, dict) and first["id"] != second["id"]
        assert len(tracker.alerts(watch["id"])) == 2
        with tracker.db.transaction():  # what consolidation does when two events turn out to be one
            tracker.db.move_event(second["id"], first["id"])
            tracker.db.bump_state()
        # A copy from wire.example joins the merged event: that outlet was reported already.
        tracker.ingest_docs([_article("a2", "wire.example", TEXT + " (AFP)")])
        assert tracker.article_event("a2")["event"]["id"] == first["id"]  # type: ignore[index]
        assert len(tracker.alerts(watch["id"])) == 2
        tracker.ingest_docs([_article("a3", "third.example", TEXT + " (dpa)")])
        assert tracker.alerts(watch["id"])[0]["payload"]["new_outlets"] == ["third.example"]


def test_watch_management_errors_are_one_clear_line(db_path: Path) -> None:
    with _tracker(db_path) as tracker:
        for kwargs, message in (({}, "needs words or an entity"), ({"words": "--- …"}, "no letter or digit"),
                                ({"words": "x", "langs": ["french"]}, "not an ISO 639-1 code"),
                                ({"words": "x", "min_outlets": -1}, "between 0 and 1000")):
            with pytest.raises(InputError, match=message):
                tracker.add_watch(**kwargs)
        with pytest.raises(NotFoundError, match="storyweave watch list"):
            tracker.remove_watch("w-none")
        added = tracker.add_watch(words="harbour", langs=["FR, ar", "fr"])
        assert added["langs"] == ["ar", "fr"] and "secret" in added
        assert [w["id"] for w in tracker.watches()] == [added["id"]] and "secret" not in tracker.watches()[0]
        tracker.remove_watch(added["id"])
        assert tracker.watches() == []


def test_cli_add_list_remove(db_path: Path) -> None:
    runner = CliRunner()
    added = runner.invoke(app, ["--db", str(db_path), "watch", "add", 'ceasefire "Gaza City"', "--lang", "fr,ar",
                                "--min-outlets", "2", "--json"])
    assert added.exit_code == 0, added.output
    watch = json.loads(added.stdout)
    assert watch["words"] == 'ceasefire "Gaza City"' and watch["langs"] == ["ar", "fr"] and watch["min_outlets"] == 2
    listed = runner.invoke(app, ["--db", str(db_path), "watch", "list", "--json"])
    assert [w["id"] for w in json.loads(listed.stdout)] == [watch["id"]]
    assert runner.invoke(app, ["--db", str(db_path), "watch", "remove", watch["id"]]).exit_code == 0
    missing = subprocess.run([sys.executable, "-m", "storyweave", "--db", str(db_path), "watch", "remove", watch["id"]],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 3
    assert missing.stderr == f"error: no watch with id {watch['id']!r}; list them with 'storyweave watch list'\n"
    bad = runner.invoke(app, ["--db", str(db_path), "watch", "add"])
    assert isinstance(bad.exception, InputError) and InputError.exit_code == 2


# -- the words query --------------------------------------------------------------------------------------
_word = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=8)
_phrase = st.lists(_word, min_size=1, max_size=3).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_query_parses_and_prints_back_to_itself(query: str) -> None:
    parsed = parse_words(query)
    assert parse_words(str(parsed)) == parsed
    assert all(normalise(term.text).strip() for term in parsed.terms)


@settings(max_examples=200, deadline=None)
@given(st.lists(_phrase, min_size=1, max_size=4), st.lists(_phrase, max_size=2), st.text(max_size=40))
def test_a_text_holding_every_term_and_no_excluded_one_matches(wanted: list[str], unwanted: list[str],
                                                              filler: str) -> None:
    wanted_keys = {normalise(w) for w in wanted}
    unwanted = [u for u in unwanted if not any(normalise(u) in normalise(f" {w} ") or normalise(w) in
                                               normalise(f" {u} ") for w in wanted)]
    query = " ".join([f'"{w}"' for w in wanted] + [f'-"{u}"' for u in unwanted])
    parsed = parse_words(query)
    text = " . ".join(w.upper() for w in wanted)
    if not any(normalise(u) in normalise(text) for u in unwanted):
        assert parsed.matches(text), (query, text)
    for u in unwanted:
        assert not parsed.matches(text + " , " + u)
    if wanted_keys and not any(normalise(w) in normalise(filler) for w in wanted):
        assert not parse_words(f'"{wanted[0]}"').matches(filler)


def test_words_match_whole_words_across_case_and_accents() -> None:
    query = parse_words('Poutine "Nguyen Phu Trong" -football')
    assert query.matches("Vladimir POUTINE a reçu Nguyên Phú Trọng à Hanoï")
    assert not query.matches("Poutine reçoit Nguyen Phu")
    assert not query.matches("Poutine, Nguyen Phu Trong et le football")
    assert not parse_words("Putin").matches("Putinism is an ideology")
    assert parse_words("بوتين").matches("الرئيس بُوتِين")  # short vowels do not matter
    assert parse_words("普京").matches("普京访问越南")  # no spaces between words in Chinese


# -- kill -9 ------------------------------------------------------------------------------------------------
def _firings(db: Path) -> list[tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]]:
    with Tracker(db=db, enrich_stages=[]) as tracker:
        names = {w["id"]: w["name"] for w in tracker.watches()}
        return sorted((names[a["watch_id"]], a["payload"]["article"]["id"], a["event_id"], a["kind"],
                       tuple(a["payload"]["new_langs"]), tuple(a["payload"]["new_outlets"]))
                      for a in tracker.alerts(limit=100_000))


def test_kill_9_mid_ingest_neither_loses_nor_repeats_a_firing(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    ids = write_corpus(corpus, 1200, seed=16)
    killed, calm = tmp_path / "killed.db", tmp_path / "calm.db"
    for db in (killed, calm):
        with Tracker(db=db) as tracker:
            for person in ("Vladimir Putin", "Emmanuel Macron", "Olaf Scholz"):
                tracker.add_watch(words=person, name=person)
            tracker.add_watch(words="Hanoi", min_outlets=2, name="Hanoi, twice")
    env = {"STORYWEAVE_ENRICH_STAGES": "", "STORYWEAVE_WORKERS": "1"}
    run = kill_and_restart(killed, corpus, kills=8, env=env, seed=16, max_gap=40, timeout_s=300)
    assert run.kills >= 8, f"only {run.kills} kills: the ingest finished too early to prove anything"
    assert store_invariants(killed, ids) == []
    with Tracker(db=calm, enrich_stages=[], workers=1) as tracker:
        tracker.ingest(corpus)
    fired = _firings(killed)
    assert fired == _firings(calm)  # the same alerts as one uninterrupted run: none lost, none doubled
    kinds = {kind for _, _, _, kind, _, _ in fired}
    assert kinds == {"new_event", "coverage"} and len(fired) > 20


BASES = [TEXT, OTHER, ("Parliament in Lisbon approved the budget on Wednesday after a long night of votes; the "
                       "opposition said the harbour tax would hurt fishing towns along the coast and promised to "
                       "challenge it.")]
OUTLETS = ["a.example", "b.example", "c.example", "d.example"]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3)), min_size=1, max_size=12), st.integers(1, 3))
def test_each_outlet_of_an_event_is_reported_once_from_the_minimum_on(
        tmp_path_factory: pytest.TempPathFactory, arrivals: list[tuple[int, int]], minimum: int) -> None:
    db = tmp_path_factory.mktemp("property") / "store.db"
    with _tracker(db) as tracker:
        watch = tracker.add_watch(words="the", min_outlets=minimum)
        for serial, (base, outlet) in enumerate(arrivals):
            # The same report from another outlet is a near-identical copy: it joins its original's event.
            tracker.ingest_docs([_article(f"r{serial}", OUTLETS[outlet], BASES[base] + f" ({OUTLETS[outlet]})",
                                          f"Report {base}")])
        fired = list(reversed(tracker.alerts(watch["id"], limit=1000)))
        events = {a["event_id"] for a in fired}
    for base in range(len(BASES)):
        outlets_in_order = list(dict.fromkeys(OUTLETS[o] for b, o in arrivals if b == base))
        mine = [a for a in fired if a["payload"]["event"]["title"] == f"Report {base}"]
        if len(outlets_in_order) < minimum:
            assert mine == []
            continue
        assert [a["kind"] for a in mine] == ["new_event"] + ["coverage"] * (len(outlets_in_order) - minimum)
        assert mine[0]["payload"]["new_outlets"] == sorted(outlets_in_order[:minimum])
        assert [a["payload"]["new_outlets"] for a in mine[1:]] == [[o] for o in outlets_in_order[minimum:]]
    assert len(events) == len({a["payload"]["event"]["title"] for a in fired})
