"""Articles in a language usem3 never learned (Persian here) still join the events they report.

usem3's vector of a Persian text says little about its meaning: a Persian report and an English
one of the same meeting sit at a cosine of about 0.3, unrelated pairs' level.  So for such a text
the usem3 cosines are missing features (``pairs.features``), its pairs are scored by the models
that never read usem3 (``PairScorer.without_usem3``), and the events it is compared with are found
by the entities it shares with them, not by its usem3 vector (``Assigner._neighbours``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from storyweave import Settings, Tracker
from storyweave.embed import stand_in_usem3, usem3_reads
from storyweave.pairs import FEATURE_NAMES, PairScorer
from storyweave.pairs.features import USEM3_COSINES, ArticleProfile, pair_features

FIXTURE = Path(__file__).parent / "fixtures" / "languages" / "three_stories.jsonl"
USEM3_COLUMNS = [FEATURE_NAMES.index(name) for name in USEM3_COSINES]


def _profile(lang: str, seed: int) -> ArticleProfile:
    rng = np.random.default_rng(seed)
    vectors = {name: rng.normal(size=8).astype(np.float32) for name in ("usem3", "usem3_title", "e5")}
    return ArticleProfile(vectors=vectors, lang=lang)


def test_usem3_reads_its_sixteen_languages_and_undetermined_text_only() -> None:
    assert all(usem3_reads(lang) for lang in ("en", "ar", "zh", "ru", "tr", "und"))
    assert not any(usem3_reads(lang) for lang in ("fa", "uk", "hi", "he", "id", "sw"))


def test_a_text_usem3_never_learned_gets_a_stand_in_vector_mapped_from_e5() -> None:
    rng = np.random.default_rng(0)
    e5 = rng.normal(size=384).astype(np.float32)
    noise = rng.normal(size=512).astype(np.float32)
    persian = {"usem3": noise.copy(), "e5": e5}
    stand_in_usem3("fa", persian)
    assert persian["usem3"].shape == (512,) and not np.allclose(persian["usem3"], noise)
    assert float(np.linalg.norm(persian["usem3"])) == pytest.approx(1.0, abs=1e-5)
    english = {"usem3": noise.copy(), "e5": e5}
    stand_in_usem3("en", english)
    np.testing.assert_array_equal(english["usem3"], noise)
    # The same e5 vector gives the same stand-in in every language usem3 does not read.
    ukrainian = {"usem3": noise.copy(), "e5": e5}
    stand_in_usem3("uk", ukrainian)
    np.testing.assert_array_equal(ukrainian["usem3"], persian["usem3"])


def test_usem3_cosines_are_missing_when_either_side_is_in_a_language_usem3_never_learned() -> None:
    idf = lambda entity_id: 1.0  # noqa: E731
    covered = pair_features(_profile("en", 1), _profile("ru", 2), idf)
    uncovered = pair_features(_profile("en", 1), _profile("fa", 2), idf)
    assert not any(math.isnan(covered[c]) for c in USEM3_COLUMNS)
    assert all(math.isnan(uncovered[c]) for c in USEM3_COLUMNS)
    e5 = FEATURE_NAMES.index("cos_e5")
    assert uncovered[e5] == pytest.approx(covered[e5])


def test_the_committed_scorer_scores_pairs_without_usem3_by_models_that_never_read_it() -> None:
    scorer = PairScorer.load()
    assert scorer.without_usem3 is not None
    any_language, same_language = scorer.without_usem3
    assert not set(USEM3_COSINES) & set(any_language.features)
    assert same_language is not None and not set(USEM3_COSINES) & set(same_language.features)
    # A row without usem3 is scored by them, not by the full model with usem3 imputed by its mean.
    row = np.zeros(len(FEATURE_NAMES))
    row[FEATURE_NAMES.index("cos_e5")] = 0.93
    row[USEM3_COLUMNS] = math.nan
    blind = float(scorer.score_many(row[None, :])[0])
    imputed = float(scorer.any_language_model.predict(row[None, :])[0])
    assert blind == pytest.approx(float(any_language.predict(row[None, :])[0]))
    assert blind != pytest.approx(imputed)


@pytest.fixture(scope="module")
def tracker(tmp_path_factory: pytest.TempPathFactory) -> Tracker:
    tracker = Tracker(db=tmp_path_factory.mktemp("uncovered") / "store.db", settings=Settings.load(environ={}))
    report = tracker.ingest(FIXTURE)
    assert len(report.added) == 13
    return tracker


@pytest.fixture(scope="module")
def event_of(tracker: Tracker) -> dict[str, str]:
    rows = tracker.db.conn.execute("SELECT article_id, event_id FROM event_articles")
    return {r["article_id"].removeprefix("sw-fixture-"): r["event_id"] for r in rows}


@pytest.mark.parametrize("story", ["sochi", "quake", "iphone"])
def test_a_persian_reports_stored_vector_is_nearest_its_own_storys(tracker: Tracker, story: str) -> None:
    # What the event index searches with: raw usem3 put the Persian quake report at 0.27 of the
    # English one, about its distance from anything.
    def vector(name: str) -> np.ndarray:
        found = tracker.db.load_vectors(f"sw-fixture-{name}")["usem3"]
        return np.asarray(found) / np.linalg.norm(found)

    mine = vector(f"{story}-fa")
    cosines = {other: float(mine @ vector(f"{other}-en")) for other in ("sochi", "quake", "iphone")}
    nearest_other = max(c for other, c in cosines.items() if other != story)
    assert cosines[story] >= 0.4 and cosines[story] - nearest_other >= 0.1, cosines


@pytest.mark.parametrize("story", ["sochi", "quake"])
def test_a_persian_report_joins_the_event_other_languages_report(event_of: dict[str, str], story: str) -> None:
    assert event_of[f"{story}-fa"] == event_of[f"{story}-en"]


def test_no_report_joins_another_storys_event(event_of: dict[str, str]) -> None:
    # The Persian iPhone report names Apple only as "شرکت اپل" ("the company Apple"), which the
    # recogniser keeps whole, so it shares no entity with the other reports and stays apart: a
    # missed join, never a wrong one.
    story_of = {event: name.split("-")[0] for name, event in event_of.items() if not name.endswith("-fa")}
    assert len(set(story_of.values())) == 3 and len(story_of) == 3
    for name, event in event_of.items():
        assert story_of.get(event, name.split("-")[0]) == name.split("-")[0], name


def test_chinese_and_japanese_reports_name_the_country_not_a_region_called_north(event_of: dict[str, str]) -> None:
    # 智利北部 / チリ北部: Chile's north.  北部 alone once resolved to Malawi's Northern Region.
    assert event_of["quake-zh"] == event_of["quake-ja"] == event_of["quake-en"]


def test_an_event_a_persian_report_founds_is_joined_by_the_reports_that_follow(tmp_path: Path) -> None:
    sochi = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if "-sochi-" in line]
    sochi.sort(key=lambda a: not a["id"].endswith("-fa"))  # the Persian report first
    source = tmp_path / "sochi.jsonl"
    source.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in sochi), encoding="utf-8")
    tracker = Tracker(db=tmp_path / "store.db", settings=Settings.load(environ={}))
    tracker.ingest(source)
    events = {r["event_id"] for r in tracker.db.conn.execute("SELECT event_id FROM event_articles")}
    assert len(events) == 1
