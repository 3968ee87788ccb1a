"""Live updates of a journey: server-sent events for each new version and for who is editing
what (presence).

``GET /journeys/{key}/events`` streams ``version`` events (number, author, message) whenever a
new version of the journey is stored — by this app, the CLI or another process: one task per
journey watched asks the store once a second, whatever the number of subscribers — and
``presence`` events (who edits which stage, touchpoint...). A stream ends after
:attr:`Live.max_seconds` (the browser reconnects) and when the server stops.
``POST /journeys/{key}/presence`` (form field ``where``: ``stage:ID``, ``touchpoint:ID``...)
says that the actor is editing there, for :attr:`Live.presence_seconds`.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response, StreamingResponse

from parcours.model import Journey
from parcours.model.diff import items
from parcours.model.text import localize
from parcours.model.vocabulary import Lang
from parcours.store import Store, VersionInfo
from parcours.web.labels import WORDS
from parcours.web.pages import lang_of
from parcours.web.security import Actor, Editor, Viewer
from parcours.web.views import stored

router = APIRouter(tags=["live"])

#: ``where`` of a presence: ``journey`` or ``KIND:ID``.
WHERE = r"^(journey|(stage|touchpoint|persona|pain_point|opportunity):[a-z0-9][a-z0-9_-]{0,79})$"
_KINDS = {"pain_point": "pain point"}


@dataclass
class _Channel:
    """The subscribers of one journey, the version they have seen, who is editing where."""

    latest: int
    subscribers: set[asyncio.Queue[str]] = field(default_factory=set)
    presence: dict[str, tuple[str, float]] = field(default_factory=dict)  # user: (where, until)
    task: asyncio.Task[None] | None = None


@dataclass
class Live:
    """The live channels of an app's journeys."""

    store: Store
    poll_seconds: float = 1.0
    max_seconds: float = 300.0
    presence_seconds: float = 30.0
    keepalive_seconds: float = 15.0
    clock: Callable[[], float] = time.monotonic
    stopping: bool = False
    polls: int = 0  # how many times the store was asked (all journeys together)
    channels: dict[str, _Channel] = field(default_factory=dict)

    def stop(self) -> None:
        """End every stream within a second (the server is stopping)."""
        self.stopping = True

    async def aclose(self) -> None:
        self.stop()
        tasks = [c.task for c in self.channels.values() if c.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _channel(self, key: str) -> _Channel:
        if key not in self.channels:
            record = self.store.journey(key)
            self.channels[key] = _Channel(record.latest if record else 0)
        return self.channels[key]

    def subscribe(self, key: str) -> asyncio.Queue[str]:
        channel = self._channel(key)
        queue: asyncio.Queue[str] = asyncio.Queue(maxsize=256)
        channel.subscribers.add(queue)
        if channel.task is None:
            channel.task = asyncio.get_running_loop().create_task(self._watch(key, channel))
        return queue

    def unsubscribe(self, key: str, queue: asyncio.Queue[str]) -> None:
        self.channels[key].subscribers.discard(queue)

    def present(self, key: str) -> list[tuple[str, str]]:
        """(user, where) of who is editing journey ``key`` now."""
        now = self.clock()
        channel = self._channel(key)
        return [(u, w) for u, (w, until) in channel.presence.items() if until > now]

    def touch(self, key: str, user: str, where: str) -> None:
        """``user`` is editing ``where`` of journey ``key``; subscribers are told."""
        channel = self._channel(key)
        before = channel.presence.get(user, ("", 0.0))[0]
        channel.presence[user] = (where, self.clock() + self.presence_seconds)
        if before != where:
            self._tell(channel, "presence")

    def _tell(self, channel: _Channel, what: str) -> None:
        for queue in list(channel.subscribers):
            if not queue.full():
                queue.put_nowait(what)

    async def _watch(self, key: str, channel: _Channel) -> None:
        """Ask the store once per poll whether ``key`` has new versions, while anyone listens;
        drop presences that expired."""
        try:
            while channel.subscribers and not self.stopping:
                await asyncio.sleep(self.poll_seconds)
                self.polls += 1
                record = await asyncio.to_thread(self.store.journey, key)
                if record is not None and record.latest > channel.latest:
                    channel.latest = record.latest
                    self._tell(channel, "version")
                now = self.clock()
                gone = [u for u, (_, until) in channel.presence.items() if until <= now]
                for user in gone:
                    del channel.presence[user]
                if gone:
                    self._tell(channel, "presence")
        finally:
            channel.task = None


def live_of(request: Request) -> Live:
    live: Live = request.app.state.live
    return live


def user_label(actor: Actor, lang: Lang) -> str:
    if actor.user is not None:
        return actor.user.name or actor.user.email
    return WORDS[lang]["live.someone"]


def presence_label(journey: Journey, user: str, where: str, lang: Lang) -> str:
    """``Léa édite l'étape Achat`` / ``Léa is editing the Achat stage``."""
    words = WORDS[lang]
    kind, _, item_id = where.partition(":")
    name = item_id
    found = items(journey).get(_KINDS.get(kind, kind), {}).get(item_id)
    if found is not None:
        name = localize(found.get("name") or found.get("title") or found.get("description"), lang)
    thing = words[f"live.where.{kind}"].format(name=name)
    return words["live.editing"].format(user=user, thing=thing)


def _event(name: str, data: object) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.get("/journeys/{key}/events", include_in_schema=False)
async def events(
    request: Request, key: str, actor: Viewer, since: Annotated[int | None, Query(ge=0)] = None
) -> StreamingResponse:
    """Server-sent events of journey ``key``: ``version`` for each version after ``since``
    (default: the latest) and each new one, ``presence`` with who is editing where."""
    live = live_of(request)
    lang = lang_of(request)
    store = live.store
    words = WORDS[lang]
    url = f"/journeys/{key}"

    def version_event(info: VersionInfo) -> str:
        author = info.author or words["live.someone"]
        text = words["live.version"].format(number=info.number, author=author)
        data = {"number": info.number, "author": info.author, "message": info.message}
        return _event("version", {**data, "text": text, "reload": words["live.reload"], "url": url})

    def presence_event() -> str:
        channel = live.channels[key]
        journey = stored(store, key, channel.latest).journey
        people = [
            {"user": user, "where": where, "label": presence_label(journey, user, where, lang)}
            for user, where in live.present(key)
        ]
        return _event("presence", people)

    async def stream() -> AsyncIterator[str]:
        queue = live.subscribe(key)  # here: a stream never started leaves no subscriber
        seen = live.channels[key].latest if since is None else since
        try:
            yield f"retry: 3000\n\n{presence_event()}"
            deadline = live.clock() + live.max_seconds
            quiet = 0.0
            while True:
                if live.channels[key].latest > seen:
                    infos = await asyncio.to_thread(store.versions, key)
                    for info in sorted(infos, key=lambda i: i.number):
                        if info.number > seen:
                            yield version_event(info)
                            seen = info.number
                if live.stopping or live.clock() >= deadline:
                    break
                try:
                    what = await asyncio.wait_for(queue.get(), timeout=1.0)
                except TimeoutError:
                    quiet += 1.0
                    if quiet >= live.keepalive_seconds:
                        quiet = 0.0
                        yield ": keep-alive\n\n"
                    continue
                if what == "presence":
                    yield presence_event()
        finally:
            live.unsubscribe(key, queue)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


@router.post("/journeys/{key}/presence", include_in_schema=False, status_code=204)
async def presence(
    request: Request,
    key: str,
    actor: Editor,
    where: Annotated[str, Form(pattern=WHERE)],
) -> Response:
    """The actor is editing ``where`` of journey ``key`` (for the next ~30 s)."""
    live_of(request).touch(key, user_label(actor, lang_of(request)), where)
    return Response(status_code=204)
