"""Working together on a map in the web app (TestClient, real store and demo workspace):
threaded comments with anchors, @mentions and resolve/reopen, visible to commenters and above;
the opportunity board's moves and statuses; a finding accepted in one step; measured impact;
presentation; exports (CSV formula-safe, the version's own bytes)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fastapi.testclient import TestClient

from parcours.model import Journey, dump_journey
from parcours.store import Store

from .conftest import JOURNEY, csrf, login

HTMX = {"HX-Request": "true"}


def _as(client: TestClient, role: str) -> str:
    client.cookies.clear()
    login(client, f"{role}@example.org")
    return csrf(client)


def test_comments_threads_mentions_and_roles(app_client: TestClient, store: Store) -> None:
    token = _as(app_client, "commenter")
    url = f"/journeys/{JOURNEY}/comments"
    stage = store.version(JOURNEY).journey.stages[1].id
    posted = app_client.post(
        url,
        data={
            "csrf": token,
            "anchor": f"stage:{stage}",
            "body": "Voir @editor : <script>alert(1)</script> **gras** [x](javascript:alert(1))",
        },
        headers=HTMX,
    )
    assert posted.status_code == 200, posted.text
    assert 'id="comments"' in posted.text and "<html" not in posted.text  # the panel alone
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in posted.text
    assert "<script>alert" not in posted.text and 'href="javascript' not in posted.text
    assert '<span class="mention">@editor</span>' in posted.text
    assert "<strong>gras</strong>" in posted.text
    first = app_client.get(f"/api{url}").json()["threads"][0]["comment"]
    assert (first["anchor_kind"], first["target"], first["removed"]) == ("stage", stage, False)
    assert first["mentions"] == ["editor@example.org"]
    reply = app_client.post(url, data={"csrf": token, "body": "Réponse", "parent_id": first["id"]})
    assert reply.status_code == 303
    gone = app_client.post(url, data={"csrf": token, "anchor": "touchpoint:retire", "body": "x"})
    assert gone.status_code == 303
    page = app_client.get(f"/api{url}").json()
    assert page["threads"][0]["comment"]["id"] == first["id"]
    assert [r["body"] for r in page["threads"][0]["replies"]] == ["Réponse"]
    assert page["threads"][1]["comment"]["removed"] is True  # its touchpoint is not on the map
    counted = {(a["kind"], a["id"]): a["count"] for a in page["anchors"]}
    assert counted["stage", stage] == 1
    one = app_client.get(f"/api{url}", params={"anchor": f"stage:{stage}"}).json()
    assert [t["comment"]["id"] for t in one["threads"]] == [first["id"]]
    resolved = app_client.post(f"{url}/{first['id']}/resolve", data={"csrf": token}, headers=HTMX)
    assert resolved.status_code == 200 and "resolved" in resolved.text
    assert app_client.get(f"/api{url}").json()["threads"][0]["comment"]["resolved_at"]
    app_client.post(f"{url}/{first['id']}/reopen", data={"csrf": token})
    assert app_client.get(f"/api{url}").json()["threads"][0]["comment"]["resolved_at"] is None
    assert app_client.post(f"{url}/99999/resolve", data={"csrf": token}).status_code == 404

    _as(app_client, "editor")
    mentions = app_client.get("/api/mentions").json()["mentions"]
    assert [m["comment"]["id"] for m in mentions] == [first["id"]]
    token = _as(app_client, "viewer")
    assert app_client.get(f"/api{url}").status_code == 403
    assert app_client.post(url, data={"csrf": token, "body": "non"}).status_code == 403
    assert app_client.get(f"/journeys/{JOURNEY}").status_code == 200
    assert 'id="comments"' not in app_client.get(f"/journeys/{JOURNEY}").text
    _as(app_client, "nobody")
    assert app_client.get(f"/api{url}").status_code == 404


def test_board_moves_statuses_and_measured_impact(app_client: TestClient, store: Store) -> None:
    token = _as(app_client, "editor")
    board = app_client.get(f"/api/journeys/{JOURNEY}/board").json()
    assert set(board["quadrants"]) == {"do", "plan", "delegate", "drop"}
    card = next(c for cards in board["quadrants"].values() for c in cards)
    url = f"/journeys/{JOURNEY}/board/{card['id']}"
    target = next(q for q in ("drop", "do") if q != card["quadrant"])
    moved = app_client.post(url, data={"csrf": token, "quadrant": target}, headers=HTMX)
    assert moved.status_code == 200 and 'id="board"' in moved.text
    board = app_client.get(f"/api/journeys/{JOURNEY}/board").json()
    assert card["id"] in [c["id"] for c in board["quadrants"][target]]
    # the card's form sends every field: changed scores move it, unchanged ones do not
    scored = app_client.post(
        url, data={"csrf": token, "quadrant": target, "importance": "5", "urgency": "1"}
    )
    assert scored.status_code == 303
    board = app_client.get(f"/api/journeys/{JOURNEY}/board").json()
    assert card["id"] in [c["id"] for c in board["quadrants"]["plan"]]
    back = app_client.post(
        url, data={"csrf": token, "quadrant": target, "importance": "5", "urgency": ""}
    )
    assert back.status_code == 303
    board = app_client.get(f"/api/journeys/{JOURNEY}/board").json()
    assert card["id"] in [c["id"] for c in board["quadrants"][target]]
    owner = next(m["id"] for m in board["members"] if m["email"] == "owner@example.org")
    done = app_client.post(
        url,
        data={
            "csrf": token,
            "status": "done",
            "owner": str(owner),
            "due": "2026-06-30",
            "done_on": "2026-04-01",
        },
    )
    assert done.status_code == 303
    board = app_client.get(f"/api/journeys/{JOURNEY}/board").json()
    now = next(c for c in board["quadrants"][target] if c["id"] == card["id"])
    assert (now["status"], now["owner"], now["due"], now["done_on"]) == (
        "done",
        "owner@example.org",
        "2026-06-30",
        "2026-04-01",
    )
    impact = now["impact"]
    assert impact["done_on"] == "2026-04-01" and impact["opportunity"] == card["id"]
    for kpi in impact["kpis"]:
        assert {"where", "measure", "before", "after", "change", "change_low"} <= set(kpi)
        assert {"value", "n", "low", "high"} <= set(kpi["before"])
    assert app_client.post(url, data={"csrf": token, "status": "someday"}).status_code == 400
    assert app_client.post(url, data={"csrf": token, "owner": "99999"}).status_code == 400
    assert app_client.post(url, data={"csrf": token, "quadrant": "later"}).status_code == 400
    missing = f"/journeys/{JOURNEY}/board/no-such-card"
    assert app_client.post(missing, data={"csrf": token, "status": "done"}).status_code == 404
    token = _as(app_client, "commenter")
    assert app_client.get(f"/journeys/{JOURNEY}/board").status_code == 200
    assert app_client.post(url, data={"csrf": token, "status": "idea"}).status_code == 403


def test_accepting_a_finding_in_one_step(
    app_client: TestClient, store: Store, workspace: Path
) -> None:
    token = _as(app_client, "editor")
    page = app_client.get(f"/api/journeys/{JOURNEY}").json()
    assert page["open_findings"], "the demo's measured map has findings to accept"
    (_, finding), *others = page["open_findings"].items()
    before = store.version(JOURNEY).number
    html = app_client.get(f"/journeys/{JOURNEY}").text
    assert f"/findings/{finding}/accept" in html
    accepted = app_client.post(
        f"/journeys/{JOURNEY}/findings/{finding}/accept",
        data={"csrf": token, "next": f"/journeys/{JOURNEY}"},
    )
    assert accepted.status_code == 303 and accepted.headers["location"] == f"/journeys/{JOURNEY}"
    version = store.version(JOURNEY)
    assert version.number == before + 1 and version.author == "editor@example.org"
    assert f"accepted finding {finding}" in version.message
    points = {p.id for s in version.journey.stages for p in s.pain_points}
    assert finding in points
    opportunity = next(o for o in version.journey.opportunities if finding in o.addresses)
    assert opportunity.id in {o.key for o in store.opportunities(JOURNEY)}
    assert finding in (workspace / "journeys" / f"{JOURNEY}.yaml").read_text(encoding="utf-8")
    board = app_client.get(f"/api/journeys/{JOURNEY}/board").json()
    assert finding not in {p["id"] for p in board["proposals"]}
    assert opportunity.id in {c["id"] for q in board["quadrants"].values() for c in q}
    if others:
        dismissed = others[0][1]
        answer = app_client.post(
            f"/journeys/{JOURNEY}/findings/{dismissed}/dismiss", data={"csrf": token}
        )
        assert answer.status_code == 303
        assert dismissed not in app_client.get(f"/api/journeys/{JOURNEY}").json()["open_findings"]
    token = _as(app_client, "commenter")
    refused = app_client.post(
        f"/journeys/{JOURNEY}/findings/{finding}/accept", data={"csrf": token}
    )
    assert refused.status_code == 403


def test_presentation_and_exports(app_client: TestClient, store: Store) -> None:
    _as(app_client, "viewer")
    stages = store.version(JOURNEY).journey.stages
    first = app_client.get(f"/api/journeys/{JOURNEY}/present").json()
    assert (first["number"], first["count"]) == (1, len(stages))
    assert first["stage"]["id"] == stages[0].id
    last = app_client.get(f"/api/journeys/{JOURNEY}/present", params={"stage": 999}).json()
    assert last["number"] == len(stages)
    html = app_client.get(f"/journeys/{JOURNEY}/present", params={"stage": 2}).text
    assert 'id="present-prev"' in html and 'href="?stage=3"' in html
    yaml = app_client.get(f"/journeys/{JOURNEY}/export.yaml")
    assert yaml.status_code == 200 and yaml.content == store.version(JOURNEY).text.encode()
    assert "attachment" in yaml.headers["content-disposition"]
    # a stage named like a formula comes out as text in the CSV
    data = store.version(JOURNEY).journey.model_dump(mode="json", exclude_none=True)
    data["stages"][0]["name"] = '=HYPERLINK("http://x")'
    text = dump_journey(Journey.model_validate(data))
    store.import_journey(JOURNEY, text, author_id=None, message="a formula")
    grid = app_client.get(f"/journeys/{JOURNEY}/export.csv")
    assert grid.headers["content-type"].startswith("text/csv")
    cells = [cell for row in csv.reader(io.StringIO(grid.text)) for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells
    assert not any(cell.startswith("=") for cell in cells)
    assert app_client.get(f"/journeys/{JOURNEY}/export.exe").status_code in (404, 422)
