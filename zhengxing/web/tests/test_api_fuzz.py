"""Schemathesis over /api/v1/openapi.json: every operation, with inputs generated from the schema
(valid and not), as the county's organisation department (who may reach everything) through a
bearer token, in-process through Django's WSGI application. No response may be a 5xx, and every
response must match what the schema declares for it (status code, content type, body); a
request the schema forbids must be refused.

The demo-sized cast is in the database, so ids the generator picks sometimes exist. Each
operation gets `FUZZ_EXAMPLES` cases (ZHENGXING_FUZZ_EXAMPLES to raise it)."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from zhengxing.accounts.services import token_issue
from zhengxing.core.actor import Actor
from zhengxing.testing import build_cast

# Run once, in the PostgreSQL pass: the production engine is the stricter judge of what a
# client may send (NUL bytes, lengths, integer ranges), where SQLite would accept it silently.
pytestmark = pytest.mark.postgres

FUZZ_EXAMPLES = int(os.environ.get("ZHENGXING_FUZZ_EXAMPLES", "12"))

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


SENT: Counter[int] = Counter()  # responses by status code, for the report


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    """After the run, how many requests were sent and what came back (var/fuzz.json)."""
    yield
    if SENT:
        out = Path(django_settings.VAR_DIR) / "fuzz.json"
        out.write_text(json.dumps({"requests": SENT.total(), "by_status": dict(SENT)}))


@pytest.fixture(autouse=True)
def _uploads_elsewhere(settings: Any, tmp_path: Path) -> None:
    """Evidence the fuzzer uploads lands in a temporary directory, not in var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Requests go through the WSGI handler, which closes the database connection after each
    one (as a server should); the test's transaction lives on that connection, so keep it open
    for the test, as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db: None) -> str:
    cast = build_cast()
    return token_issue(actor=Actor.system("fuzz"), user=cast.alice)


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_request_breaks_the_api_or_its_schema(case: schemathesis.Case, token: str) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    response = case.call(headers=auth)
    SENT[response.status_code] += 1
    case.validate_response(
        response,
        headers=auth,
        # a valid-looking request refused by a rule of the practice (a code already taken, a
        # closed quarter) is a 400 with the rule in Chinese, not a defect
        excluded_checks=[positive_data_acceptance],
    )
