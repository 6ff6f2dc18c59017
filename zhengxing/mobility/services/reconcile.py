"""The "2" of Chifeng's "12345": outflow and inflow organisations, their co-management agreement,
and the quarterly reconciliation of the two sides' lists, computed in the database.

“2”即“流入地、流出地按季度对账核查基础台账、共同建立流动党员档案分别归并” (article 002)
流出地党组织与流入地党组织签署共管协议，依托商会、驻外办事处等成立流动党员党组织和临时党组织
(article 002)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from zhengxing.audit.services import audit_event, audit_record, audit_record_many
from zhengxing.core import pii
from zhengxing.core.actor import Actor
from zhengxing.core.bulk import Rows, bulk_insert
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.ledger.rules import Quarter
from zhengxing.orgs import idcard
from zhengxing.orgs.models import Org, subtree_q
from zhengxing.orgs.rules import MemberStatus
from zhengxing.orgs.selectors import scope_for_actor

from ..models import (
    Agreement,
    Difference,
    InflowOrg,
    InflowRow,
    Reconciliation,
    ReconciliationClose,
    Whereabouts,
)
from ..rules import ADDRESS_MAX, CITY_MAX, EMPLOYER_MAX, check_phone

MAX_ROWS = 20000
SUPERSEDED = "该共管协议已被新版本取代，请在新版本下对账"
OUTCOME_MAX = 300


@transaction.atomic
def inflow_org_create(
    *,
    actor: Actor,
    county_id: int,
    name: str,
    kind: str,
    city: str,
    contact_name: str,
    contact_phone: str,
    org: Org | None = None,
) -> InflowOrg:
    """An inflow organisation: outside the system, an external party with a contact (never a
    login); inside, the tree's mobile members' organisation it stands for.

    依托商会、驻外办事处等成立流动党员党组织和临时党组织，在流动党员较多的工业园区、商贸楼宇等地成立
    联合党组织 (article 002)"""
    scope = scope_for_actor(actor)
    require(scope.everything or county_id in scope.county_ids())
    name = clean_text(name, label="流入地党组织名称", limit=200)
    city = clean_text(city, label="所在城市", limit=CITY_MAX)
    contact_name = clean_text(contact_name, label="联系人", limit=50)
    phone = check_phone(contact_phone)
    if kind not in InflowOrg.Kind.values:
        raise ServiceError("请选择流入地党组织类型")
    if org is not None:
        require(scope.can_see_org(org))
        if org.county_id != county_id or org.kind != "mobile":
            raise ServiceError(f"“{org.name}”不是本旗县区的流动党员党组织")
    if InflowOrg.objects.filter(county_id=county_id, name=name).exists():
        raise ServiceError(f"流入地党组织“{name}”已经登记", code="duplicate")
    found = InflowOrg.objects.create(
        county_id=county_id,
        name=name,
        kind=kind,
        city=city,
        contact_name=contact_name,
        contact_phone_enc=pii.encrypt(phone),
        org=org,
        created_at=actor.now,
    )
    audit_record(
        actor=actor,
        action="mobility.inflow.create",
        object_type="inflow_org",
        object_id=found.pk,
        county_id=county_id,
        summary=f"登记流入地党组织“{name}”（{city}）",
    )
    return found


@transaction.atomic
def agreement_sign(
    *,
    actor: Actor,
    outflow: Org,
    inflow: InflowOrg,
    duties: str,
    starts_on: dt.date,
    outflow_signer: str,
    inflow_signer: str,
    inflow_signed_on: dt.date | None = None,
) -> Agreement:
    """The co-management agreement of the outflow organisation (where membership is held) and
    the inflow organisation: who does what, from when, signed by both. The inflow side is an
    external party without a login: the outflow secretary records its signer's name and the
    day they signed (`inflow_signed_on`, today unless given; never a future day).

    流出地党组织与流入地党组织签署共管协议 (article 002)"""
    require(scope_for_actor(actor).can_manage_org(outflow))
    if inflow.county_id != outflow.county_id:
        raise ServiceError("流入地党组织不属于本旗县区的登记")
    duties = clean_text(duties, label="双方职责", limit=2000)
    outflow_signer = clean_text(outflow_signer, label="流出地签字人", limit=50)
    inflow_signer = clean_text(inflow_signer, label="流入地签字人", limit=50)
    today = timezone.localdate(actor.now)
    inflow_signed_on = inflow_signed_on or today
    if inflow_signed_on > today:
        raise ServiceError("流入地签字日期不能晚于今天")
    try:
        with transaction.atomic():
            found = Agreement.objects.create(
                county_id=outflow.county_id,
                outflow=outflow,
                inflow=inflow,
                duties=duties,
                starts_on=starts_on,
                outflow_signer=outflow_signer,
                inflow_signer=inflow_signer,
                signed_at=actor.now,
                inflow_signed_on=inflow_signed_on,
            )
    except IntegrityError:
        raise ServiceError("双方自该日起的共管协议已经签订", code="duplicate") from None
    audit_record(
        actor=actor,
        action="mobility.agreement.sign",
        object_type="agreement",
        object_id=found.pk,
        county_id=found.county_id,
        summary=f"{outflow.name} 与 {inflow.name} 签订共管协议（{starts_on:%Y-%m-%d}起）",
    )
    return found


def _bounds(quarter: Quarter) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(quarter.first_day, dt.time.min, tzinfo=tz)
    return start, dt.datetime.combine(quarter.next().first_day, dt.time.min, tzinfo=tz)


def our_list(agreement: Agreement) -> QuerySet[Whereabouts]:
    """The outflow side's list under an agreement: the current reports (each member's latest)
    that put members of the outflow subtree, mobile on the roster, in the inflow
    organisation's city — an index range on (county, city) of the current reports."""
    return Whereabouts.objects.filter(
        subtree_q(agreement.outflow.path, "member__branch__"),
        county_id=agreement.county_id,
        current=True,
        city=agreement.inflow.city,
        member__status=MemberStatus.MOBILE,
    )


def _row_values(raw: Mapping[str, Any], at: int) -> dict[str, Any]:
    where = f"第{at}行："
    try:
        name = clean_text(raw.get("name"), label="姓名", limit=50)
        number = idcard.validate(str(raw.get("id_card") or ""))
        address = clean_text(raw.get("address"), label="地址", limit=ADDRESS_MAX, required=False)
        employer = clean_text(
            raw.get("employer"), label="工作单位", limit=EMPLOYER_MAX, required=False
        )
    except ValueError as e:  # ServiceError, or the ID number's IdCardError
        raise ServiceError(where + str(e)) from None
    return {
        "name": name,
        "id_card_hash": pii.blind_index(number),
        "address": address,
        "employer": employer,
        "last_contact_on": raw.get("last_contact_on"),
        "returned": bool(raw.get("returned")),
    }


def _differences(recon: Reconciliation, quarter: Quarter) -> list[tuple[str, int | None, str, str]]:
    """The differences of the two lists, each kind one set-based query: the outflow list joined
    to the inflow side's rows on the ID number's keyed hash, nothing called per row."""
    rows = InflowRow.objects.filter(reconciliation=recon)
    row = rows.filter(id_card_hash=OuterRef("member__id_card_hash"))
    start, end = _bounds(quarter)
    ours = our_list(recon.agreement).annotate(
        there=Exists(row),
        r_address=Subquery(row.values("address")[:1]),
        r_employer=Subquery(row.values("employer")[:1]),
        r_returned=Subquery(row.values("returned")[:1]),
        heard_here=Exists(
            Whereabouts.objects.filter(
                member=OuterRef("member_id"), reported_at__gte=start, reported_at__lt=end
            )
        ),
        heard_there=Exists(
            row.filter(
                last_contact_on__gte=quarter.first_day, last_contact_on__lte=quarter.last_day
            )
        ),
    )
    # each member's flags, computed in the query; read once, sorted into kinds here
    flags = ours.annotate(
        same=Case(
            When(Q(r_address=F("address")) & Q(r_employer=F("employer")), then=Value(True)),
            default=Value(False),
        )
    ).values_list(
        "member_id",
        "member__name",
        "there",
        "r_returned",
        "same",
        "heard_here",
        "heard_there",
        "r_address",
        "r_employer",
    )
    kind = Difference.Kind
    found: list[tuple[str, int | None, str, str]] = []
    for pk, name, there, returned, same, heard_here, heard_there, addr, emp in flags:
        if not there:
            found.append((kind.UNKNOWN_THERE, pk, name, ""))
        elif returned:
            found.append((kind.RETURNED, pk, name, ""))
        elif not same:
            found.append((kind.ADDRESS, pk, name, f"对方：{addr} {emp}"[:300]))
        if not heard_here and not heard_there:
            found.append((kind.NOT_HEARD, pk, name, ""))
    for name in rows.exclude(id_card_hash__in=ours.values("member__id_card_hash")).values_list(
        "name", flat=True
    ):
        found.append((kind.UNKNOWN_HERE, None, name, ""))
    return found


def _insert(model: Any, lines: list[tuple[Reconciliation, dict[str, Any]]]) -> None:
    """Plain INSERTs of reconciliations' rows, one statement for all of them (`core.bulk.Rows`):
    no instance built per row."""
    sql = Rows(model, model(), with_pk=False)
    county, recon = sql.index["county_id"], sql.index["reconciliation_id"]
    out = []
    for owner, row in lines:
        line = sql.template.copy()
        line[county], line[recon] = owner.county_id, owner.pk
        for key, value in row.items():
            line[sql.index[key]] = value
        out.append(line)
    sql.insert(out)


def _checked(
    *,
    actor: Actor,
    scope: Any,
    agreement: Agreement,
    quarter: Quarter,
    rows: Iterable[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """One agreement's quarter and inflow list checked, before anything is written."""
    require(scope.can_manage_org(agreement.outflow))
    if agreement.superseded_at is not None:
        raise ServiceError(SUPERSEDED)
    if quarter.last_day < agreement.starts_on:
        raise ServiceError("该季度早于共管协议的生效日期")
    if quarter.first_day > timezone.localdate(actor.now):
        raise ServiceError(f"{quarter.label}尚未开始，不能对账")
    values = [_row_values(raw, at) for at, raw in enumerate(rows, start=1)]
    if len(values) > MAX_ROWS:
        raise ServiceError(f"流入地名单一次最多{MAX_ROWS}行")
    hashes = [v["id_card_hash"] for v in values]
    if len(set(hashes)) != len(hashes):
        raise ServiceError("流入地名单中同一公民身份号码出现了两次")
    return values


def _open(
    *, actor: Actor, quarter: Quarter, lists: list[tuple[Agreement, list[dict[str, Any]]]]
) -> list[Reconciliation]:
    """The checked lists' reconciliations written together: one insert of the reconciliations,
    one of all the inflow rows, the differences computed in the database, one insert of them
    and one of the audit rows. The agreements are locked first, and one replaced by a newer
    version meanwhile (`agreement_amend`, which locks it too) refuses them all."""
    locked = Agreement.objects.select_for_update().filter(pk__in=[a.pk for a, _v in lists])
    if any(at is not None for at in locked.values_list("superseded_at", flat=True)):
        raise ServiceError(SUPERSEDED)
    recons = [
        Reconciliation(
            county_id=agreement.county_id,
            agreement=agreement,
            year=quarter.year,
            quarter=quarter.number,
            opened_at=actor.now,
        )
        for agreement, _values in lists
    ]
    try:
        with transaction.atomic():
            bulk_insert(Reconciliation, recons)
    except IntegrityError:
        raise ServiceError(f"{quarter.label}的对账已经开始", code="duplicate") from None
    _insert(
        InflowRow,
        [(recon, v) for recon, (_a, values) in zip(recons, lists, strict=True) for v in values],
    )
    found = [_differences(recon, quarter) for recon in recons]
    _insert(
        Difference,
        [
            (recon, {"kind": k, "member_id": pk, "name": name, "detail": detail})
            for recon, differences in zip(recons, found, strict=True)
            for k, pk, name, detail in differences
        ],
    )
    audit_record_many(
        audit_event(
            actor=actor,
            action="mobility.reconciliation.open",
            object_type="reconciliation",
            object_id=recon.pk,
            county_id=recon.county_id,
            summary=f"{quarter.label}对账：流入地名单{len(values)}人，差异{len(differences)}处",
            after={"rows": len(values), "differences": len(differences)},
        )
        for recon, (_a, values), differences in zip(recons, lists, found, strict=True)
    )
    return recons


@transaction.atomic
def reconciliation_open(
    *,
    actor: Actor,
    agreement: Agreement,
    quarter: Quarter,
    rows: Iterable[Mapping[str, Any]],
) -> Reconciliation:
    """The quarter's reconciliation under an agreement: the inflow side's list (name, ID
    number, address, employer, when last heard from, returned home) beside the outflow side's;
    the differences — registered here but unknown there, on their list but unknown here,
    another address or employer, not heard from this quarter by either side, returned home —
    computed in the database and kept, each to be resolved.

    “流入地、流出地按季度对账核查基础台账” (article 002)"""
    scope = scope_for_actor(actor)
    values = _checked(actor=actor, scope=scope, agreement=agreement, quarter=quarter, rows=rows)
    return _open(actor=actor, quarter=quarter, lists=[(agreement, values)])[0]


@transaction.atomic
def reconciliation_open_many(
    *,
    actor: Actor,
    quarter: Quarter,
    lists: Sequence[tuple[Agreement, Iterable[Mapping[str, Any]]]],
) -> list[Reconciliation]:
    """A county's quarter at once: the reconciliation under each agreement, with the inflow
    side's list it sent — each checked as `reconciliation_open` checks it (any refusal refuses
    them all, nothing written), then written together in one batch.

    “流入地、流出地按季度对账核查基础台账” (article 002)"""
    scope = scope_for_actor(actor)
    checked = [
        (a, _checked(actor=actor, scope=scope, agreement=a, quarter=quarter, rows=rows))
        for a, rows in lists
    ]
    if len({a.pk for a, _v in checked}) != len(checked):
        raise ServiceError("同一共管协议出现了两次")
    return _open(actor=actor, quarter=quarter, lists=checked)


def _open_for_writes(recon: Reconciliation) -> None:
    if ReconciliationClose.objects.filter(reconciliation=recon).exists():
        raise ServiceError("本季度对账已签字关闭", code="conflict")


@transaction.atomic
def difference_resolve(*, actor: Actor, difference: Difference, outcome: str) -> Difference:
    """A difference resolved: the outcome recorded, and by whom.

    “精准核实情况” (article 002)"""
    difference = (
        Difference.objects.select_for_update()
        .select_related("reconciliation__agreement__outflow")
        .get(pk=difference.pk)
    )
    recon = difference.reconciliation
    require(scope_for_actor(actor).can_manage_org(recon.agreement.outflow))
    _open_for_writes(recon)
    outcome = clean_text(outcome, label="核实结果", limit=OUTCOME_MAX)
    difference.outcome, difference.resolved_by, difference.resolved_at = (
        outcome,
        actor.user,
        actor.now,
    )
    difference.save(update_fields=["outcome", "resolved_by", "resolved_at"])
    audit_record(
        actor=actor,
        action="mobility.difference.resolve",
        object_type="reconciliation",
        object_id=recon.pk,
        county_id=recon.county_id,
        summary=f"{difference.name}（{difference.get_kind_display()}）：{outcome}"[:300],
    )
    return difference


@transaction.atomic
def reconciliation_close(
    *, actor: Actor, reconciliation: Reconciliation, outflow_signer: str, inflow_signer: str
) -> ReconciliationClose:
    """The reconciliation closed and signed by both sides, once (a row keyed by the
    reconciliation: a second close fails in the database), and refused while a difference is
    unresolved."""
    recon = (
        Reconciliation.objects.select_for_update()
        .select_related("agreement__outflow")
        .get(pk=reconciliation.pk)
    )
    require(scope_for_actor(actor).can_manage_org(recon.agreement.outflow))
    _open_for_writes(recon)
    outflow_signer = clean_text(outflow_signer, label="流出地签字人", limit=50)
    inflow_signer = clean_text(inflow_signer, label="流入地签字人", limit=50)
    unresolved = recon.differences.filter(resolved_at__isnull=True).count()
    if unresolved:
        raise ServiceError(f"还有{unresolved}处差异未核实，不能关闭对账")
    try:
        with transaction.atomic():
            close = ReconciliationClose.objects.create(
                reconciliation=recon,
                county_id=recon.county_id,
                closed_by=actor.user,
                closed_at=actor.now,
                outflow_signer=outflow_signer,
                inflow_signer=inflow_signer,
            )
    except IntegrityError:
        raise ServiceError("本季度对账已签字关闭", code="conflict") from None
    audit_record(
        actor=actor,
        action="mobility.reconciliation.close",
        object_type="reconciliation",
        object_id=recon.pk,
        county_id=recon.county_id,
        summary=f"{recon.year}年第{recon.quarter}季度对账签字关闭",
    )
    return close
