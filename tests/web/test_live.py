"""Two people on the same map in two real Chromium contexts: A saves, B sees the new version
and A's presence live; B then saves from the version it had, gets the merge page, settles the
conflict, and nothing A or B changed is lost. axe-core on the merge page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from parcours.settings import Settings
from parcours.store import Store
from parcours.web import create_app

from .conftest import JOURNEY, PASSWORD, Server, add_users
from .test_browser import axe_problems, chromium  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser

#: Runs in the page: GET the map and its ETag, change it, PUT it back with If-Match.
SAVE = """async ([url, etag, changes, message]) => {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const got = await fetch(url);
  const doc = (await got.json()).journey;
  for (const [stage, field, value] of changes) {
    doc.stages.find((s) => s.id === stage)[field] = value;
  }
  const put = await fetch(url, {
    method: "PUT",
    headers: {"If-Match": etag || got.headers.get("etag"), "Content-Type": "application/json",
              "X-CSRF-Token": token},
    body: JSON.stringify({journey: doc, message: message}),
  });
  return [put.status, await put.json()];
}"""


@pytest.fixture
def server(workspace: Path, store: Store) -> Iterator[Server]:
    add_users(store)
    app = create_app(Settings.load(workspace), store=store)
    with Server(app) as running:
        yield running
        app.state.live.stop()


def logged_in(browser: Any, server: Server, email: str) -> Any:
    page = browser.new_context(locale="fr-FR").new_page()
    page.goto(f"{server.url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/journeys")
    page.goto(f"{server.url}/journeys/{JOURNEY}?mode=designed")
    return page


def test_two_editors_on_one_map(chromium: Any, server: Server, store: Store) -> None:  # noqa: F811
    a = logged_in(chromium, server, "editor@example.org")
    b = logged_in(chromium, server, "owner@example.org")
    api = f"{server.url}/api/journeys/{JOURNEY}"
    stale = int(b.locator("[data-live-events]").get_attribute("data-live-version"))

    # A says where they edit (live.js posts it on focus), and B sees it
    a.evaluate(
        """() => { const b = document.createElement("button");
        b.setAttribute("data-presence", "stage:achat"); b.textContent = "Achat";
        document.querySelector("main").appendChild(b); b.focus(); }"""
    )
    b.wait_for_selector("[data-live-presence] li[data-where='stage:achat']")
    assert "editor@example.org édite l'étape Achat" in b.inner_text("[data-live-presence]")

    # A saves two changes; B is told, with a link to reload
    status, body = a.evaluate(
        SAVE, [api, None, [["achat", "emotion", 1.5], ["recherche", "goal", "Trouver"]], "A"]
    )
    assert status == 200 and not body["merged"], body
    b.wait_for_selector("[data-live-banner] a[data-live-reload]")
    assert f"Version {body['version']} enregistrée par editor@example.org" in b.inner_text(
        "[data-live-banner]"
    )

    # B saves from the version it had: the same field changed, so the merge page
    status, refused = b.evaluate(
        SAVE, [api, f'"v{stale}"', [["achat", "emotion", -1.0], ["evaluation", "goal", "B"]], "B"]
    )
    assert status == 412 and refused["latest"] == body["version"]
    b.goto(server.url + refused["merge_url"])
    legend = b.locator("fieldset.conflict legend")
    assert legend.count() == 1 and "emotion" in legend.inner_text()
    problems = axe_problems(b)
    b.check("fieldset.conflict input[value='mine']")
    b.click("form.merge button[type=submit]")
    b.wait_for_url(f"**/journeys/{JOURNEY}")

    final = store.version(JOURNEY).journey.model_dump(mode="json")
    stages = {s["id"]: s for s in final["stages"]}
    assert stages["achat"]["emotion"] == -1.0  # B's choice
    assert stages["recherche"]["goal"] == "Trouver"  # A's other change, kept
    assert stages["evaluation"]["goal"] == "B"  # B's other change, kept
    assert store.version(JOURNEY).author == "owner@example.org"
    a.context.close()
    b.context.close()
    assert not problems, "\n".join(problems)
