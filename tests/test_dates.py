"""Date finding and normalisation against the publication date.

Unless a test says otherwise, articles are published on Friday 29 March 2024 (the day after the
28 March press briefing the seeds report), so "Ce jeudi" is Thursday 28 March 2024.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storyweave.dates import find_dates, parse_publication
from storyweave.models import Article, DateMention

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ARABIC_SEED = EXAMPLES / "000_f35a44fb5feb97ee.txt"
FRENCH_SEED = EXAMPLES / "004_c0189183aaa892e8.txt"


PUBLISHED = "2024-03-29T10:00:00+07:00"


def _events(text: str, lang: str, published: str | None = PUBLISHED) -> list[DateMention]:
    article = Article(id="d", title="", text=text, origin="test", lang=lang, publish_date=published)
    return [d for d in find_dates(article) if d.kind == "event"]


def _dates(text: str, lang: str, published: str | None = PUBLISHED) -> list[str]:
    return [d.date for d in _events(text, lang, published)]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("fr", "Ce jeudi après-midi, à Hanoi, il a parlé.", "2024-03-28"),
        ("fr", "Il l'avait dit jeudi dernier.", "2024-03-28"),
        ("fr", "Il est arrivé hier soir.", "2024-03-28"),
        ("fr", "Le sommet a eu lieu le 26 mars.", "2024-03-26"),
        ("fr", "Le sommet a eu lieu le 26 mars 2024.", "2024-03-26"),
        ("fr", "La réunion du 5 janvier a été reportée.", "2024-01-05"),
        ("fr", "Il était venu le 20 décembre.", "2023-12-20"),
        ("en", "He said so yesterday.", "2024-03-28"),
        ("en", "They met last Tuesday.", "2024-03-26"),
        ("en", "They met on March 26.", "2024-03-26"),
        ("en", "They met on March 26, 2024.", "2024-03-26"),
        ("en", "The report appeared in March 2023.", "2023-03"),
        ("en", "It was filed on 03/26/2024.", "2024-03-26"),
        ("ar", "في يوم 26 مارس، أجرى الأمين العام مكالمة.", "2024-03-26"),
        ("ar", "وقال أمس إن الزيارة ستتم.", "2024-03-28"),
        ("ar", "وقع الهجوم في ٢٢ مارس ٢٠٢٤.", "2024-03-22"),
        ("ar", "اجتمعا يوم الخميس الماضي.", "2024-03-28"),
        ("ru", "Об этом стало известно вчера.", "2024-03-28"),
        ("ru", "Переговоры прошли в среду.", "2024-03-27"),
        ("ru", "Теракт произошёл 22 марта 2024 года.", "2024-03-22"),
        ("de", "Das Treffen fand am 26.03.2024 statt.", "2024-03-26"),
        ("de", "Er sagte am Dienstag, es gehe voran.", "2024-03-26"),
        ("de", "Der Vertrag wurde am 26. März 2024 unterzeichnet.", "2024-03-26"),
        ("zh", "2024年3月26日，两国领导人通电话。", "2024-03-26"),
        ("zh", "双方上周三举行会谈。", "2024-03-20"),
        ("vi", "Chiều ngày 26/3, hai nhà lãnh đạo điện đàm.", "2024-03-26"),
        ("vi", "Hai bên gặp nhau thứ Năm tuần trước.", "2024-03-21"),
        ("tr", "Görüşme 26 Mart'ta yapıldı.", "2024-03-26"),
        ("tr", "Salı günü açıklama yapıldı.", "2024-03-26"),
        ("es", "La reunión fue el 26 de marzo.", "2024-03-26"),
        ("es", "La reunión fue el martes pasado.", "2024-03-26"),
        ("es", "Lo anunció hace 3 días.", "2024-03-26"),
    ],
)
def test_expressions(lang: str, text: str, expected: str) -> None:
    assert _dates(text, lang) == [expected]


def test_mention_keeps_expression_and_sentence() -> None:
    [mention] = _events("Le bilan est lourd. Le sommet a eu lieu le 26 mars 2024 à Hanoi. Rien d'autre.", "fr")
    assert mention.expression == "26 mars 2024"
    assert mention.sentence == "Le sommet a eu lieu le 26 mars 2024 à Hanoi."
    assert mention.kind == "event"


def test_publication_date_comes_first() -> None:
    article = Article(id="d", title="", text="Rien.", origin="t", publish_date="2024-03-29T10:00:00Z")
    assert find_dates(article) == [DateMention("2024-03-29", "publish_date", "", kind="publication", happening=True)]


def test_counts_and_scores_are_not_dates() -> None:
    text = "L'attaque a fait 22 morts et 145 blessés. Le score était de 3-1. Il y avait 2024 participants."
    assert _dates(text, "fr") == []
    assert _dates("The attack killed 22 people; 140 were wounded on 3 sites.", "en") == []


def test_without_publication_date_a_yearless_date_takes_the_year_of_the_text_s_dates() -> None:
    # "le 26 mars" gets its year from "22 mars 2024"; "Hier" and "Ce jeudi" need a publication date.
    text = "Hier, le 26 mars, puis le 22 mars 2024. Ce jeudi aussi."
    assert _dates(text, "fr", published=None) == ["2024-03-26", "2024-03-22"]
    assert _dates("Hier, le 26 mars. Ce jeudi aussi.", "fr", published=None) == []
    # The year goes to the nearest reading: 31 December before a text dated 1 January 2020.
    assert _dates("Am Silvesterabend kam es zum Eklat. Am 1. Januar 2020 entschuldigte er sich.", "de", None) == [
        "2019-12-31",
        "2020-01-01",
    ]


def _happening(text: str, lang: str, published: str | None) -> list[str]:
    return [d.date for d in _events(text, lang, published) if d.happening]


def test_the_happening_is_the_lead_s_dates_never_background_dates() -> None:
    # The seed: the briefing (28 March) and the call (26 March) open the text; the attack of
    # 22 March 2024 and the teaser's 23 March come later, as background.
    text = ARABIC_SEED.read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    article = Article(id="s", title=title, text=body, origin="test", lang="ar")
    assert sorted({d.date for d in find_dates(article) if d.happening}) == ["2024-03-26", "2024-03-28"]
    # Births, anniversaries and "since" are background wherever they stand; the sentence's own news
    # is the latest date it names beside them.
    born = "Le pape, né le 17 décembre 1936, a présenté ses excuses le 1er janvier 2020."
    assert _happening(born, "fr", None) == ["2020-01-01"]
    assert _happening("Le pape est né le 17 décembre 1936 à Buenos Aires.", "fr", None) == []
    anniversary = (
        "Cuba inició el 1 de enero de 2020 las celebraciones del 61 aniversario de la revolución, que llegó "
        "al poder en igual fecha de 1959. Como es tradición, se festeja hoy el triunfo de la Revolución, "
        "ocurrido el 1 de enero de 1959."
    )
    assert _happening(anniversary, "es", None) == ["2020-01-01"]
    lead = "Der Papst entschuldigte sich am 1. Januar 2020. Er wurde am 17. Dezember 1936 geboren."
    assert _happening(lead, "de", None) == ["2020-01-01"]
    # With a publication date: dates close before it are the happening's, older ones are not.
    text = "Le sommet s'est tenu le 27 mars 2024. Un premier accord datait du 3 juin 2021."
    assert _happening(text, "fr", PUBLISHED) == ["2024-03-27"]
    # A birthday the lead mentions is background too; an age alone is not.
    text = "Lawrow traf am 7. April 2025 in Kairo ein. Lawrow, der am 21. März 75 Jahre alt geworden war, sprach."
    assert _happening(text, "de", None) == ["2025-04-07"]
    text = "Un hombre de 54 años murió el 3 de marzo de 2025 en Madrid."
    assert _happening(text, "es", None) == ["2025-03-03"]
    # A profile box's date of birth, in any of the forms news pages print, is background.
    box = "Kandidat im Steckbrief\n\nName Prince Damien Geburtsdatum 12. Dezember 1990 Geburtsort Johannesburg"
    assert _happening(box, "de", None) == []
    assert _happening("Nom : Jean Dupont. Date de naissance : 3 mai 1970.", "fr", None) == []
    assert _happening("Doğum tarihi: 5 Mayıs 1981. Doğum yeri: İzmir.", "tr", None) == []
    # Years before the text's latest date are background even in the lead.
    text = "Les élections du 5 mai 2019 ont été annulées le 2 février 2022."
    assert _happening(text, "fr", None) == ["2022-02-02"]


def test_an_undated_career_recap_does_not_date_the_happening() -> None:
    # An undated report of a boxer stabbed at a New Year party, which recalls his last fights: the
    # fights are the past, the New Year is the one opening the year the text names.
    text = (
        "El ex boxeador fue herido esta madrugada en una cabaña. Está fuera de peligro. "
        "Estaba allí con amigos para festejar el inicio del 2021 y celebraba el Año Nuevo. "
        "Volvió al ring en 2019. Luego, el 5 de julio de 2020 venció por puntos en Rosario."
    )
    assert _happening(text, "es", None) == ["2021-01-01"]
    # "Since" recalls a stretch of the past: no date in it is this week's news, not even the latest.
    since = (
        "Un hombre fue detenido en Córdoba. La policía lo buscaba. "
        "Volvió al boxeo en diciembre de 2019 y desde entonces ganó dos combates, el último el 5 de julio de 2020."
    )
    assert _happening(since, "es", None) == []
    # Without the following year named, the New Year nearest the text's latest date is still read.
    assert _dates("Celebraba el Año Nuevo. El 5 de julio de 2020 venció en Rosario.", "es", None) == [
        "2020-01-01",
        "2020-07-05",
    ]


def test_holidays_are_dates() -> None:
    assert _dates("Pope Francis slapped a woman's hand on New Year's Eve.", "en") == ["2023-12-31"]
    assert _dates("El papa recibió el Año Nuevo con un gesto brusco.", "es") == ["2024-01-01"]


def test_impossible_dates_are_dropped() -> None:
    assert _dates("Le 31 février 2024 et le 32.13.2024.", "fr") == []


def test_unreadable_publication_date_is_ignored() -> None:
    assert parse_publication("not a date") is None
    assert parse_publication("2024-03-29") is not None
    assert _dates("Il est venu hier.", "fr", published="someday") == []


def test_arabic_seed_dates() -> None:
    text = ARABIC_SEED.read_text(encoding="utf-8")
    found = {d.date for d in _events(text, "ar")}
    assert {"2024-03-28", "2024-03-26", "2024-03-22", "2024-03-23"} <= found
    assert all(d <= "2024-03-29" for d in found)


def test_french_seed_ce_jeudi() -> None:
    [mention] = _events(FRENCH_SEED.read_text(encoding="utf-8"), "fr")
    assert (mention.date, mention.expression) == ("2024-03-28", "Ce jeudi")


def test_a_page_timestamp_in_the_text_is_its_publication_date() -> None:
    text = (
        "Dirigent Andris Nelsons ist sein Debüt geglückt.\nvon dpa\n01. Januar 2020, 14:55 Uhr\n"
        "Das Festkonzert steht schon in wenigen Tagen, am 6. Januar, an. Hier spielt er. "
        "Im Jahr darauf, am 1. Jänner 2021, dirigiert Riccardo Muti."
    )
    found = find_dates(Article(id="a", url="", title="Neujahrskonzert", text=text, lang="de", origin=""))
    # The timestamp dates the happening and places the other dates; it is no publication date (which
    # would make days decide windows), the yearless date takes its year, next year's concert is no
    # day of the happening, and German "hier" (here) is not French "hier" (yesterday).
    assert [d.date for d in found if d.happening] == ["2020-01-01"]
    assert not [d for d in found if d.kind == "publication"]
    assert "2020-01-06" in [d.date for d in found]
    assert "2021-01-01" not in [d.date for d in found if d.happening]
    assert "2019-12-31" not in [d.date for d in found]
    # A sentence naming a date and a time is no timestamp: "gestern" stays unplaced.
    said = "Der Angriff begann am 22. März 2024 gegen 20:00 Uhr bei Moskau, sagte die Polizei gestern."
    assert [d.date for d in find_dates(Article(id="b", url="", title="", text=said, lang="de", origin=""))] == [
        "2024-03-22"
    ]
