"""The interface in the reader's language: gettext catalogues, and which language a request gets.

Catalogues are the ``.po`` files under ``locale/<lang>/LC_MESSAGES/messages.po``; they are compiled
in memory on first use (Babel's ``read_po`` then ``write_mo``), so an editable install, a wheel and
a source checkout all read the same text files and no build step can leave a stale ``.mo`` behind.

The reader's language is one site-wide choice: ``?lang=`` (which the header's language menu sends)
is remembered in a cookie; without it the cookie decides, and without the cookie the browser's
``Accept-Language``.  The interface uses the first of those languages that has a catalogue, else
English; headlines and entity names use the reader's languages in order whether or not the
interface is translated into them.
"""

from __future__ import annotations

import gettext as gettext_module
import io
import threading
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.requests import Request
from starlette.responses import Response

from .text import LANGUAGE_NAMES, clean_lang, direction, language_name, reader_languages

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
FALLBACK = "en"

_lock = threading.Lock()


@lru_cache(maxsize=1)
def ui_languages() -> tuple[str, ...]:
    """Languages the interface is translated into (those with a catalogue), English among them."""
    found = {p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return tuple(sorted(found | {FALLBACK}))


@lru_cache(maxsize=32)
def translations(lang: str) -> gettext_module.NullTranslations:
    """The compiled catalogue of ``lang`` (untranslated English when it has none)."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang not in ui_languages() or not path.is_file():
        return gettext_module.NullTranslations()
    with _lock, path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def ui_language(languages: list[str]) -> str:
    """The interface language for a reader of ``languages``: the first one with a catalogue."""
    return next((code for code in languages if code in ui_languages()), FALLBACK)


def request_languages(request: Request) -> list[str]:
    """The reader's languages, best first: ``?lang=``, then the remembered choice, then the browser's."""
    chosen = clean_lang(request.query_params.get("lang")) or clean_lang(request.cookies.get(COOKIE))
    return reader_languages(chosen, request.headers.get("accept-language"))


def page_context(request: Request) -> dict[str, Any]:
    """What every page's layout needs: the languages, the interface language and the menu's state."""
    languages = request_languages(request)
    ui_lang = ui_language(languages)
    chosen = clean_lang(request.query_params.get("lang"))
    return {
        "languages": languages,
        "reader_lang": languages[0] if languages else None,
        "ui_lang": ui_lang,
        "ui_dir": "rtl" if direction(ui_lang) == "rtl" else "ltr",
        "lang_param": chosen,
        "menu_langs": sorted(set(LANGUAGE_NAMES) | set(ui_languages())),
        # The menu reloads the page it is on: every other query parameter rides along as a hidden field.
        "keep_params": [(k, v) for k, v in request.query_params.multi_items() if k not in (COOKIE, "cursor")],
    }


def remember_choice(request: Request, response: Response) -> None:
    """Keep a ``?lang=`` choice in a cookie, so every page after it uses the same language."""
    chosen = clean_lang(request.query_params.get("lang"))
    if chosen and chosen != clean_lang(request.cookies.get(COOKIE)):
        response.set_cookie(COOKIE, chosen, max_age=COOKIE_MAX_AGE, path="/", samesite="lax", httponly=True)


# -- template callables (each reads the interface language from the page's own context) ---------------
def _translations_of(context: Any) -> gettext_module.NullTranslations:
    return translations(str(context.get("ui_lang") or FALLBACK))


@jinja2.pass_context
def template_gettext(context: Any, message: str) -> str:
    return _translations_of(context).gettext(message)


@jinja2.pass_context
def template_ngettext(context: Any, singular: str, plural: str, count: int) -> str:
    return _translations_of(context).ngettext(singular, plural, count)


def _locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return None


@jinja2.pass_context
def language_label(context: Any, code: str | None) -> str:
    """A language's name in the interface language ("arabe" for a French reader)."""
    ui = _locale(str(context.get("ui_lang") or FALLBACK))
    key = (code or "und").lower()
    found = ui.languages.get(key) if ui is not None else None
    return str(found) if found else language_name(key)


@jinja2.pass_context
def long_date(context: Any, value: Any) -> str:
    """An ISO date written the interface language's way ("26 mars 2024"); other values as they are."""
    text = str(value or "")[:10]
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return text
    ui = str(context.get("ui_lang") or FALLBACK)
    # British English: the day before the month, as the interface's own spelling is British.
    return str(format_date(day, format="long", locale="en_GB" if ui == "en" else ui))


def install(env: jinja2.Environment) -> None:
    """Give ``env`` the i18n extension with gettext callables that follow each page's language."""
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(template_gettext, template_ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(lang_label=language_label)
    env.filters.update(long_date=long_date)
