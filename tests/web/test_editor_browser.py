"""The editor in a real Chromium: the sample map edited with the keyboard alone, a drag and
drop reorder, and axe-core on the editor: no serious or critical violation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from parcours.settings import Settings
from parcours.store import Store
from parcours.web import create_app

from .conftest import JOURNEY, Server
from .test_browser import axe_problems, chromium  # noqa: F401  (the module's browser)

pytestmark = pytest.mark.browser


@pytest.fixture
def editor(chromium: Any, workspace: Path, store: Store) -> Iterator[tuple[Any, Server]]:  # noqa: F811
    """The editor of the sample map, served on this machine (no accounts: the local user)."""
    with Server(create_app(Settings.load(workspace), store=store)) as server:
        context = chromium.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
        page = context.new_page()
        page.set_default_timeout(20_000)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{server.url}/journeys/{JOURNEY}/edit")
        yield page, server
        context.close()
        assert not [e for e in errors if "Failed to load resource" not in e], errors


def focused(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def order(page: Any, stage: str) -> list[str]:
    return list(
        page.eval_on_selector_all(f"ol[data-stage='{stage}'] > li", "l => l.map(e => e.dataset.id)")
    )


def settle(page: Any) -> None:
    page.wait_for_selector(".htmx-request", state="detached")


def test_the_sample_map_edited_with_the_keyboard_alone(
    editor: tuple[Any, Server], store: Store
) -> None:
    page, _ = editor
    problems = axe_problems(page)
    keyboard = page.keyboard

    # add a stage: type its name in the form, Enter
    page.focus("#add-stage-map")
    keyboard.type("Fidélisation")
    keyboard.press("Enter")
    page.wait_for_selector("#card-stage-fidelisation")
    assert focused(page) == "add-stage-map"

    # rename it: the edit button opens the lane's form, focused; Enter saves
    page.focus("#edit-field-stage-fidelisation-name")
    keyboard.press("Enter")
    page.wait_for_selector("#input-field-stage-fidelisation-name")
    assert focused(page) == "input-field-stage-fidelisation-name"
    keyboard.press("Control+A")
    keyboard.type("Fidélité")
    keyboard.press("Enter")
    page.wait_for_selector("#title-stage-fidelisation:has-text('Fidélité')")
    assert focused(page) == "edit-field-stage-fidelisation-name"
    # Escape cancels an edit
    keyboard.press("Enter")
    page.wait_for_selector("#input-field-stage-fidelisation-name")
    keyboard.type(" abandonné")
    keyboard.press("Escape")
    page.wait_for_selector("#input-field-stage-fidelisation-name", state="detached")
    assert "abandonné" not in page.inner_text("#card-stage-fidelisation")

    # move a touchpoint with its buttons: down in its stage, then to the next stage
    first = order(page, "recherche")
    page.focus("#move-down-publicite-instagram")
    keyboard.press("Space")
    page.wait_for_selector(
        "ol[data-stage='recherche'] > li:nth-child(2)[data-id='publicite-instagram']"
    )
    settle(page)
    assert order(page, "recherche") == [first[1], first[0], *first[2:]]
    assert focused(page) == "move-down-publicite-instagram"  # focus stays on the moved card
    page.focus("#move-right-video-youtube")
    keyboard.press("Enter")
    page.wait_for_selector("ol[data-stage='evaluation'] > li[data-id='video-youtube']")
    settle(page)
    assert focused(page) == "move-right-video-youtube"

    # an emotion: the curve is drawn again
    before = page.get_attribute("#curve polyline", "points")
    page.focus("#edit-field-stage-recherche-emotion")
    keyboard.press("Enter")
    page.wait_for_selector("#input-field-stage-recherche-emotion")
    keyboard.press("Control+A")
    keyboard.type("-2")
    keyboard.press("Enter")
    page.wait_for_selector(f"#curve polyline:not([points='{before}'])")
    assert page.get_attribute("#curve polyline", "points").startswith("50,90")

    # a lane written as a list, and the binding editor with its live preview
    page.focus("#edit-field-stage-recherche-needs")
    keyboard.press("Enter")
    page.wait_for_selector("#input-field-stage-recherche-needs")
    keyboard.press("Control+End")
    keyboard.press("Enter")
    keyboard.type("Un essai gratuit")
    keyboard.press("Control+Enter")
    page.wait_for_selector("#field-stage-recherche-needs li:has-text('Un essai gratuit')")
    page.focus("#edit-field-touchpoint-recherche-google-match")
    keyboard.press("Enter")
    page.wait_for_selector("#preview-recherche-google .matched")
    problems += axe_problems(page)
    keyboard.press("Control+A")
    keyboard.type("nothing_like_this")
    page.wait_for_selector("#preview-recherche-google .matched:text-is('0')")
    keyboard.press("Escape")
    page.wait_for_selector("#input-field-touchpoint-recherche-google-match", state="detached")

    # undo the last change (the needs), then the emotion: the curve is back
    page.focus("#undo")
    keyboard.press("Enter")
    page.wait_for_selector("#edit-status:has-text('Undid')")
    settle(page)
    page.focus("#undo")
    keyboard.press("Enter")
    page.wait_for_selector(f"#curve polyline[points='{before}']")
    latest = store.version(JOURNEY).journey
    assert [s.id for s in latest.stages][-1] == "fidelisation"
    assert latest.stages[-1].name == "Fidélité"
    assert "video-youtube" in [t.id for t in latest.stages[1].touchpoints]
    assert store.version(JOURNEY).message.startswith("Undid: Set emotion of stage")
    problems += axe_problems(page)
    assert not problems, "\n".join(problems)


def test_a_touchpoint_dragged_and_dropped(editor: tuple[Any, Server], store: Store) -> None:
    page, _ = editor
    page.set_viewport_size({"width": 1400, "height": 3600})  # the whole stage in view
    first = order(page, "recherche")
    handle = page.locator(f"#card-touchpoint-{first[0]} .handle")
    target = page.locator(f"#card-touchpoint-{first[2]}")
    start, end = handle.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + 4, start["y"] + 4)
    page.mouse.down()
    for step in range(1, 21):
        y = start["y"] + (end["y"] + end["height"] - 5 - start["y"]) * step / 20
        page.mouse.move(start["x"] + 4, y)
        page.wait_for_timeout(20)
    page.mouse.up()
    page.wait_for_selector("#edit-status:has-text('Moved touchpoint')")
    assert order(page, "recherche") == [first[1], first[2], first[0]]
    assert [t.id for t in store.version(JOURNEY).journey.stages[0].touchpoints] == order(
        page, "recherche"
    )
