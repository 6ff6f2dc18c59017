"""The five-person group's part of the OpenAPI document: every path and method. Its errors and
path parameters are checked with the rest of the API's in orgs/tests/test_api_schema.py (its
public paths, under `/api/v1/deliberation/public/`, open and throttled)."""

from __future__ import annotations

from typing import Any

PATHS = {
    "/api/v1/deliberation/groups": {"get", "post"},
    "/api/v1/deliberation/groups/{group_id}": {"get"},
    "/api/v1/deliberation/groups/{group_id}/people": {"post"},
    "/api/v1/deliberation/groups/{group_id}/matters": {"post"},
    "/api/v1/deliberation/matters": {"get"},
    "/api/v1/deliberation/matters/{matter_id}": {"get"},
    "/api/v1/deliberation/matters/{matter_id}/rounds": {"post"},
    "/api/v1/deliberation/matters/{matter_id}/decision": {"post"},
    "/api/v1/deliberation/objections/{objection_id}/answer": {"post"},
    "/api/v1/deliberation/public/matters/{ref}": {"get"},
    "/api/v1/deliberation/public/matters/{ref}/objections": {"post"},
}


def test_the_schema_lists_every_path_and_method(schema: dict[str, Any]) -> None:
    paths = schema["paths"]
    assert {
        p: set(ops) for p, ops in paths.items() if p.startswith("/api/v1/deliberation")
    } == PATHS
