"""The server's answers to repeat visits, through a real uvicorn server on 127.0.0.1: ETag and 304,
gzip, answers that change as soon as the store does, and readiness once the models are warm."""

from __future__ import annotations

import asyncio
import gzip
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_api_support import LiveServer, find_seed_event, running_server, seeded_store

from storyweave import Tracker
from storyweave.ingest import record_to_doc
from storyweave.server.cache import ResponseCache, Slots
from storyweave.server.state import Message, Receive, Scope, Send, StoreVersion

LATE = {"id": "cache-late-1", "title": "Harbour cranes repainted in Haiphong",
        "text": "Port workers in Haiphong repainted the harbour cranes on Tuesday.", "lang": "en",
        "publish_date": "2024-05-07"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_store(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[LiveServer]:
    with running_server(store) as live:
        yield live


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url(""), timeout=120) as http:
        yield http


def wait_ready(client: httpx.Client, seconds: float = 300) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        response = client.get("/api/ready")
        if response.status_code == 200 or time.monotonic() > deadline:
            return response
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "warming_up"
        assert response.headers["retry-after"]
        time.sleep(0.2)


def test_ready_once_the_models_are_loaded(client: httpx.Client) -> None:
    response = wait_ready(client)
    assert response.status_code == 200, response.text
    warmed = response.json()["warmed"]
    assert response.json()["status"] == "ready"
    assert {"search", "romaniser", "front page", "model usem3", "model e5"} <= set(warmed)
    assert client.get("/api/ready").headers.get("etag") is None  # probes are never answered from memory


@pytest.mark.parametrize("path", ["/", "/api/events", "/api/entities?type=person", "/entities"])
def test_etag_and_not_modified(client: httpx.Client, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and first.headers["cache-control"] == "no-cache"
    assert "accept-encoding" in first.headers["vary"].lower()
    again = client.get(path, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert again.headers["content-security-policy"]  # the security headers go on every answer
    other = client.get(path, headers={"if-none-match": 'W/"something-else"'})
    assert other.status_code == 200 and other.content == first.content


def test_gzip_when_accepted_and_the_same_body(client: httpx.Client) -> None:
    plain = client.get("/", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    with client.stream("GET", "/", headers={"accept-encoding": "gzip"}) as packed:
        raw = b"".join(packed.iter_raw())
        assert packed.headers["content-encoding"] == "gzip"
        assert int(packed.headers["content-length"]) == len(raw) < len(plain.content)
    assert gzip.decompress(raw) == plain.content
    refused = client.get("/", headers={"accept-encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in refused.headers and refused.content == plain.content


def test_answers_follow_the_reader_language(client: httpx.Client) -> None:
    french = client.get("/", headers={"accept-language": "fr"})
    english = client.get("/", headers={"accept-language": "en"})
    assert 'lang="fr"' in french.text and 'lang="en"' in english.text
    assert french.headers["etag"] != english.headers["etag"]


def test_a_write_from_another_process_shows_at_once(client: httpx.Client, store: Path) -> None:
    before = client.get("/api/articles", params={"limit": 500})
    etag = before.headers["etag"]
    assert LATE["id"] not in {a["id"] for a in before.json()["items"]}
    # Another connection (as `storyweave ingest` in another process would) commits to the store.
    with Tracker(db=store, enrich_stages=[], assign_events=False) as other:
        other.ingest_docs([record_to_doc(LATE, "cache-test")])
    after = client.get("/api/articles", params={"limit": 500}, headers={"if-none-match": etag})
    assert after.status_code == 200 and after.headers["etag"] != etag
    assert LATE["id"] in {a["id"] for a in after.json()["items"]}


def test_a_write_through_the_api_shows_at_once(client: httpx.Client) -> None:
    before = client.get("/api/health").json()["articles"]
    listed = client.get("/api/articles", params={"limit": 500})
    posted = {**LATE, "id": "cache-late-2", "title": "Harbour tugs renamed in Haiphong"}
    assert client.post("/api/ingest", json=posted).json()["added"] == 1
    after = client.get("/api/articles", params={"limit": 500}, headers={"if-none-match": listed.headers["etag"]})
    assert after.status_code == 200 and "cache-late-2" in {a["id"] for a in after.json()["items"]}
    assert client.get("/api/health").json()["articles"] == before + 1


def test_streams_and_errors_are_not_kept(client: httpx.Client) -> None:
    missing = client.get("/api/events/no-such-event")
    assert missing.status_code == 404 and "etag" not in missing.headers
    export = client.get("/feeds/events.atom")
    assert export.status_code == 200 and "etag" not in export.headers


def test_a_language_choice_is_kept_with_its_cookie_for_clients_that_never_send_it_back(
    server: LiveServer,
) -> None:
    # A script or a feed reader keeps no cookies: each ?lang= request sets the cookie again, and
    # must still be answered from memory, cookie included.
    with httpx.Client(base_url=server.url(""), timeout=120) as script:
        first = script.get("/", params={"lang": "de"})
        script.cookies.clear()
        again = script.get("/", params={"lang": "de"})
        script.cookies.clear()
    for answer in (first, again):
        assert answer.status_code == 200 and answer.headers["etag"]
        assert answer.headers["set-cookie"].startswith("lang=de;")
    assert again.headers["etag"] == first.headers["etag"] and again.content == first.content
    # A browser that sent the cookie back gets the page without setting it again.
    with httpx.Client(base_url=server.url(""), timeout=120, cookies={"lang": "de"}) as browser:
        remembered = browser.get("/", params={"lang": "de"})
    assert remembered.status_code == 200 and "set-cookie" not in remembered.headers
    assert remembered.headers["etag"] == first.headers["etag"]


def test_an_answer_setting_any_other_cookie_is_never_kept(tmp_path: Path) -> None:
    store = tmp_path / "cookies.db"
    Tracker(db=store, enrich_stages=[], assign_events=False).close()  # a real store, for its version
    computed = Counter[str]()

    async def pages(scope: Scope, receive: Receive, send: Send) -> None:
        computed[scope["path"]] += 1
        body = scope["path"].encode()
        cookie = b"session=abc; Path=/" if scope["path"] == "/session" else b"lang=fr; Path=/"
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode()),
                                (b"set-cookie", cookie)]})
        await send({"type": "http.response.body", "body": body})

    async def main() -> None:
        version = StoreVersion(store)
        cache = ResponseCache(pages, version, max_bytes=1 << 20, computations=2)
        for _ in range(3):
            for path in ("/session", "/language"):
                answer = await _get(cache, path)
                assert (b"set-cookie", b"session=abc; Path=/" if path == "/session" else b"lang=fr; Path=/") in (
                    answer[0]["headers"]
                )
        version.close()

    asyncio.run(main())
    assert computed == {"/session": 3, "/language": 1}


def test_head_is_answered_as_the_kept_get(client: httpx.Client) -> None:
    got = client.get("/api/storylines", headers={"accept-encoding": "identity"})
    head = client.head("/api/storylines", headers={"accept-encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == got.headers["etag"]
    assert int(head.headers["content-length"]) == len(got.content)
    assert head.headers["content-security-policy"]


def test_a_card_follows_its_event_when_an_article_joins(client: httpx.Client) -> None:
    seed = find_seed_event(str(client.base_url))
    card = _front_page_card(client, seed["id"])
    assert f"{len(seed['articles'])} articles" in card
    # The Arabic seed again under another id and outlet: a near-duplicate joins the seed's event.
    article = client.get(f"/api/articles/{seed['articles'][0]['id']}").json()
    copy = {"id": "cache-card-copy", "title": article["title"], "text": article["text"] + "\n\nMore follows.",
            "lang": article["lang"],
            "source": "copy.example", "publish_date": article["publish_date"]}
    assert client.post("/api/ingest", json=copy).json()["added"] == 1
    joined = client.get(f"/api/events/{seed['id']}").json()
    assert len(joined["articles"]) == len(seed["articles"]) + 1
    assert f"{len(joined['articles'])} articles" in _front_page_card(client, seed["id"])


def _front_page_card(client: httpx.Client, event_id: str) -> str:
    html = client.get("/", headers={"accept-language": "en"}).text
    card = html.partition(f'data-event="{event_id}"')[2].partition("</li>")[0]
    assert card, f"no card for {event_id} on the front page"
    return " ".join(re.sub(r"<[^>]+>", " ", card).split())


def test_new_pages_are_computed_a_few_at_a_time_and_streams_hold_no_slot(tmp_path: Path) -> None:
    store = tmp_path / "slots.db"
    Tracker(db=store, enrich_stages=[], assign_events=False).close()  # a real store, for its version
    running, peak = 0, 0
    streaming = asyncio.Event()

    async def pages(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal running, peak
        if scope["path"] == "/stream":  # no length: passed through as it comes
            await send({"type": "http.response.start", "status": 200, "headers": []})
            streaming.set()
            await asyncio.sleep(0.3)
            await send({"type": "http.response.body", "body": b"end"})
            return
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.02)
        running -= 1
        await _send_text(send, scope["path"].encode())

    async def main() -> None:
        version = StoreVersion(store)
        two = ResponseCache(pages, version, max_bytes=1 << 20, computations=2)
        answers = await asyncio.gather(*(_get(two, f"/page/{n}") for n in range(8)))
        assert peak == 2
        assert [a[-1]["body"] for a in answers] == [f"/page/{n}".encode() for n in range(8)]
        one = ResponseCache(pages, version, max_bytes=1 << 20, computations=1)
        stream = asyncio.create_task(_get(one, "/stream"))
        await streaming.wait()
        page = await _get(one, "/page/while-streaming")  # the stream has given its slot back
        assert page[-1]["body"] == b"/page/while-streaming" and not stream.done()
        assert (await stream)[-1]["body"] == b"end"
        version.close()

    asyncio.run(main())


def test_with_every_slot_busy_an_out_of_date_page_is_answered_at_once_and_computed_behind(tmp_path: Path) -> None:
    store = tmp_path / "behind.db"
    Tracker(db=store, enrich_stages=[], assign_events=False).close()
    computed: Counter[str] = Counter()
    entered, release = asyncio.Event(), asyncio.Event()

    async def pages(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == "/busy":
            entered.set()
            await release.wait()
        computed[scope["path"]] += 1
        await _send_text(send, f"{scope['path']} #{computed[scope['path']]}".encode())

    async def main() -> None:
        version = StoreVersion(store)
        cache = ResponseCache(pages, version, max_bytes=1 << 20, computations=1)
        assert (await _get(cache, "/page"))[-1]["body"] == b"/page #1"
        with Tracker(db=store, enrich_stages=[], assign_events=False) as other:  # a commit elsewhere
            other.ingest_docs([record_to_doc(LATE, "cache-test")])
        busy = asyncio.create_task(_get(cache, "/busy"))  # holds the only slot
        await entered.wait()
        # The version before, at once (a reader queued for the slot would wait here for ever).
        assert (await asyncio.wait_for(_get(cache, "/page"), 10))[-1]["body"] == b"/page #1"
        release.set()
        await busy
        while computed["/page"] < 2:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.01)
        assert (await _get(cache, "/page"))[-1]["body"] == b"/page #2"  # computed behind the reader
        version.close()

    asyncio.run(main())


async def _send_text(send: Send, body: bytes) -> None:
    """A complete answer (with its length, so the cache may keep it)."""
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _get(cache: ResponseCache, path: str) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    await cache({"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": []}, receive, send)
    return sent


def test_readers_get_a_slot_before_computations_behind_readers() -> None:
    async def main() -> list[str]:
        slots = Slots(1)
        order: list[str] = []
        await slots.acquire()

        async def wait(name: str, behind: bool) -> None:
            await slots.acquire(behind)
            order.append(name)
            slots.release()

        tasks = [asyncio.create_task(wait("behind 1", True)), asyncio.create_task(wait("behind 2", True))]
        await asyncio.sleep(0)
        cancelled = asyncio.create_task(wait("gone", False))
        tasks.append(asyncio.create_task(wait("reader", False)))
        await asyncio.sleep(0)
        cancelled.cancel()  # a reader who left: their turn passes on
        assert slots.busy
        slots.release()
        await asyncio.gather(*tasks)
        assert not slots.busy
        return order

    assert asyncio.run(main()) == ["reader", "behind 1", "behind 2"]
