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
    from hypothesis import HealthCheck, settings

    with open_store(Settings.load(workspace)) as store:
        app = create_app(Settings.load(workspace), store=store)
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        failures: list[str] = []

        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: object) -> None:
            try:
                case.call_and_validate()  # type: ignore[attr-defined]
            except Exception as error:  # collect every failing operation, not just the first
                failures.append(f"{case.method} {case.formatted_path}: {error}")  # type: ignore[attr-defined]

        for result in schema.get_all_operations():
            operation = result.ok()
            operation.as_strategy()
            from hypothesis import given

            given(operation.as_strategy())(check)()
    assert not failures, "\n".join(failures[:20])
