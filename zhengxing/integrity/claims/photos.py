"""Photos reused: the same image, byte for byte, carried by different claims.

003: "上级党委要组织专人定期开展督导检查,对工作落实不力、弄虚作假、评选过程不公正和结果不及时公开
的情况给予通报" — last month's photo, or a neighbour's, sent again as the proof of a new
activity.

A photo is known by the SHA-256 of its bytes, read from the evidence file the claim names
(`ledger.forms.evidence_storage`), in chunks. Only files whose size another file shares are
read at all: two files of different sizes cannot be the same photo, so a county's photos cost
one `stat` each and the reading of the few that collide. The claims of one form share its file
(the committee's registration of twelve members with one photo of the twelve): one use. A photo
is reused when two forms carry it — two uploads of the same bytes, or one uploaded file named
again — and at least one of them is dated in the window; the earlier use may lie up to
HISTORY_QUARTERS before it. Hashes are not stored: the ledger's evidence has no column for
them, and a scan reads the files afresh (see the README for the cost)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

from django.core.exceptions import SuspiciousFileOperation

from zhengxing.ledger.forms import evidence_storage

from ..findings import Finding, Window
from .reads import Row, crediting, history_start

KIND = "claim_photo_reused"
CHUNK = 1 << 16


def _size(storage: Any, path: str) -> int | None:
    try:
        return int(storage.size(path))
    except (OSError, SuspiciousFileOperation):
        return None  # gone, or not a path of ours: nothing to compare


def file_digest(storage: Any, path: str) -> str | None:
    """The SHA-256 of a stored file, read in chunks; None if it cannot be read."""
    digest = hashlib.sha256()
    try:
        with storage.open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                digest.update(chunk)
    except (OSError, SuspiciousFileOperation):
        return None
    return digest.hexdigest()


def photo_digests(paths: set[str]) -> dict[str, str]:
    """The digest of each path that shares its size with another path."""
    storage = evidence_storage()
    by_size: dict[int, list[str]] = defaultdict(list)
    for path in sorted(paths):
        size = _size(storage, path)
        if size is not None:
            by_size[size].append(path)
    digests = {}
    for same in by_size.values():
        if len(same) > 1:
            for path in same:
                if (digest := file_digest(storage, path)) is not None:
                    digests[path] = digest
    return digests


def _short(photo: str) -> str:
    """A photo's name in a finding's subject: its digest's first 24 digits, or those of its
    file's path when its bytes were not read (no other file of its size)."""
    if photo.startswith("file:"):
        return "file-" + hashlib.sha256(photo.encode()).hexdigest()[:24]
    return photo[:24]


def find_photos(window: Window) -> list[Finding]:
    """Every photo two forms carry, one of them in the window. One query, then the files."""
    rows: list[Row] = list(
        crediting(window, since=history_start(window))
        .exclude(evidence="")
        .values(
            "id", "branch_id", "member_id", "member__name", "occurred_on", "evidence",
            "idempotency_key", "submitted_by_id", "item__name",
        )
        .order_by("id")
    )  # fmt: skip
    by_path: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_path[row["evidence"]].append(row)
    # a file of a size no other file has is one photo of its own (and reused if two forms
    # name it); the others are known by their bytes
    digests = photo_digests(set(by_path))
    same: dict[str, list[str]] = defaultdict(list)
    for path in by_path:
        same[digests.get(path) or "file:" + path].append(path)
    findings = []
    for photo, paths in sorted(same.items()):
        uses = sorted((r for p in paths for r in by_path[p]), key=lambda r: r["id"])
        forms = {(r["idempotency_key"], r["submitted_by_id"]) for r in uses}
        in_window = [r for r in uses if r["occurred_on"] >= window.since]
        if len(forms) < 2 or not in_window:
            continue
        members = sorted({r["member__name"] for r in uses})
        days = sorted({r["occurred_on"] for r in uses})
        latest = in_window[-1]
        findings.append(
            Finding(
                kind=KIND,
                org_id=latest["branch_id"],
                subject=f"photo:{_short(photo)}",
                summary=(
                    f"同一张照片用于{len(forms)}次申报（{len(uses)}条），涉及"
                    f"{len(members)}名党员、{len(days)}个日期：{'、'.join(members[:5])}"
                ),
                evidence={
                    "sha256": None if photo.startswith("file:") else photo,
                    "files": len(paths),
                    "forms": len(forms),
                    "members": len(members),
                    "days": [d.isoformat() for d in days],
                    "claims": [
                        {
                            "id": r["id"],
                            "branch_id": r["branch_id"],
                            "member": {"id": r["member_id"], "name": r["member__name"]},
                            "occurred_on": r["occurred_on"].isoformat(),
                            "item": r["item__name"],
                        }
                        for r in uses
                    ],
                },
            )
        )
    return findings
