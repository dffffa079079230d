"""The API answers what its OpenAPI schema says, over the demo province: schemathesis sends every operation of
the schema served at /api/schema requests made from it (valid ones and invalid ones), straight to the WSGI
application, once signed in as the SMT expert and once as a unit's manager, and checks each answer: no server
error, a status code the operation documents, the documented content type and headers, a body that validates
against the documented schema.

Bounded and deterministic: a fixed seed, derandomised generation, ``MAX_EXAMPLES`` per operation in the
fuzzing phase, the schema's examples, and (for the expert) the coverage phase's boundary and invalid values.
State-changing operations run too: the demo is built once per module in a transaction rolled back at its end,
and each operation's test runs in a savepoint of its own (``db``), so every operation meets the same data.

No operation or check is left out (none is needed to pass). When one must be, list it in ``EXCLUDED`` with the
reason, so that it is seen and removed again.

It runs in ``make test``'s PostgreSQL pass only (the SQLite pass runs the browser tests instead): the schema
does not depend on the database, and PostgreSQL is the stricter of the two (it refused a NUL character that
SQLite stored).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from rownaq.accounts import services as account_services
from rownaq.accounts.models import User

if django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # before the schema is loaded below: its generation alone is seconds of each worker's collection
    pytest.skip("the API's conformance runs in the PostgreSQL pass", allow_module_level=True)

SEED = 1403
MAX_EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# Operations left out of the run, each with the reason; empty today. Example:
# ("POST", "/api/v1/cases/{id}/actions/{name}/"): "«²» in `into` answers 500 (branch i10-input fixes it)",
EXCLUDED: dict[tuple[str, str], str] = {}


def _config(*, coverage: bool) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
            "phases": {
                "examples": {"enabled": True},
                # Boundary and invalid values of every parameter; the input checks do not depend on the caller,
                # so the expert's pass alone runs them (they are most of the run's time).
                "coverage": {"enabled": coverage, "unexpected-methods": []},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
        }
    )


def _schema(*, coverage: bool) -> Any:
    loaded: schemathesis.BaseSchema = schemathesis.openapi.from_wsgi(
        "/api/schema?format=json", get_wsgi_application(), config=_config(coverage=coverage)
    )
    for method, path in EXCLUDED:
        loaded = loaded.exclude(method=method, path=path)
    return loaded


expert_api = _schema(coverage=True)
manager_api = _schema(coverage=False)


@pytest.fixture(scope="module")
def demo_province(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo province (units, cases, referrals, HQ meetings, the needs desk, exhibitions), built once for
    the module and rolled back after it."""
    # Django closes the database connection when a request ends (the test client stops that; schemathesis's WSGI
    # client does not), which would end the transaction on PostgreSQL: not during this module's requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            call_command("seed_demo", "--units", "40", "--seed", "3", stdout=io.StringIO())
            yield
            transaction.set_rollback(True)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _call_as(username: str, case: Any) -> None:
    # A fresh token each time: the run also calls DELETE /api/v1/auth/token, which revokes the caller's token.
    token = account_services.token_obtain(by=User.objects.get(username=username)).key
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


# Hypothesis warns that ``db`` is not reset between the examples of one operation: they share its savepoint,
# as requests to a live server share its database.
@expert_api.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_as_expert(case: Any, demo_province: None, db: None) -> None:
    _call_as("expert", case)


@manager_api.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_as_unit_manager(case: Any, demo_province: None, db: None) -> None:
    _call_as("manager", case)
