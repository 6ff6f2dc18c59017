"""The mobile members' part of the OpenAPI document: every path and method, each with its errors
documented; only the public's report is open without a login."""

from __future__ import annotations

from typing import Any

PATHS = {
    "/api/v1/mobile/reports": {"post"},
    "/api/v1/mobile/members": {"get"},
    "/api/v1/mobile/members/{member_id}/reports": {"get"},
    "/api/v1/mobile/members/{member_id}/codes": {"post"},
    "/api/v1/mobile/inflow-orgs": {"get", "post"},
    "/api/v1/mobile/agreements": {"get", "post"},
    "/api/v1/mobile/agreements/{agreement_id}/reconciliations": {"post"},
    "/api/v1/mobile/reconciliations/{recon_id}": {"get"},
    "/api/v1/mobile/reconciliations/{recon_id}/close": {"post"},
    "/api/v1/mobile/differences/{difference_id}/resolve": {"post"},
    # the pairing and the three ledgers (api_pairing.py)
    "/api/v1/mobile/pairings": {"get", "post"},
    "/api/v1/mobile/pairings/{pairing_id}/end": {"post"},
    "/api/v1/mobile/pairings/{pairing_id}/contacts": {"get"},
    "/api/v1/mobile/contacts": {"post"},
    "/api/v1/mobile/duty/{org_id}": {"get"},
    "/api/v1/mobile/contact-reports/{org_id}/{year}/{half}": {"get"},
    "/api/v1/mobile/contact-reports/{org_id}/{year}/{half}/sign": {"post"},
    "/api/v1/mobile/ledgers/{org_id}": {"get"},
    # "5" and "6" (api_life.py)
    "/api/v1/mobile/inflow-orgs/{inflow_id}": {"put"},
    "/api/v1/mobile/elsewhere": {"post"},
    "/api/v1/mobile/meetings/{meeting_id}/guests": {"post"},
    "/api/v1/mobile/airing": {"get"},
    "/api/v1/mobile/lost/due": {"get"},
    "/api/v1/mobile/lost/flag": {"post"},
    "/api/v1/mobile/lost": {"get"},
    "/api/v1/mobile/lost/{case_id}/steps": {"post"},
    "/api/v1/mobile/lost/{case_id}/reason": {"post"},
    "/api/v1/mobile/lost/{case_id}/close": {"post"},
    "/api/v1/mobile/members/{member_id}/transfer": {"post"},
    "/api/v1/mobile/transfers": {"get"},
    "/api/v1/mobile/transfers/{transfer_id}/receive": {"post"},
    # the joint file and the agreement's new version (api_file.py)
    "/api/v1/mobile/members/{member_id}/file": {"get"},
    "/api/v1/mobile/agreements/{agreement_id}": {"put", "patch"},
    # members arriving from counties outside the system (api_arrivals.py)
    "/api/v1/mobile/arrivals": {"get", "post"},
}


def test_the_mobile_paths_and_their_errors(schema: dict[str, Any]) -> None:
    mobile = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/v1/mobile")}
    assert {p: set(ops) for p, ops in mobile.items()} == PATHS
    for path, ops in mobile.items():
        for method, op in ops.items():
            codes = set(op["responses"])
            assert codes & {"200", "201"} and "422" in codes, (method, path)
            if path == "/api/v1/mobile/reports":
                assert not op.get("security") and {"400", "404", "429"} <= codes
                continue
            assert op["security"] and "401" in codes, (method, path)
            if method in {"post", "put", "patch"}:
                assert {"400", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
