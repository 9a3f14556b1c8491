"""Rule-based name recogniser for Arabic-script languages (Arabic, Persian).

Arabic writes no capitals, so names are found from their context:

* a person after a title ("الرئيس الروسي فلاديمير بوتين"): the title, then any nationality adjectives
  or the domain of a minister ("وزير الخارجية الأمريكي"), then the name tokens;
* a person without a title when the name opens with a very common given name ("بشار الأسد");
* an organisation after a head word (وزارة، حزب…) or from a short list of fixed names;
* a place only after an explicit place word (مدينة…), never after a bare preposition.

Inside a name a token with the article ال is allowed after a given name and then closes the name
("بشار الأسد", "عبد الفتاح السيسي"); a bare given name is never a mention.  Country names and
nationality adjectives come from CLDR (``babel``) rather than a hand-made list.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import regex

from ...lang import ar as A
from ...lang import fa as F
from ...lang.text import note_opening
from .spans import Span

_LETTERS = r"\u0621-\u064A\u066E-\u06D3\u06FA-\u06FF\u0750-\u077F"
_MARKS = r"\u064B-\u065F\u0670"
_TOKEN = regex.compile(rf"[{_LETTERS}{_MARKS}]+(?:\u200c[{_LETTERS}{_MARKS}]+)*")
_DIACRITICS = regex.compile(rf"[{_MARKS}\u0640]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ک": "ك", "ۀ": "ه", "\u200c": " "})
_MAX_NAME = 5
_MAX_SKIP_AFTER_TITLE = 6


def ar_norm(word: str) -> str:
    """Fold alef variants, Persian yeh and kaf, drop vowel marks and tatweel; a ZWNJ becomes a space."""
    return _DIACRITICS.sub("", word).translate(_FOLD)


def _norm_set(words: Iterable[str]) -> frozenset[str]:
    return frozenset(ar_norm(w) for w in words)


def _stem(word: str) -> str:
    """A country name or nationality adjective reduced to what both share: روسيا/الروسي → روس."""
    if word.startswith("ال") and len(word) > 4:
        word = word[2:]
    for ending in ("ية", "يا", "ي", "ا", "ة", "ه"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


@functools.cache
def _country_names(locale: str) -> tuple[str, ...]:
    """The CLDR country names in ``locale``, folded."""
    try:
        from babel import Locale
    except ImportError:  # babel is a core dependency; without it only the listed words are known
        return ()
    return tuple(ar_norm(name) for code, name in Locale(locale).territories.items() if code.isalpha())


def _territories(locale: str) -> frozenset[str]:
    """Every word of the CLDR country names in ``locale``."""
    return frozenset(w for name in _country_names(locale) for w in name.split() if len(w) >= 3)


@dataclass(frozen=True)
class Profile:
    """What the recogniser knows about one Arabic-script language."""

    titles: frozenset[str]
    complement_titles: frozenset[str]
    stop: frozenset[str]
    org_heads: frozenset[str]
    article_org_heads: frozenset[str]
    fixed_orgs: frozenset[str]
    place_heads: frozenset[str]
    modifiers: frozenset[str]
    given: frozenset[str]
    starters: frozenset[str]
    connectors: frozenset[str]
    territories: frozenset[str]
    countries: frozenset[str]  # one-word country names, tagged as places wherever they occur
    nationality_stems: frozenset[str]
    article: bool  # the language has the article ال and the clitics و ف ب ل ك
    saint_prefixes: frozenset[str] = frozenset()  # "سان" of "سان فون": a place's first word only

    @functools.cached_property
    def max_phrase(self) -> int:
        return max(len(p.split()) for p in self.titles | self.fixed_orgs)


def _profile(lang: str) -> Profile:
    if lang == "fa":
        given = _norm_set(F.FA_GIVEN_NAMES | A.AR_GIVEN_NAMES)
        territories = _territories("fa")
        return Profile(
            titles=_norm_set(F.FA_PERSON_TITLES),
            complement_titles=frozenset(),
            stop=F.FA_STOP_WORDS | _norm_set(F.FA_STOP_WORDS),
            org_heads=_norm_set(F.FA_ORG_HEADS),
            article_org_heads=frozenset(),
            fixed_orgs=frozenset(),
            place_heads=_norm_set(["شهر", "استان", "پایتخت"]),
            modifiers=_norm_set(["سابق", "جدید", "کنونی", "فعلی", "منتخب", "موقت"]),
            given=given,
            starters=given - _norm_set(A.AR_AMBIGUOUS_GIVEN),
            connectors=frozenset(),
            territories=territories,
            countries=frozenset(n for n in _country_names("fa") if " " not in n),
            nationality_stems=frozenset(_stem(w) for w in territories),
            article=False,
        )
    territories = _territories("ar")
    given = _norm_set(A.AR_GIVEN_NAMES | A.AR_AMBIGUOUS_GIVEN)
    return Profile(
        titles=_norm_set(A.AR_PERSON_TITLES | A.AR_COMPLEMENT_TITLES),
        complement_titles=_norm_set(A.AR_COMPLEMENT_TITLES),
        # Stop words are matched as written: folding alef would make the name part آنه collide with أنه.
        stop=A.AR_STOP_WORDS,
        org_heads=_norm_set(A.AR_ORG_HEADS),
        article_org_heads=_norm_set(A.AR_ARTICLE_ORG_HEADS),
        fixed_orgs=_norm_set(A.AR_FIXED_ORGS),
        place_heads=_norm_set(A.AR_PLACE_HEADS),
        modifiers=_norm_set(A.AR_TITLE_MODIFIERS),
        given=given,
        starters=given - _norm_set(A.AR_AMBIGUOUS_GIVEN),
        connectors=_norm_set(A.AR_NAME_CONNECTORS),
        territories=territories,
        countries=frozenset(n for n in _country_names("ar") if " " not in n),
        nationality_stems=frozenset(_stem(w) for w in territories if len(_stem(w)) >= 3) | A.AR_EXTRA_NATIONALITY_STEMS,
        article=True,
        saint_prefixes=_norm_set(A.AR_SAINT_PREFIXES),
    )


_PROFILES = {"ar": _profile("ar"), "fa": _profile("fa")}


@functools.lru_cache(maxsize=8)  # a profile's few phrase sets
def _openings(phrases: frozenset[str]) -> dict[str, int]:
    """Per first word of ``phrases``, the most words a phrase opening with it has."""
    out: dict[str, int] = {}
    for phrase in phrases:
        note_opening(out, phrase)
    return out


class _Tok:
    __slots__ = ("end", "norm", "raw", "start")

    def __init__(self, start: int, end: int, raw: str) -> None:
        self.start, self.end, self.raw = start, end, _DIACRITICS.sub("", raw)
        self.norm = ar_norm(raw)


class _Scanner:
    """One text's tokens and the tests the recogniser runs on them."""

    def __init__(self, text: str, profile: Profile) -> None:
        self.text = text
        self.p = profile
        self.toks = [_Tok(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        self.standalone = frozenset(t.norm for t in self.toks)

    def forms(self, word: str) -> list[tuple[int, str]]:
        """(prefix length, remaining word) for the word as written and without و ف ب ل ك clitics."""
        forms = [(0, word)]
        if not self.p.article:
            return forms
        rest, cut = word, 0
        if len(rest) > 3 and rest[0] in "وف":
            rest, cut = rest[1:], 1
            forms.append((cut, rest))
        if len(rest) > 3 and rest.startswith("لل"):
            forms.append((cut + 1, "ال" + rest[2:]))  # للقيام = ل + القيام
            forms.append((cut + 1, rest[1:]))  # للبنان = ل + لبنان
        elif len(rest) > 3 and rest[0] in "بلك":
            forms.append((cut + 1, rest[1:]))
        return forms

    def adjacent(self, i: int, j: int) -> bool:
        gap = self.text[self.toks[i].end : self.toks[j].start]
        return len(gap) <= 2 and gap.strip() == "" and "\n" not in gap

    def is_stop(self, i: int) -> bool:
        tok = self.toks[i]
        return any(form in self.p.stop for _, form in self.forms(tok.raw)) or tok.norm in self.p.stop

    def has_article(self, word: str) -> bool:
        return self.p.article and any(form.startswith("ال") for _, form in self.forms(word))

    def is_nationality(self, word: str) -> bool:
        """الروسي، الأمريكية، روسیه: an adjective or country that sits between a title and a name."""
        if word in self.p.territories or word in self.p.modifiers:
            return True
        if not self.p.article or not word.startswith("ال") or not word.endswith(("ي", "ية")):
            return False
        return _stem(word) in self.p.nationality_stems

    def phrase_at(self, i: int, phrases: frozenset[str]) -> tuple[int, int]:
        """(number of tokens, clitic length) of the longest phrase from ``phrases`` starting at token i."""
        # Only the readings of token i that open some phrase, each with the most words that phrase has:
        # most tokens open none, and need no window of the tokens after them.
        openings = _openings(phrases)
        forms = []
        for cut, first in self.forms(self.toks[i].norm):
            most = openings.get(first.split(" ", 1)[0], 0)
            if most > first.count(" "):
                forms.append((cut, first, most))
        if not forms:
            return 0, 0
        top = self.p.max_phrase
        if not any(not t.norm for t in self.toks[i + 1 : i + top]):  # an empty token adds no word
            top = min(top, max(most for _, _, most in forms))
        for size in range(top, 0, -1):
            window = range(i, i + size)
            if i + size > len(self.toks) or not all(self.adjacent(a, b) for a, b in itertools.pairwise(window)):
                continue
            tail = " ".join(self.toks[k].norm for k in window[1:])
            for cut, first, most in forms:
                phrase = f"{first} {tail}" if tail else first
                if phrase.count(" ") < most and phrase in phrases:
                    return size, cut
        return 0, 0

    def name_token_ok(self, j: int, position: int, word: str = "") -> bool:
        """Whether token j (read as ``word`` when given) can be part of a name at all; the article
        is decided by the caller."""
        word = word or self.toks[j].norm
        if len(word) < 2 or self.is_stop(j) or word in self.p.modifiers:
            return False
        if any(form in self.p.org_heads for _, form in self.forms(word)):
            return False
        if position == 0:
            # بالرئيس، للقيام: a name never opens with a preposition written onto the article
            return not any(cut and form.startswith("ال") for cut, form in self.forms(word))
        if word in self.p.territories or word.endswith("ة") or (word.endswith("يا") and len(word) > 4):
            return False  # دعم فرنسا، الحكومة، هاتفيا: a name has ended
        if any(cut and form in self.standalone for cut, form in self.forms(word)):
            return False  # لفيتنام after a name: a preposition plus a word the text also uses bare
        return not self.phrase_at(j, self.p.titles)[0]

    def take_name(self, j: int, titled: bool, first_cut: int = 0) -> list[int]:
        """Token indices of the name starting at j (its first ``first_cut`` letters being a clitic),
        empty when there is none.

        Given names and connectors (بن، عبد) may repeat; then one family-name token, or up to three
        unknown tokens when a title vouches for them; an ال token closes the name."""
        p, toks = self.p, self.toks
        name: list[int] = []
        unknown = 0
        linked = chained = False
        while j < len(toks) and len(name) < _MAX_NAME:
            if name and not self.adjacent(name[-1], j):
                break
            word = toks[j].norm[first_cut:] if not name else toks[j].norm
            if not self.name_token_ok(j, len(name), word):
                break
            if linked or word in p.connectors:
                linked = word in p.connectors
                chained = chained or linked
                name.append(j)
            elif self.has_article(word):
                # للقيام، بالوكالة: the article behind a preposition ends the name, it is no name part;
                # an ال family name follows an Arab name, not two foreign words (ماتياس كورمان الحكومات)
                if word.startswith("ال") and ((name and unknown < 2) or (titled and self._lone_article_name(j))):
                    name.append(j)
                break
            elif word in p.given and unknown == 0:
                name.append(j)
            else:
                first = toks[name[0]].norm[first_cut:] if name else ""
                limit = 1 if first in p.given or first in p.connectors else 3
                # محمد بن زايد بنظيره: after بن X only another بن or an ال family name may follow
                if unknown >= limit or (not titled and not name) or chained:
                    break
                unknown += 1
                name.append(j)
            j += 1
        while name and toks[name[-1]].norm in p.connectors:
            name.pop()
        return name

    def _lone_article_name(self, j: int) -> bool:
        """ "الرئيس الأسد": a title followed by an ال family name alone, not by a common ال word."""
        word = self.toks[j].norm
        if self.is_nationality(word) or word.endswith("ة") or word in self.p.article_org_heads:
            return False
        after = j + 1
        return not (after < len(self.toks) and self.adjacent(j, after) and self.has_article(self.toks[after].norm))

    def skip_after_title(self, j: int, complement: bool, spokesman: bool) -> int:
        """Skip what sits between a title and the name: adjectives, further titles, a minister's domain
        and the body a spokesman speaks for."""
        p, toks = self.p, self.toks
        for _ in range(_MAX_SKIP_AFTER_TITLE):
            if j >= len(toks) or not self.adjacent(j - 1, j):
                break
            word = toks[j].norm
            if spokesman:
                size, _ = self.phrase_at(j, p.fixed_orgs)
                if size:
                    j += size
                    continue
                if word in p.org_heads:
                    j += 1
                    complement = True  # the organisation's own words: المتحدث باسم وزارة الخارجية
                    continue
                spokesman = False
            size, _ = self.phrase_at(j, p.titles)
            if size:
                complement = toks[j + size - 1].norm in p.complement_titles
                spokesman = toks[j + size - 1].norm == "باسم"
                j += size
                continue
            if self.is_nationality(word) or (
                complement and self.has_article(word) and word not in p.given and not self.is_stop(j)
            ):
                j += 1
                continue
            # The body the title serves: "الأمين العام للمنظمة", "كبيرة الاقتصاديين في المنظمة".
            if word.startswith("لل") and len(word) >= 5:
                j, complement = j + 1, True
                continue
            if word == "في" and j + 1 < len(toks) and self.has_article(toks[j + 1].norm):
                j, complement = j + 2, True
                continue
            break
        return j


def arabic_spans(text: str, lang: str = "ar") -> list[Span]:
    """Persons, organisations and places in the Arabic-script parts of ``text``."""
    s = _Scanner(text, _PROFILES.get(lang, _PROFILES["ar"]))
    p, toks = s.p, s.toks
    spans: list[Span] = []
    names: set[str] = set()
    i = 0
    while i < len(toks):
        size, cut = s.phrase_at(i, p.fixed_orgs)
        if size:
            spans.append(Span(toks[i].start + cut, toks[i + size - 1].end, "organisation", 0.85))
            i += size
            continue
        size, _ = s.phrase_at(i, p.titles)
        if size:
            last = toks[i + size - 1].norm
            j = s.skip_after_title(i + size, last in p.complement_titles, last == "باسم")
            name = s.take_name(j, titled=True) if j < len(toks) and s.adjacent(j - 1, j) else []
            if name:
                spans.append(Span(toks[name[0]].start, toks[name[-1]].end, "person", 0.85))
                names.update(_name_keys(s, name))
                i = name[-1] + 1
            else:
                i += size
            continue
        found = _untitled_name(s, i) or _organisation(s, i) or _place(s, i)
        if found:
            span, last_token = found
            spans.append(span)
            if span.type == "person":
                names.update(_name_keys(s, list(range(i, last_token + 1))))
            i = last_token + 1
            continue
        i += 1
    spans.extend(_repeat_names(s, names, spans))
    return spans


def _name_keys(s: _Scanner, name: list[int]) -> set[str]:
    keys = {" ".join(s.toks[k].norm for k in name)}
    if len(name) > 1 and s.toks[name[-1]].norm not in s.p.given:
        keys.add(s.toks[name[-1]].norm)
    return keys


def _untitled_name(s: _Scanner, i: int) -> tuple[Span, int] | None:
    """A name that opens with a well-known given name ("بشار الأسد"), at least two tokens long."""
    tok = s.toks[i]
    cut = next((c for c, form in s.forms(tok.norm) if form in s.p.starters or form == "عبد"), None)
    if cut is None or (cut and tok.norm[:cut] not in ("و", "ف")):
        return None
    if i > 0 and s.adjacent(i - 1, i) and s.toks[i - 1].norm in s.p.connectors:
        return None
    name = s.take_name(i, titled=False, first_cut=cut)
    if len(name) < 2 or (len(name) == 2 and s.toks[name[0]].norm in s.p.connectors):
        return None
    return Span(tok.start + cut, s.toks[name[-1]].end, "person", 0.75), name[-1]


def _organisation(s: _Scanner, i: int) -> tuple[Span, int] | None:
    p, toks = s.p, s.toks
    forms = s.forms(toks[i].norm)
    head_cut = next((c for c, form in forms if form in p.org_heads), None)
    with_article = head_cut is None
    cut = next((c for c, form in forms if form in p.article_org_heads), None) if with_article else head_cut
    if cut is None:
        return None
    end = i
    for j in range(i + 1, min(i + 4, len(toks))):
        if not s.adjacent(j - 1, j):
            break
        word = toks[j].norm
        if s.has_article(word) and not s.is_stop(j) and word not in p.stop:
            end = j
            continue
        if not p.article and j == i + 1 and s.name_token_ok(j, 1):
            end = j
            continue
        if not with_article and j == i + 1 and s.name_token_ok(j, 0) and toks[i].norm not in ("وزارة", "مجلس"):
            end = j  # a foreign name after the head: شركة آبل, حركة حماس
            continue
        break
    if end == i:
        return None
    return Span(toks[i].start + cut, toks[end].end, "organisation", 0.75), end


def _place(s: _Scanner, i: int) -> tuple[Span, int] | None:
    p, toks = s.p, s.toks
    forms = s.forms(toks[i].norm)
    cut = next((c for c, form in forms if form in p.countries), None)
    if cut is not None:
        return Span(toks[i].start + cut, toks[i].end, "place", 0.7), i
    if not any(form in p.place_heads for _, form in forms):
        return None
    j = i + 1
    while j < len(toks) and toks[j].norm in p.modifiers and j - i <= 2:
        j += 1
    if j >= len(toks) or not s.adjacent(j - 1, j):
        return None
    place = toks[j]
    if s.is_stop(j) or place.norm in p.modifiers or len(place.norm) < 3 or place.norm.endswith("ة"):
        return None
    k = j + 1
    if place.norm in p.saint_prefixes and k < len(toks) and s.adjacent(j, k) and s.name_token_ok(k, 1):
        return Span(place.start, toks[k].end, "place", 0.75), k
    return Span(place.start, place.end, "place", 0.75), j


def _repeat_names(s: _Scanner, names: set[str], found: list[Span]) -> list[Span]:
    """Find again, without a title, names already seen after one (also with a clitic: لبوتين)."""
    if not names:
        return []
    covered = [(sp.start, sp.end) for sp in found]
    out: list[Span] = []
    for tok in s.toks:
        if any(a <= tok.start < b for a, b in covered):
            continue
        for cut, form in s.forms(tok.norm):
            if form in names and len(form) >= 3:
                out.append(Span(tok.start + cut, tok.end, "person", 0.7))
                break
    return out
