"""What the command's start-up leans on: a paused cycle collector comes back as it was, the
demonym index built from bare tokens is the one full name forms gave, and the workers' models are
loaded early only when a pool will run (and then the pool stores what an in-process run does:
``test_executors``)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from storyweave import Settings, Tracker
from storyweave.entities.kb.base import COUNTRY_PRIORITY, get_kb
from storyweave.entities.kb.demonyms import demonym_country, demonym_index
from storyweave.entities.names import name_form
from storyweave.memory import collector_paused


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        (gc.enable if was else gc.disable)()


def test_the_collector_runs_again_only_after_the_last_of_overlapping_pauses(collector_on: None) -> None:
    inside, leave = threading.Event(), threading.Event()

    def other_load() -> None:  # the writer's warm-up thread loading the knowledge base meanwhile
        with collector_paused():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=other_load)
    with collector_paused():
        assert not gc.isenabled()
        thread.start()
        assert inside.wait(5)
        with collector_paused():  # nested: the demonym index inside a preload
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread's load is still under way
    leave.set()
    thread.join(5)
    assert gc.isenabled()


def test_a_collector_switched_off_before_a_pause_stays_off(collector_on: None) -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_the_demonym_index_is_the_one_full_name_forms_give() -> None:
    """The index reads each name's tokens only; built from ``name_form``'s tokens (as it was), the
    names and stems are the same."""
    kb = get_kb()
    index = demonym_index(kb)
    names: dict[str, set[str]] = {}
    stems: dict[str, str] = {}
    for entity in sorted(kb.entities.values(), key=lambda e: e.id):
        country = entity.priority >= COUNTRY_PRIORITY and entity.type == "place"
        for lang, name in entity.names.items():
            form = name_form(name, drop_titles=False)
            if len(form.tokens) != 1:
                continue
            word = form.tokens[0]
            names.setdefault(word, set()).add(lang)
            if country:
                for cut in range(5):
                    stem = word[: len(word) - cut]
                    if len(stem) >= (3 if "\u0600" <= stem[:1] <= "\u06ff" else 4):
                        stems.setdefault(stem, entity.id)
    assert index.names == names
    assert index.stems == stems
    russia = demonym_country(kb, "Russian", "en")
    assert russia is not None and kb.entities[russia].name == "Russia"
    assert demonym_country(kb, "Russia", "en") is None


@pytest.mark.parametrize(
    ("overrides", "inputs"),
    [
        ({"workers": 2}, None),  # stdin or a URL: not counted, so not known to need a pool
        ({"workers": 2, "parallel_after": 64}, 63),  # enriched in process
        ({"workers": 1}, 1000),  # no pool at one worker
        ({"workers": 2, "executor": "inprocess"}, 1000),
    ],
)
def test_workers_are_started_early_only_for_a_pool(
    tmp_path: Path, overrides: dict[str, object], inputs: int | None
) -> None:
    with Tracker(db=tmp_path / "s.db", settings=Settings(overrides)) as tracker:
        assert tracker.start_workers(inputs) is False
