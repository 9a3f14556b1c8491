"""extract(): main text from HTML, hostile and broken pages, and the normal form of every field."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyweave.extract import (
    canonical_url,
    content_hash,
    extract,
    html_to_text,
    normalise_date,
    normalise_lang_hint,
    normalise_text,
    page_hints,
)
from storyweave.models import Article, RawDoc, Reject
from storyweave.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
SETTINGS = Settings()


def article(raw: RawDoc, settings: Settings = SETTINGS) -> Article:
    result = extract(raw, settings)
    assert isinstance(result, Article), result
    return result


def rejected(raw: RawDoc, settings: Settings = SETTINGS) -> Reject:
    result = extract(raw, settings)
    assert isinstance(result, Reject), result
    assert "\n" not in result.reason and result.reason
    return result


def test_news_page_keeps_the_story_and_drops_the_furniture() -> None:
    html = (FIXTURES / "news_page.html").read_text(encoding="utf-8")
    found = article(RawDoc(origin="news_page.html", html=html, url=page_hints(html).url))
    assert found.title == "Le port de Marseille rouvre après la tempête"
    assert found.text.startswith("Le Grand Port maritime de Marseille a rouvert jeudi matin")
    assert "« Les dégâts sont limités" in found.text and "retards restent possibles." in found.text
    assert len(found.text.split("\n")) == 4  # one paragraph a line
    for furniture in ("cookies", "Abonnez-vous", "Politique", "À lire aussi", "images impressionnantes",
                      "Marcel13", "Mentions légales", "tracking pixel", "footer script", "font-family"):
        assert furniture not in found.text, furniture
    assert found.publish_date == "2024-03-28T09:15:00+01:00"
    assert found.lang_hint == "fr" and found.lang == "und"
    assert found.canonical_url == "https://www.journal-sud.example/economie/port-marseille-rouvre?id=42"
    assert found.source == "journal-sud.example"
    assert found.id.startswith("sha1:") and len(found.id) == len("sha1:") + 16
    again = article(RawDoc(origin="elsewhere", html=html, url=page_hints(html).url))
    assert (again.id, again.content_hash) == (found.id, found.content_hash)


def test_hostile_markup_never_becomes_text() -> None:
    html = """<html><head><title>Breaking <script>alert(1)</script>news</title></head><body><article>
    <p>First paragraph of a real story, long enough to be kept by the extractor without question.</p>
    <img src=x onerror="alert('img')"><svg onload="alert('svg')"><script>alert('svg script')</script></svg>
    <p onclick="steal()">Second paragraph with a <a href="javascript:alert('link')">link</a> in its middle.</p>
    <iframe src="javascript:alert('frame')"></iframe><object data="x.swf"></object>
    <script>document.cookie</script><style>p { color: red }</style><noscript>enable js</noscript>
    </article></body></html>"""
    found = article(RawDoc(origin="hostile", html=html))
    body = found.title + "\n" + found.text
    for bad in ("alert", "onerror", "onclick", "javascript:", "<script", "<img", "document.cookie", "color: red"):
        assert bad not in body, bad
    assert "Second paragraph with a link in its middle." in found.text
    assert found.title == "Breaking news"


def test_pathological_nesting_neither_crashes_nor_hangs() -> None:
    html = "<html><head><title>Deep</title></head><body>" + "<div>" * 100_000
    html += "<p>The only sentence, buried very deep.</p>" + "</div>" * 100_000 + "</body></html>"
    result = extract(RawDoc(origin="deep.html", html=html), SETTINGS)
    assert isinstance(result, Article | Reject)
    if isinstance(result, Article):
        assert "The only sentence, buried very deep." in result.text


def test_malformed_html_still_yields_text() -> None:
    html = (
        "<html><body><div><p>Unclosed paragraph about the harbour reopening after the storm, with details"
        "<p>Second <b>bold <i>crossed</b> tags</i> and a stray </td></tr></table> closing"
        "<p>Third &amp; last &unknown; entity &#xZZ; and <unclosed attr='x"
    )
    found = article(RawDoc(origin="broken.html", html=html))
    assert "Unclosed paragraph about the harbour" in found.text
    assert "Second bold crossed tags" in found.text


def test_raw_fields_win_over_what_the_page_says() -> None:
    html = (FIXTURES / "news_page.html").read_text(encoding="utf-8")
    found = article(
        RawDoc(origin="x", html=html, title="Titre du flux", publish_date="2024-03-29", lang_hint="de", source="Flux")
    )
    assert (found.title, found.publish_date, found.lang_hint, found.source) == (
        "Titre du flux", "2024-03-29", "de", "Flux"
    )
    assert found.text.startswith("Le Grand Port")


def test_language_hint_from_content_language_meta() -> None:
    html = """<html><head><meta http-equiv="Content-Language" content="es-ES"><title>T</title></head>
    <body><p>El puerto de Marsella reabre tras la tormenta, según la capitanía, que dio detalles.</p></body></html>"""
    assert article(RawDoc(origin="x", html=html)).lang_hint == "es"


def test_date_found_in_the_page_body_markup() -> None:
    html = """<html><head><title>Un titre</title></head><body><article>
    <p>Publié le <time datetime="2024-03-27">27 mars 2024</time></p>
    <p>Le texte de l'article est assez long pour que l'extracteur le garde sans hésiter une seconde.</p>
    </article></body></html>"""
    assert article(RawDoc(origin="x", html=html)).publish_date == "2024-03-27"


def test_plain_record_is_normalised() -> None:
    raw = RawDoc(
        origin="a.jsonl:3",
        id=" a-1 ",
        title="  Titre\n sur  deux lignes ",
        text="Cafe\u0301 au  lait\x00\x07\r\n\r\n\r\nDeuxième\tparagraphe\u2028Troisième\n\n",
        url="HTTP://Example.COM:80/a/b?utm_medium=x&q=1#top",
        publish_date="Thu, 28 Mar 2024 10:00:00 +0700",
        metadata={"section": "monde"},
    )
    found = article(raw)
    assert found.id == "a-1" and found.origin == "a.jsonl:3"
    assert found.title == "Titre sur deux lignes"
    assert found.text == "Café au lait\nDeuxième paragraphe\nTroisième"
    assert found.canonical_url == "http://example.com/a/b?q=1"
    assert found.url == raw.url and found.source == "example.com"
    assert found.publish_date == "2024-03-28T10:00:00+07:00"
    assert found.metadata == {"section": "monde"}


def test_ids_fall_back_to_url_then_content() -> None:
    by_url = article(RawDoc(origin="o", title="T", text="x", url="https://www.site.example/a?fbclid=1"))
    same_url = article(RawDoc(origin="p", title="Other", text="y", url="https://WWW.site.example/a#frag"))
    assert by_url.id == same_url.id and by_url.id.startswith("sha1:")
    by_content = article(RawDoc(origin="o", title="T", text="x"))
    assert by_content.id == "sha256:" + by_content.content_hash[:16]
    assert by_content.source is None and by_content.canonical_url is None


def test_content_hash_depends_on_title_text_and_source() -> None:
    one = article(RawDoc(origin="o", title="T", text="same text", source="Outlet A"))
    two = article(RawDoc(origin="o", title="T", text="same text", source="Outlet B"))
    three = article(RawDoc(origin="other origin", title="T", text="same  text ", source="Outlet A"))
    assert one.content_hash != two.content_hash
    assert one.content_hash == three.content_hash == content_hash("T", "same text", "Outlet A")


def test_title_only_is_an_article_but_nothing_is_a_reject() -> None:
    assert article(RawDoc(origin="o", title="Only a headline")).text == ""
    assert rejected(RawDoc(origin="o", title=" ", text="\n\x00\n")).reason == "no article text found"
    assert rejected(RawDoc(origin="o", html="<html><body><script>x()</script></body></html>")).reason == (
        "no article text found"
    )


def test_too_long_text_is_rejected() -> None:
    reason = rejected(RawDoc(origin="o", title="T", text="word " * 300), Settings({"max_text_chars": 1000})).reason
    assert reason == "article text is 1,499 characters, over the 1,000 limit (max_text_chars)"


def test_unparseable_date_is_dropped_but_kept_in_metadata() -> None:
    found = article(RawDoc(origin="o", title="T", publish_date="sometime soon"))
    assert found.publish_date is None and found.metadata["publish_date_raw"] == "sometime soon"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-28", "2024-03-28"),
        ("2024-03-28T10:00:00+07:00", "2024-03-28T10:00:00+07:00"),
        ("2024-03-28T10:00:00Z", "2024-03-28T10:00:00+00:00"),
        ("2024-03-28 10:00", "2024-03-28T10:00:00"),
        ("Thu, 28 Mar 2024 10:00:00 GMT", "2024-03-28T10:00:00+00:00"),
        ("28 March 2024", "2024-03-28"),
        ("March 28, 2024 4:30 PM", "2024-03-28T16:30:00"),
        ("March 2024", None),
        ("2024", None),
        ("not a date", None),
        ("", None),
        (None, None),
        ("0001-01-01", None),
    ],
)
def test_normalise_date(value: str | None, expected: str | None) -> None:
    assert normalise_date(value) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://News.Example.COM:443/Path/?utm_source=x&utm_campaign=y&id=7&gclid=z#frag",
         "https://news.example.com/Path/?id=7"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com:8080/a?b=%20c&fbclid=1", "http://example.com:8080/a?b=%20c"),
        ("http://[2001:db8::1]:80/x", "http://[2001:db8::1]/x"),
        ("ftp://example.com/x", None),
        ("/relative/path", None),
        ("http://example.com:99999/", None),
        (None, None),
    ],
)
def test_canonical_url(url: str | None, expected: str | None) -> None:
    assert canonical_url(url) == expected


def test_normalise_text_rules() -> None:
    assert normalise_text("a\u00a0\u00a0b\t c\x0bd\u2029e\x1f\x7f") == "a b c\nd\ne"
    assert normalise_text("\n\n p1 \n\n\n\n p2 \n") == "p1\np2"
    assert normalise_text("e\u0301") == "é"


def test_html_to_text_is_linear_on_garbage() -> None:
    assert html_to_text("<" * 200_000) == "<" * 200_000
    assert html_to_text("<a " * 50_000) == ""
    assert html_to_text("<p>kept</p><!-- hidden <p>no</p> --><script>never closed") == "kept"


@pytest.mark.parametrize(("value", "expected"), [("fr-FR", "fr"), ("EN_us", "en"), ("ara", "ara"), ("x", None),
                                                  ("", None), (None, None), ("français", None)])
def test_normalise_lang_hint(value: str | None, expected: str | None) -> None:
    assert normalise_lang_hint(value) == expected
