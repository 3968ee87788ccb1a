"""The HTML views without a browser: snapshots, escaping, measures, language, self-containment."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from parcours.errors import RenderError
from parcours.model import KPI, Journey, Layout, load_journey
from parcours.model.measures import Measured, Measures
from parcours.render import VIEWS, render_emotion_svg, render_html

from .conftest import IMG, SAMPLES, SCRIPT
from .snapshot import assert_snapshot


class Tags(HTMLParser):
    """Start tags with their attributes, and the text, of an HTML page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def with_class(self, tag: str, *classes: str) -> list[dict[str, str | None]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and set(classes) <= set((attrs.get("class") or "").split())
        ]


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_views_match_their_snapshots(journey: Journey, view: str, lang: str) -> None:
    assert_snapshot(f"{view}.{lang}.html", render_html(journey, view, lang=lang))


def test_measured_grid_matches_its_snapshot(journey: Journey, measures: Measures) -> None:
    assert_snapshot(
        "grid.measures.en.html", render_html(journey, "grid", measures=measures, lang="en")
    )


def test_emotion_svg_matches_its_snapshot(journey: Journey, measures: Measures) -> None:
    assert_snapshot("emotion.measures.fr.svg", render_emotion_svg(journey, measures=measures))


@pytest.mark.parametrize("view", VIEWS)
def test_user_text_is_escaped(hostile: Journey, view: str) -> None:
    html = render_html(hostile, view)
    assert SCRIPT not in html and IMG not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    parsed = Tags(html)
    assert not [tag for tag, _ in parsed.tags if tag in {"script", "img"}]
    assert SCRIPT in "".join(parsed.text)


def test_standalone_svg_escapes_user_text(hostile: Journey) -> None:
    svg = render_emotion_svg(hostile)
    assert SCRIPT not in svg and "&lt;script&gt;" in svg


@pytest.mark.parametrize("view", VIEWS)
def test_views_are_self_contained(journey: Journey, view: str) -> None:
    html = render_html(journey, view)
    parsed = Tags(html)
    assert not [tag for tag, _ in parsed.tags if tag in {"script", "link", "img", "iframe"}]
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", html)
    assert "@import" not in html and "url(" not in html and "@font-face" not in html
    assert all(attrs["href"].startswith("#") for _, attrs in parsed.tags if "href" in attrs)
    assert "@media print" in html and "@page { size: A4 landscape" in html


def test_page_size_reaches_the_print_css(journey: Journey) -> None:
    assert "@page { size: A3 landscape" in render_html(journey, "grid", page="A3")


def test_a_kpi_missing_its_target_is_marked_miss(journey: Journey, measures: Measures) -> None:
    parsed = Tags(render_html(journey, "grid", measures=measures))
    states = {
        attrs["data-kpi"]: ({"miss", "meets"} & set(attrs["class"].split()))
        for _, attrs in parsed.tags
        if "data-kpi" in attrs and attrs.get("class") == "kpi"
    }
    assert states  # the KPI items exist
    values = {
        kpi_id: value
        for measured in (*measures.stages.values(), *measures.touchpoints.values())
        for kpi_id, value in measured.kpis.items()
    }
    kpis = [
        k for s in journey.stages for k in (*s.kpis, *(k for t in s.touchpoints for k in t.kpis))
    ]
    expected = {
        k.id: ("meets" if k.meets(values[k.id]) else "miss") for k in kpis if k.id in values
    }
    assert {"meets", "miss"} <= set(expected.values())
    html = render_html(journey, "grid", measures=measures)
    for kpi_id, state in expected.items():
        item = re.search(rf'data-kpi="{kpi_id}"[^>]*>(.*?)</li>', html, re.S)
        assert item and f'class="kpi-value {state}"' in item.group(1), kpi_id


def test_measures_are_shown_per_stage_and_touchpoint(journey: Journey, measures: Measures) -> None:
    html = render_html(journey, "grid", measures=measures, lang="en")
    assert 'data-lane="measures"' in html
    assert "1,200" in html and "42%" in html and "3\u00a0min" in html and "5,400" in html
    assert "2026-01-01 → 2026-03-31" in html
    fr = render_html(journey, "linear", measures=measures, lang="fr")
    assert "1\u202f200" in fr and "42\u00a0%" in fr and "25\u00a0%" in fr


def test_without_measures_no_measure_lane(journey: Journey) -> None:
    html = render_html(journey, "grid")
    assert 'data-lane="measures"' not in html and 'class="kpi-value' not in html


def test_measured_emotion_is_a_second_series(journey: Journey, measures: Measures) -> None:
    parsed = Tags(render_emotion_svg(journey, measures=measures))
    designed = parsed.with_class("circle", "point", "designed")
    measured = parsed.with_class("circle", "point", "measured")
    assert [c["data-stage"] for c in designed] == [s.id for s in journey.stages]
    with_emotion = [sid for sid, m in measures.stages.items() if m.emotion is not None]
    assert [c["data-stage"] for c in measured] == with_emotion


@pytest.mark.parametrize("view", ["grid", "emotion"])
def test_the_curve_has_one_point_per_stage(journey: Journey, view: str) -> None:
    points = Tags(render_html(journey, view)).with_class("circle", "point", "designed")
    assert [p["data-stage"] for p in points] == [s.id for s in journey.stages]
    assert [float(p["data-value"] or "nan") for p in points] == [s.emotion for s in journey.stages]


def test_labels_follow_the_language(journey: Journey) -> None:
    fr = render_html(journey, "grid")  # the journey is French
    en = render_html(journey, "grid", lang="en")
    assert '<html lang="fr">' in fr and "Points de contact" in fr and "Découverte" in fr
    assert '<html lang="en">' in en and "Touchpoints" in en and "Discovery" in en
    assert "Points de contact" not in en and "Touchpoints" not in fr
    assert "Faire maintenant" in render_html(journey, "matrix")
    assert "Do now" in render_html(journey, "matrix", lang="en")


def test_the_layout_picks_the_default_view(journey: Journey) -> None:
    assert 'data-view="grid"' in render_html(journey)
    linear = journey.model_copy(update={"layout": Layout.LINEAR})
    assert 'data-view="linear"' in render_html(linear)


def test_unknown_choices_are_errors(journey: Journey) -> None:
    with pytest.raises(RenderError, match="unknown view 'gantt'"):
        render_html(journey, "gantt")  # type: ignore[arg-type]
    with pytest.raises(RenderError, match="unknown language 'de'"):
        render_html(journey, "grid", lang="de")
    with pytest.raises(RenderError, match="unknown page size 'A5'"):
        render_html(journey, "grid", page="A5")  # type: ignore[arg-type]


def test_every_channel_icon_is_drawn(journey: Journey) -> None:
    html = render_html(journey, "grid")
    used = set(re.findall(r'<use href="#(ch-[a-z]+)"', html))
    defined = set(re.findall(r'<symbol id="(ch-[a-z]+)"', html))
    assert used and used <= defined


@pytest.mark.skipif(not SAMPLES, reason="no bundled samples yet")
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_samples_render_in_every_view_and_language(sample: object) -> None:
    journey = load_journey(sample)  # type: ignore[arg-type]
    for lang in ("fr", "en"):
        for view in VIEWS:
            html = render_html(journey, view, lang=lang)
            assert html.startswith("<!DOCTYPE html>")
            for stage in journey.stages:
                assert f'data-stage="{stage.id}"' in html or view in {"persona", "matrix"}


@pytest.mark.parametrize("view", VIEWS)
def test_an_empty_journey_renders(view: str) -> None:
    empty = Journey.model_validate({"name": "Vide"})
    assert '<h1 class="journey-name">Vide</h1>' in render_html(empty, view)


def test_the_voice_of_customers_is_shown_and_escaped(journey: Journey) -> None:
    stage = journey.stages[0]
    heard = Measured(
        emotion=-1.2,
        emotion_interval=(-1.4, -1.0),
        feedback=87,
        negative_share=0.6,
        themes=(("paiement", 40), ("<b>livraison</b>", 3)),
        verbatims=("Le paiement a échoué <script>alert(1)</script>",),
    )
    measures = Measures(stages={stage.id: heard})
    html = render_html(journey, "grid", measures=measures, lang="fr")
    page = Tags(html)
    assert [a for a in page.with_class("span", "tag", "theme")]
    assert "paiement · 40" in page.text
    assert "&lt;b&gt;livraison&lt;/b&gt;" in html and "<b>livraison" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not [attrs for name, attrs in page.tags if name == "script"]
    assert "−1,2 [−1,4 ; −1]" in html.replace("\u00a0", " ")
    assert "87" in page.text


def test_kpi_values_are_shown_with_their_unit_and_sensible_precision(journey: Journey) -> None:
    """Rates as 45.2 %, counts with thousands separators, times as durations, one decimal at
    most, in each language's format; not the raw two decimals."""
    kpis = (
        KPI(kind="conversion", target=0.4),  # a share, no unit
        KPI(kind="churn", unit="%", target=5),  # already in %
        KPI(kind="waiting_time", target=600),  # seconds
        KPI(kind="custom", id="revenue", name="CA", unit="€", target=12500),
    )
    first = journey.stages[0].model_copy(update={"kpis": kpis, "touchpoints": ()})
    shown = journey.model_copy(update={"stages": (first,), "opportunities": ()})
    values = {"conversion": 0.45234, "churn": 4.5678, "waiting-time": 5460.0, "revenue": 12345.678}
    measures = Measures(stages={first.id: Measured(customers=1234, kpis=values)})

    def texts(lang: str) -> dict[str, list[str]]:
        html = render_html(shown, "grid", measures=measures, lang=lang)
        found = {}
        for kpi_id in values:
            item = re.search(rf'data-kpi="{kpi_id}"[^>]*>(.*?)</li>', html, re.S)
            assert item, kpi_id
            target = re.search(r'class="kpi-target"[^>]*>([^<]*)<', item.group(1))
            value = re.search(r'class="kpi-value [^"]*"[^>]*>([^<]*)<', item.group(1))
            assert target and value, kpi_id
            found[kpi_id] = [target.group(1).split(" ", 2)[-1], value.group(1)]
        return found

    assert texts("en") == {
        "conversion": ["40%", "45.2%"],
        "churn": ["5%", "4.6%"],
        "waiting-time": ["10\u00a0min", "1\u00a0h\u00a031\u00a0min"],
        "revenue": ["12,500\u00a0€", "12,345.7\u00a0€"],
    }
    assert texts("fr") == {
        "conversion": ["40\u00a0%", "45,2\u00a0%"],
        "churn": ["5\u00a0%", "4,6\u00a0%"],
        "waiting-time": ["10\u00a0min", "1\u00a0h\u00a031\u00a0min"],
        "revenue": ["12\u202f500\u00a0€", "12\u202f345,7\u00a0€"],
    }
