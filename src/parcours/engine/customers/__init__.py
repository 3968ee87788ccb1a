"""Customer analytics: lifetime value and churn (BG/NBD, Pareto/NBD, Gamma-Gamma, sBG).

Each analysis reads the workspace through the engine's :class:`~parcours.engine.backend.Backend`
(one query per summary, on DuckDB or Spark) and fits its models with numpy/scipy on the
per-customer summary that query returns.
"""

from parcours.engine.customers.clv import lifetime_value, lifetime_value_file
from parcours.engine.customers.clv_result import ClvResult, CustomerValue
from parcours.engine.customers.models import (
    BgNbd,
    GammaGamma,
    ParetoNbd,
    fit_bgnbd,
    fit_gamma_gamma,
    fit_pareto_nbd,
)
from parcours.engine.customers.sbg import Sbg, fit_sbg
from parcours.engine.customers.summary import CustomerSummary, customer_summary

__all__ = [
    "BgNbd",
    "ClvResult",
    "CustomerSummary",
    "CustomerValue",
    "GammaGamma",
    "ParetoNbd",
    "Sbg",
    "customer_summary",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_pareto_nbd",
    "fit_sbg",
    "lifetime_value",
    "lifetime_value_file",
]
