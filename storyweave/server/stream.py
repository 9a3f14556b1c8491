"""Live updates as Server-Sent Events: every newly stored article, with its event, and every alert
a watch fires.

The stream polls the store by ``articles.seq`` and ``alerts.seq`` (every ``stream_poll_s`` seconds)
rather than listening inside this process, so what another process ingests into the same file
shows up too.  Each message's ``id`` is ``<article seq>:<alert seq>``, the positions reached: a
reconnecting browser sends it back as ``Last-Event-ID`` and misses nothing (a bare article seq,
as older clients send, resumes the articles and starts the alerts from now).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from ..store import Store
from .alerts import public_alert
from .state import server_state
from .text import MAX_POSITION, parse_position, strip_bidi

router = APIRouter(tags=["api"])

KEEPALIVE_S = 15.0
BATCH = 200


def _new_articles(db: Store, after: int) -> list[dict[str, Any]]:
    rows = db.articles_after(after, BATCH)
    events = db.event_ids_for([r["id"] for r in rows])
    return [
        {"seq": r["seq"], "id": r["id"], "title": strip_bidi(r["title"]), "lang": r["lang"], "source": r["source"],
         "publish_date": r["publish_date"], "event_id": events.get(r["id"])}
        for r in rows
    ]


def _new_alerts(db: Store, after: int) -> list[dict[str, Any]]:
    return [public_alert(a) for a in db.list_alerts(after=after, limit=BATCH, oldest_first=True)]


def _resume_from(value: str | None) -> tuple[int | None, int | None]:
    """(article seq, alert seq) from a Last-Event-ID: ``A:B``, or a bare ``A``; None for what it is not."""
    articles, colon, alerts = (value or "").partition(":")
    return parse_position(articles), parse_position(alerts) if colon else None


def sse_message(event: str, data: dict[str, Any], message_id: int | str | None = None) -> str:
    lines = [f"id: {message_id}"] if message_id is not None else []
    lines += [f"event: {event}", "data: " + json.dumps(data, ensure_ascii=False)]
    return "\n".join(lines) + "\n\n"


@router.get("/api/stream", summary="Server-Sent Events: each new article as an 'article' event, each alert a "
                                   "watch fires as an 'alert' event")
async def stream(request: Request,
                 after: Annotated[int | None, Query(ge=0, le=MAX_POSITION,
                                                    description="Send articles after this seq.")] = None,
                 alerts_after: Annotated[int | None, Query(ge=0, le=MAX_POSITION,
                                                           description="Send alerts after this id.")] = None,
                 ) -> StreamingResponse:
    state = server_state(request)
    poll = max(0.05, float(state.settings.stream_poll_s))
    # A Last-Event-ID that is no position we sent (a browser only echoes ours) starts from now.
    resumed_articles, resumed_alerts = _resume_from(request.headers.get("last-event-id"))
    start = after if after is not None else resumed_articles
    start_alerts = alerts_after if alerts_after is not None else resumed_alerts

    async def messages() -> AsyncIterator[str]:
        db = await run_in_threadpool(state.private_store)
        try:
            position = start if start is not None else await run_in_threadpool(db.max_article_seq)
            alert_position = start_alerts if start_alerts is not None else await run_in_threadpool(db.max_alert_seq)
            yield (f"retry: 3000\nid: {position}:{alert_position}\nevent: ready\n"
                   f"data: {json.dumps({'seq': position})}\n\n")
            quiet_since = time.monotonic()
            while not await request.is_disconnected():
                for item in await run_in_threadpool(_new_articles, db, position):
                    position = item["seq"]
                    quiet_since = time.monotonic()
                    yield sse_message("article", item, f"{position}:{alert_position}")
                for alert in await run_in_threadpool(_new_alerts, db, alert_position):
                    alert_position = alert["id"]
                    quiet_since = time.monotonic()
                    yield sse_message("alert", alert, f"{position}:{alert_position}")
                if time.monotonic() - quiet_since > KEEPALIVE_S:
                    quiet_since = time.monotonic()
                    yield ": keepalive\n\n"
                await asyncio.sleep(poll)
        finally:
            db.close()

    return StreamingResponse(messages(), media_type="text/event-stream",
                             headers={"cache-control": "no-store", "x-accel-buffering": "no"})
