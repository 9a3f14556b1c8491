"""Places no knowledge base knows, one identity across scripts, decided in the single writer.

A town too small for the knowledge base ("Saint-Fons", near Lyon) gets the ``sw:`` id of its name
in each script, so the Arabic "سان فون" and the Latin "Saint-Fons" are two entities until the
writer joins them.  A transliteration of a place's name is written as the name sounds, not as it
is spelled (French leaves final consonants silent: Saint-Fons is "san fon"), and its consonants are
few, so the sound alone is never enough: two unknown places join only when the new name sounds like
the stored one, token by token, in another script, *and* the article names a place (below a
country) that the stored place is named with in at least half of its articles, its region.  A
country is no region: France is named beside every French town.  Two candidates backed alike
leave the name alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..kb.base import COUNTRY_PRIORITY, KBEntity
from ..names import NameForm, gutturals_agree, is_acronym_like, skeleton, skeleton_variants
from .stored import StoredNames, name_forms

PLACE_KEY_PREFIX = "p:"
# French writes final consonants it does not say (Saint-Fons is "san fon", Bordeaux "bordo", Nantes
# "nant"): a Latin token may be read without them.  Only an extra reading, never the only one.
_SILENT_FINAL = re.compile(r"(?<=[aeiouyn])(?:[sxzdt]|[tdx]s)$|(?<=[bcdfgklmnpqrstvz])es$")
MIN_PLACE_CONSONANTS = 3  # consonant classes a whole name needs before its sound is worth comparing
REGION_SHARE = 0.5  # of the stored place's articles that must name the region's place too
_MAX_KEYS = 16


def _token_sounds(roman: str, script: str) -> frozenset[str]:
    sounds = set(skeleton_variants(roman, script)) | {skeleton(roman)}
    if script == "latin":
        quiet = _SILENT_FINAL.sub("", roman)
        if quiet and quiet != roman:
            sounds.add(skeleton(quiet))
    return frozenset(s for s in sounds if s)


def place_keys(form: NameForm) -> frozenset[str]:
    """The keys an unknown place's name is indexed and looked up under: its tokens' consonant
    skeletons under every reading of its script (French silent endings included), in order.  Empty
    for acronyms and short names, which never match by sound, and for names with too few consonants."""
    if not form.tokens or is_acronym_like(form):
        return frozenset()
    keys = {""}
    for roman in form.roman:
        sounds = _token_sounds(roman, form.script)
        if not sounds:
            return frozenset()
        keys = {f"{k} {s}".strip() for k in keys for s in sorted(sounds)}
        if len(keys) > _MAX_KEYS:
            keys = set(sorted(keys)[:_MAX_KEYS])
    return frozenset(PLACE_KEY_PREFIX + k for k in keys if len(k.replace(" ", "")) >= MIN_PLACE_CONSONANTS)


def surface_place_keys(surface: str) -> set[str]:
    return set().union(*(place_keys(f) for f in name_forms([surface])))


def _sounds_alike(f: NameForm, g: NameForm) -> bool:
    """``f`` and ``g``, in two scripts, share a place key and agree on Arabic gutturals token by token."""
    if f.script == g.script or len(f.tokens) != len(g.tokens) or place_keys(f).isdisjoint(place_keys(g)):
        return False
    for a, b in ((f, g), (g, f)):
        if a.script == "arabic" and b.script == "latin":
            return all(gutturals_agree(t, r) for t, r in zip(a.tokens, b.roman, strict=True))
    return True


def region_places(context: Iterable[str], kinds: dict[str, str], known: dict[str, KBEntity]) -> set[str]:
    """The places of an article's other entities that may be a region: no country."""
    return {
        e
        for e in context
        if kinds.get(e) == "place" and not (e in known and known[e].priority >= COUNTRY_PRIORITY)
    }


def match_place(
    names: StoredNames, entity_id: str, surfaces: Iterable[str], region: set[str], known: dict[str, KBEntity]
) -> str | None:
    """The stored unknown place that ``entity_id`` (an unknown place named ``surfaces``) is, if one
    sounds like it in another script and is named, in half its articles or more, beside one of the
    article's ``region`` places."""
    forms = name_forms(surfaces)
    keys = set().union(*(place_keys(f) for f in forms)) if forms else set()
    if not keys or not region:
        return None
    candidates = sorted(c for c in names.candidates(keys, "place") - {entity_id} if c not in known)
    stored = names.forms(candidates)
    alike = [c for c in candidates if any(_sounds_alike(f, g) for f in forms for g in stored[c])]
    if not alike:
        return None
    totals = names.article_counts(set(alike))
    backed = [
        c
        for c in alike
        if totals[c] > 0 and any(names.cooccurrences(c, {p}) >= REGION_SHARE * totals[c] for p in sorted(region))
    ]
    return backed[0] if len(backed) == 1 else None
