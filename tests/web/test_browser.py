"""The main flows in a real Chromium against a real server in a thread, and axe-core on every
page: no serious or critical accessibility violation."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from parcours.errors import RenderError
from parcours.render.browser import chromium_path
from parcours.settings import Settings
from parcours.store import Store
from parcours.web import create_app

from .conftest import JOURNEY, PASSWORD, Server, add_users

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    try:
        executable = chromium_path()
        from playwright.sync_api import sync_playwright
    except (RenderError, ImportError) as error:
        message = f"{error} (browser tests need `apt-get install chromium` and playwright)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def server(workspace: Path, store: Store) -> Iterator[Server]:
    add_users(store)
    # the team renamed the map in its file: the app imports it as version 2 when it starts
    path = workspace / "journeys" / f"{JOURNEY}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("PulseFit — abonnement", "PulseFit <b>v2</b> — abonnement", 1))
    with Server(create_app(Settings.load(workspace), store=store)) as running:
        yield running


def axe_problems(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s): "
        + "; ".join(
            f"{n['target']} {n['any'][0]['message'] if n['any'] else ''}" for n in v["nodes"][:3]
        )
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_main_flows_and_accessibility(chromium: Any, server: Server) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    problems: list[str] = []

    page.goto(f"{server.url}/journeys")
    assert "/login" in page.url
    problems += axe_problems(page)
    page.fill("#email", "owner@example.org")
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/journeys")
    problems += axe_problems(page)
    # the user's text is shown, escaped
    assert page.get_by_text("PulseFit <b>v2</b> — abonnement").count() >= 1
    assert page.locator("b", has_text="v2").count() == 0

    # open the measured map; the findings summary is there
    page.click(f"a[href='/journeys/{JOURNEY}']")
    page.wait_for_selector("[data-stage]")
    assert page.locator("#findings-title").count() == 1
    problems += axe_problems(page)
    for view in ("linear", "persona", "matrix", "emotion"):
        page.goto(f"{server.url}/journeys/{JOURNEY}?view={view}")
        problems += axe_problems(page)

    # switch language
    page.click("header.bar form[action='/lang'] button")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("text=What matters").count() == 1

    # KPI dashboard
    page.goto(f"{server.url}/journeys/{JOURNEY}/dashboard")
    assert page.locator("figure.chart").count() > 0
    problems += axe_problems(page)

    # version history and a diff
    page.goto(f"{server.url}/journeys/{JOURNEY}/versions")
    problems += axe_problems(page)
    page.click("form[action$='/diff'] button")
    page.wait_for_url("**/diff?*")
    assert page.locator("ul.diff li").count() >= 1
    problems += axe_problems(page)

    # refresh in the background, progress shown in place by htmx
    page.goto(f"{server.url}/journeys")
    page.click("form[action='/refresh'] button")
    page.wait_for_selector(".job[data-state='done'], .job[data-state='failed']", timeout=120_000)
    assert page.locator(".job[data-state='done']").count() == 1

    # a share link, opened by someone with no account
    page.goto(f"{server.url}/journeys/{JOURNEY}/shares")
    problems += axe_problems(page)
    page.click("form[action$='/shares'] button")
    link = page.locator("a.share-link").get_attribute("href")
    assert link
    guest = chromium.new_context().new_page()
    guest.goto(link)
    guest.wait_for_selector("[data-stage]")
    problems += axe_problems(guest)
    guest.goto(f"{server.url}/journeys")
    assert "/login" in guest.url

    # log out: the session is gone
    page.goto(f"{server.url}/journeys")
    page.click("header.bar form[action='/logout'] button")
    page.wait_for_url("**/login")
    page.goto(f"{server.url}/journeys/{JOURNEY}")
    assert "/login" in page.url
    context.close()
    assert not problems, "\n".join(problems)
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_admin_pages_are_accessible(chromium: Any, server: Server) -> None:
    page = chromium.new_context(locale="en-GB").new_page()
    page.goto(f"{server.url}/login")
    page.fill("#email", "admin@example.org")
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/journeys")
    problems = []
    for path in ("/quarantine", f"/journeys/{JOURNEY}/shares", f"/journeys/{JOURNEY}/dashboard"):
        page.goto(f"{server.url}{path}")
        assert page.locator("h1").count() >= 1, path
        problems += axe_problems(page)
    # a month not measured yet: measured in the background from its page
    page.goto(f"{server.url}/journeys/{JOURNEY}?period=2026-02")
    problems += axe_problems(page)
    page.click("form[action$='/measure'] button")
    page.wait_for_selector(".job[data-state='done'], .job[data-state='failed']", timeout=120_000)
    assert page.locator(".job[data-state='done']").count() == 1
    page.goto(f"{server.url}/journeys/{JOURNEY}?period=2026-02")
    assert page.locator("#findings-title").count() == 1
    assert not problems, "\n".join(problems)
