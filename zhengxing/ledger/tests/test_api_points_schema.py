"""The ledger's part of the OpenAPI document: every path is there, and every response an endpoint
can give is described, so a schema-driven fuzzer (schemathesis) finds nothing undocumented."""

from __future__ import annotations

from typing import Any

PREFIX = "/api/v1/points"
PATHS = {
    "/presets": {"get"},
    "/catalogues": {"get", "post"},
    "/catalogues/{catalogue_id}": {"get"},
    "/catalogues/{catalogue_id}/revise": {"post"},
    "/evidence": {"post"},
    "/claims": {"get", "post"},
    "/claims/batch": {"post"},
    "/claims/review-batch": {"post"},
    "/claims/approve-all": {"post"},
    "/claims/{claim_id}": {"get"},
    "/claims/{claim_id}/review": {"post"},
    "/public-reports": {"post"},
    "/public-reports/spam": {"post"},
    "/deductions": {"post"},
    "/branches/{branch_id}/base-points": {"post"},
    "/branches/{branch_id}/quarters/{year}/{quarter}/sign-off": {"post"},
    "/branches/{branch_id}/quarters/{year}/{quarter}/table": {"get"},
    "/branches/{branch_id}/entries": {"get"},
    "/entries/{entry_id}/reverse": {"post"},
    "/members/{member_id}/totals": {"get"},
    "/members/{member_id}/entries": {"get"},
    "/notices/{slug}": {"get"},
    "/notices/{slug}/check": {"get"},
    "/notices/{slug}/objections": {"post"},
    "/objections": {"get"},
    "/objections/{objection_id}/answer": {"post"},
    "/members/{member_id}/points": {"get"},
    "/me/points": {"get"},
    "/branches/{branch_id}/year-table": {"get"},
    "/townships/{org_id}/book": {"get"},
    "/county": {"get"},
    "/rankings": {"get"},
    "/low": {"get"},
    "/members/{member_id}/talks": {"get", "post"},
}
# Open to anyone: no login; the writes are throttled per address instead.
PUBLIC = {
    "/public-reports",
    "/notices/{slug}",
    "/notices/{slug}/check",
    "/notices/{slug}/objections",
}


def ledger_operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path.removeprefix(PREFIX), method, op)
        for path, ops in schema["paths"].items()
        if path.startswith(PREFIX + "/")
        for method, op in ops.items()
    ]


def test_the_schema_lists_every_ledger_path_and_method(schema: dict[str, Any]) -> None:
    found: dict[str, set[str]] = {}
    for path, method, _ in ledger_operations(schema):
        found.setdefault(path, set()).add(method)

    assert found == PATHS


def test_every_ledger_operation_documents_its_errors(schema: dict[str, Any]) -> None:
    for path, method, op in ledger_operations(schema):
        codes = set(op["responses"])
        assert codes & {"200", "201"}, (method, path)
        assert "422" in codes, (method, path)
        if path in PUBLIC:
            assert not op.get("security"), (method, path)
            assert "401" not in codes, (method, path)
            assert "429" in codes or method == "get", (method, path)
        else:
            assert "401" in codes and op["security"], (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        if method == "post":
            assert "400" in codes, (method, path)
            assert "403" in codes or path in PUBLIC, (method, path)
        for code, response in op["responses"].items():
            assert response["content"]["application/json"]["schema"], (method, path, code)


def test_a_replayed_write_documents_both_200_and_201(schema: dict[str, Any]) -> None:
    for path in ("/claims", "/claims/batch", "/notices/{slug}/objections"):
        codes = set(schema["paths"][PREFIX + path]["post"]["responses"])
        assert {"200", "201"} <= codes, path


def test_every_ledger_path_parameter_is_declared_and_bounded(schema: dict[str, Any]) -> None:
    for path, method, op in ledger_operations(schema):
        declared = {p["name"]: p["schema"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert set(declared) == {part[1:-1] for part in path.split("/") if part.startswith("{")}
        for name, bounds in declared.items():
            if bounds["type"] == "string":  # a notice's slug
                assert bounds["pattern"] and bounds["maxLength"] <= 32, (method, path, name)
                continue
            assert bounds["minimum"] >= 1, (method, path, name)
            assert bounds["maximum"] <= 2**63 - 1, (method, path, name)
