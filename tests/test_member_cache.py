"""The writer's cache of member profiles: an entity merge drops exactly the profiles naming the ids
merged away, whatever the cache evicted meanwhile."""

from __future__ import annotations

import copy
from pathlib import Path

from test_cluster import STREAM
from test_cluster import enriched as enriched  # a fixture
from test_cluster import enricher as enricher  # a fixture

from storyweave import Settings, Tracker
from storyweave.cluster.members import MemberCache
from storyweave.models import EnrichedArticle


def test_forgetting_entities_drops_the_profiles_naming_them_and_keeps_the_others(
    enriched: dict[str, EnrichedArticle], tmp_path: Path
) -> None:
    with Tracker(db=tmp_path / "m.db", settings=Settings.load(environ={})) as tracker:
        for article_id in STREAM:
            tracker.writer.store(copy.deepcopy(enriched[article_id]))
        cache = MemberCache(tracker.db, size=4)
        # The first two are evicted by the four after them: forgetting their entities must not trip.
        held = {article_id: cache.get(article_id) for article_id in STREAM}
        kept = STREAM[-4:]
        outcomes = []
        # First the ids of an evicted profile, then the rarest id of a held one.
        rarest = min(held[kept[0]].entities, key=lambda e: sum(e in held[a].entities for a in kept))
        for forgotten in (set(held[STREAM[0]].entities), {rarest}):
            gone = {a for a in kept if not forgotten.isdisjoint(held[a].entities)}
            cache.forget_entities(forgotten)
            for article_id in kept:
                again = cache.get(article_id)
                outcomes.append(again is held[article_id])
                assert outcomes[-1] == (article_id not in gone)
                assert again.entities == held[article_id].entities  # read again from the store
                held[article_id] = again
        assert True in outcomes and False in outcomes  # some were dropped, some kept
