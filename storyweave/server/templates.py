"""The Jinja2 environment of the web UI: autoescape on, bidi controls stripped from every output.

``finalize`` runs on the value of every ``{{ … }}`` expression before escaping, so no template can
forget to strip bidi override characters from a title; autoescape then escapes the result.
Article text is never marked safe.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi.templating import Jinja2Templates

from ..store.search import MARK_END, MARK_START
from .i18n import install as install_i18n
from .text import direction, language_name, strip_bidi

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATE_DIR = HERE / "templates"


def marked_segments(snippet: str | None) -> list[tuple[str, bool]]:
    """A search snippet as ``(text, is_match)`` pieces, so the template renders ``<mark>`` itself."""
    pieces: list[tuple[str, bool]] = []
    rest = strip_bidi(snippet or "")
    while rest:
        start = rest.find(MARK_START)
        if start < 0:
            pieces.append((rest.replace(MARK_END, ""), False))
            break
        if start:
            pieces.append((rest[:start].replace(MARK_END, ""), False))
        end = rest.find(MARK_END, start)
        end = len(rest) if end < 0 else end
        pieces.append((rest[start + 1 : end], True))
        rest = rest[end + 1 :]
    return [p for p in pieces if p[0]]


def shorten(value: Any, limit: int = 160) -> str:
    """Long titles (some extractors keep a whole first paragraph) cut at a word, with an ellipsis."""
    text = " ".join(str(value or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:،") + "…"


def short_date(value: Any) -> str:
    return str(value)[:10] if value else ""


def web_url(value: Any) -> str:
    """``value`` when it is an http(s) URL, else empty: a stored ``javascript:`` URL never becomes a link."""
    text = str(value or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else ""


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        finalize=strip_bidi,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.ChainableUndefined,
    )
    env.globals.update(dir_for=direction, lang_name=language_name)
    install_i18n(env)
    env.filters.update(marks=marked_segments, short_date=short_date, nobidi=strip_bidi, web_url=web_url, short=shorten)
    return env


templates = Jinja2Templates(env=_environment())
