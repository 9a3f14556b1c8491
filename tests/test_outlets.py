"""Outlets named from what an article carries: its URL's registrable domain, its feed, its dateline."""

from __future__ import annotations

import pytest

from storyweave import Settings
from storyweave.extract import extract
from storyweave.models import Article, RawDoc
from storyweave.outlets import dateline_source, outlet_of, registrable_domain, source_from_url


@pytest.mark.parametrize(("host", "domain"), [
    ("www.smh.com.au", "smh.com.au"),
    ("news.bbc.co.uk", "bbc.co.uk"),
    ("www.stokesentinel.co.uk", "stokesentinel.co.uk"),
    ("tr.sputniknews.com", "sputniknews.com"),
    ("www.sabah.com.tr", "sabah.com.tr"),
    ("ewn.co.za", "ewn.co.za"),
    ("vorarlberg.orf.at", "orf.at"),
    ("www.capitalqueretaro.com.mx", "capitalqueretaro.com.mx"),
    ("elpais.com", "elpais.com"),
    ("localhost", "localhost"),
    ("127.0.0.1", "127.0.0.1"),
])
def test_registrable_domain(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain


def test_source_from_url_only_for_web_urls() -> None:
    assert source_from_url("https://WWW.Example.co.uk:8443/a/b?x=1") == "example.co.uk"
    assert source_from_url("javascript:alert(1)") is None
    assert source_from_url("not a url") is None
    assert source_from_url(None) is None


@pytest.mark.parametrize(("text", "outlet"), [
    ("(VOVWORLD) - Ce jeudi après-midi, à Hanoi, le secrétaire général…", "VOVWORLD"),
    ("PARIS (AFP) — Le président a déclaré…", "AFP"),
    ("(AFP) Le président a déclaré…", "AFP"),
    ("Berlin (dpa) - Die Bundesregierung…", "dpa"),
    ("WASHINGTON, March 5 (Reuters) - The U.S. Senate…", "Reuters"),
    ("القاهرة (رويترز) - قال مسؤول…", "رويترز"),
    ("He said (in Paris) - that nothing changed.", None),
    ("(Photo) - The harbour at dawn.", None),
    ("The minister (who spoke on Monday) said…", None),
    ("في فترة ما بعد الظهر من يوم 28 مارس", None),
])
def test_dateline_source(text: str, outlet: str | None) -> None:
    assert dateline_source(text) == outlet


def test_outlet_prefers_the_stored_source_then_url_then_dateline() -> None:
    assert outlet_of("Le Monde", "https://www.lemonde.fr/x", "(AFP) - x") == "Le Monde"
    assert outlet_of(None, "https://www.lemonde.fr/x", "(AFP) - x") == "lemonde.fr"
    assert outlet_of("", None, "(AFP) - x") == "AFP"
    assert outlet_of(None, None, "No dateline here.") is None


def test_ingest_stores_the_outlet_the_text_names() -> None:
    settings = Settings.load()
    found = extract(RawDoc(origin="o", id="vov-1", text="(VOVWORLD) - Ce jeudi après-midi, à Hanoi…"), settings)
    assert isinstance(found, Article) and found.source == "VOVWORLD"
    by_url = extract(RawDoc(origin="o", text="Text.", url="https://news.bbc.co.uk/1"), settings)
    assert isinstance(by_url, Article) and by_url.source == "bbc.co.uk"
    named = extract(RawDoc(origin="o", text="(AFP) - Text.", url="https://x.example/1", source="Feed title"), settings)
    assert isinstance(named, Article) and named.source == "Feed title"


def test_a_dateline_in_the_first_line_of_a_text_file_names_the_outlet() -> None:
    # A plain-text file's first line is its title: the French seed opens "(VOVWORLD) - Ce jeudi…".
    found = extract(RawDoc(origin="o", id="vov-2", title="(VOVWORLD) - Ce jeudi après-midi, à Hanoi…",
                           text="Photo: VOV | Nguyên Phu Trong a félicité Vladimir Poutine."), Settings.load())
    assert isinstance(found, Article) and found.source == "VOVWORLD"
