"""The map editor through the app in-process: every kind of edit saved as a version and drawn
again, conflicts named, invalid values refused at the field, roles, the JSON twin."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from parcours.model import load_journey
from parcours.store import Store

from .conftest import JOURNEY, client_for, csrf, login

EDIT = f"/journeys/{JOURNEY}/edit"


def post(client: TestClient, **fields: str) -> tuple[int, str]:
    answer = client.post(EDIT, data=fields, headers={"X-CSRF-Token": csrf(client)})
    return answer.status_code, answer.text


def old(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def set_lane(
    client: TestClient, what: str, item: str, field: str, before: object, **typed: str
) -> tuple[int, str]:
    """Post the form of one lane, as the editor does (``before``: the value it showed)."""
    return post(client, op="set", what=what, id=item, field=field, old=old(before), **typed)


def test_the_editor_page_and_its_json_twin(local_client: TestClient) -> None:
    page = local_client.get(EDIT)
    assert page.status_code == 200
    assert f'data-live-events="/journeys/{JOURNEY}/events"' in page.text
    assert 'data-presence="stage:recherche"' in page.text
    assert 'data-presence="touchpoint:publicite-instagram"' in page.text
    assert '<script src="/static/editor.js" defer>' in page.text
    assert "Monter" in page.text or "Descendre" in page.text  # the keyboard moves
    assert 'class="board linear"' in local_client.get(EDIT, params={"view": "linear"}).text
    twin = local_client.get(f"/api/journeys/{JOURNEY}/edit").json()
    assert twin["key"] == JOURNEY and twin["view"] == "grid"
    assert twin["journey"]["stages"][0]["id"] == "recherche"
    assert {lane["field"] for lane in twin["lanes"]["touchpoint"]} >= {"emotion", "match", "kpis"}
    assert local_client.get(EDIT, params={"view": "matrix"}).status_code == 422


def test_every_kind_of_edit_is_a_version_and_undo_restores(
    local_client: TestClient, store: Store, workspace: Path
) -> None:
    client = local_client
    before = store.version(JOURNEY).journey
    first = before.stages[0]
    needs = before.model_dump(mode="json")["stages"][0]["needs"]
    status, html = post(
        client,
        op="rename",
        what="stage",
        id="recherche",
        old=old({"fr": "Recherche", "en": "Research"}),
        value="Découverte <script>alert(1)</script>",
    )
    assert status == 200 and 'id="card-stage-recherche"' in html
    assert "Découverte &lt;script&gt;" in html and "<script>alert" not in html
    touchpoint = first.touchpoints[0]
    status, html = set_lane(
        client, "touchpoint", touchpoint.id, "emotion", touchpoint.emotion, value="-1.5"
    )
    assert status == 200 and 'id="curve" class="ecurve" hx-swap-oob="true"' in html
    assert 'points="50,' in html  # the curve is drawn again
    typed = "Comparer les offres\nEssayer"
    status, html = set_lane(client, "stage", "recherche", "needs", needs, value=typed)
    assert status == 200 and "Comparer les offres" in html, html
    status, html = post(
        client, op="add", what="touchpoint", parent="recherche", value="Blog", channel="blog"
    )
    assert status == 200 and 'id="card-touchpoint-blog"' in html and 'id="editor-body"' in html
    status, _ = post(client, op="move", what="touchpoint", id="blog", parent="recherche", index="0")
    assert status == 200
    status, _ = post(client, op="add", what="persona", value="Léa")
    assert status == 200
    binding = {"events": "blog_*, article_read", "where_property": "lang", "where_value": "fr"}
    status, _ = set_lane(client, "touchpoint", "blog", "match", None, where_op="eq", **binding)
    assert status == 200
    after = store.version(JOURNEY).journey
    assert after.stages[0].name == {"fr": "Découverte <script>alert(1)</script>", "en": "Research"}
    assert after.stages[0].touchpoints[0].id == "blog"
    assert after.stages[0].touchpoints[0].match is not None
    assert after.stages[0].touchpoints[1].emotion == -1.5
    assert [p.name for p in after.personas][-1] == "Léa"
    # the workspace's file follows, and every save is a version with its message
    assert load_journey(workspace / "journeys" / f"{JOURNEY}.yaml") == after
    messages = [v.message for v in store.versions(JOURNEY)]
    assert "Renamed stage Recherche → Découverte <script>alert(1)</script>" in messages
    assert any(m.startswith("Set emotion of touchpoint") for m in messages)
    versions = client.get(f"/journeys/{JOURNEY}/versions").text
    assert "Moved touchpoint Blog to stage" in versions
    # undo, step by step, back to the start
    token = {"X-CSRF-Token": csrf(client)}
    for _ in range(7):
        assert client.post(f"/journeys/{JOURNEY}/undo", headers=token).status_code == 200
    assert store.version(JOURNEY).journey == before
    assert "Rien à défaire" in client.post(f"/journeys/{JOURNEY}/undo", headers=token).text
    status, _ = post(client, op="delete", what="touchpoint", id="blog")
    assert status == 409  # undone already: it no longer exists


def test_a_stale_edit_is_a_conflict_naming_who_changed_it(
    workspace: Path, store: Store, users: dict[str, int]
) -> None:
    with client_for(workspace, store) as owner, client_for(workspace, store) as editor:
        login(owner, "owner@example.org")
        login(editor, "editor@example.org")
        seen = store.version(JOURNEY).journey.stages[1]
        name = old(seen.name)
        status, _ = post(owner, op="rename", what="stage", id=seen.id, old=name, value="Choix")
        assert status == 200
        # the editor's page still shows the old name: refused, and told who changed it
        status, html = post(editor, op="rename", what="stage", id=seen.id, old=name, value="X")
        assert status == 409
        assert "owner@example.org" in html and "Choix" in html and 'role="alert"' in html
        # an edit of something else, made on the older version, is applied to the latest
        goal = old(store.version(JOURNEY).journey.stages[1].goal)
        status, _ = post(
            editor, op="set", what="stage", id=seen.id, field="goal", old=goal, value="Choisir"
        )
        latest = store.version(JOURNEY)
        assert status == 200 and latest.author == "editor@example.org"
        assert latest.journey.stages[1].goal["fr"] == "Choisir"  # type: ignore[index]
        assert latest.journey.stages[1].name == {"fr": "Choix", "en": "Evaluation"}


def test_roles_invalid_values_and_the_binding_preview(
    workspace: Path, store: Store, users: dict[str, int]
) -> None:
    with client_for(workspace, store) as client:
        for role, code in (("viewer", 403), ("commenter", 403)):
            login(client, f"{role}@example.org")
            assert client.get(EDIT).status_code == code
            assert client.get(f"/api/journeys/{JOURNEY}/edit").status_code == code
            status, _ = post(client, op="add", what="stage", value="Sneaky")
            assert status == code
            client.post("/logout", data={"csrf": csrf(client)})
        login(client, "nobody@example.org")
        assert client.get(EDIT).status_code == 404
        client.post("/logout", data={"csrf": csrf(client)})
        login(client, "editor@example.org")
        assert client.get(EDIT).status_code == 200
        # no CSRF token: refused
        assert (
            client.post(EDIT, data={"op": "add", "what": "stage", "value": "x"}).status_code == 400
        )
        touchpoint = store.version(JOURNEY).journey.stages[0].touchpoints[0]
        answer = client.post(
            EDIT,
            data={
                "op": "set",
                "what": "touchpoint",
                "id": touchpoint.id,
                "field": "emotion",
                "old": old(touchpoint.emotion),
                "value": "9",
            },
            headers={"X-CSRF-Token": csrf(client)},
        )
        assert answer.status_code == 422
        field = f"field-touchpoint-{touchpoint.id}-emotion"
        assert answer.headers["HX-Retarget"] == f"#{field}"
        assert 'aria-invalid="true"' in answer.text and f'id="err-{field}"' in answer.text
        assert f'aria-describedby="hint-{field} err-{field}"' in answer.text
        assert "less than or equal to 2" in answer.text
        form = client.get(
            f"{EDIT}/form", params={"what": "touchpoint", "id": touchpoint.id, "field": "match"}
        )
        assert form.status_code == 200 and 'name="where_property"' in form.text
        preview = client.get(f"{EDIT}/preview", params={"id": touchpoint.id, "events": "*"})
        assert preview.status_code == 200
        matched = int(preview.text.split('class="matched">')[1].split("<")[0])
        assert matched > 0
        nothing = client.get(f"{EDIT}/preview", params={"id": touchpoint.id, "events": "zzz"})
        assert 'class="matched">0<' in nothing.text and 'class="unclaimed"' in nothing.text
