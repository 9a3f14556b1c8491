"""Name normalisation and cross-script keys.

Every name, whatever its script, becomes a ``NameForm``: folded tokens in the original script (for
exact alias look-ups), romanised tokens (anyascii) and a consonant *skeleton* per token.  Vowels and
the vowel-like letters (w, y, h) are dropped from skeletons because scripts disagree about them:
Arabic writes no short vowels (بوتين → "bwtyn"), French adds some (Poutine), Russian turns h into kh.
Consonants are folded into classes that survive transliteration (b/p, t/d, s/z/sh/ch, g/j); f, v
and w are dropped too, since German W, Russian в, Arabic ف and و trade places between them.
Skeletons are match keys only, never ids: an unknown name's id hashes its normalised full name
(``sw_id``), and cross-script identity is decided on evidence by the resolver.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache

import regex
from anyascii import anyascii

from ..lang.lexicon import (
    ARABIC_ORDINALS,
    LEADING_ARTICLES,
    LEADING_TITLES,
    NAME_QUALIFIERS,
    ORG_MARKERS,
    PATRONYMIC_ENDINGS,
    REGNAL_NAMES,
    REGNAL_TITLES,
    ROMAN_NUMERALS,
    org_type_words,
)
from ..lang.text import fold, fold_token, strip_arabic_article

# Letters with their combining marks: Devanagari and other Brahmic scripts write vowels as marks
# (पुतिन is one word, not प, त, न), and Arabic vowel signs sit inside a word, not between two.
_WORD = regex.compile(r"[\p{L}\p{M}]+|\d+")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# The Arabic article as Latin and Cyrillic write it before a hyphen, assimilated or not: al-, ash-,
# аль-, ас-, эш-.
_HYPHEN_ARTICLE = re.compile(
    r"\b(?:al|el|ad|ar|as|at|an|az|ash|аль|эль|ал|ад|ар|ас|ат|ан|аз|аш|эш|эд|эр|эс|эт|эн|эз)[-‐‑](?=\w)",
    re.IGNORECASE,
)

# Multi-letter spellings first; each maps to one consonant class (or "" when it carries nothing).
_CLASSES = {
    "shch": "S",
    "tsch": "S",
    "sch": "S",
    "tch": "S",
    "tsh": "S",
    "dzh": "G",
    "sh": "S",
    "ch": "S",
    "zh": "G",
    "kh": "",
    "gh": "G",
    "ph": "",
    "th": "T",
    "dh": "T",
    "dj": "G",
    "ck": "K",
    "qu": "K",
    "ts": "S",
    "tz": "S",
    "cz": "S",
    "x": "KS",
    "b": "P",
    "p": "P",
    "f": "",
    "v": "",
    "t": "T",
    "d": "T",
    "s": "S",
    "z": "S",
    "g": "G",
    "j": "G",
    "k": "K",
    "q": "K",
    "c": "K",
    "m": "M",
    "n": "N",
    "l": "L",
    "r": "R",
}
_SPELLING = re.compile("|".join(sorted((k for k in _CLASSES if len(k) > 1), key=len, reverse=True)) + "|[a-z0-9]")
_REPEAT = re.compile(r"(.)\1+")
_SOFT_C = re.compile(r"c(?=[eiy])")
_FINAL_GLIDE = re.compile(r"(?<=[aeiouy])j$")


def tokens(text: str) -> list[str]:
    """Folded word tokens; Arabic tokens lose their article; CJK text is kept as one run per word."""
    text = _HYPHEN_ARTICLE.sub("", text)
    return [t for raw in _WORD.findall(unicodedata.normalize("NFKC", text)) for t in _abd_apart(fold_token(raw))]


# Arabic writes "Abd al-X" apart (عبد الفتاح) or as one word (عبدالفتاح); apart, the article of the
# second word goes like any other, so joined it reads as the same two tokens.  Not عبدالله: its
# second word is too short to stand as a token, and it is one given name in every script.
_ABD_JOINED = "عبدال"
_ABD_REST_MIN = 3


def _abd_apart(token: str) -> list[str]:
    if token.startswith(_ABD_JOINED) and len(token) - len(_ABD_JOINED) >= _ABD_REST_MIN:
        return ["عبد", token[len(_ABD_JOINED) :]]
    return [token]


def alias_key(text: str) -> str:
    """``name_form(text, drop_titles=False).key`` without the romanisation and skeletons a look-up
    of the exact key does not read (the rules ask it of every capitalised run)."""
    return " ".join(tokens(text))


# Pure, and asked of the same tokens in every article's names: a bounded cache each.
@lru_cache(maxsize=1 << 14)
def romanise(token: str) -> str:
    """Lower-case ASCII letters only: ``بوتين`` → ``bwtyn``, ``Путин`` → ``putin``, ``习近平`` → ``xijinping``."""
    return re.sub(r"[^a-z0-9]", "", anyascii(token).lower())


@lru_cache(maxsize=1 << 14)
def skeleton(romanised: str, h: str = "") -> str:
    """Consonant classes of a romanised token, vowels and w/y/h dropped (``h``: the class a lone h
    keeps instead), repeats collapsed."""
    return _skeleton(romanised, h, _CLASSES)


# Chinese and Japanese transcriptions keep voicing apart (拜登 Biden, 普京 Putin; バ and パ), which
# the skeleton's classes merge: compared with a transcription, a name keeps its b and d.
_VOICED_CLASSES = _CLASSES | {"b": "B", "d": "D", "dh": "D"}


@lru_cache(maxsize=1 << 14)
def voiced_skeleton(romanised: str) -> str:
    """``skeleton`` with b apart from p and d apart from t."""
    return _skeleton(romanised, "", _VOICED_CLASSES)


def unvoiced(voiced: str) -> str:
    """A ``voiced_skeleton`` in ``skeleton``'s classes: the key a name index files it under."""
    return _REPEAT.sub(r"\1", voiced.replace("B", "P").replace("D", "T"))


def _skeleton(romanised: str, h: str, table: dict[str, str]) -> str:
    # German/Polish "Selenskyj", "Sergej": the final j is a glide, not a consonant.
    word = _FINAL_GLIDE.sub("", _SOFT_C.sub("s", romanised)) if len(romanised) > 3 else romanised
    if word.startswith("x"):
        word = "s" + word[1:]  # pinyin Xi, Xiamen: an s-sound in every script that writes it
    classes = "".join(
        h if part == "h" else table.get(part, part if part.isdigit() else "") for part in _SPELLING.findall(word)
    )
    return _REPEAT.sub(r"\1", classes)


# "a" carries nothing: Arabic leaves it unwritten and anyascii drops alef.
_VOWEL_CLASSES = {"kh": "H", "h": "H", "a": "", "o": "U", "u": "U", "w": "U", "v": "U", "f": "U", "e": "I", "i": "I"}
_VOWEL_CLASSES |= {"y": "I", "j": "I"}
_VOWEL_SPELLING = re.compile("kh|[a-z0-9]")


def vowel_skeleton(romanised: str) -> str:
    """A skeleton that keeps vowel classes, for names with too few consonants to tell them apart.

    Huawei, Хуавэй (khuavei), هواوي (hwawy) and 华为 all have an empty consonant skeleton; their
    vowel/glide pattern is the same: h, u/w/v, u/w/v, e/i/y (``HUI``).
    """
    parts = _VOWEL_SPELLING.findall(romanised)
    classes = [_VOWEL_CLASSES[p] if p in _VOWEL_CLASSES else _CLASSES.get(p, p) for p in parts]
    return _REPEAT.sub(r"\1", "".join(classes))


# Spelling conventions that differ between the script a name was written in and the original.
# Each rule is a general transcription habit of that script, never a per-name table; it yields an
# *alternative* romanisation, so a token matches another when any of their readings agree.
# Polish instrumental (the other cases end in vowels, which skeletons drop): "z Recepem Tayyipem
# Erdoganem", "z Putinem".
_LATIN_CASE_ENDING = re.compile("(?<=[a-z]{4})em$")


def without_case_ending(roman: str) -> str:
    """A romanised Latin token without the case ending a reading drops ("erdoganem" → "erdogan")."""
    return _LATIN_CASE_ENDING.sub("", roman)


_LATIN_READINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile("j"), "h"),  # Spanish Javier (Хавьер, خافيير), German/Nordic Jens (Йенс), Benyamin
    (re.compile("c(?=[aeiou])"), "j"),  # Turkish Recep (Реджеп, رجب)
    (re.compile("rz"), "zh"),  # Polish Andrzej (Анджей)
    (re.compile("(?<=[a-z]{3}er)s$"), ""),  # a final -s after -er is dropped in Russian: Reuters (Рейтер)
    (_LATIN_CASE_ENDING, ""),
)
_CYRILLIC_READINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile("g"), "h"),  # Russian г for a foreign h: Ибрагим, Гаага
    (re.compile("tsz"), "dzh"),  # Palladius цз for pinyin j: Цзиньпин
    (re.compile("ch"), "dzh"),  # Korean ㅈ written ч: Чен (Jong)
    (re.compile("ch"), "tr"),  # Vietnamese tr written ч: Чонг (Trọng)
    (re.compile("ts"), "tes"),  # тс for a written t-vowel-s: Гейтс (Gates)
    (re.compile("ich$"), "ic"),  # South Slavic -ić, -ič, which Latin news writes -ic: Борич (Boric), Вучич
    # Case endings with a consonant (instrumental, genitive, dative: Путиным, Вагнером, Газпрома is
    # vowel-only already): the name without them is the nominative.
    (re.compile("(?<=[a-z]{4})(?:ogo|ego|omu|emu|om|ym|im|em)$"), ""),
)
_ARABIC_READINGS: tuple[tuple[re.Pattern[str], str], ...] = ((re.compile("ts"), "tes"),)  # غيتس (Gates)
# Greek writes d, b and g with two letters (ντ, μπ, γκ: Ερντογάν, Erdogan), and γ before e or i is a
# y (Ταγίπ, Tayyip).
_GREEK_READINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile("nt"), "d"),
    (re.compile("mp"), "b"),
    (re.compile("g[gk]"), "g"),
    (re.compile("g(?=[iey])"), "y"),
)
# Arabic "Abd al-X" written as one Latin or Cyrillic word (Abdelmadjid, Абдель), or with the article
# fused to "Abd" and the name apart ("Abdel Fattah" for عبد الفتاح, whose article is dropped).
_ABD_ARTICLE = re.compile("^abd(?:e|u|ou|a)l")
# "Abu al-X" written with the article fused to "Abu" ("Aboul Gheit" for أبو الغيط, whose article is
# dropped): the token is "abu".
_ABU_ARTICLE = re.compile("^ab(?:o|ou|u)l$")
# "Abdel", "Abdul" alone begin a compound given name (عبد + the next token): they are not qualifiers
# like bin or abu, which tell apart two people otherwise named alike, so Arabic, which writes عبد as
# a plain token, need not have a qualifier there too.
ABD_TOKENS = frozenset({"abdel", "abdul", "абдель", "абдул"})
_MAX_READINGS = 16


def _readings(roman: str, script: str) -> set[str]:
    rules = {
        "latin": _LATIN_READINGS,
        "cyrillic": _CYRILLIC_READINGS,
        "arabic": _ARABIC_READINGS,
        "greek": _GREEK_READINGS,
    }.get(script, ())
    found = {roman}
    if script in ("latin", "cyrillic"):
        found.add(_ABU_ARTICLE.sub("abu", _ABD_ARTICLE.sub("abd", roman)))
    for pattern, replacement in rules:
        for reading in list(found):
            if len(found) >= _MAX_READINGS:
                break
            if pattern.search(reading):
                found.add(pattern.sub(replacement, reading))
    return found


def skeleton_variants(roman: str, script: str) -> frozenset[str]:
    """Every skeleton the token may have under its script's transcription habits.

    A final "ng" also reads as "n": Chinese, Korean and Vietnamese -ng is н in Russian (Цзиньпин,
    Чен) and نج or نغ in Arabic.
    """
    out = set()
    for reading in _readings(roman, script):
        key = skeleton(reading)
        out.add(key)
        if reading.startswith("abd") and len(reading) > 3 and reading != roman:
            # Read as the two words Arabic writes ("Abdelatty", عبد العاطي: P-T then T, not P-T).
            out.add(skeleton("abd") + skeleton(reading[3:]))
        if key.endswith("NG") and len(key) > 2:
            out.add(key[:-1])
    return frozenset(out)


# -- Letters the skeleton drops, which a name written twice in related scripts keeps ---------------
# The skeleton drops h (silent in Latin, х or г in Russian) and Arabic ʿ (no Latin letter): so Latin
# "Ahmet" (a-h-m-t) reads like عماد (ʿ-m-d), "Mehmet" like احمد.  But Arabic ح and ه are consonants
# that Latin always writes h ("Ahmed", "Hussein", "Doha") and ʿ is one it writes as a vowel or not at
# all, never h: when the Arabic token has one of them, the h's of both must line up.
_ARABIC_H = frozenset("حه")
_ARABIC_GUTTURALS = _ARABIC_H | {"ع"}
_ARABIC_H_SPLIT = re.compile("([حه])")
_H_DIGRAPH = re.compile("(?<=[sdtkgcpz])h")  # sh, th, dh, kh, gh, ch, ph, zh: "Ishaq" is إسحاق (s + h)
_FINAL_H = re.compile("(?<=[aeiou])h$")  # "Haniyeh", "Sarah": a final h may be a Latin vowel sign


@lru_cache(maxsize=20_000)  # pure; asked for the same tokens in every reconciliation
def _arabic_h_keys(token: str) -> frozenset[str]:
    """Consonant classes of an Arabic token with ح and ه kept as H, the letters between them read as
    the skeleton reads them (تش is "ch"; س then ه is no "sh"); a final ه may be the tā' marbūṭa that
    folding made of ة, so it is optional."""
    parts = ["H" if part in _ARABIC_H else skeleton(romanise(part)) for part in _ARABIC_H_SPLIT.split(token)]
    keys = {_REPEAT.sub(r"\1", "".join(parts))}
    if token.endswith("ه"):
        keys.add(_REPEAT.sub(r"\1", "".join(parts[:-2])))  # split() leaves an empty part after it
    return frozenset(keys)


@lru_cache(maxsize=20_000)  # pure; asked for the same tokens in every reconciliation
def _written_h_keys(roman: str) -> frozenset[str]:
    """The same for a Latin token, under its readings: a digraph's h may be a letter of its own
    (Ishaq), a final h after a vowel may be silent (Haniyeh)."""
    out: set[str] = set()
    for reading in _readings(roman, "latin"):
        words = {reading, _FINAL_H.sub("", reading)}
        for word in list(words):
            for match in _H_DIGRAPH.finditer(word):
                if len(words) < _MAX_READINGS:
                    words.add(word[: match.start()] + "|" + word[match.start() :])  # "is|haq"
        out |= {skeleton(w, h="H") for w in words}
    return frozenset(out)


def gutturals_agree(arabic_token: str, latin_roman: str) -> bool:
    """Whether an Arabic token and a Latin one agree on h and ʿ: when the Arabic one has ح, ه or ع,
    the h's must line up (Mehmet is محمد, not احمد; Ahmet is not عماد; Matt is not محمد), and a
    word opening with ع opens with a vowel in Latin (Imad, Omar, Issa; not Matthew).  Exonyms that
    drop the h (Cairo, القاهرة) are the knowledge base's to list."""
    if not _ARABIC_GUTTURALS & set(arabic_token):
        return True
    if arabic_token.startswith("ع") and latin_roman[:1] not in _LATIN_VOWELS:
        return False
    return not _arabic_h_keys(arabic_token).isdisjoint(_written_h_keys(latin_roman))


_LATIN_VOWELS = frozenset("aeiou")


# Within one script f, v and ph are one consonant that no spelling drops (Vischer is not Scheuer),
# while w may be a vowel (Marwan, Marouane) or that consonant (Lawrow, Lavrov).
_LABIAL = re.compile("ph|[fv]")


@lru_cache(maxsize=20_000)  # pure; asked for the same tokens in every reconciliation
def labial_keys(roman: str, script: str) -> frozenset[str]:
    """Skeletons of a token under its script's readings (a Russian case ending off: Бадром, Бадра)
    with f, v and ph (and w, or w dropped) kept as one class (a digit, which ``skeleton`` keeps)."""
    keys = set()
    for reading in _readings(roman, script):
        marked = _LABIAL.sub("0", reading)
        keys |= {skeleton(marked.replace("w", "0")), skeleton(marked.replace("w", ""))}
    return frozenset(keys)


def is_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def script_of(text: str) -> str:
    """A coarse script label for reporting and same-script checks."""
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            if name.startswith(("LATIN", "CYRILLIC", "ARABIC", "GREEK", "HEBREW", "HANGUL", "DEVANAGARI", "THAI")):
                return name.split()[0].lower()
            if name.startswith(("CJK", "HIRAGANA", "KATAKANA")):
                return "cjk"
            return "other"
    return "none"


_KATAKANA_TOKEN = re.compile("^[\u30a1-\u30fa\u30fc]+$")
TRANSCRIBING_SCRIPTS = ("cjk", "kana", "hangul")  # scripts that write a foreign name syllable by syllable


def is_katakana(token: str) -> bool:
    """Written in katakana (and the long-vowel mark) alone: a foreign word or name in Japanese."""
    return bool(_KATAKANA_TOKEN.match(token))


def name_script(text: str, toks: list[str]) -> str:
    """``script_of`` for matching a name: a name written wholly in katakana ("kana") is a foreign
    one and no spelling of a Chinese name in Han characters, as two scripts' names are not."""
    if toks and all(is_katakana(t) for t in toks):
        return "kana"
    return script_of(text)


@dataclass(frozen=True)
class NameForm:
    """One name prepared for matching."""

    text: str
    tokens: tuple[str, ...]  # folded, original script, titles removed
    roman: tuple[str, ...]
    skeletons: tuple[str, ...]
    script: str

    @property
    def key(self) -> str:
        """Folded tokens joined: the exact-alias key."""
        return " ".join(self.tokens)

    # Cached: reconciliation asks these of the same forms hundreds of times per article.
    @cached_property
    def roman_key(self) -> str:
        return " ".join(self.roman)

    @property
    def skeleton_key(self) -> str:
        """Skeletons concatenated, so token boundaries (Xi Jinping / 习近平) do not matter."""
        return "".join(self.skeletons)

    @cached_property
    def short(self) -> bool:
        """Too few consonants for the skeleton to identify the name (Huawei, Yahoo, Ohio)."""
        return len(self.skeleton_key) < 2

    @cached_property
    def acronym_like(self) -> bool:
        """See ``is_acronym_like``."""
        return _acronym_like(self)

    @cached_property
    def acronym_tokens(self) -> frozenset[str]:
        """Tokens written as capitals inside a mixed-case name ("NSW" of "NSW Police"): letters that
        stand for words, so they match only letter for letter.  A name in capitals throughout (a
        headline's "DONALD TRUMP") says nothing about its tokens."""
        words = self.text.split()
        if len(words) < 2 or self.text.isupper():
            return frozenset()
        caps = [w for w in words if w.isupper() and 2 <= sum(c.isalpha() for c in w) <= 5]
        return frozenset(t for w in caps for t in name_form(w, drop_titles=False).tokens)

    @cached_property
    def vowel_key(self) -> str:
        return "".join(vowel_skeleton(r) for r in self.roman)

    @property
    def roman_len(self) -> int:
        return sum(len(r) for r in self.roman)

    @cached_property
    def variants(self) -> tuple[frozenset[str], ...]:
        """Per token, every skeleton its script's spelling habits allow (see ``skeleton_variants``)."""
        script = self.script or script_of(self.text)
        return tuple(skeleton_variants(r, script) | {s} for r, s in zip(self.roman, self.skeletons, strict=True))

    @cached_property
    def every_variant(self) -> frozenset[str]:
        """Every reading of every token in one set: is a token of another name one of them?"""
        return frozenset().union(*self.variants)

    @cached_property
    def key_variants(self) -> frozenset[str]:
        """``skeleton_key`` under every combination of token readings (bounded)."""
        keys = {""}
        for options in self.variants:
            keys = {k + o for k in keys for o in sorted(options)}
            if len(keys) > 4 * _MAX_READINGS:
                return frozenset({self.skeleton_key})
        return frozenset(keys)


def _folded_words(words: frozenset[str]) -> frozenset[str]:
    return frozenset(strip_arabic_article(fold(w)) for w in words)


TITLES = _folded_words(LEADING_TITLES)
ARTICLES = _folded_words(LEADING_ARTICLES)
QUALIFIERS = _folded_words(NAME_QUALIFIERS)
ORG_WORDS = _folded_words(ORG_MARKERS) | frozenset(org_type_words())


def _drop_titles(toks: list[str]) -> list[str]:
    start = 0
    while start < len(toks) - 1 and (toks[start] in TITLES or toks[start] in ARTICLES):
        start += 1
    kept = toks[start:]
    if len(kept) >= 3:
        kept = [t for i, t in enumerate(kept) if i == 0 or not t.endswith(PATRONYMIC_ENDINGS)]
    return kept


_REGNAL_TITLE = {t: kind for kind, forms in REGNAL_TITLES.items() for form in forms for t in tokens(form)}
_REGNAL_NAME = {" ".join(tokens(form)): key for key, forms in REGNAL_NAMES.items() for form in forms}
_ORDINAL = {tokens(word)[0]: ROMAN_NUMERALS[i] for i, word in enumerate(ARABIC_ORDINALS)}
_ORDINAL |= {roman: roman for roman in ROMAN_NUMERALS} | {str(i + 1): r for i, r in enumerate(ROMAN_NUMERALS)}


def regnal_tokens(toks: list[str]) -> list[str] | None:
    """A pope's or monarch's title and regnal name, the same in every language ("pope francis",
    "king charles iii"), or ``None`` when ``toks`` is no such name."""
    for i, token in enumerate(toks):
        kind = _REGNAL_TITLE.get(token)
        if kind is not None:
            rest = toks[i + 1 :]
            ordinals = [_ORDINAL[t] for t in rest if t in _ORDINAL]
            name = _REGNAL_NAME.get(" ".join(t for t in rest if t not in _ORDINAL))
            return [kind, *name.split(), *ordinals[:1]] if name else None
        if token not in TITLES and token not in ARTICLES:
            return None
    return None


def is_regnal_title(word: str) -> bool:
    """"Papa", "Papst", "البابا", "King": a word that makes the regnal name after it a pope's or monarch's."""
    toks = tokens(word)
    return len(toks) == 1 and toks[0] in _REGNAL_TITLE


def is_regnal_name(surface: str) -> bool:
    """"Francisco", "Juan Pablo II", "Франциск": a regnal name, with or without its ordinal."""
    return " ".join(t for t in tokens(surface) if t not in _ORDINAL) in _REGNAL_NAME


def regnal_name(form: NameForm) -> str | None:
    """The regnal name of a pope's or monarch's name form ("francis" of "pope francis"), or, for a
    one-token form, the regnal name it is a spelling of ("Franziskus", "Francisco": "francis")."""
    if len(form.tokens) == 1:
        return _REGNAL_NAME.get(form.tokens[0])
    if form.tokens and form.tokens[0] in REGNAL_TITLES:
        name = " ".join(t for t in form.tokens[1:] if t not in _ORDINAL)
        return name if name in REGNAL_NAMES else None
    return None


@lru_cache(maxsize=20_000)  # bounded: one entry costs about 0.7 kB and workers run for days
def name_form(text: str, drop_titles: bool = True) -> NameForm:
    """Prepare a name (cached: the same surfaces recur in every article)."""
    toks = tokens(text)
    if drop_titles:
        toks = regnal_tokens(toks) or _drop_titles(toks)
    types = org_type_words()
    # A generic organisation word reads the same in every language ("groupe", "группа", "مجموعة").
    roman = tuple(types.get(t) or romanise(t) for t in toks)
    return NameForm(
        text=text,
        tokens=tuple(toks),
        roman=roman,
        skeletons=tuple(skeleton(r) for r in roman),
        script=name_script(text, toks),
    )


def has_qualifier(form: NameForm) -> bool:
    return any(t in QUALIFIERS or r in QUALIFIERS for t, r in zip(form.tokens, form.roman, strict=True))


SHORT_NAME_LETTERS = 4  # one-token names this short never match by sound (AB, AP, PP, Xi)
SHORT_ABJAD_LETTERS = 3  # the same in Arabic and Hebrew script, which write no short vowels
ACRONYM_MAX_LETTERS = 6  # an all-capital single token up to this long is an acronym (COVID, UNESCO)


def is_acronym_like(form: NameForm) -> bool:
    """An acronym or a one-token name of at most four letters (``_acronym_like``), asked once per form."""
    return form.acronym_like


def _acronym_like(form: NameForm) -> bool:
    """An acronym or a one-token name of at most four letters: its letters identify it, its sound
    does not (CDU, COVID, OECD and Kyodo share a skeleton; AB, AP and PP share a vowel pattern).
    Such a name matches another only letter for letter (``NATO`` = ``НАТО`` romanised), or through
    an expansion a knowledge base lists."""
    if len(form.tokens) > 1 and all(len(t) == 1 for t in form.tokens):
        return True  # initials written apart: "أ ف ب" (AFP), "U S A"
    if len(form.tokens) != 1 or is_cjk(form.text):
        return False
    letters = [c for c in form.text if c.isalpha()]
    # Abjads leave short vowels unwritten: four Arabic letters (حفتر, Haftar) spell a six-letter name.
    limit = SHORT_ABJAD_LETTERS if form.script in ("arabic", "hebrew") else SHORT_NAME_LETTERS
    if len(form.roman_key) <= limit:
        return True
    return len(letters) <= ACRONYM_MAX_LETTERS and all(c.isupper() for c in letters)


def normalised_name(form: NameForm) -> str:
    """The name's identity key in its own script: folded tokens, titles dropped, organisation type
    words in their canonical reading and last ("groupe Wagner" = "Wagner Group")."""
    types = org_type_words()
    order = sorted(range(len(form.tokens)), key=lambda i: form.tokens[i] in types)
    return " ".join(types.get(form.tokens[i]) or form.tokens[i] for i in order)


def sw_id(form: NameForm) -> str | None:
    """The id of a name no knowledge base knows: ``sw:`` + a short hash of ``normalised_name``.

    Opaque and deterministic (the same in every process, so enrichment workers agree without
    talking): two names share it only when their normalised full names are equal in one script.
    Names that sound alike never do; cross-script merges are decided by the single writer on
    evidence (``resolve.reconcile``) and recorded as redirects.
    """
    key = normalised_name(form)
    if not key:
        return None
    return "sw:" + hashlib.blake2b(key.encode("utf-8"), digest_size=6).hexdigest()
