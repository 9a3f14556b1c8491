"""Entity watches across scripts, on the seed story through the full pipeline (models included).

The Arabic seed writes Putin as بوتين / بوتن, the French one as Vladimir Poutine; both report one
phone call, so they form one event.  A watch written in either script follows that one entity, and
the French report joining the Arabic one is the event gaining a language and an outlet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import ARABIC_SEED, FRENCH_SEED

from storyweave import Tracker


def _fired(tracker: Tracker, watch: dict[str, Any]) -> list[tuple[str, str, list[str], list[str]]]:
    return [(a["kind"], a["event_id"], a["payload"]["new_langs"], a["payload"]["new_outlets"])
            for a in reversed(tracker.alerts(watch["id"]))]


def test_entity_watches_in_two_scripts_follow_the_seed_story_and_its_new_language(db_path: Path) -> None:
    with Tracker(db=db_path, workers=1) as tracker:
        arabic = tracker.add_watch(entity="بوتين")
        french_two_langs = tracker.add_watch(entity="Poutine", min_langs=2)
        french_words = tracker.add_watch(words="Poutine", langs=["fr"])
        football = tracker.add_watch(entity="Lionel Messi")

        tracker.ingest(ARABIC_SEED)
        event = tracker.article_event(ARABIC_SEED.name.removesuffix(".txt"))["event"]
        assert isinstance(event, dict)
        seed_event = str(event["id"])
        assert _fired(tracker, arabic) == [("new_event", seed_event, ["ar"], ["(unknown)"])]
        assert _fired(tracker, french_two_langs) == [] and _fired(tracker, french_words) == []

        tracker.ingest(FRENCH_SEED)
        french_event = tracker.article_event(FRENCH_SEED.name.removesuffix(".txt"))["event"]
        assert isinstance(french_event, dict) and french_event["id"] == seed_event, "the seeds are one event"
        assert _fired(tracker, arabic) == [("new_event", seed_event, ["ar"], ["(unknown)"]),
                                           ("coverage", seed_event, ["fr"], ["VOVWORLD"])]
        assert _fired(tracker, french_two_langs) == [("new_event", seed_event, ["ar", "fr"],
                                                      ["(unknown)", "VOVWORLD"])]
        assert _fired(tracker, french_words) == [("new_event", seed_event, ["fr"], ["VOVWORLD"])]
        assert _fired(tracker, football) == []

        # Both watches now name the one stored entity, whatever script they were written in.
        putin = tracker.find_entity("Poutine")["id"]
        assert tracker.find_entity("بوتين")["id"] == putin
        entities = {w["id"]: w["entity"] for w in tracker.watches()}
        assert entities[arabic["id"]]["id"] == entities[french_two_langs["id"]]["id"] == putin

        by_id = tracker.add_watch(entity=putin)  # an id works as well as a name
        assert by_id["entity"] == {"query": putin, "id": putin}

        tracker.ingest(ARABIC_SEED, FRENCH_SEED)  # the same changes again
        assert len(tracker.alerts(limit=100)) == 4
