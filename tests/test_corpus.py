"""The multilingual test corpus, end to end: events, storylines, entities and dates against gold labels.

``fixtures/corpus/articles.jsonl`` holds 59 short articles about nine happenings in seven languages and
three scripts; ``fixtures/corpus/gold.json`` says which article reports which happening, which
happenings continue one another, when each took place and which names are one person, place or
organisation.  The corpus is ingested once per module through ``Tracker.ingest`` (every real stage,
the models included) and each test compares what the store holds with the gold labels.

The hard cases are deliberate: confusable acronyms (COVID/CDU/OCDE, CCTV/Kyodo, WHO/WTO, OMS/OMC,
PP/AP, Turkish AB/ABD), a person surnamed like a country (Claire Jordan / Jordan), cities next to
their countries, names in Latin, Arabic and Cyrillic script, background dates (births, anniversaries,
last year's fire), undated articles, a syndicated copy and an Arabic article with no title.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from storyweave import Tracker

os.environ.setdefault("HF_HUB_OFFLINE", "1")

CORPUS_DIR = Path(__file__).parent / "fixtures" / "corpus"
CORPUS = CORPUS_DIR / "articles.jsonl"
GOLD = json.loads((CORPUS_DIR / "gold.json").read_text(encoding="utf-8"))
ARTICLES = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]

STORY_OF: dict[str, str] = {a: sid for sid, story in GOLD["stories"].items() for a in story["articles"]}
GOLD_STORYLINE: dict[str, str] = {sid: story["storyline"] for sid, story in GOLD["stories"].items()}
IDENTITIES: dict[str, dict[str, Any]] = {e["identity"]: e for e in GOLD["entities"]}

MAX_EVENTS_PER_STORY = 2
MIN_PAIR_RECALL = 0.8
DATE_SLACK = timedelta(days=1)
MAX_TITLE = 140


def open_target(why: str) -> pytest.MarkDecorator:
    """An issue-13 target this release does not meet yet, as a strict xfail: the day it passes, the
    suite fails until the marker goes, so a gap can be neither forgotten nor hidden."""
    return pytest.mark.xfail(strict=True, reason=f"issue 13 target not met yet: {why}")


@dataclass
class Snapshot:
    """What the store holds after ingesting the corpus, read back through the Tracker API."""

    report: dict[str, Any]
    added: list[str]
    event_of: dict[str, str | None] = field(default_factory=dict)  # article id -> event id
    storyline_of_event: dict[str, str] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)  # event id -> summary row
    mentions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # article id -> mentions
    entity_types: dict[str, str] = field(default_factory=dict)  # entity id -> stored type


def _all_events(tracker: Tracker) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = tracker.events(limit=100, cursor=cursor)
        rows.extend(page)
        if len(page) < 100:
            return rows
        cursor = page[-1]["cursor"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snapshot]:
    """Ingest the corpus once into a fresh SQLite store and read back everything the tests need."""
    tmp_path = tmp_path_factory.mktemp("corpus")
    with pytest.MonkeyPatch.context() as mp:
        # Module scope runs before conftest's per-test isolation: keep the user's config out here too.
        mp.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
        mp.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
        mp.setenv("HF_HUB_OFFLINE", "1")
        for name in list(os.environ):
            if name.startswith("STORYWEAVE_"):
                mp.delenv(name)
        with Tracker(db=tmp_path / "corpus.db") as tracker:
            report = tracker.ingest(str(CORPUS))
            snap = Snapshot(report=report.as_dict(), added=list(report.added))
            for article in ARTICLES:
                aid = article["id"]
                assignment = tracker.article_event(aid)
                event = assignment["event"]
                snap.event_of[aid] = event["id"] if event else None
                if event and assignment["storyline"]:
                    snap.storyline_of_event[event["id"]] = assignment["storyline"]["id"]
                found = tracker.article_entities(aid)
                snap.mentions[aid] = found["mentions"]
                for entity in found["entities"]:
                    snap.entity_types[entity["id"]] = entity["type"]
            for row in _all_events(tracker):
                snap.events[row["id"]] = row
                snap.storyline_of_event.setdefault(row["id"], row["storyline_id"])
    yield snap


# -- helpers ---------------------------------------------------------------------------------------------
def _members(snap: Snapshot) -> dict[str, list[str]]:
    """event id -> corpus article ids assigned to it."""
    out: dict[str, list[str]] = defaultdict(list)
    for aid, event_id in snap.event_of.items():
        if event_id is not None:
            out[event_id].append(aid)
    return out


def _stories_of_event(articles: list[str]) -> Counter[str]:
    return Counter(STORY_OF[a] for a in articles)


def _describe_event(snap: Snapshot, event_id: str, articles: list[str]) -> str:
    title = snap.events.get(event_id, {}).get("title")
    listed = ", ".join(f"{a} ({STORY_OF[a]})" for a in sorted(articles))
    return f"event {event_id} {title!r}: {listed}"


def _same_story_pairs(story: dict[str, Any]) -> list[tuple[str, str]]:
    return list(combinations(story["articles"], 2))


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[\W_]+", text.casefold()) if t]


# Arabic writes conjunctions and prepositions onto the next word: "وروسيا" is "and Russia".
_ARABIC_PROCLITICS = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل")


def _same_token(a: str, b: str) -> bool:
    if a == b:
        return True
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer.endswith(shorter) and longer[: len(longer) - len(shorter)] in _ARABIC_PROCLITICS


def _contains_tokens(outer: str, inner: str) -> bool:
    """``inner``'s words appear as a contiguous run of ``outer``'s words ("Fas" in "Fas'ın", "روسيا" in
    "وروسيا", but not "AB" in "ABD")."""
    big, small = _tokens(outer), _tokens(inner)
    if not small:
        return False
    return any(
        all(_same_token(x, y) for x, y in zip(big[i : i + len(small)], small, strict=True))
        for i in range(len(big) - len(small) + 1)
    )


def _matches(snap: Snapshot, article_id: str, surface: str) -> list[tuple[str, str]]:
    """(mention surface, entity id) of the mentions of ``surface`` in one article: the mentions with
    exactly that surface, else those whose span holds the surface as whole words or lies inside it
    ("Le Caire" for "Caire", "Jordan" for "Claire Jordan")."""
    resolved = [(m["surface"], m["entity_id"]) for m in snap.mentions.get(article_id, []) if m["entity_id"]]
    exact = [(text, entity_id) for text, entity_id in resolved if text == surface]
    if exact:
        return exact
    return [
        (text, entity_id)
        for text, entity_id in resolved
        if _contains_tokens(text, surface) or _contains_tokens(surface, text)
    ]


def _identity_matches(snap: Snapshot, identity: str) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(gold surface, article) -> the mentions found for it, for every gold surface of one identity."""
    return {
        (s["surface"], s["article"]): _matches(snap, s["article"], s["surface"])
        for s in IDENTITIES[identity]["surfaces"]
    }


def _identity_ids(snap: Snapshot, identity: str) -> set[str]:
    return {entity_id for found in _identity_matches(snap, identity).values() for _, entity_id in found}


def _show(surface: str, article: str, found: list[tuple[str, str]]) -> str:
    ids = sorted({entity_id for _, entity_id in found})
    via = sorted({text for text, _ in found if text != surface})
    return f"{surface!r}@{article}={ids}" + (f" via {via}" if via else "")


def _required(identity: str) -> bool:
    """People, places and organisations must be recognised; an 'other' identity (the disease) is in the
    gold only so that, when it is recognised, it stays apart from the acronyms it resembles."""
    return IDENTITIES[identity]["type"] in {"person", "place", "organisation"}


def _day(value: str) -> date:
    return date.fromisoformat(value[:10])


# -- 0. the corpus went in whole ---------------------------------------------------------------------------
def test_gold_is_consistent_with_the_corpus() -> None:
    ids = [a["id"] for a in ARTICLES]
    assert len(ids) == len(set(ids)), "article ids must be unique"
    assert sorted(STORY_OF) == sorted(ids), "every article must belong to exactly one gold story"
    text = {a["id"]: a["title"] + "\n" + a["text"] for a in ARTICLES}
    missing = [
        f"{e['identity']}: {s['surface']!r} in {s['article']}"
        for e in GOLD["entities"]
        for s in e["surfaces"]
        if s["surface"] not in text[s["article"]]
    ]
    assert not missing, "gold surfaces absent from their article:\n" + "\n".join(missing)
    unknown = [pair for pair in GOLD["must_differ"] if not set(pair) <= set(IDENTITIES)]
    assert not unknown, f"must_differ names unknown identities: {unknown}"


def test_every_article_is_stored_and_assigned(store: Snapshot) -> None:
    assert not store.report.get("rejected"), f"rejected inputs: {store.report}"
    not_added = sorted(set(STORY_OF) - set(store.added))
    assert not not_added, f"articles not added by the ingest: {not_added} (report {store.report})"
    unassigned = sorted(a for a, e in store.event_of.items() if e is None)
    assert not unassigned, f"articles in no event: {unassigned}"


# -- 1. event purity -------------------------------------------------------------------------------------
def test_no_event_mixes_two_stories(store: Snapshot) -> None:
    mixed = [
        _describe_event(store, event_id, articles)
        for event_id, articles in _members(store).items()
        if len(_stories_of_event(articles)) > 1
    ]
    assert not mixed, "events holding articles of different stories:\n" + "\n".join(mixed)


# -- 2. event recall -------------------------------------------------------------------------------------
def test_each_story_is_in_at_most_two_events(store: Snapshot) -> None:
    scattered = []
    for sid, story in GOLD["stories"].items():
        events = {store.event_of[a] for a in story["articles"]}
        if len(events) > MAX_EVENTS_PER_STORY:
            split = ", ".join(f"{a}->{store.event_of[a]}" for a in story["articles"])
            scattered.append(f"{sid} is spread over {len(events)} events: {split}")
    assert not scattered, "\n".join(scattered)


def test_same_story_pairs_share_an_event(store: Snapshot) -> None:
    together = total = 0
    per_story = []
    for sid, story in GOLD["stories"].items():
        pairs = _same_story_pairs(story)
        hits = sum(1 for a, b in pairs if store.event_of[a] is not None and store.event_of[a] == store.event_of[b])
        together += hits
        total += len(pairs)
        per_story.append(f"{sid}: {hits}/{len(pairs)}")
    recall = together / total
    assert recall >= MIN_PAIR_RECALL, (
        f"only {recall:.0%} of same-story article pairs share an event (want >= {MIN_PAIR_RECALL:.0%}): "
        + "; ".join(per_story)
    )


# -- 3. storylines ---------------------------------------------------------------------------------------
def test_no_storyline_mixes_unrelated_stories(store: Snapshot) -> None:
    stories_in: dict[str, set[str]] = defaultdict(set)
    for aid, event_id in store.event_of.items():
        if event_id is not None:
            stories_in[store.storyline_of_event[event_id]].add(STORY_OF[aid])
    mixed = []
    for storyline_id, stories in stories_in.items():
        gold_lines = {GOLD_STORYLINE[s] for s in stories}
        if len(gold_lines) > 1:
            mixed.append(f"storyline {storyline_id} links unrelated stories {sorted(stories)}")
    assert not mixed, "\n".join(mixed)


@open_target(
    "the Rabat conference's first article fits the quake's storyline at cosine 0.68 (< storyline_min_cosine 0.70) "
    "sharing 3 rare names; a follow-up rule (overlap >= 0.45 links from cosine 0.60) joins them, but on semeval-dev "
    "it put 51 instead of 33 of 706 different-story pairs into one storyline: half the fits it adds there join "
    "different stories"
)
def test_follow_up_events_share_a_storyline(store: Snapshot) -> None:
    by_gold_line: dict[str, list[str]] = defaultdict(list)
    for sid, line in GOLD_STORYLINE.items():
        by_gold_line[line].append(sid)
    broken = []
    for line, sids in by_gold_line.items():
        if len(sids) < 2:
            continue
        found = {
            sid: sorted(
                {
                    store.storyline_of_event[e]
                    for a in GOLD["stories"][sid]["articles"]
                    if (e := store.event_of[a]) is not None
                }
            )
            for sid in sids
        }
        if len({s for ids in found.values() for s in ids}) != 1:
            broken.append(f"gold storyline {line}: stories are in storylines {found}")
    assert not broken, "follow-up events not linked into one storyline:\n" + "\n".join(broken)


# -- 4. entities -----------------------------------------------------------------------------------------
def test_every_gold_surface_is_a_resolved_mention(store: Snapshot) -> None:
    missing = [
        f"{identity}: {surface!r} in {article}"
        for identity in IDENTITIES
        if _required(identity)
        for (surface, article), found in _identity_matches(store, identity).items()
        if not found
    ]
    total = sum(len(e["surfaces"]) for e in GOLD["entities"] if _required(e["identity"]))
    assert not missing, f"{len(missing)}/{total} gold surfaces have no resolved mention:\n" + "\n".join(missing)


def test_each_identity_has_one_entity_id(store: Snapshot) -> None:
    split = []
    for identity in IDENTITIES:
        found = _identity_matches(store, identity)
        ids = _identity_ids(store, identity)
        if len(ids) > 1:
            detail = "; ".join(_show(s, a, f) for (s, a), f in found.items() if f)
            split.append(f"{identity} is split over {len(ids)} ids: {detail}")
    assert not split, f"{len(split)}/{len(IDENTITIES)} identities have several ids:\n" + "\n".join(split)


def test_confusable_names_keep_different_ids(store: Snapshot) -> None:
    merged = []
    for first, second in GOLD["must_differ"]:
        shared = _identity_ids(store, first) & _identity_ids(store, second)
        if shared:
            merged.append(f"{first} and {second} share {sorted(shared)}")
    assert not merged, "confusable names merged into one entity:\n" + "\n".join(merged)


def test_identities_have_the_gold_type(store: Snapshot) -> None:
    wrong = []
    for identity, gold in IDENTITIES.items():
        if not _required(identity):
            continue
        bad = {i: store.entity_types.get(i) for i in _identity_ids(store, identity)}
        bad = {i: t for i, t in bad.items() if t != gold["type"]}
        if bad:
            wrong.append(f"{identity} should be {gold['type']}: {bad}")
    assert not wrong, "\n".join(wrong)


# -- 5. dates --------------------------------------------------------------------------------------------
def test_event_dates_fall_within_the_happening(store: Snapshot) -> None:
    wrong = []
    for event_id, articles in _members(store).items():
        stories = _stories_of_event(articles)
        story_id = stories.most_common(1)[0][0]
        mixed = f" (the event also holds {sorted(set(stories) - {story_id})})" if len(stories) > 1 else ""
        gold_first, gold_last = (_day(d) for d in GOLD["stories"][story_id]["dates"])
        row = store.events.get(event_id)
        if row is None:
            wrong.append(f"{event_id} ({story_id}) is not listed by tracker.events()")
            continue
        first, last = row["first_date"], row["last_date"]
        if not first or not last:
            wrong.append(f"{event_id} ({story_id}) has no dates: first={first!r} last={last!r}")
            continue
        if _day(first) < gold_first - DATE_SLACK or _day(last) > gold_last + DATE_SLACK:
            wrong.append(
                f"{event_id} ({story_id}) is dated {first[:10]}..{last[:10]}, "
                f"the happening was {gold_first}..{gold_last}{mixed}"
            )
    assert not wrong, "events dated outside their happening (±1 day):\n" + "\n".join(wrong)


# -- 6. titles -------------------------------------------------------------------------------------------
def test_event_titles_are_headlines(store: Snapshot) -> None:
    long_or_empty = [
        f"{event_id}: {len(row['title'] or '')} chars {(row['title'] or '')[:80]!r}"
        for event_id, row in store.events.items()
        if not (row["title"] or "").strip() or len(row["title"]) > MAX_TITLE
    ]
    assert not long_or_empty, f"event titles empty or longer than {MAX_TITLE} characters:\n" + "\n".join(long_or_empty)
