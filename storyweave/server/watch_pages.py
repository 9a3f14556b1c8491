"""The Watches page: add and remove watches, see the latest alerts and the failed deliveries.

Adding and removing are plain HTML forms (no script) under the API's write rule
(``require_writer``): on a loopback server without ``api_token`` they just work; elsewhere the page
says to use the API with the token.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from ..errors import FetchError, InputError
from ..tracker import Tracker
from .alerts import masked_webhook, public_watch, written
from .i18n import page_context, remember_choice
from .state import server_state
from .templates import templates

router = APIRouter(include_in_schema=False)

LangParam = Annotated[str | None, Query(max_length=8)]
_RECENT = 30
_FIELDS = ("words", "entity", "langs", "min_outlets", "min_langs", "webhook", "name")


def _page(request: Request, extra: dict[str, Any], status: int = 200) -> Response:
    tracker = server_state(request).reader()
    watches = [public_watch(w) for w in tracker.watches()]
    names = {w["id"]: w["name"] for w in watches}
    alerts = tracker.alerts(limit=_RECENT)
    failed = tracker.alerts(delivery="failed", limit=_RECENT)
    for alert in alerts + failed:
        alert["watch_name"] = names.get(alert["watch_id"], alert["watch_id"])
    context = {**page_context(request), "watches": watches, "alerts": alerts,
               "failed": failed, "form": {}, **extra}
    response = templates.TemplateResponse(request, "watches.html", context, status_code=status)
    remember_choice(request, response)
    return response


@router.get("/watches")
def watches_page(request: Request, lang: LangParam = None) -> Response:
    return _page(request, {})


def _number(value: str, default: int) -> int:
    try:
        return int(value) if value.strip() else default
    except ValueError:
        raise InputError(f"{value!r} is not a whole number") from None


@router.post("/watches")
async def add_watch(request: Request) -> Response:
    body = (await request.body()).decode("utf-8", errors="replace")
    form = {key: values[-1].strip() for key, values in parse_qs(body).items() if key in _FIELDS}

    def add(tracker: Tracker) -> dict[str, Any]:
        return tracker.add_watch(
            words=form.get("words", ""), entity=form.get("entity") or None, langs=[form.get("langs", "")],
            min_outlets=_number(form.get("min_outlets", ""), 1), min_langs=_number(form.get("min_langs", ""), 1),
            webhook=form.get("webhook") or None, name=form.get("name", ""),
        )

    try:
        added = await written(request, add)
    except (InputError, FetchError) as exc:  # a bad query or a refused webhook: the form again, filled
        return _page(request, {"error": str(exc), "form": form}, status=400)
    shown = {"id": added["id"], "name": added["name"], "secret": added["secret"] if added["webhook"] else None,
             "webhook": masked_webhook(added["webhook"])}
    return _page(request, {"added": shown}, status=201)


@router.post("/watches/{watch_id}/remove")
async def remove_watch(request: Request, watch_id: str) -> Response:
    await written(request, lambda tracker: tracker.remove_watch(watch_id))
    return RedirectResponse(str(request.url_for("watches_page")), status_code=303)
