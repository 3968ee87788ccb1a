"""The JSON Schema of journey documents, generated from the model (``parcours schema``)."""

from __future__ import annotations

from typing import Any

from parcours.model.journey import Journey

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def journey_schema() -> dict[str, Any]:
    """The JSON Schema every journey file (YAML or JSON) follows."""
    schema = Journey.model_json_schema(mode="validation")
    return {"$schema": SCHEMA_DIALECT, **schema, "title": "parcours journey map"}
