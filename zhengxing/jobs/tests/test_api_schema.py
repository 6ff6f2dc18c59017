"""The jobs' part of the OpenAPI document: every path and method, each with its errors
documented, a job's id a UUID."""

from __future__ import annotations

from typing import Any

PATHS = {
    "/api/v1/jobs": {"get", "post"},
    "/api/v1/jobs/roster-import": {"post"},
    "/api/v1/jobs/{job_id}": {"get"},
    "/api/v1/jobs/{job_id}/cancel": {"post"},
    "/api/v1/jobs/{job_id}/file": {"get"},
}


def test_the_jobs_paths_and_their_errors(schema: dict[str, Any]) -> None:
    jobs = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/v1/jobs")}
    assert {p: set(ops) for p, ops in jobs.items()} == PATHS
    for path, ops in jobs.items():
        for method, op in ops.items():
            codes = set(op["responses"])
            assert codes & {"200", "202"} and {"401", "422"} <= codes, (method, path)
            assert op["security"], (method, path)
            if method == "post":
                assert {"400", "403"} <= codes, (method, path)
            for parameter in op.get("parameters", []):
                if parameter["in"] == "path":
                    assert parameter["schema"]["format"] == "uuid"
                    assert "404" in codes
