"""schemathesis against the whole API (the OpenAPI document at /openapi.json): generated
requests never give a server error, and every answer matches the document (status code,
content type, body schema)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcours.settings import Settings
from parcours.store import open_store
from parcours.web import create_app

schemathesis = pytest.importorskip("schemathesis")


@pytest.mark.slow
def test_the_api_keeps_its_schema(workspace: Path) -> None:
    from hypothesis import HealthCheck, given, settings
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    with open_store(Settings.load(workspace)) as store:
        app = create_app(Settings.load(workspace), store=store)
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        failures: list[str] = []

        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: object) -> None:
            # a state change needs a CSRF token and, for PUT, the ETag of a version: generated
            # requests cannot be accepted (their answers are still checked against the document)
            changes = case.method != "GET"  # type: ignore[attr-defined]
            excluded = [positive_data_acceptance] if changes else []
            case.call_and_validate(excluded_checks=excluded)  # type: ignore[attr-defined]

        for result in schema.get_all_operations():
            operation = result.ok()
            try:
                given(operation.as_strategy())(check)()
            except Exception as error:  # every failing operation, not just the first
                failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n".join(failures[:20])
