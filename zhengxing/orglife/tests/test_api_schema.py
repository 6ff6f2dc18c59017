"""Organisation life's part of the OpenAPI document: every path and method. Its errors and path
parameters are checked with the rest of the API's in orgs/tests/test_api_schema.py."""

from __future__ import annotations

from typing import Any

PATHS = {
    "/api/v1/life/branches/{branch_id}/meetings": {"get"},
    "/api/v1/life/branches/{branch_id}/theme-day": {"get"},
    "/api/v1/life/meetings": {"post"},
    "/api/v1/life/meetings/{meeting_id}": {"get"},
    "/api/v1/life/meetings/{meeting_id}/code": {"get"},
    "/api/v1/life/sign-in": {"post"},
    "/api/v1/life/meetings/{meeting_id}/tick": {"post"},
    "/api/v1/life/meetings/{meeting_id}/excuse": {"post"},
    "/api/v1/life/meetings/{meeting_id}/close": {"post"},
    "/api/v1/life/meetings/{meeting_id}/photos": {"post"},
    "/api/v1/life/meetings/{meeting_id}/photos/{photo_id}": {"get", "delete"},
    "/api/v1/life/orgs/{org_id}/meeting-record": {"get"},
    "/api/v1/life/rules": {"get"},
    "/api/v1/life/rules/{activity}": {"put"},
    "/api/v1/life/courses": {"get", "post"},
    "/api/v1/life/courses/{course_id}/pick": {"post"},
    "/api/v1/life/lessons/mine": {"get"},
    "/api/v1/life/lessons/{lesson_id}/report": {"post"},
    "/api/v1/life/branches/{branch_id}/lessons/to-confirm": {"get"},
    "/api/v1/life/branches/{branch_id}/lessons/confirm": {"post"},
    "/api/v1/life/branches/{branch_id}/lessons/deliver": {"post"},
    "/api/v1/life/branches/{branch_id}/learning-hours": {"get"},
    "/api/v1/life/orgs/{org_id}/learning-hours": {"get"},
    "/api/v1/life/commitments/mine": {"get"},
    "/api/v1/life/commitments": {"post"},
    "/api/v1/life/branches/{branch_id}/commitments": {"get"},
    "/api/v1/life/commitments/{commitment_id}/decide": {"post"},
    "/api/v1/life/commitments/{commitment_id}/progress": {"post"},
    "/api/v1/life/commitments/{commitment_id}/review": {"post"},
    "/api/v1/life/public/commitments/{ref}": {"get"},
    "/api/v1/life/branches/{branch_id}/chances": {"get", "post"},
    "/api/v1/life/chances/{chance_id}": {"get"},
    "/api/v1/life/chances/{chance_id}/sign-up": {"post"},
    "/api/v1/life/chances/{chance_id}/record": {"post"},
    "/api/v1/life/branches/{branch_id}/appraisal": {"get", "post"},
    "/api/v1/life/branches/{branch_id}/appraisal/vote": {"post"},
    "/api/v1/life/branches/{branch_id}/appraisal/post": {"post"},
    "/api/v1/life/branches/{branch_id}/appraisal/follow-ups": {"get"},
    "/api/v1/life/appraisal-policy": {"get", "put"},
    "/api/v1/life/follow-ups/{step_id}/record": {"post"},
    "/api/v1/life/orgs/{org_id}/follow-ups/overdue": {"get"},
    "/api/v1/life/shop/balance": {"get"},
    "/api/v1/life/shop/branches/{branch_id}/items": {"get", "post"},
    "/api/v1/life/shop/items/{item_id}/restock": {"post"},
    "/api/v1/life/shop/items/{item_id}/redeem": {"post"},
    "/api/v1/life/shop/branches/{branch_id}/report": {"get"},
}


def test_the_schema_lists_every_organisation_life_path_and_method(schema: dict[str, Any]) -> None:
    found = {p: set(ops) for p, ops in schema["paths"].items() if p.startswith("/api/v1/life/")}
    assert found == PATHS
