"""People's names as rigour knows them (build time only): which words are given or family names."""

from __future__ import annotations


def personal_names(candidates: list[str]) -> set[str]:
    """Those of ``candidates`` that rigour knows as (or as made of) a given or family name."""
    from rigour.names import analyze_names
    from rigour.names.tag import NameTypeTag

    found = set()
    for name in analyze_names(NameTypeTag.PER, candidates, consolidate=False):
        if any(str(span.symbol.category).endswith("NAME") for span in name.spans):
            found.add(name.original)
    return found
