"""Watches over REST (/api/watches), each watch's Atom feed, and the delivery entry point.

Reads never show a watch's secret (only the POST that creates it returns it) and show a webhook
only as its scheme and host: a webhook URL often carries a token of its own, and reads need no
token.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from ..alerts.delivery import alert_body
from ..exports import MEDIA_TYPES, atom_lines
from ..tracker import Tracker
from .api import page_limit, require_writer
from .state import server_state

router = APIRouter(tags=["watches"])
T = TypeVar("T")

WatchId = Annotated[str, Query(max_length=64)]


class WatchIn(BaseModel):
    """A new watch: ``words`` or ``entity`` (or both) is required."""

    words: str = Field("", max_length=1000, description='All must appear; "a phrase"; -word excludes.')
    entity: str | None = Field(None, max_length=300, description="Entity id, or a name in any script.")
    langs: list[str] = Field(default_factory=list, max_length=50, description="Only articles in these languages.")
    min_outlets: int = Field(1, ge=0, le=1000, description="Fire once the event has this many outlets…")
    min_langs: int = Field(1, ge=0, le=1000, description="…and this many languages.")
    webhook: str | None = Field(None, max_length=2000, description="URL each alert is POSTed to, signed.")
    name: str = Field("", max_length=200)


def masked_webhook(url: str | None) -> str | None:
    """``https://hooks.example/…``: enough to recognise a webhook, not enough to call it."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{'/…' if parts.path.strip('/') or parts.query else ''}"


def public_watch(watch: dict[str, Any]) -> dict[str, Any]:
    return {**watch, "webhook": masked_webhook(watch.get("webhook"))}


def public_alert(alert: dict[str, Any]) -> dict[str, Any]:
    """An alert as the API, the feed and the live stream give it: its delivered body, plus its
    delivery state."""
    return {"id": alert["id"], "kind": alert["kind"], "watch_id": alert["watch_id"], "event_id": alert["event_id"],
            "created_at": alert["created_at"], "delivery": alert["delivery"], "attempts": alert["attempts"],
            "last_error": alert["last_error"], "payload": alert["payload"]}


async def written(request: Request, work: Callable[[Tracker], T]) -> T:
    """``work`` done by the single writer, for a caller the write rule admits (``require_writer``)."""
    require_writer(request)
    state = server_state(request)

    def run() -> T:
        with state.write_lock:
            return work(state.writer)

    return await run_in_threadpool(run)


@router.get("/api/watches", summary="Every watch (secrets left out, webhooks masked)")
def list_watches(request: Request) -> dict[str, Any]:
    return {"items": [public_watch(w) for w in server_state(request).reader().watches()]}


@router.post("/api/watches", summary="Add a watch; the answer holds its webhook secret, shown only here",
             status_code=201)
async def add_watch(request: Request, watch: WatchIn) -> dict[str, Any]:
    added: dict[str, Any] = await written(request, lambda tracker: tracker.add_watch(**watch.model_dump()))
    return added


@router.get("/api/watches/{watch_id}", summary="One watch: latest alerts, failed deliveries, delivery counts")
def get_watch(request: Request, watch_id: str) -> dict[str, Any]:
    details = server_state(request).reader().watch(watch_id)
    details["alerts"] = [public_alert(a) for a in details["alerts"]]
    details["failed"] = [public_alert(a) for a in details["failed"]]
    return public_watch(details)


@router.delete("/api/watches/{watch_id}", summary="Remove a watch and its alerts")
async def remove_watch(request: Request, watch_id: str) -> dict[str, Any]:
    await written(request, lambda tracker: tracker.remove_watch(watch_id))
    return {"removed": watch_id}


@router.get("/api/watches/{watch_id}/alerts", summary="A watch's alerts, newest first (or after an id, oldest first)")
def watch_alerts(request: Request, watch_id: str,
                 after: Annotated[int | None, Query(ge=0, le=2**62, description="Only alerts after this id.")] = None,
                 limit: Annotated[int | None, Query(ge=1)] = None) -> dict[str, Any]:
    state = server_state(request)
    rows = state.reader().alerts(watch_id, after=after, limit=page_limit(state, limit))
    return {"items": [public_alert(a) for a in rows]}


@router.post("/api/watches/{watch_id}/retry", summary="Queue a watch's failed webhook deliveries again")
async def retry_watch(request: Request, watch_id: str) -> dict[str, Any]:
    return {"queued": await written(request, lambda tracker: tracker.retry_failed_deliveries(watch_id))}


@router.post("/api/alerts/deliver", summary="Deliver the due webhook alerts once; what was delivered, "
                                            "is to be retried, or failed")
async def deliver(request: Request) -> dict[str, list[int]]:
    require_writer(request)
    state = server_state(request)
    # Deliveries take no write lock: they touch only the outbox, each in its own short transaction.
    return await run_in_threadpool(state.deliver_alerts)


def _feed_rows(alerts: list[dict[str, Any]], base_url: str) -> Iterator[dict[str, Any]]:
    for alert in alerts:
        payload = alert["payload"]
        event = payload["event"]
        news = ", ".join(payload["new_langs"] + payload["new_outlets"])
        prefix = "New event" if alert["kind"] == "new_event" else "More coverage"
        yield {
            "article_id": payload["article"]["id"],
            "title": f"{prefix}: {event['title'] or event['id']}" + (f" ({news})" if news else ""),
            "link": f"{base_url}events/{event['id']}",
            "urn": f"urn:storyweave:alert:{alert['id']}",
            "publish_date": payload.get("fired_at") or alert["created_at"],
            "summary": alert_body(alert["id"], payload).decode("utf-8"),
            "lang": payload["article"]["lang"],
            "source": payload["watch"]["name"],
        }


@router.get("/feeds/watches/{watch_id}.atom", summary="A watch's latest alerts as an Atom feed")
def watch_feed(request: Request, watch_id: str) -> StreamingResponse:
    state = server_state(request)
    tracker = state.reader()
    watch = tracker.watch(watch_id, limit=0)
    alerts = tracker.alerts(watch_id, limit=int(state.settings.page_size))
    base = str(request.base_url)
    body = atom_lines(f"storyweave watch: {watch['name']}", str(request.url), base, list(_feed_rows(alerts, base)))
    return StreamingResponse(body, media_type=MEDIA_TYPES["atom"])
