"""Pain points proposed from findings: each story the detectors found becomes a pain point of the
map (on its stage, at its touchpoint), its description the finding's summary, its severity from
its cost (the share of all the customers the findings cost), its evidence the analysis that
shows it. The analyst accepts, edits or dismisses each; the proposal's id is stable (the kind,
the place, the segment and the period), so the same story proposed again keeps its id. Drift is
about the map, not the customers: it proposes no pain point."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from parcours.insight.findings import Finding, Insights
from parcours.model import PainPoint
from parcours.model.journey import Evidence
from parcours.model.vocabulary import EvidenceKind, Lang, Severity

#: A finding costing at least this share of all the findings' cost is of this severity.
SEVERITY = ((0.4, Severity.CRITICAL), (0.2, Severity.HIGH), (0.05, Severity.MEDIUM))


@dataclass(frozen=True)
class ProposedPainPoint:
    """A pain point for ``stage`` of ``journey``, proposed by ``finding``."""

    journey: str
    stage: str
    pain_point: PainPoint
    finding: Finding

    def to_dict(self) -> dict[str, Any]:
        return {
            "journey": self.journey,
            "stage": self.stage,
            "pain_point": self.pain_point.model_dump(mode="json", exclude_none=True),
            "kind": self.finding.kind,
            "cost": round(self.finding.cost, 1),
        }


def proposed_pain_points(insights: Insights) -> list[ProposedPainPoint]:
    """One proposed pain point per story found, most costly first."""
    stories = [f for f in insights.findings if f.kind != "drift" and f.where.stage]
    total = sum(f.cost for f in stories)
    out = []
    for f in stories:
        assert f.where.stage is not None
        share = f.cost / total if total else 0.0
        severity = next((s for least, s in SEVERITY if share >= least), Severity.LOW)
        source = {
            lang: f"parcours insights ({f.kind}): {f.summary.get(lang.value, '')}"
            for lang in (Lang.FR, Lang.EN)
        }
        point = PainPoint(
            id=proposal_id(f),
            description={lang: f.summary.get(lang.value, "") for lang in (Lang.FR, Lang.EN)},
            touchpoint=f.where.touchpoint,
            severity=severity,
            evidence=(Evidence(source=source, kind=EvidenceKind.ANALYTICS),),
        )
        out.append(ProposedPainPoint(str(f.evidence.get("journey", "")), f.where.stage, point, f))
    return out


def proposal_id(finding: Finding) -> str:
    """A stable id: the kind, then a digest of the place, the segment and the period."""
    key = "|".join(
        str(part)
        for part in (
            finding.kind,
            finding.where.stage,
            finding.where.touchpoint,
            sorted((finding.segment or {}).items()),
            finding.start,
            finding.end,
        )
    )
    return f"{finding.kind.replace('_', '-')}-{hashlib.sha1(key.encode()).hexdigest()[:8]}"
