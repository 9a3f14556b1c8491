"""Live updates as Server-Sent Events: every newly stored article, with its event.

The stream polls the store by ``articles.seq`` (every ``stream_poll_s`` seconds) rather than
listening inside this process, so articles that another process ingests into the same file show
up too.  Each message's ``id`` is the article's seq: a reconnecting browser sends it back as
``Last-Event-ID`` and misses nothing.
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


def sse_message(event: str, data: dict[str, Any], message_id: int | None = None) -> str:
    lines = [f"id: {message_id}"] if message_id is not None else []
    lines += [f"event: {event}", "data: " + json.dumps(data, ensure_ascii=False)]
    return "\n".join(lines) + "\n\n"


@router.get("/api/stream", summary="Server-Sent Events: each new article as an 'article' event")
async def stream(request: Request,
                 after: Annotated[int | None, Query(ge=0, le=MAX_POSITION,
                                                    description="Send articles after this seq.")] = None,
                 ) -> StreamingResponse:
    state = server_state(request)
    poll = max(0.05, float(state.settings.stream_poll_s))
    # A Last-Event-ID that is no position we sent (a browser only echoes ours) starts from now.
    start = after if after is not None else parse_position(request.headers.get("last-event-id"))

    async def messages() -> AsyncIterator[str]:
        db = await run_in_threadpool(state.private_store)
        try:
            position = start if start is not None else await run_in_threadpool(db.max_article_seq)
            yield f"retry: 3000\nid: {position}\nevent: ready\ndata: {json.dumps({'seq': position})}\n\n"
            quiet_since = time.monotonic()
            while not await request.is_disconnected():
                for item in await run_in_threadpool(_new_articles, db, position):
                    position = item["seq"]
                    quiet_since = time.monotonic()
                    yield sse_message("article", item, position)
                if time.monotonic() - quiet_since > KEEPALIVE_S:
                    quiet_since = time.monotonic()
                    yield ": keepalive\n\n"
                await asyncio.sleep(poll)
        finally:
            db.close()

    return StreamingResponse(messages(), media_type="text/event-stream",
                             headers={"cache-control": "no-store", "x-accel-buffering": "no"})
