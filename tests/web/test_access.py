"""Accounts, sessions, CSRF and share links; and the authorization matrix: every route x every
role x this journey, another journey and one that does not exist: no unexpected allow (nor
deny)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Route

from parcours.model.merge import Merge
from parcours.store import Action, Conflicted, Role, Store, allowed

from .conftest import JOURNEY, OTHER, PASSWORD, ROLES, client_for, csrf, login

#: What each route needs: an Action on the journey in its path (or the workspace), "member"
#: (logged in), "share" (a share link's token), or "public".
NEEDS: dict[tuple[str, str], str] = {
    ("GET", "/"): "public",
    ("GET", "/login"): "public",
    ("POST", "/login"): "public",
    ("POST", "/logout"): "public",
    ("POST", "/lang"): "public",
    ("GET", "/api/me"): "public",
    ("GET", "/static/map.css"): "public",
    ("GET", "/openapi.json"): "public",
    ("GET", "/journeys"): "member",
    ("GET", "/api/journeys"): "member",
    ("GET", "/jobs/{job_id}"): "job",
    ("GET", "/api/jobs/{job_id}"): "job",
    ("GET", "/jobs/{job_id}/progress"): "job",
    ("GET", "/journeys/{key}"): "view",
    ("GET", "/api/journeys/{key}"): "view",
    ("GET", "/journeys/{key}/dashboard"): "view",
    ("GET", "/api/journeys/{key}/dashboard"): "view",
    ("GET", "/journeys/{key}/versions"): "view",
    ("GET", "/api/journeys/{key}/versions"): "view",
    ("GET", "/journeys/{key}/diff"): "view",
    ("GET", "/api/journeys/{key}/diff"): "view",
    ("POST", "/journeys/{key}/versions/{number}/restore"): "edit",
    ("GET", "/journeys/{key}/edit"): "edit",
    ("GET", "/api/journeys/{key}/edit"): "edit",
    ("POST", "/journeys/{key}/edit"): "edit",
    ("POST", "/journeys/{key}/undo"): "edit",
    ("GET", "/journeys/{key}/edit/form"): "edit",
    ("GET", "/journeys/{key}/edit/card"): "edit",
    ("GET", "/journeys/{key}/edit/preview"): "edit",
    ("PUT", "/api/journeys/{key}"): "edit",
    ("GET", "/journeys/{key}/merge/{draft}"): "edit",
    ("GET", "/api/journeys/{key}/merge/{draft}"): "edit",
    ("POST", "/journeys/{key}/merge/{draft}"): "edit",
    ("GET", "/journeys/{key}/events"): "view",
    ("POST", "/journeys/{key}/presence"): "edit",
    ("GET", "/journeys/{key}/shares"): "manage",
    ("GET", "/api/journeys/{key}/shares"): "manage",
    ("POST", "/journeys/{key}/shares"): "manage",
    ("POST", "/journeys/{key}/shares/{share_id}/revoke"): "manage",
    ("POST", "/journeys/{key}/measure"): "refresh",
    ("POST", "/refresh"): "refresh-any",
    ("GET", "/quarantine"): "refresh-workspace",
    ("GET", "/api/quarantine"): "refresh-workspace",
    ("GET", "/s/{token}"): "share",
    ("GET", "/api/s/{token}"): "share",
    ("GET", "/journeys/{key}/comments"): "comment",
    ("GET", "/api/journeys/{key}/comments"): "comment",
    ("GET", "/journeys/{key}/comments/panel"): "comment",
    ("POST", "/journeys/{key}/comments"): "comment",
    ("POST", "/journeys/{key}/comments/{comment_id}/resolve"): "comment",
    ("POST", "/journeys/{key}/comments/{comment_id}/reopen"): "comment",
    ("GET", "/mentions"): "member",
    ("GET", "/api/mentions"): "member",
    ("GET", "/journeys/{key}/board"): "view",
    ("GET", "/api/journeys/{key}/board"): "view",
    ("POST", "/journeys/{key}/board/{opportunity}"): "edit",
    ("POST", "/journeys/{key}/findings/{finding}/{verdict}"): "edit",
    ("GET", "/journeys/{key}/present"): "view",
    ("GET", "/api/journeys/{key}/present"): "view",
    ("GET", "/journeys/{key}/export.{fmt}"): "view",
}


def routes(client: TestClient) -> list[tuple[str, str]]:
    """Every (method, path) of the app, those of its included routers too (FastAPI 0.165
    keeps an included router whole rather than copying its routes into the app's)."""
    found = []
    pending = list(client.app.routes)  # type: ignore[attr-defined]
    while pending:
        route = pending.pop(0)
        if isinstance(route, Route):
            found += [(m, route.path) for m in sorted((route.methods or set()) - {"HEAD"})]
        else:
            included = getattr(route, "original_router", None)
            pending += list(getattr(included, "routes", ()))
    return found


def test_every_route_is_in_the_matrix(local_client: TestClient) -> None:
    missing = set(routes(local_client)) - set(NEEDS)
    assert not missing, f"give these routes their expected access in NEEDS: {sorted(missing)}"


def expected(role: str, need: str, journey: str | None) -> bool:
    """Whether ``role`` (granted on JOURNEY only) may use a route needing ``need``."""
    if need == "public":
        return True
    if role in ("anonymous", "share"):
        return need == "share" and role == "share" and journey == JOURNEY
    if need in ("member", "job"):
        return True if need == "member" else role != "nobody"
    if need == "share":
        return False
    if need == "refresh-workspace":
        return role == "admin"
    if need == "refresh-any":
        return role in ("admin", "owner", "editor")
    if journey != JOURNEY and role != "admin":
        return False
    if journey is None:  # no such journey
        return False
    granted = None if role in ("admin", "nobody") else Role(role)
    return allowed(granted, role == "admin", Action(need))


def _fill(path: str, journey: str | None, ids: dict[str, object]) -> str:
    return (
        path.replace("{key}", journey or "no_such_journey")
        .replace("{number}", "1")
        .replace("{share_id}", str(ids["share"].get(journey, 999)))
        .replace("{job_id}", str(ids["job"]))
        .replace("{token}", str(ids["token"]))
        .replace("{comment_id}", str(ids["comment"].get(journey, 999)))
        .replace("{opportunity}", str(ids["opportunity"].get(journey, "none")))
        .replace("{finding}", "not-a-finding")
        .replace("{verdict}", "accept")
        .replace("{fmt}", "yaml")
        .replace("{draft}", str(ids["draft"].get(journey, "no-such-draft")))
    )


def parked_draft(client: TestClient, store: Store, key: str) -> str:
    """The token of an edit of version 1 of ``key`` waiting on the merge page of ``client``."""
    mine = store.version(key, 1).journey
    latest = store.version(key).number
    return str(client.app.state.drafts.park(Conflicted(key, 1, latest, mine, Merge(mine))))  # type: ignore[attr-defined]


def _wrong_answers(client: TestClient, role: str, ids: dict[str, object]) -> list[str]:
    """The routes that answer ``role`` otherwise than the matrix says."""
    wrong = []
    if role not in ("anonymous", "share"):
        login(client, f"{role}@example.org")
    for method, path in routes(client):
        need = NEEDS[(method, path)]
        if need == "public":
            continue
        journeys = (JOURNEY, OTHER, None) if "{key}" in path else (JOURNEY,)
        for journey in journeys:
            if need == "share" and role != "share":
                continue
            url = _fill(path, journey, ids)
            data = {"csrf": csrf(client), "period": "2026-02", "where": "journey"}
            if method == "PUT":  # not a valid map: saves nothing, 422 when allowed
                headers = {"X-CSRF-Token": csrf(client), "If-Match": '"v1"'}
                answer = client.put(url, json={}, headers=headers)
            elif method == "POST":
                answer = client.post(url, data=data)
            else:
                answer = client.get(url)
            denied = answer.status_code in (401, 403, 404) or (
                answer.status_code == 303 and answer.headers["location"].startswith("/login")
            )
            want = expected(role, need, journey)
            if denied == want:
                wrong.append(
                    f"{role} {method} {url}: {answer.status_code}, "
                    f"expected {'allow' if want else 'deny'}"
                )
    return wrong


@pytest.mark.slow
def test_authorization_matrix(workspace: Path, store: Store, users: dict[str, int]) -> None:
    admin = users["admin"]
    shares = {key: store.create_share(key, created_by=admin)[1].id for key in (JOURNEY, OTHER)}
    token, _ = store.create_share(JOURNEY, created_by=admin)
    store.import_journey(
        JOURNEY,
        (workspace / "journeys" / f"{JOURNEY}.yaml").read_text() + "\n",
        author_id=admin,
        message="second version",
    )
    comments = {key: store.add_comment(key, admin, "matrix").id for key in (JOURNEY, OTHER)}
    opportunities = {
        key: store.version(key).journey.opportunities[0].id for key in (JOURNEY, OTHER)
    }
    # one app, running for the whole test, for every role: the job started here is the one
    # the roles ask about
    with client_for(workspace, store) as setup:
        login(setup, "admin@example.org")
        started = setup.post(
            f"/journeys/{JOURNEY}/measure",
            data={"period": "2026-01"},
            headers={"X-CSRF-Token": csrf(setup)},
        )
        job = int(started.headers["location"].rsplit("/", 1)[1])
        ids = {
            "share": shares,
            "job": job,
            "token": token,
            "comment": comments,
            "opportunity": opportunities,
            "draft": {},
        }
        wrong = []
        for role in (*ROLES, "anonymous", "share"):
            # a merge saved by one role is no longer pending: each role gets drafts of its own
            ids["draft"] = {key: parked_draft(setup, store, key) for key in (JOURNEY, OTHER)}
            client = TestClient(setup.app, base_url="https://testserver", follow_redirects=False)
            wrong += _wrong_answers(client, role, ids)
    assert not wrong, "\n".join(wrong)


def test_no_default_account_and_login_required(app_client: TestClient) -> None:
    answer = app_client.get("/journeys")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert app_client.get("/api/journeys").status_code == 401


def test_login_session_cookie_and_logout(app_client: TestClient, store: Store) -> None:
    token = csrf(app_client)
    bad = app_client.post(
        "/login", data={"email": "viewer@example.org", "password": "nope", "csrf": token}
    )
    assert bad.status_code == 401 and "__Host-parcours" not in bad.headers.get("set-cookie", "")
    login(app_client, "viewer@example.org")
    cookie = app_client.cookies["__Host-parcours"]
    header = next(iter(app_client.cookies.jar))
    assert header.secure
    assert app_client.get("/api/journeys").status_code == 200
    # a new session id at each login
    login(app_client, "viewer@example.org")
    assert app_client.cookies["__Host-parcours"] != cookie
    assert store.session_for(cookie) is None
    # logout closes the session on the server
    current = app_client.cookies["__Host-parcours"]
    app_client.post("/logout", data={"csrf": csrf(app_client)})
    assert store.session_for(current) is None
    app_client.cookies.set("__Host-parcours", current, domain="testserver")
    assert app_client.get("/api/journeys").status_code == 401


def test_session_cookie_flags(app_client: TestClient) -> None:
    token = csrf(app_client)
    answer = app_client.post(
        "/login", data={"email": "owner@example.org", "password": PASSWORD, "csrf": token}
    )
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("__Host-parcours=")
    for flag in ("Secure", "HttpOnly", "SameSite=lax", "Path=/"):
        assert flag.lower() in cookie.lower(), flag
    assert "domain" not in cookie.lower()


def test_login_throttling(app_client: TestClient) -> None:
    token = csrf(app_client)
    codes = [
        app_client.post(
            "/login", data={"email": "editor@example.org", "password": "wrong!", "csrf": token}
        ).status_code
        for _ in range(6)
    ]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    # even the right password waits until the window passes
    right = app_client.post(
        "/login", data={"email": "editor@example.org", "password": PASSWORD, "csrf": token}
    )
    assert right.status_code == 429


def test_csrf_is_required_on_every_post(app_client: TestClient) -> None:
    login(app_client, "admin@example.org")
    for url in ("/refresh", f"/journeys/{JOURNEY}/shares", "/logout", "/lang"):
        answer = app_client.post(url, data={"lang": "en"})
        assert answer.status_code == 400, url
        answer = app_client.post(url, data={"lang": "en", "csrf": "forged"})
        assert answer.status_code == 400, url


def test_share_link_reads_one_journey_until_revoked(
    app_client: TestClient, store: Store, users: dict[str, int]
) -> None:
    login(app_client, "owner@example.org")
    created = app_client.post(f"/journeys/{JOURNEY}/shares", data={"csrf": csrf(app_client)})
    assert created.status_code == 201
    link = re.search(r'class="share-link" href="([^"]+)"', created.text).group(1)  # type: ignore[union-attr]
    path = link.split("testserver", 1)[1]
    token = path.rsplit("/", 1)[1]
    assert store.share_for(token) is not None
    with TestClient(app_client.app, base_url="https://testserver", follow_redirects=False) as guest:
        page = guest.get(path)
        assert page.status_code == 200 and "data-stage=" in page.text
        assert guest.get(f"/api/s/{token}").json()["key"] == JOURNEY
        assert guest.get("/journeys").status_code == 303  # nothing else
        assert guest.get(f"/api/journeys/{OTHER}").status_code == 401
        share_id = store.shares(JOURNEY)[0].id
        app_client.post(
            f"/journeys/{JOURNEY}/shares/{share_id}/revoke", data={"csrf": csrf(app_client)}
        )
        assert guest.get(path).status_code == 404
