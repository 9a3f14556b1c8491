"""Polish declines names, and a look-up sees through it (``lang.pl``, ``lang.inflection``).

"prezydent Rosji Władimir Putin spotkał się z prezydentem Turcji Recepem Tayyipem Erdoganem":
Rosji and Turcji are Russia and Turkey in the genitive (no nationality adjectives), cut off the
names the titles open, and "Recepem Tayyipem Erdoganem" (instrumental) is Recep Tayyip Erdogan.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storyweave import Settings, Tracker
from storyweave.entities import EntityRecognizer
from storyweave.entities.kb.base import get_kb
from storyweave.entities.kb.demonyms import demonym_country
from storyweave.lang.inflection import nominatives
from storyweave.models import Article

FIXTURE = Path(__file__).parent / "fixtures" / "languages" / "declined_names.jsonl"


@pytest.mark.parametrize(
    ("declined", "nominative"),
    [("Rosji", "Rosja"), ("Warszawie", "Warszawa"), ("Kremla", "Kreml"), ("Kijowa", "Kijów"), ("Polsce", "Polska")],
)
def test_a_declined_polish_name_reads_back_to_its_nominative(declined: str, nominative: str) -> None:
    assert nominative in nominatives(declined, "pl")


def test_a_country_in_the_genitive_is_the_country_not_its_adjective() -> None:
    assert demonym_country(get_kb(), "Rosji", "pl") is None
    assert demonym_country(get_kb(), "russische", "de") == "Q159"  # a real adjective still is one


def test_polish_titles_cut_the_country_off_the_name() -> None:
    text = "Prezydent Rosji Władimir Putin spotkał się z prezydentem Turcji Recepem Tayyipem Erdoganem w Warszawie."
    mentions, _ = EntityRecognizer(Settings.load(environ={})).analyse(
        Article(id="x", title="", text=text, origin="x", lang="pl")
    )
    found = {m.surface: (m.type, m.entity_id) for m in mentions}
    assert found["Rosji"] == ("place", "Q159") and found["Turcji"] == ("place", "Q43")
    assert found["Władimir Putin"][0] == "person" and found["Recepem Tayyipem Erdoganem"][0] == "person"
    assert found["Warszawie"][0] == "place"


def test_a_polish_report_names_the_people_an_english_one_names(tmp_path: Path) -> None:
    with Tracker(db=tmp_path / "store.db", settings=Settings.load(environ={})) as tracker:
        tracker.ingest(FIXTURE)

        def ids(surface: str) -> set[str]:
            rows = tracker.db.conn.execute("SELECT DISTINCT entity_id FROM mentions WHERE surface = ?", (surface,))
            return {r[0] for r in rows}

        assert ids("Władimir Putin") == ids("Vladimir Putin") and len(ids("Vladimir Putin")) == 1
        assert ids("Recepem Tayyipem Erdoganem") == ids("Recep Tayyip Erdogan")
        assert ids("Recep Tayyip Erdogan") != ids("Vladimir Putin")


def test_a_greek_report_names_places_and_people_other_scripts_name() -> None:
    text = (
        "Ο Ρώσος πρόεδρος Βλαντιμίρ Πούτιν συναντήθηκε τη Δευτέρα στο Σότσι με τον Τούρκο πρόεδρο Ρετζέπ "
        "Ταγίπ Ερντογάν. Συζήτησαν τον πόλεμο στη Συρία και τις εξαγωγές σιτηρών μέσω της Μαύρης Θάλασσας."
    )
    mentions, _ = EntityRecognizer(Settings.load(environ={})).analyse(
        Article(id="x", title="", text=text, origin="x", lang="el")
    )
    found = {m.surface: m.type for m in mentions}
    assert found == {
        "Βλαντιμίρ Πούτιν": "person",
        "Σότσι": "place",
        "Ρετζέπ Ταγίπ Ερντογάν": "person",
        "Συρία": "place",
        "Μαύρης Θάλασσας": "place",
    }
