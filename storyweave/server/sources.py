"""REST API for followed sources under /api/sources: the same operations as ``storyweave sources``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ..tracker import Tracker
from .api import require_writer
from .state import server_state

router = APIRouter(prefix="/api/sources", tags=["sources"])

OPML_TYPE = "text/x-opml; charset=utf-8"


class NewSource(BaseModel):
    """A source to follow: a feed URL, or a page whose <link rel="alternate"> names its feed."""

    url: str = Field(max_length=4096, description="Feed or page URL (http or https).")
    name: str | None = Field(None, max_length=500, description="Outlet name its articles carry.")
    lang: str | None = Field(None, max_length=16, description="Language (ISO 639-1), a hint for its articles.")
    country: str | None = Field(None, max_length=8, description="Country (ISO 3166), kept with its articles.")
    every: str | None = Field(None, max_length=32, description="Poll interval: 90s, 15m, 2h, 1d.")


async def _write(request: Request, change: Callable[[Tracker], Any]) -> Any:
    """Run ``change`` on the writer, under the write lock, off the event loop."""
    require_writer(request)
    state = server_state(request)

    def run() -> Any:
        with state.write_lock:
            return change(state.writer)

    return await run_in_threadpool(run)


@router.get("", summary="Followed sources with their health")
def list_sources(request: Request) -> dict[str, Any]:
    return {"items": server_state(request).reader().sources()}


@router.post("", summary="Follow a source (like 'storyweave sources add')")
async def add_source(request: Request, source: NewSource) -> dict[str, Any]:
    result: dict[str, Any] = await _write(request, lambda t: t.add_source(
        source.url, name=source.name, lang=source.lang, country=source.country, every=source.every))
    return result


@router.get("/export.opml", summary="Every followed source as OPML 2.0", response_class=Response,
            responses={200: {"content": {"text/x-opml": {}}}})
def export_opml(request: Request) -> Response:
    return Response(server_state(request).reader().export_opml(), media_type=OPML_TYPE)


class OpmlList(BaseModel):
    """An OPML subscription list, as text (writes to the API are JSON)."""

    opml: str = Field(description="The OPML document.")


@router.post("/import", summary="Follow every feed of an OPML list")
async def import_opml(request: Request, body: OpmlList) -> dict[str, Any]:
    data = body.opml.encode("utf-8", "replace")
    result: dict[str, Any] = await _write(request, lambda t: t.import_opml(data))
    return result


@router.get("/{source_id}", summary="One source: settings, health and its last days")
def get_source(request: Request, source_id: int) -> dict[str, Any]:
    return server_state(request).reader().source(source_id)


@router.delete("/{source_id}", summary="Stop following a source (its articles stay)")
async def remove_source(request: Request, source_id: int) -> dict[str, Any]:
    result: dict[str, Any] = await _write(request, lambda t: t.remove_source(source_id))
    return result


@router.post("/{source_id}/pause", summary="Stop polling a source until resumed")
async def pause_source(request: Request, source_id: int) -> dict[str, Any]:
    result: dict[str, Any] = await _write(request, lambda t: t.pause_source(source_id))
    return result


@router.post("/{source_id}/resume", summary="Poll a paused source again, its failures forgotten")
async def resume_source(request: Request, source_id: int) -> dict[str, Any]:
    result: dict[str, Any] = await _write(request, lambda t: t.resume_source(source_id))
    return result
