"""An inflow organisation's record kept up to date (its name, kind, city and contact change):
outside the system an external party with a contact, never a login.

依托商会、驻外办事处等成立流动党员党组织和临时党组织 (article 002)"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from zhengxing.audit.services import audit_record
from zhengxing.core import pii
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.selectors import scope_for_actor

from ..models import InflowOrg
from ..rules import CITY_MAX, check_phone


@transaction.atomic
def inflow_org_update(
    *,
    actor: Actor,
    inflow: InflowOrg,
    name: str,
    kind: str,
    city: str,
    contact_name: str,
    contact_phone: str = "",
) -> InflowOrg:
    """An inflow organisation's name, kind, city and contact changed by its county (an empty
    phone keeps the one on file); the agreements under it stay as signed."""
    inflow = InflowOrg.objects.select_for_update().get(pk=inflow.pk)
    scope = scope_for_actor(actor)
    require(scope.everything or inflow.county_id in scope.county_ids())
    name = clean_text(name, label="流入地党组织名称", limit=200)
    city = clean_text(city, label="所在城市", limit=CITY_MAX)
    contact_name = clean_text(contact_name, label="联系人", limit=50)
    if kind not in InflowOrg.Kind.values:
        raise ServiceError("请选择流入地党组织类型")
    before = {"name": inflow.name, "kind": inflow.kind, "city": inflow.city}
    inflow.name, inflow.kind, inflow.city, inflow.contact_name = name, kind, city, contact_name
    if (contact_phone or "").strip():
        inflow.contact_phone_enc = pii.encrypt(check_phone(contact_phone))
    try:
        with transaction.atomic():
            inflow.save()
    except IntegrityError:
        raise ServiceError(f"流入地党组织“{name}”已经登记", code="duplicate") from None
    audit_record(
        actor=actor,
        action="mobility.inflow.update",
        object_type="inflow_org",
        object_id=inflow.pk,
        county_id=inflow.county_id,
        summary=f"修改流入地党组织“{name}”（{city}）",
        before=before,
        after={"name": name, "kind": kind, "city": city},
    )
    return inflow
