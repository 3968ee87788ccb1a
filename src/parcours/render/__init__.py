"""Views of a journey map: grid, linear, persona cards, Eisenhower matrix and emotion curve, as
self-contained HTML, exported to PNG, PDF and SVG with headless Chromium, and the grid as CSV.

>>> html = render_html(journey, "grid", lang="en")          # doctest: +SKIP
>>> export(journey, "map.pdf", view="grid", page="A3")     # doctest: +SKIP
"""

from parcours.render.browser import Chromium, PageLog
from parcours.render.html import PAGES, VIEWS, render_emotion_svg, render_html
from parcours.render.labels import LABELS
from parcours.render.output import FORMATS, export, format_from
from parcours.render.table import JourneyTable, LaneRow, journey_csv, journey_table, write_csv

__all__ = [
    "FORMATS",
    "LABELS",
    "PAGES",
    "VIEWS",
    "Chromium",
    "JourneyTable",
    "LaneRow",
    "PageLog",
    "export",
    "format_from",
    "journey_csv",
    "journey_table",
    "render_emotion_svg",
    "render_html",
    "write_csv",
]
