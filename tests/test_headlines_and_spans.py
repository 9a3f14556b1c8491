"""Event titles that read as headlines, and event date ranges that leave outliers out."""

from __future__ import annotations

from datetime import date

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


def _day(text: str) -> int:
    return date.fromisoformat(text).toordinal()


def test_event_ranges_leave_outlying_days_out_and_prefer_publication_dates() -> None:
    pope = [(_day("2019-12-31"), False), (_day("2020-01-01"), False), (_day("1936-12-17"), False)]
    assert happening_range(pope, 7) == (_day("2019-12-31"), _day("2020-01-01"))
    # A publication date outranks every estimate; estimates alone still give a range.
    mixed = [(_day("2024-03-28"), True), (_day("2024-03-22"), False), (_day("2024-03-29"), True)]
    assert happening_range(mixed, 7) == (_day("2024-03-28"), _day("2024-03-29"))
    assert happening_range([], 7) == (None, None)
    # A story that runs over days keeps all of them.
    days = [(_day(f"2020-01-0{d}"), True) for d in range(1, 8)]
    assert happening_range(days, 7) == (_day("2020-01-01"), _day("2020-01-07"))
