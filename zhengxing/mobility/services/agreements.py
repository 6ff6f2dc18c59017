"""A co-management agreement changed (共管协议): who does what, from when. An agreement is what
both sides signed, and the quarters already reconciled were reconciled under it; so a signed
agreement is never edited in place. A change is a new version, signed again by both sides (the
outflow side's signer and the inflow side's, with the day the inflow side signed: neither is
carried over from the version it replaces), the earlier version kept as signed and marked
superseded; new reconciliations are opened under the version in force only. The audit row holds
the text before and after.

流出地党组织与流入地党组织签署共管协议 (article 002)"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.selectors import scope_for_actor

from ..models import Agreement

SUPERSEDED = "该共管协议已有新版本（第{version}版），请在最新版本上修改"


def _terms(a: Agreement) -> dict[str, object]:
    return {
        "version": a.version,
        "duties": a.duties,
        "starts_on": a.starts_on.isoformat(),
        "outflow_signer": a.outflow_signer,
        "inflow_signer": a.inflow_signer,
        "inflow_signed_on": a.inflow_signed_on.isoformat() if a.inflow_signed_on else None,
    }


@transaction.atomic
def agreement_amend(
    *,
    actor: Actor,
    agreement: Agreement,
    duties: str,
    starts_on: dt.date,
    outflow_signer: str,
    inflow_signer: str,
    inflow_signed_on: dt.date,
) -> Agreement:
    """A new version of the agreement with the duties and the first day changed, signed again
    by both sides; the version it replaces kept, marked superseded now. Refused, nothing
    written: a version already superseded (two edits racing: the row is locked, the second
    finds it superseded), a change that changes nothing, a missing signer, the inflow side's
    signature dated in the future or before the version it replaces was signed.

    流出地党组织与流入地党组织签署共管协议 (article 002)"""
    agreement = (
        Agreement.objects.select_for_update()
        .select_related("outflow", "inflow")
        .get(pk=agreement.pk)
    )
    require(scope_for_actor(actor).can_manage_org(agreement.outflow))
    if agreement.superseded_at is not None:
        latest = Agreement.objects.filter(
            outflow=agreement.outflow, inflow=agreement.inflow, superseded_at__isnull=True
        ).order_by("-version").first()  # fmt: skip
        raise ServiceError(
            SUPERSEDED.format(version=latest.version if latest else agreement.version + 1),
            code="conflict",
        )
    duties = clean_text(duties, label="双方职责", limit=2000)
    outflow_signer = clean_text(outflow_signer, label="流出地签字人", limit=50)
    inflow_signer = clean_text(inflow_signer, label="流入地签字人", limit=50)
    if duties == agreement.duties and starts_on == agreement.starts_on:
        raise ServiceError("协议的职责和生效日期都没有变化，无需重新签订")
    today = timezone.localdate(actor.now)
    if inflow_signed_on > today:
        raise ServiceError("流入地签字日期不能晚于今天")
    if inflow_signed_on < timezone.localdate(agreement.signed_at):
        raise ServiceError("流入地签字日期不能早于原协议的签订日期")
    before = _terms(agreement)
    agreement.superseded_at = actor.now
    agreement.save(update_fields=["superseded_at"])
    try:
        with transaction.atomic():
            found = Agreement.objects.create(
                county_id=agreement.county_id,
                outflow=agreement.outflow,
                inflow=agreement.inflow,
                duties=duties,
                starts_on=starts_on,
                outflow_signer=outflow_signer,
                inflow_signer=inflow_signer,
                signed_at=actor.now,
                inflow_signed_on=inflow_signed_on,
                version=agreement.version + 1,
                supersedes=agreement,
            )
    except IntegrityError:
        raise ServiceError("双方自该日起的共管协议已经签订", code="duplicate") from None
    audit_record(
        actor=actor,
        action="mobility.agreement.amend",
        object_type="agreement",
        object_id=found.pk,
        county_id=found.county_id,
        summary=f"{agreement.outflow.name} 与 {agreement.inflow.name} 重新签订共管协议"
        f"（第{found.version}版，{starts_on:%Y-%m-%d}起）"[:300],
        before=before,
        after=_terms(found),
    )
    return found
