"""Event titles that read as headlines, and event date ranges that leave outliers out."""

from __future__ import annotations

from datetime import date
from typing import Any

from conftest import ARABIC_SEED

from storyweave.cluster.index import happening_range
from storyweave.summarize import HEADLINE_CHARS, headline


def test_a_paragraph_long_first_line_becomes_its_main_clause() -> None:
    opening = ARABIC_SEED.read_text(encoding="utf-8").splitlines()[0]
    assert len(opening) > 300
    title = headline(opening)
    # What the spokesman said is the news: the phone call of 26 March.
    assert title.startswith("في يوم 26 مارس") and "مكالمة هاتفية" in title
    assert len(title) <= HEADLINE_CHARS


def test_headlines_keep_short_titles_and_cut_long_ones_at_a_clause_or_word() -> None:
    assert headline("Proteste: Zwischenfälle bei Silvesterfeiern in Hongkong") == (
        "Proteste: Zwischenfälle bei Silvesterfeiern in Hongkong"
    )
    long_clauses = (
        "Ville de Bruxelles : une centaine de personnes évacuée après un incendie dans un immeuble de la rue "
        "Haute, selon les pompiers qui ont été appelés vers 3 heures du matin et sont restés sur place"
    )
    assert headline(long_clauses).endswith("rue Haute…")
    no_punctuation = " ".join(["word"] * 60)
    cut = headline(no_punctuation)
    assert cut.endswith("…") and len(cut) <= HEADLINE_CHARS + 1 and not cut[:-1].endswith(" ")
    assert headline("First sentence is short. " + no_punctuation) == "First sentence is short."


def test_a_live_tickers_title_is_its_first_item() -> None:
    ticker = "Schäden durch Feuerwerk +++ Betrunkener sucht Freundin in Altstätten +++ Mann wütet bei Familienfeier"
    assert headline(ticker) == "Schäden durch Feuerwerk"
    # Too short a first item is a label, not a headline: the title stays whole.
    assert headline("Live +++ Regierung tritt zurück") == "Live +++ Regierung tritt zurück"


def _day(text: str) -> int:
    return date.fromisoformat(text).toordinal()


def test_event_ranges_leave_outlying_days_out_and_prefer_publication_dates() -> None:
    pope = [(_day("2019-12-31"), False), (_day("2020-01-01"), False), (_day("1936-12-17"), False)]
    assert happening_range(pope, 7) == (_day("2019-12-31"), _day("2020-01-01"))
    # A publication date outranks every estimate; estimates alone still give a range.
    mixed = [(_day("2024-03-28"), True), (_day("2024-03-22"), False), (_day("2024-03-29"), True)]
    assert happening_range(mixed, 7) == (_day("2024-03-28"), _day("2024-03-29"))
    assert happening_range([], 7) == (None, None)
    # Reports that name only the past they recall (1958, 1959) do not outvote this week's.
    recalled = [(_day("1958-07-26"), False), (_day("1959-01-01"), False), (_day("1959-01-01"), False)]
    recalled += [(_day("2020-01-01"), False), (_day("2020-01-01"), False)]
    assert happening_range(recalled, 4) == (_day("2020-01-01"), _day("2020-01-01"))
    # A story that runs over days keeps all of them.
    days = [(_day(f"2020-01-0{d}"), True) for d in range(1, 8)]
    assert happening_range(days, 7) == (_day("2020-01-01"), _day("2020-01-07"))



def test_of_two_reports_a_month_apart_the_later_dates_the_event() -> None:
    """Two undated members, each giving its first and last day: the suspected case of 27 January and
    the first confirmed case of 29 February.  The event is dated by the later, whichever went in first."""
    suspected, confirmed = _day("2020-01-27"), _day("2020-02-29")
    for days in ([suspected, suspected, confirmed, confirmed], [confirmed, confirmed, suspected, suspected]):
        assert happening_range([(d, False) for d in days], 4) == (confirmed, confirmed)


class _Settings:
    storyline_min_cosine = 0.6
    storyline_min_weight = 9.0
    storyline_strong_cosine = 0.8
    storyline_min_overlap = 0.3


class _State:
    settings = _Settings()


def test_a_storyline_is_continued_only_on_distinctive_shared_actors_and_a_close_whole() -> None:
    from storyweave.cluster.storylines import StorylineFit

    state: Any = _State()
    # Two rare shared actors and a storyline whose recent centroid is close: a continuation.
    assert StorylineFit("s", cosine=0.7, best_cosine=0.72, weight=11.0, actors=2, overlap=0.5).links(state)
    # Common entities only (a country, a head of state named everywhere): never enough.
    assert not StorylineFit("s", cosine=0.7, best_cosine=0.72, weight=11.0, actors=0, overlap=0.5).links(state)
    assert not StorylineFit("s", cosine=0.7, best_cosine=0.72, weight=4.0, actors=1, overlap=0.5).links(state)
    # Close to one event of the storyline but not to what it is about now: no chaining.
    assert not StorylineFit("s", cosine=0.45, best_cosine=0.75, weight=15.0, actors=3, overlap=0.5).links(state)
    # Sharing a police station and little else: what is shared is a small part of either.
    assert not StorylineFit("s", cosine=0.7, best_cosine=0.72, weight=11.0, actors=1, overlap=0.2).links(state)
    # Very close to a recent event: one story, even without entities.
    assert StorylineFit("s", cosine=0.5, best_cosine=0.85, weight=0.0, actors=0, overlap=0.0).links(state)
    # …unless both name their people and places and share none: one template, other places.
    assert not StorylineFit("s", 0.5, 0.85, 0.0, 0, 0.0, disjoint=True).links(state)


def test_the_front_page_ranks_by_coverage_and_recency_not_by_dates_texts_name() -> None:
    from storyweave.server.views import rank_events

    def event(eid: str, articles: int, langs: int, recency: str, last_date: str | None) -> dict[str, Any]:
        return {"id": eid, "articles": articles, "langs": {f"l{i}": 1 for i in range(langs)}, "sources": articles,
                "recency": recency, "last_date": last_date}

    # Ingested today, undated: the texts name 2019, but that is no clock; coverage decides.
    big = event("big", 29, 3, "2026-12-06", "2019-12-31")
    small = event("small", 2, 1, "2026-12-06", "2020-05-07")
    assert [e["id"] for e in rank_events([small, big])] == ["big", "small"]
    # Published events: a week-old big story gives way to today's well-covered one.
    old = event("old", 29, 3, "2026-11-29", "2026-11-29")
    new = event("new", 8, 2, "2026-12-06", "2026-12-06")
    assert [e["id"] for e in rank_events([old, new])] == ["new", "old"]
