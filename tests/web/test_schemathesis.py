"""The API against its own OpenAPI document: generated requests, in-process, bounded.

Every operation gets a few generated requests, valid and invalid ones (with an owner's API key,
in organization ``acme``, so most of them reach the code behind the guard): none may fail with
a 5xx, and every answer must have a documented status, content type and body shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings, strategies
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from dashlet.auth.api_keys import create_api_key
from dashlet.config import Settings
from dashlet.spec.apply import apply_folder
from dashlet.store.database import Database
from dashlet.store.organizations import create_organization
from dashlet.web.api_routes import API_PREFIX, TABLE
from dashlet.web.app import create_app
from dashlet.web.services import build_services
from tests.web.conftest import write_workspace

EXAMPLES_PER_OPERATION = 12  # x 28 operations: a few hundred requests, well under a minute
CHECKS = [
    negative_data_rejection,
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
WITHOUT_REJECTION_STATUSES = [check for check in CHECKS if check is not negative_data_rejection]


@pytest.fixture
def api_app(settings: Settings, db: Database, tmp_path: Path) -> Iterator[FastAPI]:
    create_organization(db, "acme")
    apply_folder(db, write_workspace(tmp_path / "workspace"), "acme")
    services = build_services(settings, db)
    yield create_app(settings, services=services)
    services.engine.close()


@pytest.fixture
def api_schema(api_app: FastAPI) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/api/openapi.json", api_app)


@pytest.mark.parametrize(("method", "path"), [(m, API_PREFIX + p) for m, p, _, _ in TABLE])
def test_every_answer_matches_the_openapi_document(
    api_schema: schemathesis.BaseSchema, db: Database, method: str, path: str
) -> None:
    operation = api_schema[path][method]
    # Random slugs would only ever meet the guard or a 404: aim at the real ones.
    fixed = {k: v for k, v in (("org", "acme"), ("dashboard", "sales")) if f"{{{k}}}" in path}
    cases = strategies.one_of(
        operation.as_strategy(mode, path_parameters=fixed) for mode in GenerationMode
    )

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_documented(case: schemathesis.Case) -> None:
        key = create_api_key(db, "acme", "fuzz", "owner", actor="tests")[1]
        response = case.call(headers={"Authorization": f"Bearer {key}"})
        # A body past the size limit is refused before validation (413): a rejection all the same.
        checks = CHECKS if response.status_code != 413 else WITHOUT_REJECTION_STATUSES
        case.validate_response(response, checks=checks)

    answers_as_documented()
