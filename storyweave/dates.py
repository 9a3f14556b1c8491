"""Dates an article mentions, normalised to ISO 8601 against its publication date.

Candidates are found with precise per-language regular expressions (day + month name, month name +
day, numeric dates, 2024年3月26日, weekdays, "yesterday" and its kin) and normalised here; a general
date searcher would be slower and would read dates into counts such as "22 morts".  A day and month
without a year take the year that puts them closest to publication, a past date preferred over a
future one, since news mostly reports what happened.  Without a publication date only dates that
carry their own year are kept.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import NamedTuple

import regex

from .errors import InputError
from .lang.calendar import (
    DAY_RECALLED,
    HOLIDAYS,
    MONTHS,
    NOT_RELATIVE_IN,
    RELATIVE_DAYS,
    SINCE,
    WEEKDAY_NEEDS_MARKER,
    WEEKDAYS,
)
from .models import Article, DateMention, article_body

log = logging.getLogger(__name__)

_MIN_YEAR, _MAX_YEAR = 1900, 2100
_FUTURE_PENALTY = 2.0  # a future reading must be twice as close as a past one to win
_MAX_SENTENCE_CHARS = 300


def date_filter(value: str | None) -> str | None:
    """A date given to a filter (``--since``, ``since=``): YYYY-MM-DD, or a full ISO 8601 date-time;
    ``None`` and an empty value mean no filter.

    Stored dates are compared as ISO text, so anything else would filter silently and wrongly;
    raises ``InputError`` saying what is wrong with it instead.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) <= 10:
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError as exc:
        # Python names the bad part ("month must be in 1..12") except for a shapeless string.
        why = "" if str(exc).startswith("Invalid isoformat") else f" ({exc})"
        raise InputError(f"{value!r} is not a date{why}; write it as YYYY-MM-DD, e.g. 2024-03-28") from None


_MONTH_ALT = "|".join(sorted((regex.escape(m) for m in MONTHS), key=len, reverse=True))
_YEAR = r"(?P<year>(?:19|20)\d{2})"

_WEEKDAY_ALT = "|".join(sorted((regex.escape(w) for w in WEEKDAYS), key=len, reverse=True))
_LAST = (
    r"dernier|dernière|passé|last|past|pasado|pasada|letzten|vergangenen|geçen|прошлый|прошлую|прошлое|الماضي|الماضية"
)
_NEXT = (
    r"prochain|prochaine|next|coming|próximo|proximo|que viene|nächsten|kommenden|gelecek|следующий|следующую"
    r"|المقبل|القادم"
)
# Calendar weeks rather than "the latest such day": "thứ Năm tuần trước" is Thursday of last week.
_PREV_WEEK = r"tuần trước|de la semaine dernière|la semana pasada|letzter Woche|der vergangenen Woche"
_NEXT_WEEK = r"tuần tới|tuần sau|de la semaine prochaine|la semana que viene|la próxima semana|nächster Woche"
_THIS = r"ce|cette|this|este|esta|diesen|diesem|bu|этот|эту|هذا"
_MARKER = r"on|le|el|am|à|en|au|в|во|يوم|ngày|günü|vào"

_DAY_MONTH = regex.compile(
    rf"(?<![\d.,/-])(?P<day>[0-3]?\d)(?:er|st|nd|rd|th|º|°|\.)?\s*(?:de\s+|-)?(?P<month>{_MONTH_ALT})\b"
    rf"(?:,?\s*(?:de(?:l)?\s+)?{_YEAR}(?![\d]))?",
    regex.IGNORECASE,
)
_MONTH_DAY = regex.compile(
    rf"\b(?P<month>{_MONTH_ALT})\.?\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?![\d:.,]\d)\b(?:,?\s+{_YEAR}\b)?",
    regex.IGNORECASE,
)
_MONTH_YEAR = regex.compile(rf"\b(?P<month>{_MONTH_ALT})\.?\s+(?:de\s+|of\s+)?{_YEAR}\b", regex.IGNORECASE)
_ISO = regex.compile(r"(?<![\d.])(?P<year>(?:19|20)\d{2})-(?P<month>[01]?\d)-(?P<day>[0-3]?\d)(?![\d])")
_NUMERIC = regex.compile(
    r"(?<![\d.,/:])(?P<first>[0-3]?\d)(?P<sep>[./])(?P<second>[0-3]?\d)(?P=sep)(?P<year>(?:19|20)\d{2}|\d{2})(?![\d.,/]\d)"
)
_HAN_DATE = regex.compile(r"(?:(?P<year>(?:19|20)\d{2})年)?(?P<month>[01]?\d)月(?:(?P<day>[0-3]?\d)[日号])?")
_VI_DATE = regex.compile(
    r"\b(?:ngày|sáng|chiều|tối|trưa|đêm)\s+(?P<day>[0-3]?\d)[/-](?P<month>[01]?\d)(?:[/-](?P<year>(?:19|20)\d{2}))?(?![\d/])"
    r"|\bngày\s+(?P<day>[0-3]?\d)\s+tháng\s+(?P<month>[01]?\d)(?:\s+năm\s+(?P<year>(?:19|20)\d{2}))?",
    regex.IGNORECASE,
)
_WEEKDAY = regex.compile(
    rf"(?:(?P<this>\b(?:{_THIS}))\s+|(?P<lastpre>\b(?:{_LAST}))\s*|(?P<nextpre>\b(?:{_NEXT}))\s*|(?P<marker>\b(?:{_MARKER}))\s+(?:(?:el|la|al|ال)\s*)?)?"
    rf"(?P<weekday>{_WEEKDAY_ALT})(?P<tail>\s+günü)?\b"
    rf"(?:\s+(?:(?P<prevweek>{_PREV_WEEK})|(?P<nextweek>{_NEXT_WEEK})|(?P<lastpost>{_LAST})|(?P<nextpost>{_NEXT})))?",
    regex.IGNORECASE,
)
_ZH_WEEKDAY = regex.compile(r"(?P<rel>[上下本这]?)(?:星期|礼拜|周)(?P<day>[一二三四五六日天])")
_ZH_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


def _whole_words(phrases: Iterable[str]) -> regex.Pattern[str]:
    """Any of ``phrases`` (longest first), case-insensitive, not inside a longer word."""
    alternatives = "|".join(sorted((regex.escape(p) for p in phrases), key=len, reverse=True))
    return regex.compile(rf"(?<![\p{{L}}\p{{M}}])(?:{alternatives})(?![\p{{L}}\p{{M}}])", regex.IGNORECASE)


_RELATIVE = _whole_words(RELATIVE_DAYS)
_AGO = regex.compile(
    r"\b(?P<n>\d{1,2})\s+(?:days?\s+ago|jours?\s+plus\s+tôt)|il y a\s+(?P<n>\d{1,2})\s+jours?"
    r"|hace\s+(?P<n>\d{1,2})\s+días?"
    r"|vor\s+(?P<n>\d{1,2})\s+Tagen|(?P<n>\d{1,2})\s+gün\s+önce|(?P<n>\d{1,2})\s+(?:дня|дней|день)\s+назад"
    r"|منذ\s+(?P<n>\d{1,2})\s+(?:أيام|يوما|يومًا)|(?P<n>\d{1,2})\s*天前",
    regex.IGNORECASE,
)
_HOLIDAY = _whole_words(HOLIDAYS)
# Sentences that recall the background rather than report the happening (``lang.calendar``).
_BACKGROUND = regex.compile(rf"(?<![\p{{L}}\p{{M}}])(?:{DAY_RECALLED}|{SINCE})(?![\p{{L}}\p{{M}}])", regex.IGNORECASE)
# The cues that recall one day (a birth, an anniversary), unlike "since", which recalls a stretch.
_RECALLS_A_DAY = regex.compile(rf"(?<![\p{{L}}\p{{M}}])(?:{DAY_RECALLED})(?![\p{{L}}\p{{M}}])", regex.IGNORECASE)
LEAD_SENTENCES = 3  # the title and the first two sentences of the text: where news says what happened
_NEAR_PUBLICATION_DAYS = 7  # a date this close before publication (or a day after) is the happening's
_YEAR_NUMBER = regex.compile(r"(?<!\d)(?:1[6-9]|20)\d\d(?!\d)")
_BACKGROUND_YEARS = 1  # a date more than this many years before the text's latest date is background

# A full stop after a number ("26. März") does not end a sentence.
# A year can end one: "am 1. Januar 2020. Er wurde ..." (a capital letter follows).
_SENTENCE_END = regex.compile(r"(?<=[^\d\s][.!?]|[。！？])\s+|(?<=\d{4}[.!?])\s+(?=\p{Lu})|\n+")
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


class _Found(NamedTuple):
    start: int
    end: int
    date: str


def parse_publication(value: str | None) -> date | None:
    """The calendar day of an ISO 8601 publication timestamp, or None when absent or unreadable."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
        except ValueError:
            log.debug("unreadable publish_date %r", value)
            return None


def find_dates(article: Article) -> list[DateMention]:
    """The publication date (when known) plus every event date the text mentions, in text order.

    Dates of the happening itself are marked ``happening`` (see ``_happening``).  Without a
    publication date, a date without a year takes its year from the text's latest dated mention
    ("le 28 mars" in a text that also says "22 mars 2024").
    """
    published = parse_publication(article.publish_date)
    out: list[DateMention] = []
    body = article_body(article)
    if published is not None:
        out.append(DateMention(published.isoformat(), "publish_date", "", kind="publication", happening=True))
    elif body:
        # The text's own timestamp places its other dates, but it stays a date the text names: as a
        # publication date it would let days rule out events whose members' days are estimates.
        dateline = _dateline(body, article.lang)
        published = date.fromisoformat(dateline.date) if dateline is not None else None
    if not body:
        return out
    # Same length, so offsets into the folded text are offsets into the body.
    text = body.translate(_ARABIC_DIGITS)
    sentences = list(_sentences(text))
    background: dict[int, bool] = {}

    def in_background(index: int) -> bool:
        """Does sentence ``index`` recall the background?  Asked once per sentence."""
        if index not in background:
            start, end = sentences[index]
            background[index] = bool(_BACKGROUND.search(text[start:end]))
        return background[index]

    def recalls_a_day(index: int) -> bool:
        start, end = sentences[index]
        return bool(_RECALLS_A_DAY.search(text, start, end))

    def years(index: int) -> set[int]:
        start, end = sentences[index]
        return {int(y) for y in _YEAR_NUMBER.findall(text, start, end)}

    found = _collect(text, sentences, published, article.lang, reference_only=False)
    recalled = _recalled(found, in_background, years, recalls_a_day)
    if published is None:
        reference = max(
            (date.fromisoformat(f.date) for f, i in found if len(f.date) == 10 and (f.start, f.end) not in recalled),
            default=None,
        )
        if reference is not None:
            extra = _collect(text, sentences, reference, article.lang, reference_only=True)
            extra = _turn_of_the_year(text, reference, extra)
            taken = {(f.start, f.end) for f, _ in found}
            found += [(f, i) for f, i in extra if (f.start, f.end) not in taken]
            found.sort(key=lambda item: item[0].start)
            # the yearless dates just read may recall too
            recalled = _recalled(found, in_background, years, recalls_a_day)
    seen: set[tuple[str, int]] = set()
    events: list[tuple[DateMention, int]] = []
    recalls: list[bool] = []
    for item, index in found:
        start = sentences[index][0]
        if (item.date, start) in seen:
            continue
        seen.add((item.date, start))
        sentence = body[start : sentences[index][1]].strip()
        events.append((DateMention(item.date, body[item.start : item.end], sentence[:_MAX_SENTENCE_CHARS]), index))
        recalls.append((item.start, item.end) in recalled)
    marked = _happening(events, published, recalls)
    return out + [replace(m, happening=True) if k in marked else m for k, (m, _) in enumerate(events)]


_TIME_OF_DAY = regex.compile(r"\b[0-2]?\d[:.h][0-5]\d\b")
_DATELINE_LINES = 8  # a page's timestamp sits above or just below the headline
_DATELINE_MAX_CHARS = 60
_DATELINE_OTHER_WORDS = 4


def _dateline(body: str, lang: str) -> _Found | None:
    """A page's own timestamp copied into the text ("01. Januar 2020, 14:55 Uhr", "Publié le 3 mars
    2024 à 10h12"): a short line near the top holding a full date and a time of day, and little
    else.  It stands in for the publication date the input did not give when the text's other
    dates are read: otherwise they (next year's concert, a festival "on 6 January") date the happening."""
    at = 0
    for number, line in enumerate(body.split("\n")):
        if number >= _DATELINE_LINES:
            break
        start, at = at, at + len(line) + 1
        if len(line) > _DATELINE_MAX_CHARS or not _TIME_OF_DAY.search(line):
            continue
        text = line.translate(_ARABIC_DIGITS)
        found = [f for f in _in_sentence(text, 0, len(text), None, lang, reference_only=True) if len(f.date) == 10]
        if len(found) != 1:
            continue
        rest = _TIME_OF_DAY.sub(" ", text[: found[0].start] + text[found[0].end :])
        if len(regex.findall(r"[^\W\d_]{2,}", rest)) <= _DATELINE_OTHER_WORDS:
            return _Found(start + found[0].start, start + found[0].end, found[0].date)
    return None


def _recalled(
    found: list[tuple[_Found, int]],
    in_background: Callable[[int], bool],
    years: Callable[[int], set[int]],
    recalls_a_day: Callable[[int], bool],
) -> set[tuple[int, int]]:
    """The (start, end) of the dates that recall the background: those of a background sentence,
    except the latest of one that recalls a day (``recalls_a_day``: a birth, an anniversary) and
    also names an older year (``years``: those sentence ``index`` names).  "Cuba began on 1 January
    2020 the celebrations of the 61st anniversary of the revolution, which took power on the same
    date in 1959": the anniversary is 1959's, the celebration 2020's.  "Since" recalls a stretch
    of the past, every date in it: "he came back in December 2018 and since then fought three
    times, winning on 16 June 2019" says nothing of this week."""
    by_sentence: dict[int, list[_Found]] = defaultdict(list)
    for item, index in found:
        if in_background(index):
            by_sentence[index].append(item)
    recalled = set()
    for index, items in by_sentence.items():
        latest = max((i.date for i in items if len(i.date) == 10), default="")
        older = latest and any(y < int(latest[:4]) for y in years(index))
        spared = latest if older and recalls_a_day(index) else None
        recalled |= {(i.start, i.end) for i in items if i.date != spared}
    return recalled


_YEAR_TURN = ((1, 1), (12, 31))  # New Year's Day and Eve: the feasts that open a year


def _turn_of_the_year(text: str, reference: date, found: list[tuple[_Found, int]]) -> list[tuple[_Found, int]]:
    """An undated text's New Year ("celebrating the New Year", Silvester) is the one that opens the
    year after its latest date when the text names that year ("welcoming 2020 with friends"): its
    latest date is then the past it recalls (a boxer's last fight in June 2019), and the New Year
    nearest that date, the one before it, a year too early."""
    following = reference.year + 1
    if str(following) not in _YEAR_NUMBER.findall(text):
        return found
    out = []
    for item, index in found:
        feast = HOLIDAYS.get(text[item.start : item.end].lower())
        if feast in _YEAR_TURN:
            month, day = feast
            item = item._replace(date=date(following if month == 1 else following - 1, month, day).isoformat())
        out.append((item, index))
    return out


def _collect(
    text: str, sentences: list[tuple[int, int]], published: date | None, lang: str, *, reference_only: bool
) -> list[tuple[_Found, int]]:
    """Dates per sentence (with the sentence's index).  ``reference_only``: ``published`` is a
    stand-in taken from the text's own dates, good for placing a day and month in a year but not
    for reading "yesterday" or "on Tuesday", so only calendar dates and holidays are read."""
    out = []
    for index, (start, end) in enumerate(sentences):
        for item in _in_sentence(text, start, end, published, lang, reference_only=reference_only):
            out.append((item, index))
    return out


def _happening(events: list[tuple[DateMention, int]], published: date | None, recalls: list[bool]) -> set[int]:
    """Which dates (positions in ``events``) are the happening's: never one that recalls the
    background (``recalls``); with a publication date, those close before it; without one, the
    lead's dates, else those close to the text's latest date."""
    candidates = [
        (k, index, date.fromisoformat(m.date))
        for k, (m, index) in enumerate(events)
        if len(m.date) == 10 and not recalls[k]
    ]
    if published is not None:
        return {k for k, _, day in candidates if -_NEAR_PUBLICATION_DAYS <= (day - published).days <= 1}
    if not candidates:
        return set()
    latest = max(day for _, _, day in candidates)
    recent = [(k, index, day) for k, index, day in candidates if latest.year - day.year <= _BACKGROUND_YEARS]
    lead = {k for k, index, _ in recent if index < LEAD_SENTENCES}
    return lead or {k for k, _, day in recent if (latest - day).days <= _NEAR_PUBLICATION_DAYS}


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > start:
            yield start, match.start()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def _in_sentence(
    text: str, start: int, end: int, published: date | None, lang: str, *, reference_only: bool = False
) -> list[_Found]:
    found: list[_Found] = []
    finders = (_absolute, _holidays) if reference_only else (_absolute, _holidays, _weekdays, _relative)
    for finder in finders:
        for item in finder(text, start, end, published, lang):
            if not any(item.start < other.end and other.start < item.end for other in found):
                found.append(item)
    found.sort()
    return found


def _absolute(text: str, start: int, end: int, published: date | None, lang: str) -> Iterator[_Found]:
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return not any(a < y and x < b for x, y in taken)

    for pattern in (_ISO, _HAN_DATE, _VI_DATE, _DAY_MONTH, _MONTH_DAY):
        for m in pattern.finditer(text, start, end):
            if not free(m.start(), m.end()):
                continue
            month = _month_number(m.group("month"))
            day = int(m.group("day")) if m.group("day") else None
            year = int(m.group("year")) if m.group("year") else None
            iso = _normalise(year, month, day, published)
            # Taken even when impossible, so "31 février 2024" does not come back as "février 2024".
            taken.append((m.start(), m.end()))
            if iso:
                yield _Found(m.start(), m.end(), iso)
    for m in _NUMERIC.finditer(text, start, end):
        if not free(m.start(), m.end()):
            continue
        first, second = int(m.group("first")), int(m.group("second"))
        # Day first everywhere except American English slashes, unless the first number cannot be a month.
        day, month = (second, first) if lang == "en" and m.group("sep") == "/" and first <= 12 else (first, second)
        year = int(m.group("year"))
        year = year + 2000 if year < 100 else year
        iso = _normalise(year, month, day, published)
        if iso:
            taken.append((m.start(), m.end()))
            yield _Found(m.start(), m.end(), iso)
    for m in _MONTH_YEAR.finditer(text, start, end):
        if free(m.start(), m.end()):
            iso = _normalise(int(m.group("year")), _month_number(m.group("month")), None, published)
            if iso:
                taken.append((m.start(), m.end()))
                yield _Found(m.start(), m.end(), iso)


def _holidays(text: str, start: int, end: int, published: date | None, lang: str) -> Iterator[_Found]:
    if published is None:
        return
    for m in _HOLIDAY.finditer(text, start, end):
        month, day = HOLIDAYS[m.group().lower()]
        iso = _normalise(None, month, day, published)
        if iso:
            yield _Found(m.start(), m.end(), iso)


def _month_number(word: str) -> int:
    if word.isdigit():
        return int(word)
    return MONTHS.get(word.lower(), MONTHS.get(word, 0))


def _normalise(year: int | None, month: int, day: int | None, published: date | None) -> str | None:
    """ISO text for a (possibly yearless) date, or None when it is not a real date."""
    if not 1 <= month <= 12:
        return None
    if day is None:
        if year is None or not _MIN_YEAR <= year <= _MAX_YEAR:
            return None
        return f"{year:04d}-{month:02d}"
    if year is not None:
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            return None
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return None
    if published is None:
        return None
    best: tuple[float, date] | None = None
    for candidate_year in (published.year - 1, published.year, published.year + 1):
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue
        delta = (candidate - published).days
        cost = abs(delta) if delta <= 0 else delta * _FUTURE_PENALTY
        if best is None or cost < best[0]:
            best = (cost, candidate)
    return best[1].isoformat() if best else None


def _weekdays(text: str, start: int, end: int, published: date | None, lang: str) -> Iterator[_Found]:
    if published is None:
        return
    for m in _WEEKDAY.finditer(text, start, end):
        word = m.group("weekday")
        low = word.lower()
        if low.startswith("thứ") and not word.split()[-1][:1].isupper():
            continue  # "thứ năm" is "fifth"; the weekday is written "thứ Năm"
        relations = ("this", "lastpre", "nextpre", "marker", "tail", "lastpost", "nextpost", "prevweek", "nextweek")
        has_marker = any(m.group(g) for g in relations)
        if low in WEEKDAY_NEEDS_MARKER and not has_marker:
            continue
        if low in ("pazar", "cuma") and not m.group("tail") and not m.group("lastpre"):
            continue
        weekday = WEEKDAYS.get(low, WEEKDAYS.get(word))
        if weekday is None:
            continue
        if m.group("prevweek"):
            relation = "上"
        elif m.group("nextweek"):
            relation = "下"
        elif m.group("lastpre") or m.group("lastpost"):
            relation = "last"
        elif m.group("nextpre") or m.group("nextpost"):
            relation = "next"
        else:
            relation = "this" if m.group("this") else ""
        target = _resolve_weekday(published, weekday, relation)
        yield _Found(m.start(), m.end(), target.isoformat())
    for m in _ZH_WEEKDAY.finditer(text, start, end):
        yield _Found(
            m.start(), m.end(), _resolve_weekday(published, _ZH_DAYS[m.group("day")], m.group("rel")).isoformat()
        )


def _resolve_weekday(published: date, weekday: int, relation: str) -> date:
    """The weekday meant, relative to publication: relation is last, next, this or empty."""
    back = (published.weekday() - weekday) % 7
    ahead = (weekday - published.weekday()) % 7
    monday = published - timedelta(days=published.weekday())
    if relation == "上":
        return monday - timedelta(days=7 - weekday)
    if relation == "下":
        return monday + timedelta(days=7 + weekday)
    if relation == "last":
        return published - timedelta(days=back or 7)
    if relation == "next":
        return published + timedelta(days=ahead or 7)
    if relation in ("this", "本", "这"):
        # "Ce jeudi": the nearest one, the past one when both are as near.
        return published - timedelta(days=back) if back <= ahead else published + timedelta(days=ahead)
    return published - timedelta(days=back)  # news reports the past: the latest such day


def _relative(text: str, start: int, end: int, published: date | None, lang: str) -> Iterator[_Found]:
    if published is None:
        return
    for m in _RELATIVE.finditer(text, start, end):
        offset = RELATIVE_DAYS.get(m.group().lower(), RELATIVE_DAYS.get(m.group()))
        if offset is None or lang in NOT_RELATIVE_IN.get(m.group().lower(), ()):
            continue
        yield _Found(m.start(), m.end(), (published + timedelta(days=offset)).isoformat())
    for m in _AGO.finditer(text, start, end):
        days = int(next(g for g in m.captures("n")))
        yield _Found(m.start(), m.end(), (published - timedelta(days=days)).isoformat())
