"""The grid's part of the OpenAPI document: every path and method, and every response each can
give (the resident's operations: no login, 429 when one address sends too much)."""

from __future__ import annotations

from typing import Any

PATHS = {
    "/api/v1/grid/grids": {"get"},
    "/api/v1/grid/grids/{grid_id}": {"get"},
    "/api/v1/grid/grids/{grid_id}/households": {"post"},
    "/api/v1/grid/households/{household_id}": {"get"},
    "/api/v1/grid/households/{household_id}/residents": {"post"},
    "/api/v1/grid/households/{household_id}/needs": {"post"},
    "/api/v1/grid/needs": {"get"},
    "/api/v1/grid/needs/{need_id}/move": {"post"},
    "/api/v1/grid/needs/{need_id}/photos": {"post"},
    "/api/v1/grid/needs/{need_id}/photos/{photo_id}": {"get", "delete"},
    "/api/v1/grid/sheets/households": {"get"},
    "/api/v1/grid/sheets/households/import": {"post"},
    "/api/v1/grid/public/households/{ref}/needs": {"post"},
    "/api/v1/grid/public/needs/{ref}": {"get"},
    "/api/v1/grid/public/needs/{ref}/rating": {"post"},
    "/api/v1/grid/campaigns": {"get", "post"},
    "/api/v1/grid/campaigns/{campaign_id}/coverage": {"get"},
    "/api/v1/grid/campaigns/{campaign_id}/grids/{grid_id}/households": {"get"},
    "/api/v1/grid/campaigns/{campaign_id}/visits": {"post"},
}


def grid_paths(schema: dict[str, Any]) -> dict[str, Any]:
    return {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/v1/grid/")}


def test_the_schema_lists_every_grid_path_and_method(schema: dict[str, Any]) -> None:
    assert {path: set(ops) for path, ops in grid_paths(schema).items()} == PATHS


def test_every_grid_operation_documents_its_errors(schema: dict[str, Any]) -> None:
    for path, ops in grid_paths(schema).items():
        for method, op in ops.items():
            codes = set(op["responses"])
            assert codes & {"200", "201", "202", "204"} and "422" in codes, (method, path)
            if path.startswith("/api/v1/grid/public/"):
                assert "401" not in codes and not op.get("security"), (method, path)
                assert "429" in codes or method == "get", (method, path)
                continue
            assert "401" in codes and op["security"], (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method != "get":
                assert {"400", "403"} <= codes, (method, path)
