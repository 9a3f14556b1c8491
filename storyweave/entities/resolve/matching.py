"""When are two names the same entity?  The guards that keep look-alikes apart live here.

Two names match when *every* token matches (same consonant skeleton under one of the readings the
two scripts allow, see ``names.skeleton_variants``; same-script pairs must also
look alike letter by letter), the qualifier tokens agree (bin/ibn/abu, South/North: "Mohammed bin
Salman" is not "Mohammed bin Zayed", "Sudan" is not "South Sudan"), and their lengths are
comparable.  Different knowledge-base ids never merge; callers check that before calling here.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from ..names import (
    ABD_TOKENS,
    QUALIFIERS,
    TRANSCRIBING_SCRIPTS,
    NameForm,
    gutturals_agree,
    is_acronym_like,
    labial_keys,
    regnal_name,
    without_case_ending,
)
from ..transcriptions import foreign_variants, voiced_variants

SAME_SCRIPT_MIN_SIMILARITY = 60.0  # rapidfuzz ratio of romanised tokens that share a skeleton
# Vowel letters of a Latin token, y counted where it is a vowel (Zelensky, not Yevgeny's opening glide).
_LATIN_VOWEL = re.compile("[aeiou]|y(?![aeiou])")


def _latin_vowels(roman: str) -> str:
    return "".join("i" if m.group() == "y" else m.group() for m in _LATIN_VOWEL.finditer(roman))


def _qualifiers(form: NameForm) -> list[str]:
    """The qualifier tokens' shortest readings: "Aboul" (with the fused article) reads "abu" like أبو."""
    return sorted(
        min(v, key=lambda k: (len(k), k))
        for t, v in zip(form.tokens, form.variants, strict=True)
        if t in QUALIFIERS and t not in ABD_TOKENS
    )


def token_match(a: NameForm, i: int, b: NameForm, j: int) -> bool:
    sa, sb = a.skeletons[i], b.skeletons[j]
    if not sa and not sb:  # all vowels and glides ("Phu" / "فو", "Yi"): the other tokens decide
        return True
    if not sa or not sb:
        return False
    if sa != sb and not (a.variants[i] & b.variants[j]) and not transcribes(a, i, b, j):
        return False
    if (a.tokens[i] in a.acronym_tokens or b.tokens[j] in b.acronym_tokens) and a.roman[i] != b.roman[j]:
        return False  # NSW (of "NSW Police") is no spelling of نانسي: initials match letter for letter
    if a.script == b.script and a.script in ("latin", "cyrillic") and a.tokens[i] != b.tokens[j]:
        if labial_keys(a.roman[i], a.script).isdisjoint(labial_keys(b.roman[j], b.script)):
            return False  # Vischer is not Scheuer: one script writes the same f or v every time
        ra, rb = without_case_ending(a.roman[i]), without_case_ending(b.roman[j])
        if a.script == "latin" and sa != sb and _latin_vowels(ra) != _latin_vowels(rb):
            # Consonants that agree only under another language's reading (j read as h) and other
            # vowels besides: two names, not two spellings (Arun is not Arjan; Benjamin is Benyamin).
            return False
        return fuzz.ratio(a.roman[i], b.roman[j]) >= SAME_SCRIPT_MIN_SIMILARITY
    if a.roman[i] == b.roman[j]:
        return True  # one reading: an organisation's type word ("مجموعة", "groupe") reads as its canonical
    if a.script == "arabic" and b.script == "latin":
        return gutturals_agree(a.tokens[i], b.roman[j])
    if b.script == "arabic" and a.script == "latin":
        return gutturals_agree(b.tokens[j], a.roman[i])
    return True


def transcribes(a: NameForm, i: int, b: NameForm, j: int) -> bool:
    """Token ``i`` of ``a`` or token ``j`` of ``b`` is a Chinese, Japanese or Korean transcription
    of the other (``transcriptions``): 特朗普 and Trump, プーチン and Putin, 트럼프 and Trump.  Never
    within one script, and never for a one-consonant token: too many names share one."""
    if not transcription_pair(a, b):
        return False
    if a.script in TRANSCRIBING_SCRIPTS and b.script in TRANSCRIBING_SCRIPTS:  # 普京 and プーチン
        return len(a.skeletons[i]) >= 2 and not foreign_variants(a)[i].isdisjoint(foreign_variants(b)[j])
    cjk, k, other, m = (a, i, b, j) if a.script in TRANSCRIBING_SCRIPTS else (b, j, a, i)
    return len(other.skeletons[m]) >= 2 and not foreign_variants(cjk)[k].isdisjoint(voiced_variants(other)[m])


def transcription_pair(a: NameForm, b: NameForm) -> bool:
    """Two scripts, one of them Chinese, Japanese or Korean: a pair ``transcribes`` may hold for (asked of
    every candidate pair reconciliation looks at, so the cheap tests come first)."""
    return a.script != b.script and (a.script in TRANSCRIBING_SCRIPTS or b.script in TRANSCRIBING_SCRIPTS)


def _by_transcription(a: NameForm, b: NameForm) -> bool:
    """``a`` and ``b`` are one name only if some token transcribes another, not by their own
    readings: then many foreign names read alike, and the match needs more than itself."""
    if not transcription_pair(a, b):
        return False
    if a.skeleton_key == b.skeleton_key or a.key_variants & b.key_variants:
        return False
    return len(a.tokens) != len(b.tokens) or any(
        a.skeletons[i] != b.skeletons[i] and a.variants[i].isdisjoint(b.variants[i]) for i in range(len(a.tokens))
    )


TRANSCRIBED_STRONG_SKELETON = 5  # consonant classes a full name matched by transcription needs to stand alone


def _length_ok(a: NameForm, b: NameForm) -> bool:
    la, lb = a.roman_len, b.roman_len
    return la > 0 and lb > 0 and 0.5 <= la / lb <= 2.0


def same_name(a: NameForm, b: NameForm) -> bool:
    """Full-name equality across scripts, with every guard."""
    if not a.tokens or not b.tokens:
        return False
    if is_acronym_like(a) or is_acronym_like(b):  # letters, not sound: CDU is not COVID, AB not AP
        return a.roman_key == b.roman_key
    if not _length_ok(a, b):
        return False
    if a.script == b.script == "arabic" and a.key != b.key and not _arabic_spellings(a, b):
        return False
    if a.short or b.short:  # too few consonants: the vowel pattern decides (Huawei / Хуавэй / هواوي)
        return a.short and b.short and bool(a.vowel_key) and a.vowel_key == b.vowel_key
    if _qualifiers(a) != _qualifiers(b):
        return False
    n = len(a.tokens)
    if n == len(b.tokens):
        if all(token_match(a, i, b, i) for i in range(n)):
            return True
        # Family name first in one outlet, last in another ("Trong Nguyen Phu" is rarer, but 2 tokens flip)
        return n == 2 and token_match(a, 0, b, 1) and token_match(a, 1, b, 0)
    # Token boundaries differ (Xi Jinping / 习近平 → XiJinPing, Jean-Marie / Jean Marie).
    return (
        abs(n - len(b.tokens)) <= 2
        and len(a.skeleton_key) >= 5
        and (a.skeleton_key == b.skeleton_key or bool(a.key_variants & b.key_variants))
        and (a.script != b.script or a.key.replace(" ", "") == b.key.replace(" ", ""))
    )


def contains_name(longer: NameForm, shorter: NameForm) -> bool:
    """``shorter`` is ``longer`` without some middle tokens ("Recep Tayyip Erdoğan" ⊃ "Recep Erdoğan")."""
    m, n = len(shorter.tokens), len(longer.tokens)
    if m < 2 or m >= n:
        return False
    if not token_match(shorter, 0, longer, 0) or not token_match(shorter, m - 1, longer, n - 1):
        return False
    j = 1
    for i in range(1, m - 1):
        while j < n - 1 and not token_match(shorter, i, longer, j):
            j += 1
        if j >= n - 1:
            return False
        j += 1
    skipped = set(longer.tokens) - set(shorter.tokens)
    return not (skipped & QUALIFIERS)


def part_of_name(full: NameForm, part: NameForm) -> bool:
    """A one-token mention that is the family (last) or given (first) name of ``full``."""
    if len(part.tokens) != 1 or len(full.tokens) < 2 or part.tokens[0] in QUALIFIERS:
        return False
    if is_acronym_like(part):  # "Xi" of "Xi Jinping" letter for letter, never "Li" of "Lee Hsien Loong"
        return part.roman[0] in (full.roman[0], full.roman[-1])
    if surname_letter_for_letter(full, part):  # however few its consonants: "Feijóo" (F-J)
        return True
    if len(part.skeleton_key) < 2:
        return False
    regnal = regnal_name(full)
    if regnal is not None:  # "Franziskus" after "Papst Franziskus" (read "pope francis")
        return regnal == regnal_name(part)
    return token_match(part, 0, full, len(full.tokens) - 1) or token_match(part, 0, full, 0)


STRONG_SKELETON = 3  # consonant classes a multi-token name needs for its skeleton match to stand alone
STRONG_SINGLE_SKELETON = 4  # and a one-token name by consonants alone: Gazprom = Газпром
STRONG_SOUND = 4  # consonant and vowel classes a name needs when its consonants alone are too few


def strong_match(a: NameForm, b: NameForm) -> bool:
    """``same_name`` with evidence enough to need no context: the same letters once romanised, or a
    whole name whose consonants, matching under the scripts' spelling habits, are too many to agree
    by chance ("Vladimir Putin" = "فلاديمير بوتين", "Microsoft" = "Майкрософт").  A name with few
    consonants matched by sound (Putin, Twitter, Haftar) is weak: the entities it co-occurs with must
    agree before it joins anything."""
    if a.roman_key and a.roman_key == b.roman_key:
        return True
    if not same_name(a, b):
        return False
    if _regrouped(a, b):
        return False
    if a.script == b.script == "arabic":
        return True  # ``same_name`` already held them to ``_arabic_spellings``
    multi = len(a.tokens) >= 2 and len(b.tokens) >= 2
    if _by_transcription(a, b):  # 弗拉基米尔·普京 and Vladimir Putin, not 普京 and Putin alone
        other = b if a.script in TRANSCRIBING_SCRIPTS else a
        return multi and len(other.skeleton_key) >= TRANSCRIBED_STRONG_SKELETON
    if min(len(a.skeleton_key), len(b.skeleton_key)) >= (STRONG_SKELETON if multi else STRONG_SINGLE_SKELETON):
        return True
    # Few consonants, but the vowels and glides agree too: Toyota = Тойота = تويوتا, Putin = بوتين.
    sound = sound_key(a)
    return len(sound) >= STRONG_SOUND and sound == sound_key(b)


def flipped(a: NameForm, b: NameForm) -> bool:
    """Two-token names whose tokens match only crossed over.  For people ("Faysyl Ahmed" read as
    "محمد صلاح" backwards) two short skeletons crossing agree by chance too often to stand without
    context; organisations flip by grammar ("أرامكو السعودية", "groupe Mozart")."""
    return len(a.tokens) == len(b.tokens) == 2 and not (token_match(a, 0, b, 0) and token_match(a, 1, b, 1))


def _regrouped(a: NameForm, b: NameForm) -> bool:
    """One word in one script, several in another ("Sarıhacılar", "سيرغي لافروف"): the consonants
    of one word spread over a whole name agree by chance, unless a script writes no spaces (习近平)."""
    one_word = min(len(a.tokens), len(b.tokens)) == 1 and len(a.tokens) != len(b.tokens)
    return one_word and a.script != b.script and not {a.script, b.script} & {"cjk", "kana"}


def sound_key(form: NameForm) -> str:
    """Consonant and vowel classes of the whole name; a Latin final silent e is dropped (Google, Гугл)."""
    key = form.vowel_key
    if form.script == "latin" and form.roman and form.roman[-1].endswith("e") and key.endswith("I"):
        key = key[:-1]
    return key


def surname_letter_for_letter(full: NameForm, part: NameForm) -> bool:
    """``part`` (one token) is the family (last) name of ``full`` once romanised, letter for letter.

    A first name is no evidence on its own ("Nancy" is not only Nancy Pelosi, "Google" not Google
    Stadia), and neither is the name after bin/ibn/abu, which is the father's (Salman of
    "Mohammed bin Salman")."""
    if len(full.tokens) < 2 or len(part.roman) != 1 or full.tokens[-2] in QUALIFIERS:
        return False
    return part.roman[0] == full.roman[-1]


# Foreign g is ج in Egypt and غ in the Levant (سيرجي, سيرغي: Sergei): one letter for this comparison.
_ARABIC_LETTERS = str.maketrans("غ", "ج", "اويىءه")


def _consonant_letters(form: NameForm) -> str:
    return "".join(form.tokens).translate(_ARABIC_LETTERS)


def _arabic_spellings(a: NameForm, b: NameForm) -> bool:
    """Two spellings of one name in Arabic script: the same consonant letters, one long vowel more
    or less (ترامب, ترمب; بوتين, بوتن), foreign g either way (سيرجي, سيرغي).  Another consonant is
    another name (سانا, صنعاء; الكويت, كوفيد), and so are two more vowels (سلمان, سليماني)."""
    joined_a, joined_b = "".join(a.tokens), "".join(b.tokens)
    return _consonant_letters(a) == _consonant_letters(b) and abs(len(joined_a) - len(joined_b)) <= 1
