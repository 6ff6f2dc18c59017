"""Contests' part of the OpenAPI document: every path and method. Its errors and path parameters
are checked with the rest of the API's in orgs/tests/test_api_schema.py (its public paths, under
`/api/v1/contests/public/`, open and throttled)."""

from __future__ import annotations

from typing import Any

PATHS = {
    "/api/v1/contests": {"get", "post"},
    "/api/v1/contests/figures": {"get"},
    "/api/v1/contests/{contest_id}/advance": {"post"},
    "/api/v1/contests/entries/{entry_id}": {"patch"},
    "/api/v1/contests/{contest_id}": {"get"},
    "/api/v1/contests/{contest_id}/entries": {"get", "post"},
    "/api/v1/contests/{contest_id}/judges": {"post"},
    "/api/v1/contests/{contest_id}/codes": {"post"},
    "/api/v1/contests/{contest_id}/flag": {"post"},
    "/api/v1/contests/{contest_id}/held": {"get"},
    "/api/v1/contests/{contest_id}/review": {"post"},
    "/api/v1/contests/entries/{entry_id}/scores": {"post"},
    "/api/v1/contests/{contest_id}/publish": {"post"},
    "/api/v1/contests/public/{ref}": {"get"},
    "/api/v1/contests/public/{ref}/votes": {"post"},
}


def test_the_schema_lists_every_path_and_method(schema: dict[str, Any]) -> None:
    paths = schema["paths"]
    assert {p: set(ops) for p, ops in paths.items() if p.startswith("/api/v1/contests")} == PATHS
