"""Customer analytics: lifetime value and churn, segments and personas, lead scoring, journey
typology, next best actions and recommendations.

Each analysis reads the workspace through the engine's :class:`~parcours.engine.backend.Backend`
(per-customer queries that run on DuckDB or Spark) and fits its models with numpy, scipy or
scikit-learn (the ``customers`` extra) on the per-customer rows those queries return.
"""

from parcours.engine.customers.clusters import Clusters, cluster, journey_features
from parcours.engine.customers.clv import lifetime_value, lifetime_value_file
from parcours.engine.customers.clv_result import ClvResult, CustomerValue
from parcours.engine.customers.members import members_table, save_members, workspace_segments
from parcours.engine.customers.models import (
    BgNbd,
    GammaGamma,
    ParetoNbd,
    fit_bgnbd,
    fit_gamma_gamma,
    fit_pareto_nbd,
)
from parcours.engine.customers.next_action import NextActions, next_actions
from parcours.engine.customers.personas import PersonaCard, persona_cards
from parcours.engine.customers.predictive import Backtest, LeadModel, backtest, fit_lead_model
from parcours.engine.customers.recommend import Baskets, baskets, evaluate, recommend
from parcours.engine.customers.rfm import SEGMENTS, RfmResult, Transitions, rfm, transitions
from parcours.engine.customers.sbg import Sbg, fit_sbg
from parcours.engine.customers.scoring import LeadScores, score_leads
from parcours.engine.customers.scoring_rules import (
    ScoringRules,
    load_rules,
    save_rules,
    template,
)
from parcours.engine.customers.segments import SegmentsResult, segments
from parcours.engine.customers.summary import CustomerSummary, customer_summary
from parcours.engine.customers.typology import Thresholds, TypologyResult, journey_typology

__all__ = [
    "SEGMENTS",
    "Backtest",
    "Baskets",
    "BgNbd",
    "Clusters",
    "ClvResult",
    "CustomerSummary",
    "CustomerValue",
    "GammaGamma",
    "LeadModel",
    "LeadScores",
    "NextActions",
    "ParetoNbd",
    "PersonaCard",
    "RfmResult",
    "Sbg",
    "ScoringRules",
    "SegmentsResult",
    "Thresholds",
    "Transitions",
    "TypologyResult",
    "backtest",
    "baskets",
    "cluster",
    "customer_summary",
    "evaluate",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_lead_model",
    "fit_pareto_nbd",
    "fit_sbg",
    "journey_features",
    "journey_typology",
    "lifetime_value",
    "lifetime_value_file",
    "load_rules",
    "members_table",
    "next_actions",
    "persona_cards",
    "recommend",
    "rfm",
    "save_members",
    "save_rules",
    "score_leads",
    "segments",
    "template",
    "transitions",
    "workspace_segments",
]
