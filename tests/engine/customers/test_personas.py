"""Persona cards from behavioural clusters: planted segments come out with their traits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from parcours.engine.customers.clusters import cluster
from parcours.engine.customers.personas import persona_cards
from parcours.model.text import localize


def _features() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = []
    for i in range(300):  # app lovers who buy a lot
        rows.append((f"a{i}", rng.normal(40, 4), 1, rng.normal(300, 30), 1.0, 0.9, 0.1))
    for i in range(700):  # web browsers who rarely buy
        rows.append((f"w{i}", rng.normal(8, 2), 0, rng.normal(5, 3), 0.1, 0.1, 0.9))
    frame = pd.DataFrame(
        rows,
        columns=[
            "customer_id",
            "events",
            "purchases",
            "value",
            "converted",
            "share_app",
            "share_web",
        ],
    ).set_index("customer_id")
    return frame


def test_cards_describe_the_planted_segments() -> None:
    features = _features()
    groups = cluster(features, ks=range(2, 5))
    assert groups.k == 2
    kinds = {c: ("complex" if c.startswith("a") else "simple") for c in features.index}
    churn = {c: (0.1 if c.startswith("a") else 0.6) for c in features.index}
    cards = persona_cards(features, groups, typology=kinds, churn=churn)
    by_size = sorted(cards, key=lambda c: c.customers)
    app, web = by_size
    assert (app.customers, web.customers) == (300, 700)
    assert app.share == 0.3
    assert app.channels[0][0] == "app" and web.channels[0][0] == "web"
    assert app.traits and all(abs(t.effect_size) >= 0.2 for t in app.traits)
    sizes = [abs(t.effect_size) for t in app.traits]
    assert len(sizes) == 4 and sizes == sorted(sizes, reverse=True)  # the four largest
    assert app.typology == {"complex": 1.0} and app.churn == pytest.approx(0.1)
    persona = app.persona()
    assert localize(persona.name, "fr").endswith("surtout app")
    assert any("d = +" in localize(b, "en") for b in persona.behaviours)
    assert persona.evidence[0].kind == "analytics"
    assert "300 customers" in persona.evidence[0].source
