"""Rule-based name recognisers for languages without a statistical model.

Recognisers chosen by script rather than by language so that a Latin-script name inside an
Arabic article is still found:

* cased scripts (Latin, Cyrillic, Greek): runs of capitalised tokens, typed by a title before them,
  a head word inside them, a common given name opening them, or the knowledge base (when one is
  passed in) naming them;
* Arabic script (Arabic, Persian): see ``arabic.py``;
* Chinese and Japanese: see ``cjk.py``.

Each returns ``Span`` tuples; ``ner.py`` merges them, removes overlaps and builds ``Mention``s.
Precision comes first: an unclear run is left to the gazetteer rather than guessed.
"""

from __future__ import annotations

import itertools

import regex

from ...lang import patterns as P
from ...lang.common import common_words
from ...lang.inflection import DECLINING, not_one_name, surname_key
from ..kb.base import LISTED_CONFIDENCE
from .known import KnownNames
from .spans import Known, KnownLookup, Span
from .tokens import Tok, adjacent, is_org_head, mark_titles, tokenize, vi_descriptor_size, vi_head_size
from .words import (
    ROMAN_NUMERALS_UPPER,
    is_common_noun_after,
    is_head_alone,
    is_nationality,
    is_shouted_word,
    town_after_particle,
    tr_case_ending,
)

_ALL_STOP_WORDS = frozenset().union(*P.STOP_WORDS.values())
_DETERMINERS_DE = frozenset(
    ["der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "einem", "einen", "eines"]
)
_DOUBLE_PARTICLE_FIRST = frozenset({"de", "von", "van", "di", "da"})
_ARTICLES = frozenset({"la", "las", "los", "le", "der", "den", "l"})
_CONNECTOR_ARTICLES = _ARTICLES | {"el", "les", "die", "das", "the"}
_NOUNS_CAPITALISED = P.NOUNS_CAPITALISED
_APOSTROPHE_SUFFIX_ENDS_NAME = frozenset({"tr", "az"})
_VI_STANDALONE_ORGS = frozenset({"quốc hội", "chính phủ"})
_VI_SYLLABLE_MAX = 7  # longer capitalised words are brands or foreign names ("Vietcombank")
_KNOWN_CONFIDENCE = LISTED_CONFIDENCE
_ACRONYM = regex.compile(r"^(?![IVXLCDM]+$)\p{Lu}{2,6}$")  # "NATO", not the Roman numeral "III"
_PLACE_SPLIT_MIN = 3  # a place is cut off the end of a name run of at least this many tokens
_GIVEN_NAME_RUN_MAX = 3  # a place opening a run this short of unknown names reads as a given name
_PLURAL_ARTICLES = frozenset({"the", "los", "las", "les", "die"})  # "the Lakers": a group, not a surname


# spans found, each with the token when it is a lone untyped word to decide on at the end
Found = list[tuple[Span, Tok | None]]


class _RunScanner:
    """Capitalised runs of one text, and the spans they make."""

    def __init__(self, text: str, lang: str, known: KnownLookup | None) -> None:
        self.text = text
        self.lang = lang
        self.known_lookup = known
        self.names = KnownNames(text, lang, known)
        self.tokens = tokenize(text, lang)
        self.stop = P.STOP_WORDS.get(lang, _ALL_STOP_WORDS)
        self.lowered_in_text = {t.low for t in self.tokens if not t.cap}
        self.capitalised_mid_sentence = {t.text for t in self.tokens if t.cap and not t.initial}
        self.written_unshouted = {t.low for t in self.tokens if not t.text.isupper()}
        self.index = {t.start: n for n, t in enumerate(self.tokens)}
        self.nouns_capitalised = lang in _NOUNS_CAPITALISED
        self.is_title, self.titled = mark_titles(text, self.tokens, lang)
        self.found: Found = []
        self.person_last_words: set[str] = set()
        self.team_words: set[str] = set()  # "Lakers" of "Los Angeles Lakers": the team when alone too
        self.after_plural_article = {
            b.text for a, b in itertools.pairwise(self.tokens) if a.low in _PLURAL_ARTICLES and adjacent(text, a, b)
        }

    # -- collecting runs ---------------------------------------------------------------------------
    def _particles_then_capital(self, j: int) -> int:
        """How many particle tokens from ``j`` join the run to a capital after them (0: none)."""
        tokens = self.tokens
        for size in (1, 2):
            k = j + size
            if k >= len(tokens) or not tokens[k].cap or self.is_title[k]:
                continue
            parts = tokens[j:k]
            if not all(p.low in P.PARTICLES for p in parts):
                continue
            if size == 2 and not (parts[0].low in _DOUBLE_PARTICLE_FIRST and parts[1].low in _ARTICLES):
                continue  # "de la", "von der"; not "y el"
            if not all(adjacent(self.text, a, b) for a, b in zip(tokens[j - 1 : k], tokens[j : k + 1], strict=True)):
                continue
            if self.lang in _NOUNS_CAPITALISED and parts[0].low in P.DE_ARTICLE_PARTICLES:
                continue  # "Angaben der Polizei"; "von der Leyen" passes as "von" comes first
            return size
        return 0

    def _ends_run(self, tok: Tok) -> bool:
        # Turkish writes a case suffix after the whole name, and an organisation's head word last.
        return self.lang in _APOSTROPHE_SUFFIX_ENDS_NAME and (tok.suffixed or is_org_head(tok, self.lang))

    def collect_run(self, i: int, vi_head: int) -> list[int]:
        """Token indices of the capitalised run starting at i (particles joining two capitals included)."""
        tokens, text = self.tokens, self.text
        run = [i]
        j = i + 1
        if vi_head:
            return self._collect_vi_org(i, vi_head)
        while j < len(tokens) and not self._ends_run(tokens[j - 1]) and adjacent(text, tokens[j - 1], tokens[j]):
            nxt = tokens[j]
            if nxt.cap and not self.is_title[j]:
                run.append(j)
                j += 1
            elif size := self._particles_then_capital(j):
                run.extend(range(j, j + size + 1))  # "Ciudad de México", "Asamblea General de la ONU"
                j += size + 1
            elif (size := self._connector_then_capital(j)) and self._head_goes_on(run, tokens[j].low):
                run.extend(range(j, j + size + 1))  # "Organización para la Cooperación y el Desarrollo"
                j += size + 1
            else:
                break
        return run

    def _head_goes_on(self, run: list[int], connector: str) -> bool:
        """An institution's head word in the run that the connector continues: a preposition right
        after it ("Organización para"), a conjunction only inside its complement ("Cooperación y el
        Desarrollo"); a name that ends at its head is complete ("Deutsche Bank" und die SPD)."""
        heads = run[:-1] if connector in P.ORG_CONJUNCTIONS else run
        return any(is_org_head(self.tokens[n], self.lang) for n in heads)

    def _connector_then_capital(self, j: int) -> int:
        """How many tokens from ``j`` (a connector, then maybe an article) join an institution's name
        to the capital after them (0: none; nor for an acronym, a name of its own)."""
        tokens = self.tokens
        if tokens[j].low not in P.ORG_CONNECTORS:
            return 0
        size = 2 if j + 1 < len(tokens) and tokens[j + 1].low in _CONNECTOR_ARTICLES else 1
        k = j + size
        if k >= len(tokens) or not tokens[k].cap or self.is_title[k] or tokens[k].text.isupper():
            return 0
        if not all(adjacent(self.text, a, b) for a, b in zip(tokens[j - 1 : k], tokens[j : k + 1], strict=True)):
            return 0
        return size

    def _collect_vi_org(self, i: int, head: int) -> list[int]:
        """A Vietnamese organisation capitalises each word's first syllable only ("Bộ Ngoại giao Việt
        Nam"): a lower-case syllable belongs to it after a capital, or before one, and never when it
        is a common verb; a person's name after a complete organisation starts a new run."""
        tokens, text = self.tokens, self.text
        run = list(range(i, i + head))
        j = i + head
        standalone = " ".join(t.low for t in tokens[i : i + head]) in _VI_STANDALONE_ORGS
        named = standalone
        while j < len(tokens) and adjacent(text, tokens[j - 1], tokens[j]) and not self.is_title[j]:
            nxt, prev = tokens[j], tokens[j - 1]
            after = tokens[j + 1] if j + 1 < len(tokens) and adjacent(text, nxt, tokens[j + 1]) else None
            if nxt.cap:
                if named and nxt.low in P.VI_SURNAMES and after is not None and after.cap:
                    break  # "Quốc hội Vương Đình Huệ": the chairman's name follows the institution
                run.append(j)
                named = True
            elif nxt.low in self.stop or nxt.low in P.VI_VERB_SYLLABLES:
                break
            elif prev.cap and len(prev.text) <= _VI_SYLLABLE_MAX and j - 1 >= i + head:
                run.append(j)
            elif after is not None and after.cap and not prev.cap:
                run.append(j)  # "Ủy ban châu Âu"
            else:
                break
            j += 1
        while len(run) > head and not tokens[run[-1]].cap:
            if run[-1] - 1 >= i + head and tokens[run[-1] - 1].cap:
                break  # the second syllable of a word ("Y tế")
            run.pop()
        return run

    # -- knowledge-base checks (``known.py``) --------------------------------------------------------
    def known(self, words: list[Tok]) -> tuple[Known, int] | None:
        return self.names.known(words)

    def known_parts(self, words: list[Tok]) -> Found:
        return [(span, None) for span in self.names.parts(words)]

    def is_country(self, words: list[Tok]) -> bool:
        return self.names.is_country(words)

    def place_as_given_name(self, words: list[Tok], before: Tok | None) -> bool:
        """A known place opening a short run of otherwise unknown capitalised words is a given name
        ("Sofia Müller", "Paris Hilton", "Georgia Meloni"), not a place glued to a name. A function
        word before it ("in Sofia …") makes the place reading likely: left to the other rules."""
        if not 2 <= len(words) <= _GIVEN_NAME_RUN_MAX or self.is_org(words):
            return False
        hit = self.known(words[:1])
        if hit is None or hit[0].type != "place" or hit[1] != words[0].end or words[0].suffixed:
            return False
        if before is not None and before.low in self.stop and not words[0].initial:
            return False
        return all(self._surname_like(w) for w in words[1:])

    def place_as_family_name(self, words: list[Tok]) -> bool:
        """A known place closing a two-word run after an unknown capitalised word is a family name
        ("Claire Jordan", "Chad Georgia"), not a place with a stray word before it.  Not where
        every noun is capitalised: German "Nachbarland Jordanien" is a noun and a place."""
        if len(words) != 2 or self.nouns_capitalised or self.is_org(words) or words[-1].suffixed:
            return False
        hit = self.known(words[-1:])
        return hit is not None and hit[0].type == "place" and self._surname_like(words[0])

    def _surname_like(self, tok: Tok) -> bool:
        return (
            tok.cap
            and len(tok.text) >= 2
            and not tok.text.isupper()
            and tok.low not in self.stop
            and tok.low not in P.PARTICLES
            and tok.low not in P.PLACE_HEADS
            and tok.low not in self.lowered_in_text
            and not is_org_head(tok, self.lang)
            and self.known([tok]) is None
        )

    def person(self, words: list[Tok], confidence: float) -> Found:
        """A person's span, with a known place glued onto its end cut off ("Erdoğan Ankara'da").
        None for a name cut to an initial ("şüpheli Osman K."): news writes suspects and victims
        so that they cannot be told apart, and every "Osman K." is someone else."""
        last = words[-1]
        if len(words) > 1 and len(last.text) == 1:
            return []
        if len(words) >= _PLACE_SPLIT_MIN or (len(words) == 2 and last.suffixed and self.lang == "tr"):
            hit = self.known([last])
            if hit is not None and hit[0].type == "place" and last.low not in P.GIVEN_NAMES:
                name = words[:-1]
                self.person_last_words.add(surname_key(name[-1].text, self.lang))
                return [
                    (Span(name[0].start, name[-1].end, "person", confidence), None),
                    (Span(last.start, hit[1], "place", _KNOWN_CONFIDENCE), None),
                ]
        self.person_last_words.add(surname_key(last.text, self.lang))
        return [(Span(words[0].start, last.end, "person", confidence), None)]

    # -- typing ------------------------------------------------------------------------------------
    def is_org(self, words: list[Tok]) -> bool:
        lang = self.lang
        if any(is_org_head(w, lang) for w in words):
            # German capitalises nouns: a bare "Polizei" or "Regierung" is no name, "Bundesregierung" is.
            low = words[0].low
            bare = low in P.ORG_HEADS or low in P.ORG_SUFFIXES.get(lang, ())
            # A lone sentence-initial word that only ends like an organisation word ("Insgesamt",
            # ending in -amt) is a capitalised word of the sentence, not a name.
            suffix_only = words[0].initial and low not in P.ORG_HEADS and low not in P.DE_ORG_NAMES
            lone = self.nouns_capitalised and len(words) == 1
            return not (lone and ((bare and low not in P.DE_ORG_NAMES) or suffix_only))
        adjectives = P.ORG_ADJECTIVES.get(lang, frozenset())
        opening = words[:1] if lang == "de" else words
        if len(words) >= 2 and any(w.low in adjectives for w in opening):
            return True
        if len(words) >= 2 and words[-1].low in P.CLUB_TAILS and self.known(words[:-1]) is not None:
            return True
        if self.named_for_its_place(words):
            return True
        after = self.text[words[-1].end : words[-1].end + 12].lstrip(" ,")
        return after.startswith(P.LEGAL_FORMS)

    def named_for_its_place(self, words: list[Tok]) -> bool:
        """A known place, then one capitalised plural that the text also writes after a plural
        article ("the Lakers", "los Lakers") and that is no place, event or common word of the text:
        a team named for its city ("Los Angeles Lakers"), not "Colorado Springs", "Tokyo Olympics"
        or a person whose given name is a place and whose family name ends in s ("Paola Rojas")."""
        last = words[-1]
        if len(words) < 2 or len(last.text) < 4 or last.text.isupper() or not last.low.endswith("s"):
            return False
        if last.text not in self.after_plural_article:
            return False
        lows = [w.low for w in words]
        if last.low.endswith("ss") or last.low in self.stop or last.low in self.lowered_in_text:
            return False
        if P.reads_as_place(lows, self.lang) or last.low in P.EVENT_PLURALS or last.low in P.COMPETITION_HEADS:
            return False
        hit = self.known(words[:-1])
        return hit is not None and hit[0].type == "place" and hit[1] == words[-2].end and self.known([last]) is None

    def type_run(self, run: list[int], vi_head: int, followed_by_title: bool) -> Found:
        tokens, lang = self.tokens, self.lang
        words = [tokens[k] for k in run]
        titled = run[0] in self.titled
        span = Span(words[0].start, words[-1].end, "other", 0.45)
        if lang == "de" and len(words) > 1 and P.is_org_descriptor(words[0].low):
            return [(Span(words[1].start, span.end, "organisation", 0.75), None)]  # "Autobauer Volkswagen"
        hit = self.known(words) if len(words) > 1 else None
        if hit is not None and (hit[0].country or not titled) and hit[0].type != "person":
            return [(Span(span.start, hit[1], hit[0].type, _KNOWN_CONFIDENCE), None)]
        if len(words) == 1 and self._no_name_alone(words[0]):
            return []
        if self.names.region_of_known_place(words):  # "Kuzey Irak", "Northern Syria"
            # Above the gazetteer's, whose lone "Irak" would win the overlap, and unlike a listed
            # name's: the region itself is no entry of the knowledge base.
            return [(span._replace(type="place", confidence=0.85), None)]
        if vi_head or self.is_org(words):
            if self.named_for_its_place(words):
                self.team_words.add(words[-1].text)
            end = span.end - tr_case_ending(words[-1].low, lang)  # "İçişleri Bakanlığınca" is the ministry
            return [(Span(span.start, end, "organisation", 0.8 if len(words) > 1 else 0.75), None)]
        if len(words) > 1 and (words[0].low in P.COMPETITION_HEADS or words[-1].low in P.COMPETITION_HEADS):
            return [(span._replace(confidence=0.8), None)]  # "Süper Lig", "Copa del Rey": an event's name
        if len(words) > 1 and any(w.low in P.FACILITY_WORDS for w in words):
            # "St. Anna Hospital Herne": the facility, not the given name nor the town in it; above the
            # gazetteer's confidence, or its lone town would win the overlap.
            return [(span._replace(type="place", confidence=0.85), None)]
        if followed_by_title:
            # "Russlands Präsident", "Rusya Devlet Başkanı": a place before a title, the rest is the title's
            for size in (2, 1):
                hit = self.known(words[:size]) if len(words) >= size else None
                if hit is not None and hit[0].type == "place":
                    return [(Span(span.start, hit[1], "place", _KNOWN_CONFIDENCE), None)]
            return []
        if titled:
            if self.is_country(words):  # "Tổng thống Mỹ", "President Ukraine": the title's country, no name
                return [(span._replace(type="place", confidence=_KNOWN_CONFIDENCE), None)]
            return self.person(words, 0.85)
        first = words[0]
        if len(words) == 1 and first.text.upper() in P.NOT_ACRONYMS:
            return []
        if (
            len(words) == 1
            and _ACRONYM.match(first.text)
            and first.low not in self.written_unshouted
            and not (is_shouted_word(first.low, lang) and self.known([first]) is None)
        ):
            # Not a word the text also writes in small letters ("ROMA" beside "Roma'da"): one shouted.
            if first.initial and self.text.startswith(" (", first.end):
                return [(span._replace(type="place", confidence=0.6), None)]  # a dateline: "ROMA (AP) —"
            return [(span._replace(type="organisation", confidence=0.5), None)]
        if lang == "vi":
            return self._type_vi(run, words, span)
        if P.reads_as_place([w.low for w in words], lang):
            return [(span._replace(type="place", confidence=0.6), None)]  # "Salda Gölü": a lake, not a person
        if len(words) == 1:
            return [(span, first)]  # decided at the end, when the whole text has been read
        if self.lang in DECLINING and first.initial and self.place_as_given_name(words[1:], first):
            return self.person(words[1:], 0.7)  # "Концерт Софії Ротару": a sentence's word, then a name
        if first.low in P.GIVEN_NAMES or self.place_as_given_name(words, self.tokens[run[0] - 1] if run[0] else None):
            return self.person(words, 0.7)
        if self.place_as_family_name(words):
            # Above the gazetteer's confidence, or its lone place would win the overlap.
            return self.person(words, 0.85)
        parts = self.known_parts(words)
        shouted = all(len(w.text) > 1 and w.text.isupper() for w in words)
        if parts or self.nouns_capitalised or shouted:
            # "SACUDIR LA TIERRA": a headline in capitals, with no cue that it is a name, is none.
            # German capitalises every noun: a run with no cue is "Hunderte Menschen", not a name.
            return parts
        if first.low in P.TITLE_ARTICLES:
            return [(span, None)]  # "The Mandalorian", "The Guardian": a work or an outlet, no person
        common = common_words(lang)
        if (
            self._particle_with_article(words)
            or any(w.low in self.lowered_in_text for w in words if w.low not in P.PARTICLES)
            or (common and all(w.low in common or w.low in P.PARTICLES for w in words))
        ):
            # "Promoción de la Salud", "Haberi Kaydet", "Comercio Interior": words the text also
            # writes in lower case, or the language's common words, and a name made of them with no
            # given name or title is no person's; nor is "Jefatura del Estado": a family name keeps a
            # bare "de" ("Giorgian de Arrascaeta"), an institution "del" or "de la".
            return [(span, None)]
        at = next((k for k in range(2, len(words)) if town_after_particle(words[k - 1].low, words[k].text)), 0)
        if at and not any(w.low in P.GIVEN_NAMES for w in words[: at - 1]):
            # "Rhodalis de Saint-Fons": a name and the town it is in, not a family name with "de".
            head = words[: at - 1]
            before = Span(head[0].start, head[-1].end, "other", 0.45)
            place = Span(words[at].start, words[-1].end, "place", 0.6)
            return [(before, head[0] if len(head) == 1 else None), (place, None)]
        return self.person(words, 0.55)

    def _no_name_alone(self, tok: Tok) -> bool:
        """A word that is part of a name but none by itself (a head word, a nationality word), a
        Roman numeral, or letters glued to digits ("Youm7" is a site's name, "Youm" nothing); unless
        the knowledge base knows the word as a name."""
        if self.text[tok.end : tok.end + 1].isdigit() or tok.text in ROMAN_NUMERALS_UPPER:
            return True  # "siglo XIX": a numeral
        alone = is_head_alone(tok.low, self.lang) or is_nationality(tok.text, tok.low, self.lang, self.known_lookup)
        return alone and self.known([tok]) is None

    def _common_after_article(self, tok: Tok) -> bool:
        n = self.index[tok.start]
        before = self.tokens[n - 1] if n else None
        return (
            before is not None
            and adjacent(self.text, before, tok)
            and is_common_noun_after(tok.low, before.low, self.lang)
        )

    @staticmethod
    def _particle_with_article(words: list[Tok]) -> bool:
        lows = [w.low for w in words]
        return any(
            low in P.ARTICLE_PARTICLES or (low in _DOUBLE_PARTICLE_FIRST and following in _ARTICLES)
            for low, following in itertools.pairwise(lows[1:])
        )

    def _type_vi(self, run: list[int], words: list[Tok], span: Span) -> Found:
        tokens = self.tokens
        before = " ".join(t.low for t in tokens[max(0, run[0] - 2) : run[0]])
        if any(before.endswith(trigger) for trigger in P.VI_PLACE_TRIGGERS):
            return [(span._replace(type="place", confidence=0.75), None)]
        if words[0].low in P.VI_SURNAMES and len(words) >= 2:
            return self.person(words, 0.8)
        hit = self.known(words)
        if hit is not None:
            return [(Span(span.start, hit[1], hit[0].type, _KNOWN_CONFIDENCE), None)]
        # Vietnamese names nearly always start with a common family name; other runs are
        # mostly places ("Hà Nội") that the gazetteer types better.
        return [(span, None if len(words) > 1 else words[0])]

    # -- splitting runs ----------------------------------------------------------------------------
    def split_country(self, run: list[int], titled: bool) -> list[int]:
        """Cut a country off the front of a run: "Tổng thống Nga Vladimir Putin", "Президент
        України Володимир Зеленський", "đồng cấp Trung Quốc Vương Nghị"."""
        tokens, lang = self.tokens, self.lang
        if lang == "vi":
            for size in (2, 1):
                if len(run) <= size:
                    continue
                words = [tokens[k] for k in run[:size]]
                rest = tokens[run[size]]
                if not titled and not (rest.low in P.VI_SURNAMES and len(run) >= size + 2):
                    continue
                if self.is_country(words):
                    self.found.append((Span(words[0].start, words[-1].end, "place", 0.75), None))
                    return run[size:]
            return run
        first = tokens[run[0]]
        # Or, untitled, a declined country before a name: "(президента) Туреччини Реджепа Тайїпа Ердогана".
        size = self.names.declined_country_opening([tokens[k] for k in run])
        if not size and titled and len(run) >= 3 and self.names.opens_with_country(first):
            size = 1
        if size:
            self.found.append((Span(first.start, tokens[run[size - 1]].end, "place", 0.7), None))
        return run[size:]

    def split_conjunction(self, run: list[int]) -> list[list[int]]:
        """ "Valencia y Murcia": two names, unless a head word makes the whole an organisation
        ("Ministerio de Industria y Turismo") and what follows the conjunction is no name of its own
        ("Partido Popular y Estados Unidos")."""
        words = [self.tokens[k] for k in run]
        cuts = [n for n, w in enumerate(words) if w.low in P.ORG_CONJUNCTIONS and 0 < n < len(words) - 1]
        if not cuts:
            return [run]
        tail = words[cuts[-1] + 1 :]
        if self.is_org(words) and not (self.known(tail) or self.is_org(tail)):
            return [run]
        parts, begin = [], 0
        for cut in cuts:
            parts.append(run[begin:cut])
            begin = cut + 1
        parts.append(run[begin:])
        return [p for p in parts if p]

    # -- the whole text ----------------------------------------------------------------------------
    def scan(self) -> list[Span]:
        tokens, lang = self.tokens, self.lang
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if not tok.cap or self.is_title[i]:
                i += 1
                continue
            if lang == "vi" and (after := self._vi_described_org(i)):
                i = after
                continue
            vi_head = vi_head_size(tokens, i) if lang == "vi" else 0
            run = self.collect_run(i, vi_head)
            i = run[-1] + 1
            followed_by_title = i < len(tokens) and self.is_title[i] and adjacent(self.text, tokens[i - 1], tokens[i])
            titled = run[0] in self.titled
            if not vi_head:
                run = self.split_country(run, titled)
                if run and titled:
                    self.titled.add(run[0])
            run = self._strip_edges(run)
            if not run:
                continue
            for part in self.split_conjunction(run) if not vi_head else [run]:
                if part is not run:
                    part = self._strip_edges(part)
                    if not part:
                        continue
                self._add(part, vi_head if part is run else 0, followed_by_title and part[-1] == run[-1])
        return self._decide_singles()

    def _vi_described_org(self, i: int) -> int:
        """ "Hãng hàng không Vietnam Airlines": the company is what follows the descriptor; the index
        after it, 0 when no descriptor and name start at ``i``."""
        tokens = self.tokens
        size = vi_descriptor_size(tokens, i)
        k = i + size
        if not size or k >= len(tokens) or not tokens[k].cap or not adjacent(self.text, tokens[k - 1], tokens[k]):
            return 0
        run = self.collect_run(k, 0)
        words = [tokens[n] for n in run]
        confidence = 0.8 if len(words) > 1 else 0.75
        self.found.append((Span(words[0].start, words[-1].end, "organisation", confidence), None))
        return run[-1] + 1

    def _strip_edges(self, run: list[int]) -> list[int]:
        """Drop sentence-initial common words and function words at the edges."""
        tokens, lang = self.tokens, self.lang
        while run and (
            tokens[run[0]].low in self.stop
            or (tokens[run[0]].low in P.PARTICLES and not self._opens_known_name(run))
            or (tokens[run[0]].initial and tokens[run[0]].low in self.lowered_in_text)
            or (len(run) > 1 and tokens[run[0]].text in ROMAN_NUMERALS_UPPER)  # "II República"
            or (len(run) == 2 and self._sentence_word_before_country(run))
            or (len(run) > 1 and tokens[run[0]].initial and not_one_name(tokens[run[0]].low, tokens[run[-1]].low, lang))
            or (self.lang == "tr" and tokens[run[0]].initial and tokens[run[0]].low.endswith(P.TR_INFLECTED_ENDINGS))
        ):
            run = run[1:]
        while run and (tokens[run[-1]].low in P.PARTICLES or (len(run) > 1 and tokens[run[-1]].low in self.stop)):
            run = run[:-1]
        if len(run) >= 3 and self._sentence_word_before_particle(run):
            run = run[1:]
            while run and tokens[run[0]].low in P.PARTICLES:
                run = run[1:]
        return run

    def _sentence_word_before_country(self, run: list[int]) -> bool:
        """ "Війська Росії", "Уряд Франції": a sentence's first word, then a declined country, is the
        country alone, unless the two name an organisation ("Банк России")."""
        first, country = (self.tokens[k] for k in run)
        return first.initial and self.names.declined_country([country]) and not self.is_org([first, country])

    def _opens_known_name(self, run: list[int]) -> bool:
        """The run's first words are a name the knowledge base lists with its particle ("Al Jazeera
        English", "El País"): the particle stays, or "Jazeera English" is left to read as a person."""
        words = [self.tokens[k] for k in run[:4]]
        return any(self.known(words[:size]) is not None for size in range(2, len(words) + 1))

    def _sentence_word_before_particle(self, run: list[int]) -> bool:
        """A headline's verb or noun before "de" ("Huyó de Michoacán", "Drame de Festieux"): capitalised
        only because it opens the sentence, and no given name, head word or known name."""
        first = self.tokens[run[0]]
        return (
            first.initial
            and not first.text.isupper()
            and (self.tokens[run[1]].low in _DOUBLE_PARTICLE_FIRST or self.tokens[run[1]].low in P.ARTICLE_PARTICLES)
            and first.text not in self.capitalised_mid_sentence
            and first.low not in P.GIVEN_NAMES
            and first.low not in P.PLACE_HEADS
            and not is_org_head(first, self.lang)
            and self.known([first]) is None
        )

    def _add(self, run: list[int], vi_head: int, followed_by_title: bool) -> None:
        tokens = self.tokens
        for span, single in self.type_run(run, vi_head, followed_by_title):
            if span.type == "organisation" and self.found and run[0] >= 2 and span.start == tokens[run[0]].start:
                # "Adalet ve Kalkınma Partisi": the run before the conjunction belongs to the name.
                conj, before = tokens[run[0] - 1], tokens[run[0] - 2]
                if (
                    conj.low in P.ORG_CONJUNCTIONS
                    and self.found[-1][0].type != "organisation"  # "Türk Hava Yolları ve …": two names
                    and before.end == self.found[-1][0].end
                    and adjacent(self.text, before, conj)
                ):
                    span = Span(self.found.pop()[0].start, span.end, span.type, span.confidence)
            self.found.append((span, single))

    def _decide_singles(self) -> list[Span]:
        spans: list[Span] = []
        for span, single in self.found:
            if single is None:
                spans.append(span)
                continue
            if surname_key(single.text, self.lang) in self.person_last_words:
                spans.append(Span(span.start, span.end, "person", 0.7))
                continue
            if single.text in self.team_words:
                spans.append(Span(span.start, span.end, "organisation", 0.7))
                continue
            hit = self.known([single])
            if hit is not None and hit[0].type in ("place", "organisation"):
                spans.append(Span(span.start, hit[1], hit[0].type, _KNOWN_CONFIDENCE))
            elif P.SAINT_NAMED.match(single.text):
                spans.append(span._replace(type="place", confidence=0.6))
            elif hit is None and self._common_after_article(single):
                continue
            elif self.nouns_capitalised or (single.initial and single.text not in self.capitalised_mid_sentence):
                continue  # a lone capitalised sentence start is more often a common word than a name
            else:
                spans.append(span)
        return spans


def cased_spans(text: str, lang: str, known: KnownLookup | None = None) -> list[Span]:
    """Capitalised-run recogniser for Latin, Cyrillic and other cased scripts; ``known`` (the
    knowledge base, when available) types runs that no title or head word explains."""
    scanner = _RunScanner(text, lang, known)
    if not scanner.tokens:
        return []
    return scanner.scan()
