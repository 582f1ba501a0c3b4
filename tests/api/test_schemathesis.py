"""schemathesis against the app's own OpenAPI document, in-process over WSGI, as each role.

Three passes per role and operation: schema-valid data, schema-invalid data, and valid data
aimed at records that exist (so PATCHes and actions reach the services, not just 404).
Asserted: no 5xx, every status documented, every body matching its schema, and every
invalid request refused with a 4xx. The run's summary is printed (pytest -s shows it)."""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mitra.extensions import db
from mitra.services import tokens

ROLES = ["admin", "manager", "partner"]
EXAMPLES = 5
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
NEGATIVE_CHECKS = [*CHECKS, negative_data_rejection]


def existing_records(world) -> dict[str, int]:
    """Records of every kind the manager's centre has, for the third pass to aim at."""
    collaboration = world.accepted()
    activity = world.plan(collaboration["id"])
    agreement = world.sign(
        collaboration["partnership_id"], number="MoU/1", signed_on="2024-01-01", valid_until="2026-12-31"
    )
    world.draft(title="Masih draf")
    return {
        "centre_id": world.ids["centre"],
        "partner_id": world.ids["partner"],
        "partnership_id": collaboration["partnership_id"],
        "collaboration_id": collaboration["id"],
        "activity_id": activity["id"],
        "agreement_id": agreement["id"],
    }


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record):
        self.records.append(self.format(record))


@pytest.fixture
def server_errors():
    """The tracebacks the API's catch-all handler logs (Alembic's logging set-up mutes it)."""
    logger, collect = logging.getLogger("mitra.api"), Collect()
    was_disabled, logger.disabled = logger.disabled, False
    logger.addHandler(collect)
    yield collect.records
    logger.removeHandler(collect)
    logger.disabled = was_disabled


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_schema_violation(app, world, server_errors):
    known = existing_records(world)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    statuses: dict[str, Counter] = defaultdict(Counter)
    failures: dict[str, list[str]] = defaultdict(list)  # operation -> what went wrong
    cases = 0
    started = time.monotonic()

    def fuzz(operation, role, token, mode, path_parameters, checks):
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
        def run(case):
            nonlocal cases
            cases += 1
            headers = {"Authorization": f"Bearer {token['value']}"}
            response = case.call(headers=headers)
            statuses[role][response.status_code] += 1
            try:
                case.validate_response(response, checks=checks_for(case, checks), headers=headers)
            except FailureGroup as exc:  # collected, reported together below
                failures[case.operation.label].append(f"[{role}] {str(exc)[:1500]}")
            if case.operation.label == "DELETE /api/v1/auth/tokens/current":
                token["value"] = mint(world, role)  # it just revoked itself

        run()

    for role in ROLES:
        token = {"value": mint(world, role)}
        for operation in operations:
            fuzz(operation, role, token, GenerationMode.POSITIVE, None, CHECKS)
            fuzz(operation, role, token, GenerationMode.NEGATIVE, None, NEGATIVE_CHECKS)
            aimed = {name: known[name] for name in known if f"{{{name}}}" in operation.path}
            if aimed:
                fuzz(operation, role, token, GenerationMode.POSITIVE, aimed, CHECKS)

    elapsed = time.monotonic() - started
    print(
        f"\nschemathesis: {len(operations)} operations x {len(ROLES)} roles, {cases} requests "
        f"in {elapsed:.1f} s; {sum(map(len, failures.values()))} failures"
    )
    for role, counter in statuses.items():
        print(f"  {role:8} " + ", ".join(f"{code}: {n}" for code, n in sorted(counter.items())))
    assert not server_errors, "\n\n".join(server_errors[:3])
    assert not any(code >= 500 for counter in statuses.values() for code in counter)
    for label, found in failures.items():
        print(f"  FAILING {label}: {len(found)} cases")
    assert not failures, "\n\n".join(f"{label}: {found[0]}" for label, found in failures.items())


def checks_for(case, checks):
    """Every call sends the role's valid token itself, so a case whose only "invalid" part
    was a missing or mangled Authorization header is in fact valid: do not expect a 4xx."""
    data = getattr(case.meta.phase, "data", None) if case.meta else None
    if "Authorization" in str(getattr(data, "description", "") or ""):
        return [check for check in checks if check is not negative_data_rejection]
    return checks


def mint(world, role: str) -> str:
    token, _expires = tokens.issue(world.users[role])
    db.session.commit()
    return token
