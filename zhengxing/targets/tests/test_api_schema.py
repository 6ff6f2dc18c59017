"""The target points' part of the OpenAPI document: every path and method. Its errors and path
parameters are checked with the rest of the API's in orgs/tests/test_api_schema.py."""

from __future__ import annotations

from typing import Any

PATHS = {
    "/api/v1/targets/catalogues": {"get", "post"},
    "/api/v1/targets/catalogues/{catalogue_id}": {"get"},
    "/api/v1/targets/catalogues/{catalogue_id}/publish": {"post"},
    "/api/v1/targets/units/{unit_id}/ledger": {"get"},
    "/api/v1/targets/units/{unit_id}/score": {"get"},
    "/api/v1/targets/units/{unit_id}/progress": {"post"},
    "/api/v1/targets/units/{unit_id}/visits": {"post"},
    "/api/v1/targets/visits": {"get"},
    "/api/v1/targets/visits/{visit_id}": {"get"},
    "/api/v1/targets/visits/{visit_id}/scores": {"post"},
    "/api/v1/targets/visits/{visit_id}/close": {"post"},
    "/api/v1/targets/units/{unit_id}/deductions": {"post"},
    "/api/v1/targets/queue": {"get"},
    "/api/v1/targets/submissions/{entry_id}/assess": {"post"},
    "/api/v1/targets/scores": {"get"},
    "/api/v1/targets/units/{unit_id}/ledger.xlsx": {"get"},
    "/api/v1/targets/results.xlsx": {"get"},
    "/api/v1/targets/years/{year}/close": {"post"},
    "/api/v1/targets/years/{year}/ranking": {"get"},
}


def test_the_schema_lists_every_path_and_method(schema: dict[str, Any]) -> None:
    paths = schema["paths"]
    assert {p: set(ops) for p, ops in paths.items() if p.startswith("/api/v1/targets")} == PATHS
