"""Fixtures of the render tests: the fixture journey, a hostile copy of it, measures laid on it,
the bundled samples, and one headless Chromium for the whole session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from parcours.errors import MissingDependencyError, RenderError
from parcours.model import Journey, load_journey
from parcours.model.measures import Measured, Measures
from parcours.render import Chromium

HERE = Path(__file__).parent
FIXTURE = HERE / "fixtures" / "journey.yaml"
SNAPSHOTS = HERE / "snapshots"
SAMPLES = sorted((HERE.parents[1] / "src" / "parcours" / "samples").glob("*.yaml"))
SCRIPT = "<script>alert(1)</script>"
IMG = '<img src="x" onerror="alert(2)">'


@pytest.fixture(scope="session")
def journey() -> Journey:
    return load_journey(FIXTURE)


@pytest.fixture(scope="session")
def hostile(journey: Journey) -> Journey:
    """The fixture journey with markup in the names a user writes."""
    stages = list(journey.stages)
    touchpoints = list(stages[0].touchpoints)
    touchpoints[0] = touchpoints[0].model_copy(update={"name": IMG})
    stages[0] = stages[0].model_copy(update={"name": SCRIPT, "touchpoints": tuple(touchpoints)})
    persona = journey.personas[0].model_copy(update={"name": SCRIPT, "quote": IMG})
    return journey.model_copy(
        update={"name": SCRIPT, "stages": tuple(stages), "personas": (persona,)}
    )


@pytest.fixture(scope="session")
def measures(journey: Journey) -> Measures:
    """Measures on the fixture: click-through and abandonment miss their targets, CSAT meets
    its, the payment touchpoint's conversion misses."""
    discovery, consideration, decision = journey.stages
    payment = decision.touchpoints[0]
    return Measures(
        stages={
            discovery.id: Measured(
                customers=1200,
                conversion=0.42,
                drop_off=0.58,
                median_seconds=185,
                emotion=0.4,
                kpis={discovery.kpis[0].id: 2.1},
            ),
            consideration.id: Measured(
                customers=504, emotion=-1.2, kpis={consideration.kpis[0].id: 4.3}
            ),
            decision.id: Measured(
                customers=300, negative_share=0.35, kpis={decision.kpis[0].id: 35}
            ),
        },
        touchpoints={
            discovery.touchpoints[0].id: Measured(volume=5400, attribution_share=0.25),
            payment.id: Measured(volume=410, kpis={payment.kpis[0].id: 55}),
        },
        period="2026-01-01 → 2026-03-31",
    )


@pytest.fixture(scope="package")
def browser() -> Iterator[Chromium]:
    """One headless Chromium for every browser test of this package (closed after it: a
    Playwright left running would stop the next one started in this thread). Missing: fail on
    CI, else skip."""
    try:
        with Chromium() as chromium:
            yield chromium
    except (RenderError, MissingDependencyError) as error:
        message = f"{error} (browser tests need `apt-get install chromium` and playwright)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
