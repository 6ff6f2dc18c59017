"""The integrity's part of the OpenAPI document: every path and method. Its errors and path
parameters are checked with the rest of the API's in orgs/tests/test_api_schema.py (the heads,
under `/api/v1/integrity/public/`, open: a township's script fetches them to keep, and the
verify page the proofs; the flags, signed in, the township's and the county's only)."""

from __future__ import annotations

from typing import Any

PATHS = {
    "/api/v1/integrity/public/{county}/heads": {"get"},
    "/api/v1/integrity/flags": {"get"},
    "/api/v1/integrity/flags/{flag_id}/status": {"post"},
    "/api/v1/integrity/supervision": {"get", "post"},
    "/api/v1/integrity/supervision/{finding_id}": {"get"},
    "/api/v1/integrity/supervision/{finding_id}/withdraw": {"post"},
    "/api/v1/integrity/public/{county}/notices/{slug}/proof": {"get"},
    "/api/v1/integrity/public/{county}/consistency": {"get"},
}


def test_the_schema_lists_every_path_and_method(schema: dict[str, Any]) -> None:
    paths = schema["paths"]
    assert {p: set(ops) for p, ops in paths.items() if p.startswith("/api/v1/integrity")} == PATHS
