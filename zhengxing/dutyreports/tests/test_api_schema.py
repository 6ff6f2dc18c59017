"""The review's part of the OpenAPI document: every path and method. Its errors and path
parameters are checked with the rest of the API's in orgs/tests/test_api_schema.py (its
public path, under `/api/v1/dutyreports/public/`, open)."""

from __future__ import annotations

from typing import Any

PATHS = {
    "/api/v1/dutyreports/rubric": {"get", "post"},
    "/api/v1/dutyreports/rounds": {"get", "post"},
    "/api/v1/dutyreports/rounds/{round_id}": {"get"},
    "/api/v1/dutyreports/rounds/{round_id}/units": {"post"},
    "/api/v1/dutyreports/rounds/{round_id}/panel": {"post"},
    "/api/v1/dutyreports/rounds/{round_id}/open": {"post"},
    "/api/v1/dutyreports/rounds/{round_id}/close": {"post"},
    "/api/v1/dutyreports/units/{unit_id}/report": {"post"},
    "/api/v1/dutyreports/reports/{report_id}": {"get"},
    "/api/v1/dutyreports/reports/{report_id}/scores": {"post"},
    "/api/v1/dutyreports/public/{ref}": {"get"},
}


def test_the_schema_lists_every_path_and_method(schema: dict[str, Any]) -> None:
    paths = schema["paths"]
    assert {p: set(ops) for p, ops in paths.items() if p.startswith("/api/v1/dutyreports")} == PATHS
