"""What matters at the head of a measured map: the top findings, and what changed since the last
refresh, on hand-made findings and KPIs; compared with itself, nothing changed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.insight.what_matters import TOP, KpiChange, what_matters

THEN = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


def _finding(
    rank: int, kind: str, stage: str, end: str | None = None, measure: str = "conversion"
) -> dict[str, Any]:
    return {
        "rank": rank,
        "kind": kind,
        "where": {"stage": stage, "touchpoint": None, "events": []},
        "period": None if end is None else {"start": "2026-02-02", "end": end},
        "segment": {"channel": "web"} if kind == "incident" else None,
        "cost": 100.0 / rank,
        "summary": {"en": f"{kind} at {stage}", "fr": f"{kind} à {stage}"},
        "evidence": {"measure": measure},
    }


def _kpi(where: str, kpi: str, value: float | None, met: bool | None) -> dict[str, Any]:
    return {"where": where, "kpi": kpi, "value": value, "met": met}


def test_top_findings_and_what_changed_since_the_last_refresh() -> None:
    before = [
        _finding(1, "incident", "pay", "2026-02-20"),
        _finding(2, "loop", "cart", "2026-02-10"),
    ]
    # the incident goes on (its period grew: the same story), the loop is gone, two are new
    now = [
        _finding(1, "incident", "pay", "2026-02-27"),
        _finding(2, "segment_gap", "search"),
        _finding(3, "failure_driver", "pay"),
        _finding(4, "drift", "pay", measure="ces"),
    ]
    kpis_then = [
        _kpi("stages.pay", "abandon", 25.0, True),
        _kpi("stages.pay.touchpoints.form", "csat", 70.0, False),
        _kpi("stages.cart", "nps", None, None),
        _kpi("stages.search", "ctr", 3.0, True),
    ]
    kpis_now = [
        _kpi("stages.pay", "abandon", 41.5, False),  # newly missed
        _kpi("stages.pay.touchpoints.form", "csat", 82.0, True),  # newly met
        _kpi("stages.cart", "nps", 12.0, False),  # not measured then: not a change
        _kpi("stages.search", "ctr", 3.4, True),  # still met
        _kpi("stages.new", "conversion", 10.0, False),  # a new KPI: not a change
    ]
    matters = what_matters(now, kpis_now, (THEN, before, kpis_then))
    assert [f["rank"] for f in matters.top] == [1, 2, 3] and TOP == 3
    assert matters.found == 4 and matters.since == THEN and matters.changed
    assert [f["kind"] for f in matters.new] == ["segment_gap", "failure_driver", "drift"]
    assert [f["kind"] for f in matters.gone] == ["loop"]
    assert matters.kpis == (
        KpiChange("stages.pay", "abandon", 25.0, 41.5, False),
        KpiChange("stages.pay.touchpoints.form", "csat", 70.0, 82.0, True),
    )
    data = matters.to_dict()
    assert data["since"] == "2026-03-01T08:30:00+00:00" and data["found"] == 4
    assert data["kpis"][0] == {
        "where": "stages.pay",
        "kpi": "abandon",
        "before": 25.0,
        "after": 41.5,
        "met": False,
    }


def test_with_no_earlier_refresh_only_the_top() -> None:
    matters = what_matters([_finding(1, "loop", "cart")], [_kpi("stages.a", "k", 1.0, False)])
    assert (matters.since, matters.new, matters.gone, matters.kpis) == (None, (), (), ())
    assert not matters.changed and matters.found == 1
    assert what_matters([], []).top == ()


KINDS = st.sampled_from(["incident", "loop", "failure_driver", "segment_gap", "drift"])
FINDINGS = st.lists(
    st.builds(_finding, st.integers(1, 9), KINDS, st.sampled_from(["a", "b", "c"])), max_size=8
)
KPIS = st.lists(
    st.builds(
        _kpi,
        st.sampled_from(["stages.a", "stages.b.touchpoints.t"]),
        st.sampled_from(["k1", "k2", "k3"]),
        st.one_of(st.none(), st.floats(-100, 100)),
        st.one_of(st.none(), st.booleans()),
    ),
    max_size=6,
    unique_by=lambda k: (k["where"], k["kpi"]),
)


@settings(max_examples=80, deadline=None)
@given(findings=FINDINGS, kpis=KPIS, other=FINDINGS)
def test_compared_with_itself_nothing_changed(
    findings: list[dict[str, Any]], kpis: list[dict[str, Any]], other: list[dict[str, Any]]
) -> None:
    same = what_matters(findings, kpis, (THEN, findings, kpis))
    assert not same.changed and same.top == tuple(findings[:TOP])
    # what is new one way is gone the other way
    there = what_matters(other, kpis, (THEN, findings, kpis))
    back = what_matters(findings, kpis, (THEN, other, kpis))
    assert {_key(f) for f in there.new} == {_key(f) for f in back.gone}


def _key(finding: dict[str, Any]) -> tuple[object, ...]:
    return (finding["kind"], finding["where"]["stage"], finding["evidence"]["measure"])
