"""The clean stage: cuts captions, credits, bylines, teasers, related links and repeats, never reporting."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyweave.clean import clean
from storyweave.models import Article, Removal

REPO = Path(__file__).resolve().parents[1]
CASES = json.loads((REPO / "tests" / "fixtures" / "clean" / "cases.json").read_text(encoding="utf-8"))
KINDS = {"caption", "credit", "byline", "teaser", "related", "repeated", "boilerplate"}


def seed(name: str) -> tuple[Article, list[str]]:
    """A seed article (first line the title) and its paragraphs, title first."""
    raw = next((REPO / "examples").glob(f"{name}_*.txt")).read_text(encoding="utf-8")
    title, _, text = raw.partition("\n")
    paragraphs = [line.strip() for line in raw.split("\n") if line.strip()]
    return Article(id=name, title=title.strip(), text=text.strip(), origin=name), paragraphs


def test_arabic_seed_keeps_the_body_and_cuts_credit_and_teasers() -> None:
    article, paragraphs = seed("000")
    cleaned = clean(article)
    # The first seven paragraphs (the title line included) are the report; the rest are teasers.
    body, teasers = paragraphs[:7], paragraphs[7:]
    assert cleaned.title == body[0]
    for paragraph in body[1:]:
        expected = paragraph.replace(" الصورة: مينه نهات", "")
        assert expected in cleaned.text.split("\n")
    assert "أجاب نائب المتحدث باسم وزارة الخارجية نجوين دوك ثانج في المؤتمر الصحفي." in cleaned.text
    assert "الصورة" not in cleaned.text
    kinds = [removal.kind for removal in cleaned.removed]
    assert kinds == ["credit", "teaser"]
    assert cleaned.removed[0].text == "الصورة: مينه نهات"
    assert cleaned.removed[1].text.split("\n") == teasers
    for headline in set(teasers):
        assert headline not in cleaned.text
    # Nothing but the credit and the teaser block went missing.
    assert _chars(article) == _chars(cleaned) + sum((Counter(_squeeze(r.text)) for r in cleaned.removed), Counter())


def test_french_seed_loses_only_the_photo_line() -> None:
    article, paragraphs = seed("004")
    cleaned = clean(article)
    assert cleaned.removed == [Removal("credit", "Photo: VOV |")]
    assert cleaned.text.split("\n") == [p for p in paragraphs[1:] if p != "Photo: VOV |"]
    assert cleaned.title == article.title


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_fixture_cases(case: dict) -> None:
    cleaned = clean(Article(id="t", title=case["title"], text=case["text"], origin="test"))
    assert [[removal.kind, removal.text] for removal in cleaned.removed] == case["cut"]
    kept_lines = cleaned.text.split("\n")
    for kept in case["keep"]:
        assert any(kept in line for line in kept_lines), kept
    for _, cut in case["cut"]:
        for line in cut.split("\n"):
            if line not in case["keep"]:
                assert line not in kept_lines


def test_single_doubled_line_is_deduplicated_not_taken_for_teasers() -> None:
    text = (
        "The court ruled in favour of the residents on Thursday.\n\n"
        "Judges said the permit had been granted unlawfully\n"
        "Judges said the permit had been granted unlawfully\n"
        "The company said it would appeal the decision."
    )
    cleaned = clean(Article(id="t", title="Court ruling", text=text, origin="test"))
    assert [r.kind for r in cleaned.removed] == ["repeated"]
    assert "The company said it would appeal the decision." in cleaned.text
    assert cleaned.text.count("Judges said the permit") == 1


def test_title_repeated_as_first_line_is_cut_and_short_repeats_stay() -> None:
    text = "Election results announced\n\nQ: Did you vote?\nA: Yes.\nQ: And your family?\nA: Yes."
    cleaned = clean(Article(id="t", title="Election results announced", text=text, origin="test"))
    assert cleaned.removed == [Removal("repeated", "Election results announced")]
    assert cleaned.text.count("A: Yes.") == 2


CONSENT_BANNERS = [
    "Wir verwenden auf unserer Webseite Cookies und Analysetechniken, um unseren Internetauftritt "
    "benutzerfreundlich zu gestalten.",
    "Ich habe die Netiquette und die Datenschutzerklärung gelesen und akzeptiere diese.",
    "Pour améliorer le fonctionnement de notre site, nous utilisons des cookies.",
    "We use cookies on our website to give you the best experience.",
    "Al continuar navegando acepto el uso de cookies y la política de privacidad.",
    "Sitemizde çerezler kullanılmaktadır.",
    "نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا.",
]


@pytest.mark.parametrize("banner", CONSENT_BANNERS)
def test_a_cookie_or_privacy_consent_banner_before_the_report_is_cut(banner: str) -> None:
    report = "The council voted on Tuesday to close the bridge for repairs until March."
    cleaned = clean(Article(id="c", title="Bridge closed", text=f"OK\n\n{banner}\n\n{report}", origin="test"))
    assert cleaned.text.endswith(report)
    assert banner not in cleaned.text
    assert Removal("boilerplate", banner) in cleaned.removed


def test_a_report_about_cookie_rules_is_not_a_consent_banner() -> None:
    text = (
        "The EU court ruled that websites must ask users to accept cookies before tracking them.\n"
        "Der Datenschutzbeauftragte kritisierte, dass viele Seiten Cookies ohne Einwilligung setzen."
    )
    cleaned = clean(Article(id="r", title="Cookie ruling", text=text, origin="test"))
    assert cleaned.text == text
    assert cleaned.removed == []


def test_earlier_removals_are_kept_and_input_is_not_modified() -> None:
    earlier = Removal("boilerplate", "Cookie notice")
    article = Article(id="t", title="T", text="Photo: AFP\nReal text here.", origin="x", removed=[earlier])
    cleaned = clean(article)
    assert cleaned.removed == [earlier, Removal("credit", "Photo: AFP")]
    assert article.text == "Photo: AFP\nReal text here." and article.removed == [earlier]


def _squeeze(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def _chars(article: Article) -> Counter[str]:
    return Counter(_squeeze(article.title + article.text))


LINE_PARTS = [
    "Photo: AFP",
    "Photo: VOV |",
    "By Jane Doe",
    "By the end of the year, prices rose.",
    "Par ailleurs, le ministre a parlé.",
    "Read more:",
    "Lire aussi : Un titre",
    "الصورة: مينه نهات",
    "A short headline",
    "The minister spoke at length about the budget. Photo: Reuters",
    "(Photo by A B/Getty Images)",
    "Advertisement",
    "© Reuters",
    "Xem thêm",
    "记者 张三",
    "",
    " ",
]


@settings(max_examples=200, deadline=None)
@given(
    title=st.one_of(st.sampled_from(LINE_PARTS), st.text(max_size=40)),
    lines=st.lists(st.one_of(st.sampled_from(LINE_PARTS), st.text(max_size=80)), max_size=25),
    separator=st.sampled_from(["\n", "\n\n", "\r\n"]),
)
def test_clean_never_raises_never_grows_and_accounts_for_every_character(
    title: str, lines: list[str], separator: str
) -> None:
    article = Article(id="h", title=title, text=separator.join(lines), origin="hypothesis")
    cleaned = clean(article)
    assert len(cleaned.text) <= len(article.text)
    assert len(cleaned.title) <= len(article.title)
    assert all(r.kind in KINDS and r.text.strip() for r in cleaned.removed)
    removed = sum((Counter(_squeeze(r.text)) for r in cleaned.removed), Counter())
    # Kept text plus removed parts hold exactly the original characters (spacing aside).
    assert _chars(cleaned) + removed == _chars(article)
