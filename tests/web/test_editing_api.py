"""The whole-document API with optimistic concurrency (ETag, If-Match, 428, 412 with a merge
proposal, automatic merges, 422 located, who may save), the merge page, and the event stream
with presence, through the app in-process."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from parcours.store import Store

from .conftest import JOURNEY, csrf, login

API = f"/api/journeys/{JOURNEY}"


def current(client: TestClient) -> tuple[str, dict[str, Any]]:
    answer = client.get(API)
    assert answer.status_code == 200
    return answer.headers["etag"], answer.json()["journey"]


def put(client: TestClient, body: Any, tag: str | None, **headers: str) -> Any:
    sent = {"X-CSRF-Token": csrf(client), **headers}
    if tag is not None:
        sent["If-Match"] = tag
    if isinstance(body, str):
        return client.put(API, content=body.encode(), headers=sent)
    return client.put(API, json=body, headers=sent)


def stage(doc: dict[str, Any], stage_id: str) -> dict[str, Any]:
    return next(s for s in doc["stages"] if s["id"] == stage_id)


def test_etag_if_match_and_automatic_merge(
    local_client: TestClient, store: Store, workspace: Path
) -> None:
    tag, doc = current(local_client)
    number = store.journey(JOURNEY).latest  # type: ignore[union-attr]
    assert tag == f'"v{number}"'
    assert put(local_client, doc, None).status_code == 428
    assert put(local_client, doc, "v1").status_code == 400

    renamed = copy.deepcopy(doc)
    stage(renamed, "achat")["name"] = {"fr": "Paiement", "en": "Payment"}
    saved = put(local_client, {"journey": renamed, "message": "renommer l'achat"}, tag)
    assert saved.status_code == 200, saved.text
    assert saved.json()["merged"] is False
    assert saved.headers["etag"] == f'"v{number + 1}"' == saved.json()["etag"]
    assert store.version(JOURNEY).message == "renommer l'achat"
    # the workspace's file follows, so that restarting the app does not undo the edit
    assert "Paiement" in (workspace / "journeys" / f"{JOURNEY}.yaml").read_text("utf-8")

    # another editor, still on the first version, edits something else: merged and saved
    other = copy.deepcopy(doc)
    stage(other, "recherche")["emotion"] = -1.5
    merged = put(local_client, other, tag, **{"X-Parcours-Message": "%C3%A9motion"})
    assert merged.status_code == 200 and merged.json()["merged"] is True
    latest = store.version(JOURNEY)
    assert latest.message == "émotion" and latest.number == number + 2
    assert stage(latest.journey.model_dump(mode="json"), "recherche")["emotion"] == -1.5
    assert stage(latest.journey.model_dump(mode="json"), "achat")["name"]["fr"] == "Paiement"


def test_a_conflict_answers_412_with_the_proposal_and_the_merge_page_settles_it(
    local_client: TestClient, store: Store
) -> None:
    tag, doc = current(local_client)
    theirs = copy.deepcopy(doc)
    stage(theirs, "achat")["emotion"] = 1.0
    assert put(local_client, theirs, tag).status_code == 200
    mine = copy.deepcopy(doc)
    stage(mine, "achat")["emotion"] = -2.0
    latest = store.journey(JOURNEY).latest  # type: ignore[union-attr]

    refused = put(local_client, mine, tag)
    assert refused.status_code == 412
    body = refused.json()
    assert body["latest"] == latest and body["etag"] == f'"v{latest}"'
    (conflict,) = body["merge"]["conflicts"]
    assert conflict["path"] == "stages[achat].emotion"
    assert (conflict["mine"], conflict["theirs"]) == (-2.0, 1.0)
    assert stage(body["merge"]["journey"], "achat")["emotion"] == 1.0
    assert store.journey(JOURNEY).latest == latest  # nothing written

    page = local_client.get(body["merge_url"])
    assert page.status_code == 200 and "stages[achat].emotion" in page.text
    twin = local_client.get("/api" + body["merge_url"]).json()
    assert [c["path"] for c in twin["conflicts"]] == ["stages[achat].emotion"]
    settled = local_client.post(
        body["merge_url"], data={"csrf": csrf(local_client), twin["conflicts"][0]["name"]: "mine"}
    )
    assert settled.status_code == 303 and settled.headers["location"] == f"/journeys/{JOURNEY}"
    final = store.version(JOURNEY)
    assert final.number == latest + 1
    assert stage(final.journey.model_dump(mode="json"), "achat")["emotion"] == -2.0
    assert local_client.get(body["merge_url"]).status_code == 404  # settled once


def test_an_invalid_map_answers_422_with_located_problems(local_client: TestClient) -> None:
    tag, _ = current(local_client)
    text = "id: broken\nname: Cassé\nstages:\n  - id: a\n    name: A\n    emotion: 9\n"
    answer = put(local_client, text, tag, **{"Content-Type": "application/yaml"})
    assert answer.status_code == 422
    (problem,) = answer.json()["problems"]
    assert (problem["line"], problem["column"]) == (6, 14)
    assert "emotion" in problem["key"] or "emotion" in problem["message"]
    bad_json = put(local_client, '{"id": ', tag, **{"Content-Type": "application/json"})
    assert bad_json.status_code == 422 and bad_json.json()["problems"][0]["line"] == 1


def test_only_editors_may_save(app_client: TestClient, store: Store) -> None:
    for role, status in (("viewer", 403), ("commenter", 403), ("nobody", 404)):
        login(app_client, f"{role}@example.org")
        answer = put(app_client, {"id": "x"}, '"v1"')
        assert answer.status_code == status, role
        app_client.post("/logout", data={"csrf": csrf(app_client)})
    login(app_client, "editor@example.org")
    tag, doc = current(app_client)
    assert put(app_client, doc | {"description": "par l'éditeur"}, tag).status_code == 200
    assert store.version(JOURNEY).author == "editor@example.org"


def test_events_stream_versions_and_presence(app_client: TestClient) -> None:
    login(app_client, "editor@example.org")
    posted = app_client.post(
        f"/journeys/{JOURNEY}/presence",
        data={"where": "stage:achat"},
        headers={"X-CSRF-Token": csrf(app_client)},
    )
    assert posted.status_code == 204
    bad = app_client.post(
        f"/journeys/{JOURNEY}/presence",
        data={"where": "<script>"},
        headers={"X-CSRF-Token": csrf(app_client)},
    )
    assert bad.status_code == 422
    app_client.cookies.set("lang", "fr")
    stream = app_client.get(f"/journeys/{JOURNEY}/events?since=0")
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert "event: version" in stream.text and '"number": 1' in stream.text
    assert "editor@example.org édite l'étape Achat" in stream.text
    app_client.cookies.set("lang", "en")
    english = app_client.get(f"/journeys/{JOURNEY}/events").text
    assert "editor@example.org is editing the Purchase stage" in english
    assert "event: version" not in english  # only what is newer than the latest
    login(app_client, "viewer@example.org")
    assert app_client.get(f"/journeys/{JOURNEY}/events").status_code == 200
    viewer_post = app_client.post(
        f"/journeys/{JOURNEY}/presence",
        data={"where": "journey"},
        headers={"X-CSRF-Token": csrf(app_client)},
    )
    assert viewer_post.status_code == 403
    login(app_client, "nobody@example.org")
    assert app_client.get(f"/journeys/{JOURNEY}/events").status_code == 404


def test_one_watch_per_journey_sees_versions_saved_by_anyone(store: Store) -> None:
    """However many subscribers, one task asks the store; a version saved outside the app
    (here straight into the store, as the CLI does) reaches every subscriber."""
    import asyncio

    from parcours.web.live import Live

    async def scenario() -> tuple[str, str, int]:
        live = Live(store, poll_seconds=0.01)
        first = live.subscribe(JOURNEY)
        task = live.channels[JOURNEY].task
        second = live.subscribe(JOURNEY)
        assert live.channels[JOURNEY].task is task
        text = store.version(JOURNEY).text + "\n# edited by the CLI\n"
        await asyncio.to_thread(store.import_journey, JOURNEY, text, author_id=None)
        got = await asyncio.wait_for(asyncio.gather(first.get(), second.get()), 30)
        polls = live.polls
        await live.aclose()
        return got[0], got[1], polls

    one, two, polls = asyncio.run(scenario())
    assert one == two == "version"
    assert polls >= 1
