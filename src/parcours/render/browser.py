"""Headless Chromium (through Playwright) turning a view's HTML into PNG, PDF or SVG.

The page is loaded from a string with every network request aborted, so what renders is what the
HTML holds. The browser is the Debian ``chromium`` (or ``$PARCOURS_CHROMIUM``); Playwright never
downloads one. Open one :class:`Chromium` and reuse it for many exports.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from parcours._optional import require
from parcours.errors import RenderError

DEFAULT_CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: Landscape page sizes in millimetres, and the margin the PDFs use.
PAGE_MM = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
MARGIN_MM = 10.0
_PX_PER_MM = 96 / 25.4
VIEWPORT = {"width": 1400, "height": 900}


def chromium_path() -> Path:
    """The Chromium to drive: ``$PARCOURS_CHROMIUM``, else /usr/bin/chromium; must exist."""
    path = Path(os.environ.get("PARCOURS_CHROMIUM") or DEFAULT_CHROMIUM)
    if not path.is_file():
        raise RenderError(
            f"headless Chromium not found at {path}: install it with "
            "`sudo apt-get install chromium` or point PARCOURS_CHROMIUM at a Chromium binary"
        )
    return path


@dataclass
class PageLog:
    """What a loaded page did: console errors, page errors, requests (all aborted), dialogs."""

    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> None:
        """Record what ``page`` does from now on (dialogs are dismissed)."""
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("dialog", self._dialog)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


class Chromium:
    """A headless Chromium, started on enter and closed on exit::

    with Chromium() as browser:
        browser.pdf(html, "map.pdf", page="A3")
    """

    def __init__(self, executable: str | Path | None = None) -> None:
        self.executable = Path(executable) if executable else chromium_path()
        self._playwright: Any = None
        self._browser: Any = None
        self._context: Any = None
        self._error: type[Exception] = Exception

    def __enter__(self) -> Chromium:
        sync_api = require("playwright.sync_api", extra="export", feature="PNG/PDF/SVG export")
        self._error = sync_api.Error
        self._playwright = sync_api.sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=str(self.executable), args=list(LAUNCH_ARGS)
            )
        except self._error as exc:
            self._playwright.stop()
            raise RenderError(f"cannot start headless Chromium {self.executable}: {exc}") from exc
        self._context = self._browser.new_context(viewport=VIEWPORT)
        self._context.route("**/*", lambda route: route.abort())
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._context.close()
        self._browser.close()
        self._playwright.stop()

    @property
    def version(self) -> str:
        return str(self._browser.version)

    def open(self, html: str, log: PageLog | None = None) -> Any:
        """A new page showing ``html`` offline; events are recorded in ``log``."""
        if self._context is None:
            raise RenderError("the Chromium is not started: use it in a `with Chromium()` block")
        page = self._context.new_page()
        (log if log is not None else PageLog()).watch(page)
        page.set_content(html, wait_until="load")
        return page

    @contextmanager
    def _tab(self, html: str, path: Path) -> Iterator[Any]:
        """A page showing ``html``, closed afterwards; browser failures become RenderError."""
        page = self.open(html)
        try:
            yield page
        except self._error as exc:
            raise RenderError(f"headless Chromium could not write {path}: {exc}") from exc
        finally:
            page.close()

    def png(self, html: str, path: Path) -> Path:
        """A full-page screenshot."""
        with self._tab(html, path) as tab:
            tab.screenshot(path=str(path), full_page=True)
        return path

    def pdf(self, html: str, path: Path, page: str = "A4") -> Path:
        """A landscape PDF on ``page`` (A4 or A3), scaled down to fit a wide map's width."""
        width_mm, height_mm = PAGE_MM[page]
        printable = (width_mm - 2 * MARGIN_MM) * _PX_PER_MM
        margin = f"{MARGIN_MM}mm"
        with self._tab(html, path) as tab:
            tab.set_viewport_size({"width": round(printable), "height": VIEWPORT["height"]})
            content = tab.evaluate("document.documentElement.scrollWidth")
            tab.pdf(
                path=str(path),
                width=f"{width_mm}mm",
                height=f"{height_mm}mm",
                margin={"top": margin, "bottom": margin, "left": margin, "right": margin},
                print_background=True,
                scale=max(0.1, min(1.0, printable / content)),
            )
        return path

    def svg(self, html: str, path: Path) -> Path:
        """An SVG of the page as the screen shows it: a one-page PDF cut to the content's size,
        converted by ``pdftocairo -svg`` (Debian ``poppler-utils``)."""
        pdftocairo = shutil.which("pdftocairo")
        if pdftocairo is None:
            raise RenderError(
                "SVG export needs pdftocairo: install it with `sudo apt-get install poppler-utils`"
            )
        with tempfile.TemporaryDirectory(prefix="parcours-svg-") as tmp:
            pdf = Path(tmp) / "page.pdf"
            with self._tab(html, path) as tab:
                tab.emulate_media(media="screen")
                width, height = tab.evaluate(
                    "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
                )
                tab.pdf(
                    path=str(pdf),
                    width=f"{width}px",
                    height=f"{height + 2}px",
                    margin={"top": "0", "bottom": "0", "left": "0", "right": "0"},
                    print_background=True,
                    page_ranges="1",
                )
            done = subprocess.run(
                [pdftocairo, "-svg", "-f", "1", "-l", "1", str(pdf), str(path)],
                capture_output=True,
                text=True,
                check=False,
            )
        if done.returncode != 0:
            raise RenderError(f"pdftocairo could not write {path}: {done.stderr.strip()}")
        return path
