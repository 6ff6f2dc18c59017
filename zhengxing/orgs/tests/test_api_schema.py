"""The OpenAPI document: it loads, lists every endpoint, and describes every response an endpoint
can give, so a schema-driven fuzzer (schemathesis) finds nothing undocumented."""

from __future__ import annotations

import json
import re
from typing import Any

from zhengxing.core.errors import ERROR_CODES

PATHS = {
    "/api/v1/auth/token": {"post"},
    "/api/v1/me": {"get"},
    "/api/v1/orgs": {"get", "post"},
    "/api/v1/orgs/{org_id}": {"get", "patch"},
    "/api/v1/orgs/{org_id}/move": {"post"},
    "/api/v1/orgs/{org_id}/children": {"get"},
    "/api/v1/members": {"get", "post"},
    "/api/v1/members/{member_id}": {"get", "put"},
    "/api/v1/members/{member_id}/transfer": {"post"},
    "/api/v1/members/{member_id}/status": {"post"},
    "/api/v1/members/{member_id}/reveal": {"post"},
    "/api/v1/auth/reauth": {"post"},
    "/api/v1/auth/token/revoke": {"post"},
    "/api/v1/auth/tokens/revoke": {"post"},
}


# open to anyone (and throttled where they write)
PUBLIC = (
    "/api/v1/life/public/",
    "/api/v1/contests/public/",
    "/api/v1/deliberation/public/",
    "/api/v1/dutyreports/public/",
    "/api/v1/integrity/public/",
)


def orgs_paths(schema: dict[str, Any]) -> dict[str, Any]:
    """This app's part of the schema; the ledger's (/api/v1/points), the stars'
    (/api/v1/stars), the jobs' (/api/v1/jobs), the mobile members' (/api/v1/mobile) and the
    grid's (/api/v1/grid) are checked in their own tests."""
    listed_elsewhere = (
        "/api/v1/life",
        "/api/v1/contests",
        "/api/v1/deliberation",
        "/api/v1/dutyreports",
        "/api/v1/integrity",
        "/api/v1/targets",
    )
    return {p: ops for p, ops in checked_here(schema).items() if not p.startswith(listed_elsewhere)}


def checked_here(schema: dict[str, Any]) -> dict[str, Any]:
    """The paths whose errors and parameters the tests below check: this app's and organisation
    life's (/api/v1/life), the contests' (/api/v1/contests), the five-person group's
    (/api/v1/deliberation), the secretaries' review's (/api/v1/dutyreports) and the
    integrity's (/api/v1/integrity), their paths listed in their apps' tests/test_api_schema.py."""
    others = ("/api/v1/points", "/api/v1/stars", "/api/v1/jobs", "/api/v1/mobile", "/api/v1/grid")
    return {p: ops for p, ops in schema["paths"].items() if not p.startswith(others)}


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, ops in checked_here(schema).items()
        for method, op in ops.items()
    ]


def test_the_schema_lists_every_path_and_method(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.")
    assert {path: set(ops) for path, ops in orgs_paths(schema).items()} == PATHS


def test_every_operation_documents_its_errors(schema: dict[str, Any]) -> None:
    for path, method, op in operations(schema):
        codes = set(op["responses"])
        assert codes & {"200", "201", "204"}, (method, path)
        assert "422" in codes, (method, path)
        if path.startswith(PUBLIC):  # no login: public boards, votes, objections
            assert "401" not in codes and not op.get("security"), (method, path)
        elif path != "/api/v1/auth/token":
            assert "401" in codes, (method, path)
            assert op["security"], (method, path)
        ids = [
            p
            for p in op.get("parameters", [])
            if p["in"] == "path" and p["schema"]["type"] == "integer"
        ]
        if ids:  # an object looked up by its id may not exist
            assert "404" in codes, (method, path)
        if method != "get" and not path.startswith("/api/v1/auth/"):
            assert "400" in codes or path.endswith("/reveal"), (method, path)
            # a public write (a vote, an objection) has nobody to refuse: no 403
            assert "403" in codes or path.endswith("/reveal") or path.startswith(PUBLIC), path
        for code, response in op["responses"].items():
            if code == "204":  # no content
                continue
            content = response["content"]
            if "application/json" not in content:  # a file (a photo): its types, as binary
                assert all(c["schema"]["format"] == "binary" for c in content.values()), path
                continue
            assert content["application/json"]["schema"], (method, path, code)


def test_every_path_parameter_is_declared_and_bounded(schema: dict[str, Any]) -> None:
    for path, method, op in operations(schema):
        declared = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "path"}
        assert set(declared) == set(re.findall(r"\{(\w+)\}", path)), (method, path)
        for parameter in declared.values():
            bounds = parameter["schema"]
            if bounds["type"] == "integer":  # an id (from 1), or a year (2000–2100)
                assert bounds["minimum"] in (1, 2000), (method, path)
                assert bounds["maximum"] <= 2**63 - 1, (method, path)
            else:  # a slug or a kind
                assert bounds["maxLength"] <= 64 and bounds["pattern"], (method, path)


def test_every_reference_resolves(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if "$ref" in node else []
            return found + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for value in node for r in refs(value)]
        return []

    for ref in refs(schema):
        assert ref.startswith("#/components/schemas/")
        assert ref.removeprefix("#/components/schemas/") in components, ref


def test_every_error_documents_its_stable_code(schema: dict[str, Any]) -> None:
    """Clients branch on `code`, never on the Chinese wording: the schema says so, and lists
    the codes."""
    components = schema["components"]["schemas"]
    error = components["Error"]
    assert {"detail", "code"} <= set(error["required"])
    assert set(error["properties"]["code"]["enum"]) == set(ERROR_CODES)
    assert {"quarter_closed", "out_of_scope", "invalid"} <= set(ERROR_CODES)
    assert "code" in components["ValidationErrorOut"]["required"]


def test_the_document_has_no_key_twice(db: None) -> None:
    """Swagger UI (`/api/v1/docs`) refuses a document with a key twice ("duplicated mapping
    key"), which Python's json reads silently: a response code given as the number 200 by the
    router and as the text "200" by an operation's `openapi_extra` was one such."""
    from django.test import Client

    twice: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in items]
        twice.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(items)

    json.loads(Client().get("/api/v1/openapi.json").content, object_pairs_hook=pairs)
    assert twice == []
