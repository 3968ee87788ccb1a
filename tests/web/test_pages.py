"""Every page and its JSON twin, on the measured demo workspace."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from parcours.model.vocabulary import Lang
from parcours.render.html import VIEWS
from parcours.web.labels import WORDS

from .conftest import JOURNEY, OTHER, csrf


def test_journeys_list_and_its_json_twin_agree(local_client: TestClient) -> None:
    page = local_client.get("/journeys")
    twin = local_client.get("/api/journeys").json()
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    keys = [j["key"] for j in twin["journeys"]]
    assert JOURNEY in keys and OTHER in keys
    for journey in twin["journeys"]:
        assert f'href="/journeys/{journey["key"]}"' in page.text
        assert html.escape(journey["title"]) in page.text
    measured = next(j for j in twin["journeys"] if j["key"] == JOURNEY)
    assert measured["measured_at"] is not None and measured["version"] == 1


def test_the_measured_map_shows_the_snapshot(local_client: TestClient) -> None:
    twin = local_client.get(f"/api/journeys/{JOURNEY}").json()
    assert twin["mode"] == "measured" and twin["period"] == "all"
    assert twin["kpis"] and twin["measures"]["stages"]
    assert "map_html" not in twin
    page = local_client.get(f"/journeys/{JOURNEY}").text
    # the map itself, with the measured customers of the first stage
    first = twin["journey"]["stages"][0]["id"]
    assert f'data-stage="{first}"' in page
    customers = twin["measures"]["stages"][first]["customers"]
    assert re.search(rf"{customers:,}".replace(",", "[\u202f\u00a0 ,]?"), page)
    assert "findings-title" in page
    # every finding is named by its kind in the page's language, never by its raw id
    kinds = {f["kind"] for f in twin["findings"]}
    assert kinds, "the demo's measured map has findings"
    for kind in kinds:
        assert f"<strong>{html.escape(WORDS[Lang.FR][f'findings.kind.{kind}'])}</strong>" in page
        assert f"<strong>{kind}</strong>" not in page


def test_every_view_designed_and_measured(local_client: TestClient) -> None:
    for view in VIEWS:
        for mode in ("designed", "measured"):
            answer = local_client.get(f"/journeys/{JOURNEY}?view={view}&mode={mode}")
            assert answer.status_code == 200, (view, mode)
            assert f'class="view-{view}"' in answer.text or f"view-{view}" in answer.text
            twin = local_client.get(f"/api/journeys/{JOURNEY}?view={view}&mode={mode}").json()
            assert twin["view"] == view
            assert (twin["measures"] is None) == (mode == "designed")


def test_a_month_not_measured_says_so_and_can_be_measured(local_client: TestClient) -> None:
    months = local_client.get(f"/api/journeys/{JOURNEY}").json()["periods"][1:]
    assert months, "the demo data covers months"
    page = local_client.get(f"/journeys/{JOURNEY}?period={months[0]}").text
    assert "pas encore mesurée" in page or "not measured yet" in page
    token = csrf(local_client)
    started = local_client.post(
        f"/journeys/{JOURNEY}/measure", data={"period": months[0], "csrf": token}
    )
    assert started.status_code == 303
    job = started.headers["location"]
    for _ in range(600):
        state = local_client.get(f"/api{job}").json()
        if state["state"] in ("done", "failed"):
            break
        import time

        time.sleep(0.1)
    assert state["state"] == "done", state
    twin = local_client.get(f"/api/journeys/{JOURNEY}?period={months[0]}").json()
    assert twin["measured_at"] is not None and twin["measures"]["period"]


def test_bad_period_and_unknown_journey(local_client: TestClient) -> None:
    assert local_client.get(f"/api/journeys/{JOURNEY}?period=2026-13").status_code == 422
    assert local_client.get("/api/journeys/nope").status_code == 404
    page = local_client.get("/journeys/nope")
    assert page.status_code == 404 and "<h1>" in page.text


def test_dashboard_draws_every_series_with_its_interval(local_client: TestClient) -> None:
    twin = local_client.get(f"/api/journeys/{JOURNEY}/dashboard").json()
    assert twin["series"], "the demo snapshot holds weekly series"
    page = local_client.get(f"/journeys/{JOURNEY}/dashboard").text
    assert page.count("<figure") == len(twin["series"])
    assert 'class="band"' in page and 'class="line"' in page


def test_language_switch_is_a_post_and_sticks(local_client: TestClient) -> None:
    assert 'lang="fr"' in local_client.get("/journeys").text
    assert local_client.get("/lang?lang=en").status_code in (404, 405)  # no change on GET
    answer = local_client.post(
        "/lang", data={"lang": "en", "next": "/journeys", "csrf": csrf(local_client)}
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/journeys"
    page = local_client.get("/journeys").text
    assert 'lang="en"' in page and "The workspace&#39;s journeys" in page
    # never somewhere else
    away = local_client.post(
        "/lang", data={"lang": "fr", "next": "//evil.example/", "csrf": csrf(local_client)}
    )
    assert away.headers["location"] == "/journeys"


def test_security_headers(local_client: TestClient) -> None:
    answer = local_client.get("/journeys")
    csp = answer.headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["strict-transport-security"].startswith("max-age=")
    assert "<script>" not in answer.text and "onclick" not in answer.text
    assert answer.headers["cache-control"] == "no-store"


def test_static_files_are_vendored(local_client: TestClient) -> None:
    htmx = local_client.get("/static/htmx.min.js")
    assert htmx.status_code == 200 and "htmx" in htmx.text[:200]
    assert local_client.get("/static/map.css").status_code == 200
    page = local_client.get(f"/journeys/{JOURNEY}").text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "nothing from another site"


def test_openapi_document(local_client: TestClient) -> None:
    document = local_client.get("/openapi.json").json()
    paths = set(document["paths"])
    assert {"/api/journeys", "/api/journeys/{key}", "/api/journeys/{key}/versions"} <= paths
    assert not any(p.startswith("/journeys") for p in paths), "pages stay out of the API"
