"""`roster_export`: the county's roster and tree as the user sees them, in the template's
layout, full ID numbers included (so it re-imports); for roles entitled to reveal them, and
logged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

from zhengxing.audit.services import audit_record
from zhengxing.core import pii
from zhengxing.core.actor import Actor

from .. import excel
from ..models import County, Member, Org
from ..roster import COLUMNS
from ..rules import ROLE_REVEALS_PII
from ..selectors import members_visible_to, orgs_visible_to, scope_for_actor
from ._common import BATCH

if TYPE_CHECKING:
    from django.contrib.auth.models import User


# --- export -------------------------------------------------------------------------------

EXPORT_DENIED = "花名册含完整的公民身份号码，只有旗县区、乡镇（街道）党委和党支部书记可以导出"


def roster_export(
    *, user_or_actor: User | Actor, county: County, out: IO[bytes] | str | Path
) -> int:
    """Write the county's roster and tree as the user sees them, in the template's layout, with
    full ID numbers and phones; the number of members written. Every exported member must be
    one the user may reveal, else PermissionDenied. Logged as "roster.export"."""
    if isinstance(user_or_actor, Actor):
        actor = user_or_actor
    else:
        actor = Actor.system("export-roster", user=user_or_actor)
    scope = scope_for_actor(actor)
    if actor.user is None:
        orgs, members = Org.objects.all(), Member.objects.all()
    else:
        orgs, members = orgs_visible_to(actor.user), members_visible_to(actor.user)
    orgs, members = orgs.filter(county=county), members.filter(county=county)
    if not scope.everything:
        revealing = any(
            g.role in ROLE_REVEALS_PII and g.county_id == county.pk for g in scope.grants
        )
        hidden = members.exclude(scope.reveal_q())
        if not revealing or hidden.exists():
            raise PermissionDenied(EXPORT_DENIED)

    tree = list(
        orgs.order_by("path").values_list(
            "pk",
            "parent_id",
            "code",
            "name",
            "kind",
            "category",
            "secretary_name",
            "contact_name",
            "contact_phone",
        )
    )
    codes = {row[0]: row[2] for row in tree}
    org_rows = [
        excel.org_row(
            {
                "code": code,
                "name": name,
                "kind": kind,
                "parent_code": codes.get(parent_id, ""),  # blank above the user's scope
                "category": category,
                "secretary_name": secretary,
                "contact_name": contact,
                "contact_phone": phone,
            }
        )
        for _, parent_id, code, name, kind, category, secretary, contact, phone in tree
    ]
    count = 0

    def member_rows() -> Iterator[list[Any]]:
        nonlocal count
        keys = [c.key for c in COLUMNS]
        fields = [
            {"id_card": "id_card_enc", "phone": "phone_enc"}.get(
                k, {"branch_code": "branch__code", "group_code": "group__code"}.get(k, k)
            )
            for k in keys
        ]
        decrypt = pii.decrypt
        id_at, phone_at = keys.index("id_card"), keys.index("phone")
        rows = members.order_by("branch__path", "name", "pk").values_list(*fields)
        for row in rows.iterator(chunk_size=BATCH):
            values = dict(zip(keys, row, strict=True))
            values["id_card"] = decrypt(row[id_at])
            values["phone"] = decrypt(row[phone_at])
            count += 1
            yield excel.member_row(values)

    excel.write_workbook(out, members=member_rows(), orgs=org_rows)
    audit_record(
        actor=actor,
        action="roster.export",
        object_type="county",
        object_id=county.pk,
        county_id=county.pk,
        summary=f"导出花名册：党员{count}人，组织{len(org_rows)}个",
        after={"members": count, "orgs": len(org_rows)},
    )
    return count
