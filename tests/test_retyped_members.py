"""A member profile the writer cached before an entity's type changed is read again: scoring reads
the type the store holds, as an assigner rebuilt after a restart would."""

from __future__ import annotations

import copy
from pathlib import Path

from test_cluster import STREAM
from test_cluster import enriched as enriched  # a fixture
from test_cluster import enricher as enricher  # a fixture

from storyweave import Settings, Tracker
from storyweave.cluster.members import MemberCache
from storyweave.models import EnrichedArticle, Entity, EntityType, Mention

NAME = "Quellbrück Varn"  # a name no knowledge base holds: its type is its mentions' majority


def _naming(item: EnrichedArticle, kind: EntityType) -> EnrichedArticle:
    """``item`` with one more mention, at the end of its text, of NAME typed ``kind``."""
    named = copy.deepcopy(item)
    named.article.text += f" {NAME}."
    start = len(named.article.title) + 2 + len(named.article.text) - len(NAME) - 1
    entity_id = "sw:quellbruck-varn"
    named.mentions.append(Mention(NAME, start, start + len(NAME), kind, named.article.lang, entity_id))
    named.entities.append(Entity(entity_id, kind, {named.article.lang: NAME}))
    return named


def test_a_cached_member_profile_reads_the_type_the_entity_was_settled_to(
    enriched: dict[str, EnrichedArticle], tmp_path: Path
) -> None:
    first, *later = STREAM[:3]
    with Tracker(db=tmp_path / "r.db", settings=Settings.load(environ={})) as tracker:
        writer = tracker.writer
        assert writer.assigner is not None
        writer.store(_naming(enriched[first], "organisation"))
        cached = writer.assigner.members.get(first)
        (entity_id,) = [e for e, (_, count) in cached.entities.items() if e.endswith("quellbruck-varn")]
        assert cached.entities[entity_id][0] == "organisation"
        for article_id in later:  # two mentions typed person outvote the first article's one
            writer.store(_naming(enriched[article_id], "person"))
        assert tracker.db.entity_types([entity_id]) == {entity_id: "person"}
        fresh = MemberCache(tracker.db).get(first)
        assert fresh.entities[entity_id][0] == "person"
        assert writer.assigner.members.get(first).entities == fresh.entities
