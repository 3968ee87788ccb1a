"""Working together in a real Chromium: a comment holding ``<script>`` is shown as text (no
dialog), a card moved on the board with the keyboard alone, the presentation driven by the arrow
keys, a PNG export; axe-core finds no serious or critical violation on the board and the
presentation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from parcours.settings import Settings
from parcours.store import Store
from parcours.web import create_app

from .conftest import JOURNEY, PASSWORD, Server, add_users
from .test_browser import axe_problems, chromium  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def server(workspace: Path, store: Store) -> Iterator[Server]:
    add_users(store)
    with Server(create_app(Settings.load(workspace), store=store)) as running:
        yield running


def test_comments_board_and_presentation(chromium: Any, server: Server) -> None:  # noqa: F811
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(f"{server.url}/login")
    page.fill("#email", "editor@example.org")
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/journeys")
    problems: list[str] = []

    # a comment with a script, posted from the map page's panel (htmx): shown as text
    page.goto(f"{server.url}/journeys/{JOURNEY}")
    page.wait_for_selector("#comment-body")
    page.select_option("#comment-anchor", index=1)  # the first stage
    page.fill("#comment-body", "<script>alert(1)</script> **vu** @owner")
    page.click("form.comment-form button[type=submit]")
    page.wait_for_selector("li.thread .text")
    assert "<script>alert(1)</script>" in page.inner_text("li.thread .text")
    assert page.locator("li.thread .text strong").inner_text() == "vu"
    assert page.locator("li.thread .text .mention").inner_text() == "@owner"
    page.click("li.thread form[action$='/resolve'] button")
    page.wait_for_selector("li.thread.resolved")
    problems += axe_problems(page)  # the map page with its comments panel
    page.reload()
    page.wait_for_selector("a.comment-count", state="attached")  # the commented card's badge
    assert not dialogs
    page.goto(f"{server.url}/mentions")
    problems += axe_problems(page)

    # the board: a card moved to another quadrant with the keyboard alone
    page.goto(f"{server.url}/journeys/{JOURNEY}/board")
    problems += axe_problems(page)
    card = page.locator("ul.drop[data-quadrant]:not([data-quadrant='drop']) li.opp").first
    card_id = card.get_attribute("data-card")
    select = page.locator(f"#quadrant-{card_id}")
    select.focus()
    page.keyboard.press("N")  # "Neither: drop"
    assert select.input_value() == "drop"
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    page.keyboard.press("Enter")
    page.wait_for_selector(f"ul.drop[data-quadrant='drop'] li.opp[data-card='{card_id}']")
    # dragging with the mouse submits the same form
    other = page.locator("ul.drop[data-quadrant='drop'] li.opp").first
    other_id = other.get_attribute("data-card")
    other.locator("h3").drag_to(
        page.locator("ul.drop[data-quadrant='do']"), target_position={"x": 8, "y": 8}
    )
    page.wait_for_selector(f"ul.drop[data-quadrant='do'] li.opp[data-card='{other_id}']")
    problems += axe_problems(page)

    # presentation: the arrow keys move between stages
    page.goto(f"{server.url}/journeys/{JOURNEY}/present")
    first = page.inner_text("#stage-title")
    problems += axe_problems(page)
    page.keyboard.press("ArrowRight")
    page.wait_for_url("**/present?stage=2")
    assert page.inner_text("#stage-title") != first
    page.keyboard.press("ArrowLeft")
    page.wait_for_url("**/present?stage=1")
    assert page.inner_text("#stage-title") == first

    png = page.request.get(f"{server.url}/journeys/{JOURNEY}/export.png")
    assert png.ok and png.body().startswith(b"\x89PNG")
    context.close()
    assert not problems, "\n".join(problems)
    assert not [e for e in errors if "Failed to load resource" not in e], errors
    assert not [url for url in failed if not url.endswith("/favicon.ico")], failed
