"""Writes to the points ledger. Each runs in one transaction with its audit row, checks the
actor's scope itself, and refuses bad input with a Chinese `ServiceError` before writing anything.

Races are settled in the database. Every write that appends to a branch's chain first locks that
branch's `BranchChainHead` row (lock order everywhere: chain head, then claims), so appends,
reviews, cap arithmetic and sign-off of one branch serialise; the unique constraints on
(branch, seq), on the claim an entry records, and on (member, idempotency_key) are the backstop.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Abs, Coalesce
from django.utils import timezone

from zhengxing.audit import pii
from zhengxing.audit.services import Actor, audit_event, audit_record, audit_record_many
from zhengxing.orgs.models import County, Member, Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus, OrgKind, Role, name_problem
from zhengxing.orgs.selectors import Scope, scope_for_actor
from zhengxing.orgs.services import ServiceError, county_root, require

from . import evidence
from .chain import CONTENT_FIELDS, entry_hash
from .forms import evidence_storage
from .models import (
    BranchChainHead,
    CategoryBase,
    Claim,
    EvidenceFile,
    LedgerEntry,
    Objection,
    Posting,
    QuarterClose,
    QuarterPoints,
    ReminderTalk,
    RuleCatalogue,
    RuleItem,
)
from .presets import PRESETS
from .rules import (
    STATUS_LABELS,
    ZERO,
    CapRequest,
    ClaimSource,
    ClaimStatus,
    ItemSpec,
    Part,
    Quarter,
    Recorder,
    allocate_within_caps,
    cap_reached_problem,
    claim_date_problem,
    item_spec_problems,
    points_normal,
    points_range_problem,
    points_text,
    reversal_quarter_problem,
    sign_off_problem,
    signed_points,
)
from .selectors import catalogue_applying, closed_quarters, counted_entries

__all__ = [
    "ServiceError",
    "base_points_record",
    "catalogue_from_preset",
    "catalogue_revise",
    "claim_record_many",
    "claim_review",
    "claim_review_many",
    "claim_submit",
    "deduction_record",
    "entry_reverse",
    "objection_answer",
    "objection_submit",
    "public_report_submit",
    "quarter_sign_off",
]

APPROVE, ADJUST, REJECT = "approve", "adjust", "reject"
DECISIONS = {
    APPROVE: ClaimStatus.APPROVED,
    ADJUST: ClaimStatus.ADJUSTED,
    REJECT: ClaimStatus.REJECTED,
}


def _today(actor: Actor) -> dt.date:
    """The actor's moment, as a date where the county is: tests pass `now` in."""
    return timezone.localdate(actor.now)


def _text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(f"请填写{field}")
    if len(value) > limit:
        raise ServiceError(f"{field}不能超过{limit}个字")
    return value


def _name(value: str) -> str:
    """A name the public leaves (optional): no invisible characters (`rules.name_problem`)."""
    value = _text(value, field="姓名", limit=50, required=False)
    if (problem := name_problem(value)) is not None:
        raise ServiceError(problem)
    return value


def _key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not key or len(key) > 64:
        raise ServiceError("提交标识无效，请刷新页面后重新提交")
    return key


def claim_snapshot(claim: Claim) -> dict[str, Any]:
    """What the audit log keeps of a claim: never the public reporter's contact."""
    return {
        "branch_id": claim.branch_id,
        "member_id": claim.member_id,
        "item_id": claim.item_id,
        "quarter": f"{claim.year}Q{claim.quarter}",
        "occurred_on": claim.occurred_on.isoformat(),
        "place": claim.place,
        "description": claim.description,
        "points_requested": _maybe_points(claim.points_requested),
        "points_awarded": _maybe_points(claim.points_awarded),
        "evidence": claim.evidence,
        "source": claim.source,
        "status": claim.status,
        "review_reason": claim.review_reason,
    }


def _maybe_points(value: Decimal | None) -> str | None:
    return None if value is None else points_text(value)


def entry_snapshot(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "branch_id": entry.branch_id,
        "seq": entry.seq,
        "member_id": entry.member_id,
        "item_id": entry.item_id,
        "quarter": f"{entry.year}Q{entry.quarter}",
        "part": entry.part,
        "points": points_text(entry.points),
        "claim_id": entry.claim_id,
        "reverses_id": entry.reverses_id,
        "hash": entry.hash,
    }


# --- rule catalogues ----------------------------------------------------------------------


def _catalogue_write(
    *,
    actor: Actor,
    county: County,
    owner: Org,
    year: int,
    name: str,
    preset: str,
    items: Sequence[ItemSpec],
    base_points: Mapping[str, Decimal],
    action: str,
) -> RuleCatalogue:
    problems = item_spec_problems(items)
    if problems:
        raise ServiceError("；".join(problems))
    if any(points < 0 for points in base_points.values()):
        raise ServiceError("基础积分不能为负数")
    current = list(
        RuleCatalogue.objects.select_for_update().filter(owner=owner, year=year, is_current=True)
    )
    last = RuleCatalogue.objects.filter(county=county, owner=owner, year=year).aggregate(
        v=Max("version")
    )["v"]
    RuleCatalogue.objects.filter(pk__in=[c.pk for c in current]).update(is_current=False)
    try:
        with transaction.atomic():
            catalogue = RuleCatalogue.objects.create(
                county=county,
                owner=owner,
                year=year,
                version=(last or 0) + 1,
                is_current=True,
                name=name,
                preset=preset,
                created_at=actor.now,
                created_by=actor.user,
            )
    except IntegrityError:
        raise ServiceError("积分规则正被他人同时修改，请刷新后重试") from None
    RuleItem.objects.bulk_create(
        RuleItem(
            county=county,
            catalogue=catalogue,
            code=spec.code.strip(),
            name=spec.name.strip(),
            block=spec.block,
            description=spec.description,
            part=spec.part,
            default_points=spec.points,
            min_points=spec.low,
            max_points=spec.high,
            cap_quarter=spec.cap_quarter,
            cap_year=spec.cap_year,
            recorder=spec.recorder,
            evidence_required=spec.evidence_required,
            position=position,
        )
        for position, spec in enumerate(items)
    )
    CategoryBase.objects.bulk_create(
        CategoryBase(catalogue=catalogue, category=category, points=points)
        for category, points in base_points.items()
    )
    audit_record(
        actor=actor,
        action=action,
        object_type="rule_catalogue",
        object_id=catalogue.pk,
        county_id=county.pk,
        summary=f"{owner.name} {year}年 第{catalogue.version}版：{name}",
        before={"version": current[0].version} if current else None,
        after={
            "version": catalogue.version,
            "preset": preset,
            "items": [spec.code for spec in items],
            "base_points": {k: points_text(v) for k, v in base_points.items()},
        },
    )
    return catalogue


def _catalogue_owner(county: County, owner: Org | None) -> Org:
    owner = owner or county_root(county)
    if owner.county_id != county.pk:
        raise ServiceError("制定积分规则的组织不属于该旗县区")
    if owner.kind not in (OrgKind.COUNTY, OrgKind.TOWNSHIP, OrgKind.STREET_COMMITTEE):
        raise ServiceError("积分规则由旗县区或苏木乡镇（街道）党委制定")
    return owner


@transaction.atomic
def catalogue_from_preset(
    *, actor: Actor, county: County, owner: Org | None, year: int, preset: str
) -> RuleCatalogue:
    """A county's (owner None) or a township's catalogue for a year, copied from a preset. If
    the owner already has one for the year, this becomes its next version."""
    owner = _catalogue_owner(county, owner)
    require(scope_for_actor(actor).can_manage_tree(owner))
    spec = PRESETS.get(preset)
    if spec is None:
        raise ServiceError(f"没有名为“{preset}”的积分规则模板")
    return _catalogue_write(
        actor=actor,
        county=county,
        owner=owner,
        year=year,
        name=spec.name,
        preset=spec.key,
        items=spec.items,
        base_points=spec.base_points,
        action="ledger.catalogue.create",
    )


def catalogue_spec(catalogue: RuleCatalogue) -> tuple[list[ItemSpec], dict[str, Decimal]]:
    """A catalogue version as specs, for a revision to start from."""
    items = [
        ItemSpec(
            code=i.code,
            name=i.name,
            part=i.part,
            points=i.default_points,
            min_points=i.min_points,
            max_points=i.max_points,
            cap_quarter=i.cap_quarter,
            cap_year=i.cap_year,
            recorder=i.recorder,
            evidence_required=i.evidence_required,
            block=i.block,
            description=i.description,
        )
        for i in catalogue.items.order_by("position", "pk")
    ]
    bases = {b.category: b.points for b in catalogue.category_bases.all()}
    return items, bases


@transaction.atomic
def catalogue_revise(
    *,
    actor: Actor,
    catalogue: RuleCatalogue,
    items: Sequence[ItemSpec],
    base_points: Mapping[str, Decimal] | None = None,
    name: str | None = None,
) -> RuleCatalogue:
    """The next version of a catalogue. The old version stays, with the entries scored under it."""
    owner = Org.objects.get(pk=catalogue.owner_id)
    require(scope_for_actor(actor).can_manage_tree(owner))
    if not catalogue.is_current:
        raise ServiceError("只能在当前版本的基础上修改积分规则")
    if base_points is None:
        base_points = catalogue_spec(catalogue)[1]
    return _catalogue_write(
        actor=actor,
        county=County.objects.get(pk=catalogue.county_id),
        owner=owner,
        year=catalogue.year,
        name=name or catalogue.name,
        preset=catalogue.preset,
        items=items,
        base_points=base_points,
        action="ledger.catalogue.revise",
    )


# --- the chain ----------------------------------------------------------------------------


def _lock_head(branch: Org) -> BranchChainHead:
    """Lock the branch's chain head (creating it on first use). Everything that appends to the
    branch, or reads counted points to cap a claim, holds this lock until commit."""
    BranchChainHead.objects.bulk_create(
        [BranchChainHead(branch_id=branch.pk, county_id=branch.county_id)], ignore_conflicts=True
    )
    return BranchChainHead.objects.select_for_update().get(branch_id=branch.pk)


class QuarterGuard:
    """The one door every ledger writer passes: lock the branch's chain, then ask which of its
    quarters are open. Claims (submitted by a member or recorded by the committee), reviews
    (one or many), deductions, base points, public reports and reversals are all refused here
    when the quarter they land in is signed; a reminder talk takes the lock too, so the counted
    points it keeps are those before or after a sign-off, never half of one.

    Why this is enough: `quarter_sign_off` takes the same lock first and only then counts the
    pending claims and sums the entries. So a writer either goes first (the sign-off then sees
    its pending claim and refuses, or counts its entry and anchors it), or waits and then reads
    the signature (PostgreSQL's next statement sees what committed while it waited; SQLite runs
    one writing transaction at a time). A check made before the lock, as base points and
    claims once did, can be overtaken by a sign-off; one made under it cannot.

    When a quarter may be signed: only once it has ended. The articles review after the
    quarter — "支委会每季度对积分情况进行一次审核，并根据群众对党员的反映，确定扣分事项和分值，
    村党支部书记签字确认" (004) — and some items are only known at its end ("每季度能够保持干净的，
    加10分", 004). `rules.sign_off_problem` refuses an earlier signature in Chinese. So work is
    never dated in a quarter after its signature; only a request that started just before
    midnight on the quarter's last day can still name it, and it is refused, except a public
    report, which goes to the next open quarter (`first_open`): what the public says is not
    lost, it waits for the next review."""

    def __init__(self, branch: Org) -> None:
        self.branch = branch
        self.head = _lock_head(branch)

    def closed(self, years: set[int]) -> set[Quarter]:
        """The branch's signed quarters in these years, read under the lock."""
        return closed_quarters(branch_id=self.branch.pk, years=years)

    def require_open(self, quarter: Quarter, *, refusal: str) -> None:
        """Refuse with "<quarter>已签字确认，<refusal>" when the quarter is signed."""
        if quarter in self.closed({quarter.year}):
            raise ServiceError(f"{quarter.label}已签字确认，{refusal}")

    def first_open(self, quarter: Quarter) -> Quarter:
        """This quarter, or the first one after it that is not signed."""
        closed = self.closed({quarter.year, quarter.year + 1})
        while quarter in closed:
            quarter = quarter.next()
        return quarter


def _append(head: BranchChainHead, entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """Chain the entries after the head and insert them: one INSERT per 1,000 entries."""
    seq, digest = head.seq, head.hash
    for entry in entries:
        seq += 1
        entry.points = points_normal(entry.points)
        entry.seq, entry.prev_hash = seq, digest
        entry.hash = digest = entry_hash(digest, {f: getattr(entry, f) for f in CONTENT_FIELDS})
    LedgerEntry.objects.bulk_create(entries, batch_size=1000)
    BranchChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=digest)
    head.seq, head.hash = seq, digest
    return entries


def _counted(
    member_ids: set[int], codes: set[str], years: set[int]
) -> dict[tuple[int, str, Quarter], Decimal]:
    """Points already in the ledger per (member, item code, quarter), as magnitudes, in one
    query. Item codes carry across catalogue versions, so a revision does not reset a cap."""
    rows = (
        LedgerEntry.objects.filter(member_id__in=member_ids, item__code__in=codes, year__in=years)
        .values("member_id", "item__code", "year", "quarter")
        .annotate(total=Sum("points"))
        .order_by()
    )
    return {
        (r["member_id"], r["item__code"], Quarter(r["year"], r["quarter"])): abs(r["total"])
        for r in rows
    }


def _room_problem(members: Sequence[Member], item: RuleItem, quarter: Quarter) -> str | None:
    """The first member for whom this item's cap is already full (one query for all)."""
    counted = _counted({m.pk for m in members}, {item.code}, {quarter.year})
    for member in members:
        in_year = sum(
            (v for (m, _, q), v in counted.items() if m == member.pk and q.year == quarter.year),
            start=ZERO,
        )
        problem = cap_reached_problem(
            name=item.name,
            counted_quarter=counted.get((member.pk, item.code, quarter), ZERO),
            counted_year=in_year,
            cap_quarter=item.cap_quarter,
            cap_year=item.cap_year,
        )
        if problem:
            return problem if len(members) == 1 else f"{member.name}：{problem}"
    return None


def _approve(
    *,
    actor: Actor,
    head: BranchChainHead,
    decided: Sequence[tuple[Claim, RuleItem, Decimal, str]],
    note: str = "",
) -> list[LedgerEntry]:
    """Write the entries of approved claims (claim, item, points, new status), capped in order,
    and mark the claims decided: set-based, whatever the number of claims."""
    if not decided:
        return []
    requests = [
        CapRequest(
            member_id=claim.member_id,
            code=item.code,
            quarter=Quarter(claim.year, claim.quarter),
            points=points,
            cap_quarter=item.cap_quarter,
            cap_year=item.cap_year,
        )
        for claim, item, points, _ in decided
    ]
    counted = _counted(
        {r.member_id for r in requests},
        {r.code for r in requests},
        {r.quarter.year for r in requests},
    )
    granted = allocate_within_caps(requests, counted=counted)
    entries = []
    for (claim, item, points, _), counts in zip(decided, granted, strict=True):
        capped = (
            f"超出上限，{points_text(points)}分计{points_text(counts)}分" if counts < points else ""
        )
        entries.append(
            LedgerEntry(
                county_id=claim.county_id,
                branch_id=claim.branch_id,
                member_id=claim.member_id,
                item_id=item.pk,
                year=claim.year,
                quarter=claim.quarter,
                part=item.part,
                points=signed_points(counts, item.part),
                claim_id=claim.pk,
                reverses_id=None,
                note="；".join(filter(None, [note, capped]))[:500],
                recorded_at=actor.now,
                recorded_by_id=actor.user.pk if actor.user else None,
            )
        )
    _append(head, entries)
    for status in {s for *_, s in decided}:
        ids = [claim.pk for claim, *_, s in decided if s == status]
        Claim.objects.filter(pk__in=ids).update(
            status=status,
            reviewed_at=actor.now,
            reviewed_by=actor.user,
            review_reason=note[:500],
            points_awarded=Abs(
                Subquery(
                    LedgerEntry.objects.filter(
                        claim_id=OuterRef("pk"), reverses__isnull=True
                    ).values("points")[:1]
                )
            ),
        )
    for (claim, _, _, status), entry in zip(decided, entries, strict=True):
        claim.status, claim.points_awarded = status, abs(entry.points)
        claim.reviewed_at, claim.reviewed_by, claim.review_reason = (
            actor.now,
            actor.user,
            note[:500],
        )
    return entries


# --- claims -------------------------------------------------------------------------------


def _member_problem(member: Member, branch: Org) -> str | None:
    if branch.kind not in MEMBER_HOLDING_KINDS:
        return f"“{branch.name}”不是党支部"
    if member.branch_id != branch.pk:
        return f"“{member.name}”不是“{branch.name}”的党员"
    if member.status in (MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED):
        return f"“{member.name}”已不在本支部党员名册中"
    return None


def _item_problem(item: RuleItem, branch: Org, year: int) -> str | None:
    catalogue = RuleCatalogue.objects.get(pk=item.catalogue_id)
    if not catalogue.is_current:
        return f"“{item.name}”所在的积分规则已有新版本，请按新版本申报"
    applying = catalogue_applying(branch=branch, year=year)
    if applying is None or applying.pk != catalogue.pk:
        return f"“{item.name}”不属于本支部{year}年适用的积分规则"
    return None


def _claim_problem(
    *,
    branch: Org,
    members: Sequence[Member],
    item: RuleItem,
    occurred_on: dt.date,
    points: Decimal,
    evidence: str,
    today: dt.date,
    closed: set[Quarter],
) -> str | None:
    """Why this claim (for one member, or the same for many) cannot be made, checked in the
    order a person would fix them. A fixed number of queries for any number of members."""
    catalogue_year = RuleCatalogue.objects.values_list("year", flat=True).get(pk=item.catalogue_id)
    return (
        next(filter(None, (_member_problem(m, branch) for m in members)), None)
        or claim_date_problem(
            occurred_on, today=today, closed=closed, catalogue_year=catalogue_year
        )
        or _item_problem(item, branch, occurred_on.year)
        or points_range_problem(points, low=item.min_points, high=item.max_points)
        or (
            f"“{item.name}”须上传照片等证明材料"
            if item.evidence_required and not evidence.strip()
            else None
        )
        or _room_problem(members, item, Quarter.of(occurred_on))
    )


def _claim_save_once(actor: Actor, claim: Claim, action: str, summary: str) -> Claim:
    """Save a new claim with its audit row, or return the claim already saved under the same
    idempotency key (a double tap, or the other of two racing requests): one claim either way."""
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:
        return Claim.objects.get(member=claim.member_id, idempotency_key=claim.idempotency_key)
    audit_record(
        actor=actor,
        action=action,
        object_type="claim",
        object_id=claim.pk,
        county_id=claim.county_id,
        summary=summary,
        after=claim_snapshot(claim),
    )
    return claim


@transaction.atomic
def claim_submit(
    *,
    actor: Actor,
    branch: Org,
    member: Member,
    item: RuleItem,
    occurred_on: dt.date,
    place: str,
    description: str,
    points: Decimal | None = None,
    evidence: str = "",
    idempotency_key: str,
) -> Claim:
    """A member's self-report (个人申报): when, where, what happened, the item, and optional
    photo evidence. Submitting the same form twice (same key) returns the first claim."""
    scope = scope_for_actor(actor)
    require(scope.everything or scope.member_id == member.pk)
    key = _key(idempotency_key)
    existing = Claim.objects.filter(member=member, idempotency_key=key).first()
    if existing is not None:
        return existing
    place = _text(place, field="活动地点", limit=200)
    description = _text(description, field="活动内容", limit=2000)
    evidence = _text(evidence, field="证明材料", limit=300, required=False)
    if item.recorder != Recorder.SELF_REPORT:
        raise ServiceError(f"“{item.name}”只能由支委会登记，不能个人申报")
    points = item.default_points if points is None else points
    guard = QuarterGuard(branch)
    problem = _claim_problem(
        branch=branch,
        members=[member],
        item=item,
        occurred_on=occurred_on,
        points=points,
        evidence=evidence,
        today=_today(actor),
        closed=guard.closed({occurred_on.year}),
    )
    if problem:
        raise ServiceError(problem)
    quarter = Quarter.of(occurred_on)
    claim = Claim(
        county_id=branch.county_id,
        branch=branch,
        member=member,
        item=item,
        year=quarter.year,
        quarter=quarter.number,
        occurred_on=occurred_on,
        place=place,
        description=description,
        points_requested=points,
        evidence=evidence,
        source=ClaimSource.SELF,
        idempotency_key=key,
        submitted_at=actor.now,
        submitted_by=actor.user,
    )
    return _claim_save_once(
        actor, claim, "ledger.claim.submit", f"{member.name}：{item.name} {points_text(points)}分"
    )


@transaction.atomic
def claim_record_many(
    *,
    actor: Actor,
    branch: Org,
    item: RuleItem,
    members: Sequence[Member],
    occurred_on: dt.date,
    place: str,
    description: str,
    points: Decimal | None = None,
    evidence: str = "",
    idempotency_key: str,
) -> list[Claim]:
    """The committee registers one item for many members in one form (登记建账: "twelve members
    cleared snow"). The claims wait for the quarterly review like any other. All or nothing:
    one member who cannot have it refuses the whole form, naming them."""
    require(scope_for_actor(actor).can_manage_org(branch))
    key = _key(idempotency_key)
    place = _text(place, field="活动地点", limit=200)
    description = _text(description, field="活动内容", limit=2000)
    evidence = _text(evidence, field="证明材料", limit=300, required=False)
    if not members:
        raise ServiceError("请选择党员")
    if item.part == Part.DEDUCTION:
        raise ServiceError("扣分请逐人登记并说明理由")
    points = item.default_points if points is None else points
    # Serialise with a second submission of the same form, with reviews and with sign-offs.
    guard = QuarterGuard(branch)
    existing = {
        c.member_id: c
        for c in Claim.objects.filter(member__in=[m.pk for m in members], idempotency_key=key)
    }
    closed = guard.closed({occurred_on.year})
    today = _today(actor)
    quarter = Quarter.of(occurred_on)
    to_record = [m for m in dict.fromkeys(members) if m.pk not in existing]
    problem = None
    if to_record:
        problem = _claim_problem(
            branch=branch,
            members=to_record,
            item=item,
            occurred_on=occurred_on,
            points=points,
            evidence=evidence,
            today=today,
            closed=closed,
        )
    if problem:
        raise ServiceError(problem)
    fresh = [
        Claim(
            county_id=branch.county_id,
            branch=branch,
            member=member,
            item=item,
            year=quarter.year,
            quarter=quarter.number,
            occurred_on=occurred_on,
            place=place,
            description=description,
            points_requested=points,
            evidence=evidence,
            source=ClaimSource.COMMITTEE,
            idempotency_key=key,
            submitted_at=actor.now,
            submitted_by=actor.user,
        )
        for member in to_record
    ]
    Claim.objects.bulk_create(fresh)
    audit_record_many(
        audit_event(
            actor=actor,
            action="ledger.claim.record",
            object_type="claim",
            object_id=claim.pk,
            county_id=claim.county_id,
            summary=f"{claim.member.name}：{item.name} {points_text(points)}分",
            after=claim_snapshot(claim),
        )
        for claim in fresh
    )
    by_member = {**existing, **{c.member_id: c for c in fresh}}
    return [by_member[m.pk] for m in dict.fromkeys(members)]


@transaction.atomic
def public_report_submit(
    *,
    actor: Actor,
    branch: Org,
    member: Member,
    occurred_on: dt.date,
    place: str,
    description: str,
    reporter_name: str = "",
    reporter_contact: str,
    idempotency_key: str,
) -> Claim:
    """The public reports a member's conduct (群众反映), leaving a contact so the committee can
    check it. It falls in the quarter it is reported in (the next open one if that quarter has
    just been signed); the committee decides whether it leads to an entry (usually a
    deduction) in its review."""
    key = _key(idempotency_key)
    existing = Claim.objects.filter(member=member, idempotency_key=key).first()
    if existing is not None:
        return existing
    place = _text(place, field="地点", limit=200, required=False)
    description = _text(description, field="反映的情况", limit=2000)
    reporter_name = _name(reporter_name)
    reporter_contact = _text(reporter_contact, field="联系方式（以便核实）", limit=100)
    today = _today(actor)
    problem = _member_problem(member, branch) or (
        "发生日期不能晚于今天" if occurred_on > today else None
    )
    if problem:
        raise ServiceError(problem)
    # today's quarter, unless it was signed while this request waited: then the next open one
    quarter = QuarterGuard(branch).first_open(Quarter.of(today))
    claim = Claim(
        county_id=branch.county_id,
        branch=branch,
        member=member,
        item=None,
        year=quarter.year,
        quarter=quarter.number,
        occurred_on=occurred_on,
        place=place,
        description=description,
        points_requested=None,
        source=ClaimSource.PUBLIC,
        reporter_name=reporter_name,
        reporter_contact_enc=pii.encrypt(reporter_contact),
        idempotency_key=key,
        submitted_at=actor.now,
        submitted_by=actor.user,
    )
    return _claim_save_once(actor, claim, "ledger.public_report.submit", f"群众反映：{member.name}")


# --- review, deductions, sign-off, reversal -----------------------------------------------


def _lock_branch_claim(actor: Actor, claim: Claim) -> tuple[Org, QuarterGuard, Claim]:
    """Check the actor manages the claim's branch, then lock (in this order) the branch's chain
    head and the claim, re-read: a second reviewer waits here and then sees the decision."""
    branch = Org.objects.get(pk=claim.branch_id)
    require(scope_for_actor(actor).can_manage_org(branch))
    guard = QuarterGuard(branch)
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    return branch, guard, locked


def _decided_problem(claim: Claim) -> str | None:
    if claim.status != ClaimStatus.PENDING:
        return f"该申报已审核（{STATUS_LABELS[claim.status]}），不能重复审核"
    return None


@transaction.atomic
def claim_review(
    *,
    actor: Actor,
    claim: Claim,
    decision: str,
    points: Decimal | None = None,
    reason: str = "",
    item: RuleItem | None = None,
) -> Claim:
    """The committee's decision on one claim: approve, adjust the points within the item's
    range, or reject with a reason. A public report needs the item it falls under."""
    if decision not in DECISIONS:
        raise ServiceError(f"未知的审核结论“{decision}”")
    branch, guard, claim = _lock_branch_claim(actor, claim)
    scope = scope_for_actor(actor)
    reason = _text(reason, field="驳回理由", limit=500, required=decision == REJECT)
    problem = _decided_problem(claim) or (
        "不能审核本人的申报"
        if scope.member_id is not None and scope.member_id == claim.member_id
        else None
    )
    if problem:
        raise ServiceError(problem)
    before = claim_snapshot(claim)
    quarter = Quarter(claim.year, claim.quarter)
    guard.require_open(quarter, refusal="不能再审核；如需更正，请在当前季度记冲正")
    if decision == REJECT:
        claim.status, claim.review_reason = ClaimStatus.REJECTED, reason
        claim.reviewed_at, claim.reviewed_by = actor.now, actor.user
        claim.save(update_fields=["status", "review_reason", "reviewed_at", "reviewed_by"])
    else:
        if claim.item_id is None:
            if item is None:
                raise ServiceError("请选择群众反映对应的积分项目")
            problem = _item_problem(item, branch, quarter.year)
            if problem:
                raise ServiceError(problem)
            claim.item = item
            claim.points_requested = item.default_points if points is None else points
            claim.save(update_fields=["item", "points_requested"])
        assert claim.item_id is not None and claim.points_requested is not None
        the_item = RuleItem.objects.get(pk=claim.item_id)
        if decision == ADJUST:
            if points is None:
                raise ServiceError("请填写调整后的分值")
            granted = points
        else:
            granted = claim.points_requested
        problem = points_range_problem(granted, low=the_item.min_points, high=the_item.max_points)
        if problem:
            raise ServiceError(problem)
        _approve(
            actor=actor,
            head=guard.head,
            decided=[(claim, the_item, granted, DECISIONS[decision])],
            note=reason,
        )
    audit_record(
        actor=actor,
        action=f"ledger.claim.{decision}",
        object_type="claim",
        object_id=claim.pk,
        county_id=claim.county_id,
        summary=f"{STATUS_LABELS[claim.status]}：{claim.description[:100]}",
        before=before,
        after=claim_snapshot(claim),
    )
    return claim


@transaction.atomic
def claim_review_many(
    *, actor: Actor, branch: Org, claims: Sequence[Claim], decision: str, reason: str = ""
) -> list[Claim]:
    """The quarterly review of many claims at once (approve as requested, or reject with one
    reason): set-based, with caps applied in the order the claims occurred."""
    if decision not in (APPROVE, REJECT):
        raise ServiceError("批量审核只能批准或驳回")
    scope = scope_for_actor(actor)
    require(scope.can_manage_org(branch))
    reason = _text(reason, field="驳回理由", limit=500, required=decision == REJECT)
    ids = {c.pk for c in claims}
    if not ids:
        raise ServiceError("请选择要审核的申报")
    guard = QuarterGuard(branch)
    locked = list(
        Claim.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, branch=branch, status=ClaimStatus.PENDING)
        .select_related("item", "member")
        .order_by("occurred_on", "pk")
    )
    if len(locked) != len(ids):
        raise ServiceError("部分申报已被审核或不属于本支部，请刷新后重试")
    if scope.member_id is not None and any(c.member_id == scope.member_id for c in locked):
        raise ServiceError("不能审核本人的申报")
    if any(c.item_id is None for c in locked):
        raise ServiceError("群众反映须逐条审核")
    for quarter in sorted({Quarter(c.year, c.quarter) for c in locked}):
        guard.require_open(quarter, refusal="不能再审核")
    befores = {c.pk: claim_snapshot(c) for c in locked}
    if decision == REJECT:
        Claim.objects.filter(pk__in=ids).update(
            status=ClaimStatus.REJECTED,
            review_reason=reason,
            reviewed_at=actor.now,
            reviewed_by=actor.user,
        )
        for c in locked:
            c.status, c.review_reason = ClaimStatus.REJECTED, reason
            c.reviewed_at, c.reviewed_by = actor.now, actor.user
    else:
        decided = []
        for c in locked:
            assert c.item is not None and c.points_requested is not None
            decided.append((c, c.item, c.points_requested, ClaimStatus.APPROVED))
        _approve(actor=actor, head=guard.head, decided=decided)
    audit_record_many(
        audit_event(
            actor=actor,
            action=f"ledger.claim.{decision}",
            object_type="claim",
            object_id=c.pk,
            county_id=c.county_id,
            summary=f"{c.member.name}：{STATUS_LABELS[c.status]}",
            before=befores[c.pk],
            after=claim_snapshot(c),
        )
        for c in locked
    )
    return locked


@transaction.atomic
def public_reports_mark_spam(
    *, actor: Actor, branch: Org, claims: Sequence[Claim], reason: str = ""
) -> list[Claim]:
    """The committee sets pending public reports aside as spam, in bulk (a flood of made-up
    reports): each is audited, none is reviewed or leads to an entry, and none holds up the
    quarter's sign-off any longer. Only reports from the public, only while pending."""
    require(scope_for_actor(actor).can_manage_org(branch))
    reason = _text(reason, field="说明", limit=500, required=False) or "标记为垃圾信息"
    ids = {c.pk for c in claims}
    if not ids:
        raise ServiceError("请选择要标记为垃圾信息的群众反映")
    _lock_head(branch)  # the order every writer takes: the chain's head, then the claims
    locked = list(
        Claim.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, branch=branch, source=ClaimSource.PUBLIC, status=ClaimStatus.PENDING)
        .select_related("member")
        .order_by("submitted_at", "pk")
    )
    if len(locked) != len(ids):
        raise ServiceError("部分群众反映已处理或不属于本支部，请刷新后重试")
    befores = {c.pk: claim_snapshot(c) for c in locked}
    Claim.objects.filter(pk__in=ids).update(
        status=ClaimStatus.SPAM, review_reason=reason, reviewed_at=actor.now, reviewed_by=actor.user
    )
    for c in locked:
        c.status, c.review_reason = ClaimStatus.SPAM, reason
        c.reviewed_at, c.reviewed_by = actor.now, actor.user
    audit_record_many(
        audit_event(
            actor=actor,
            action="ledger.public_report.spam",
            object_type="claim",
            object_id=c.pk,
            county_id=c.county_id,
            summary=f"群众反映标记为垃圾信息：{c.member.name}",
            before=befores[c.pk],
            after=claim_snapshot(c),
        )
        for c in locked
    )
    return locked


@transaction.atomic
def deduction_record(
    *,
    actor: Actor,
    branch: Org,
    member: Member,
    item: RuleItem,
    reason: str,
    occurred_on: dt.date | None = None,
    points: Decimal | None = None,
    place: str = "",
    report: Claim | None = None,
    idempotency_key: str,
) -> LedgerEntry:
    """The committee deducts points (违规扣分) with its reason; the source is the committee's own
    finding, or a public report (`report`) which this decides."""
    require(scope_for_actor(actor).can_manage_org(branch))
    key = _key(idempotency_key)
    reason = _text(reason, field="扣分理由", limit=500)
    place = _text(place, field="地点", limit=200, required=False)
    if item.part != Part.DEDUCTION:
        raise ServiceError(f"“{item.name}”不是扣分项目")
    points = item.default_points if points is None else points
    guard = QuarterGuard(branch)
    if report is not None:
        report = Claim.objects.select_for_update().get(pk=report.pk)
        if report.source != ClaimSource.PUBLIC or report.member_id != member.pk:
            raise ServiceError("所选群众反映与该党员不符")
        problem = _decided_problem(report)
        if problem:
            raise ServiceError(problem)
    else:
        existing = Claim.objects.filter(member=member, idempotency_key=key).first()
        if existing is not None:
            return LedgerEntry.objects.get(claim=existing, reverses__isnull=True)
    if report is not None:
        # a public report falls in the quarter it was made in, whenever the conduct happened
        quarter = Quarter(report.year, report.quarter)
        closed = guard.closed({quarter.year})
        problem = (
            _member_problem(member, branch)
            or (f"{quarter.label}已签字确认，请在当前季度记录" if quarter in closed else None)
            or _item_problem(item, branch, quarter.year)
            or points_range_problem(points, low=item.min_points, high=item.max_points)
        )
    else:
        if occurred_on is None:
            raise ServiceError("请填写发生日期")
        problem = _claim_problem(
            branch=branch,
            members=[member],
            item=item,
            occurred_on=occurred_on,
            points=points,
            evidence="",
            today=_today(actor),
            closed=guard.closed({occurred_on.year}),
        )
    if problem:
        raise ServiceError(problem)
    if report is None:
        assert occurred_on is not None
        quarter = Quarter.of(occurred_on)
        claim = Claim(
            county_id=branch.county_id,
            branch=branch,
            member=member,
            year=quarter.year,
            quarter=quarter.number,
            occurred_on=occurred_on,
            place=place,
            description=reason,
            source=ClaimSource.COMMITTEE,
            idempotency_key=key,
            submitted_at=actor.now,
            submitted_by=actor.user,
        )
        before = None
    else:
        claim, before = report, claim_snapshot(report)
    claim.item, claim.points_requested = item, points
    claim.save()
    (entry,) = _approve(
        actor=actor,
        head=guard.head,
        decided=[(claim, item, points, ClaimStatus.APPROVED)],
        note=reason,
    )
    audit_record(
        actor=actor,
        action="ledger.deduction.record",
        object_type="claim",
        object_id=claim.pk,
        county_id=claim.county_id,
        summary=f"{member.name}：{item.name} {points_text(entry.points)}分（{reason[:100]}）",
        before=before,
        after={**claim_snapshot(claim), "entry": entry_snapshot(entry)},
    )
    return entry


def _is_secretary_of(scope: Scope, branch: Org) -> bool:
    return scope.everything or any(
        g.role == Role.SECRETARY and branch.path.startswith(g.path) for g in scope.grants
    )


def may_sign_off(*, actor: Actor, branch: Org) -> bool:
    """Whether the actor may sign the branch's quarters (the page shows the button by this)."""
    return _is_secretary_of(scope_for_actor(actor), branch)


@transaction.atomic
def quarter_sign_off(*, actor: Actor, branch: Org, quarter: Quarter) -> QuarterClose:
    """The branch secretary signs the quarter (书记签字确认): it closes, its entries count from
    now on, and the chain head at this moment is kept as the anchor the notice will show."""
    require(_is_secretary_of(scope_for_actor(actor), branch))
    head = _lock_head(branch)
    pending = Claim.objects.filter(
        branch=branch, year=quarter.year, quarter=quarter.number, status=ClaimStatus.PENDING
    ).count()
    problem = sign_off_problem(
        quarter,
        today=_today(actor),
        closed=closed_quarters(branch_id=branch.pk, years={quarter.year}),
        pending=pending,
    )
    if problem:
        raise ServiceError(problem)
    counted = _quarter_points(branch=branch, quarter=quarter)
    totals: dict[str, Any] = {
        "entries": sum(row.entries for row in counted),
        "base_total": sum((row.base for row in counted), start=ZERO),
        "bonus_total": sum((row.bonus for row in counted), start=ZERO),
        "deduction_total": sum((row.deduction for row in counted), start=ZERO),
    }
    try:
        with transaction.atomic():
            close = QuarterClose.objects.create(
                county_id=branch.county_id,
                branch=branch,
                year=quarter.year,
                quarter=quarter.number,
                signed_at=actor.now,
                signed_by=actor.user,
                signed_by_label=actor.label[:150],
                head_seq=head.seq,
                head_hash=head.hash,
                **totals,
            )
    except IntegrityError:
        raise ServiceError(f"{quarter.label}已签字确认") from None
    audit_record(
        actor=actor,
        action="ledger.quarter.sign_off",
        object_type="quarter_close",
        object_id=close.pk,
        county_id=branch.county_id,
        summary=f"{branch.name} {quarter.label}签字确认，链头第{head.seq}号",
        after={
            "branch_id": branch.pk,
            "quarter": str(quarter),
            "head_seq": head.seq,
            "head_hash": head.hash,
            "entries": totals["entries"],
            "base_total": points_text(totals["base_total"]),
            "bonus_total": points_text(totals["bonus_total"]),
            "deduction_total": points_text(totals["deduction_total"]),
        },
    )
    QuarterPoints.objects.bulk_create(counted)
    _posting_create(actor=actor, branch=branch, close=close)
    return close


def _quarter_points(*, branch: Org, quarter: Quarter) -> list[QuarterPoints]:
    """Each member's points in the branch's quarter by part, summed in the database: what the
    sign-off makes count, kept as `QuarterPoints` for the reports."""
    rows = (
        LedgerEntry.objects.filter(branch=branch, year=quarter.year, quarter=quarter.number)
        .values("member_id")
        .annotate(
            entries=Count("pk"),
            base=Coalesce(Sum("points", filter=Q(part=Part.BASE)), Value(ZERO)),
            bonus=Coalesce(Sum("points", filter=Q(part=Part.BONUS)), Value(ZERO)),
            deduction=Coalesce(Sum("points", filter=Q(part=Part.DEDUCTION)), Value(ZERO)),
            total=Coalesce(Sum("points"), Value(ZERO)),
        )
        .order_by("member_id")
    )
    return [
        QuarterPoints(
            county_id=branch.county_id,
            branch_id=branch.pk,
            year=quarter.year,
            quarter=quarter.number,
            **row,
        )
        for row in rows
    ]


@transaction.atomic
def entry_reverse(*, actor: Actor, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """Correct an entry (冲正): a new entry with the opposite points, in the current quarter,
    which must be open. The wrong entry stays in the chain, as on paper."""
    branch = Org.objects.get(pk=entry.branch_id)
    require(scope_for_actor(actor).can_manage_org(branch))
    reason = _text(reason, field="冲正理由", limit=500)
    guard = QuarterGuard(branch)
    entry = LedgerEntry.objects.get(pk=entry.pk)
    if entry.reverses_id is not None:
        raise ServiceError("冲正记录不能再冲正")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ServiceError("该记录已冲正")
    today = _today(actor)
    current = Quarter.of(today)
    problem = reversal_quarter_problem(today=today, closed=guard.closed({current.year}))
    if problem:
        raise ServiceError(problem)
    (reversal,) = _append(
        guard.head,
        [
            LedgerEntry(
                county_id=entry.county_id,
                branch_id=entry.branch_id,
                member_id=entry.member_id,
                item_id=entry.item_id,
                year=current.year,
                quarter=current.number,
                part=entry.part,
                points=-entry.points,
                claim_id=entry.claim_id,
                reverses_id=entry.pk,
                note=f"冲正第{entry.seq}号：{reason}"[:500],
                recorded_at=actor.now,
                recorded_by_id=actor.user.pk if actor.user else None,
            )
        ],
    )
    audit_record(
        actor=actor,
        action="ledger.entry.reverse",
        object_type="ledger_entry",
        object_id=reversal.pk,
        county_id=entry.county_id,
        summary=f"冲正第{entry.seq}号：{reason[:100]}",
        before=entry_snapshot(entry),
        after=entry_snapshot(reversal),
    )
    return reversal


@transaction.atomic
def base_points_record(*, actor: Actor, branch: Org, year: int) -> list[LedgerEntry]:
    """Credit each active member of the branch the year's base points (基础积分) for their
    category, under the catalogue's base item, in the current quarter. Once per member and
    year: a second run credits only members added since."""
    require(scope_for_actor(actor).can_manage_org(branch))
    catalogue = catalogue_applying(branch=branch, year=year)
    if catalogue is None:
        raise ServiceError(f"本支部{year}年还没有适用的积分规则")
    base_item = catalogue.items.filter(part=Part.BASE).order_by("position", "pk").first()
    if base_item is None:
        raise ServiceError("积分规则中没有基础积分项目")
    today = _today(actor)
    quarter = Quarter.of(today)
    if quarter.year != year:
        raise ServiceError(f"{year}年的基础积分须在{year}年内记入")
    guard = QuarterGuard(branch)
    guard.require_open(quarter, refusal="无法记入基础积分")
    bases = dict(catalogue.category_bases.values_list("category", "points"))
    key = f"base-points-{year}"
    members = list(
        Member.objects.filter(branch=branch)
        .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
        .exclude(claims__idempotency_key=key)
        .order_by("pk")
    )
    claims = [
        Claim(
            county_id=branch.county_id,
            branch=branch,
            member=member,
            item=base_item,
            year=quarter.year,
            quarter=quarter.number,
            occurred_on=today,
            description=f"{year}年基础积分",
            points_requested=bases.get(member.category, base_item.default_points),
            source=ClaimSource.COMMITTEE,
            idempotency_key=key,
            submitted_at=actor.now,
            submitted_by=actor.user,
        )
        for member in members
    ]
    Claim.objects.bulk_create(claims)
    entries = _approve(
        actor=actor,
        head=guard.head,
        decided=[(c, base_item, c.points_requested or ZERO, ClaimStatus.APPROVED) for c in claims],
        note=f"{year}年基础积分",
    )
    audit_record(
        actor=actor,
        action="ledger.base_points.record",
        object_type="org",
        object_id=branch.pk,
        county_id=branch.county_id,
        summary=f"{branch.name} {year}年基础积分：{len(entries)}名党员",
        after={"year": year, "item_id": base_item.pk, "members": [m.pk for m in members]},
    )
    return entries


# --- public posting (公示) and objections -------------------------------------------------


def objection_days() -> int:
    """How long the public may object to a notice: settings.ZHENGXING_OBJECTION_DAYS (7 unless
    the environment says otherwise)."""
    return int(settings.ZHENGXING_OBJECTION_DAYS)


def _sum_or_zero(entries: Any) -> Coalesce:
    """A member's sum over `entries` (correlated on OuterRef("pk")) as one scalar subquery."""
    return Coalesce(
        Subquery(entries.order_by().values("member_id").annotate(s=Sum("points")).values("s")[:1]),
        Value(ZERO),
    )


def posting_lines(*, branch: Org, quarter: Quarter) -> list[dict[str, Any]]:
    """What a notice posts for each member of the branch: the quarter's additions (base and
    bonus), deductions (negative) and total, and the year's counted total up to this quarter.
    Names only: never an ID number or phone. One query, whatever the number of members;
    members who left the branch still appear if they have entries in the quarter."""
    in_quarter = LedgerEntry.objects.filter(
        member_id=OuterRef("pk"), branch_id=branch.pk, year=quarter.year, quarter=quarter.number
    )
    rows = (
        Member.objects.filter(
            (
                Q(branch_id=branch.pk)
                & ~Q(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
            )
            | Q(Exists(in_quarter))
        )
        .annotate(
            additions=_sum_or_zero(in_quarter.filter(part__in=(Part.BASE, Part.BONUS))),
            deductions=_sum_or_zero(in_quarter.filter(part=Part.DEDUCTION)),
            year_total=_sum_or_zero(
                counted_entries().filter(
                    member_id=OuterRef("pk"), year=quarter.year, quarter__lte=quarter.number
                )
            ),
        )
        .order_by("name", "pk")
        .values("pk", "name", "additions", "deductions", "year_total")
    )
    return [
        {
            "member_id": row["pk"],
            "name": row["name"],
            "additions": points_text(row["additions"]),
            "deductions": points_text(row["deductions"]),
            "total": points_text(row["additions"] + row["deductions"]),
            "year_total": points_text(row["year_total"]),
        }
        for row in rows
    ]


def _posting_create(*, actor: Actor, branch: Org, close: QuarterClose) -> Posting:
    """The quarter's public notice, made in the sign-off's transaction: its lines frozen, the
    signed chain head repeated, and the objection window opened."""
    quarter = Quarter(close.year, close.quarter)
    posting = Posting.objects.create(
        county_id=branch.county_id,
        branch=branch,
        close=close,
        slug=secrets.token_urlsafe(12),
        year=close.year,
        quarter=close.quarter,
        published_at=actor.now,
        objections_until=_today(actor) + dt.timedelta(days=objection_days()),
        head_seq=close.head_seq,
        head_hash=close.head_hash,
        lines=posting_lines(branch=branch, quarter=quarter),
    )
    audit_record(
        actor=actor,
        action="ledger.posting.publish",
        object_type="posting",
        object_id=posting.pk,
        county_id=branch.county_id,
        summary=f"{branch.name} {quarter.label}积分公示，异议期至{posting.objections_until}",
        after={
            "branch_id": branch.pk,
            "quarter": str(quarter),
            "slug": posting.slug,
            "objections_until": posting.objections_until.isoformat(),
            "head_seq": posting.head_seq,
            "head_hash": posting.head_hash,
            "members": len(posting.lines),
        },
    )
    return posting


def objection_snapshot(objection: Objection) -> dict[str, Any]:
    """What the audit log keeps of an objection: never the contact."""
    return {
        "posting_id": objection.posting_id,
        "member_id": objection.member_id,
        "text": objection.text,
        "contact_name": objection.contact_name,
        "status": objection.status,
        "answer": objection.answer,
    }


@transaction.atomic
def objection_submit(
    *,
    actor: Actor,
    posting: Posting,
    text: str,
    contact_name: str,
    contact: str,
    member: Member | None = None,
    idempotency_key: str,
) -> Objection:
    """Anyone (no login needed) objects to a posted notice within its window, leaving a
    contact so the committee can reach them; the contact is kept encrypted and never posted.
    Submitting the same form twice (same key) returns the first objection."""
    key = _key(idempotency_key)
    existing = Objection.objects.filter(posting=posting, idempotency_key=key).first()
    if existing is not None:
        return existing
    if _today(actor) > posting.objections_until:
        raise ServiceError("异议期已过")
    text = _text(text, field="异议内容", limit=1000)
    contact_name = _name(contact_name)
    contact = _text(contact, field="联系方式", limit=100)
    if member is not None and member.pk not in {line["member_id"] for line in posting.lines}:
        raise ServiceError(f"“{member.name}”不在本次公示的名单中")
    objection = Objection(
        county_id=posting.county_id,
        posting=posting,
        member=member,
        text=text,
        contact_name=contact_name,
        contact_enc=pii.encrypt(contact),
        submitted_at=actor.now,
        idempotency_key=key,
    )
    try:
        with transaction.atomic():
            objection.save()
    except IntegrityError:
        # the other tap won the race: it is the one objection
        return Objection.objects.get(posting=posting, idempotency_key=key)
    audit_record(
        actor=actor,
        action="ledger.objection.submit",
        object_type="objection",
        object_id=objection.pk,
        county_id=posting.county_id,
        summary=f"对{posting.year}年第{posting.quarter}季度积分公示的异议：{text[:100]}",
        after=objection_snapshot(objection),
    )
    return objection


@transaction.atomic
def objection_answer(*, actor: Actor, objection: Objection, answer: str) -> Objection:
    """The branch committee answers an objection; the answer is posted beside it on the
    notice. An answer, once posted, is not changed."""
    posting = Posting.objects.get(pk=objection.posting_id)
    branch = Org.objects.get(pk=posting.branch_id)
    require(scope_for_actor(actor).can_manage_org(branch))
    answer = _text(answer, field="答复内容", limit=2000)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status == Objection.Status.ANSWERED:
        raise ServiceError("该异议已答复并公示，不能修改答复")
    before = objection_snapshot(objection)
    objection.status = Objection.Status.ANSWERED
    objection.answer = answer
    objection.answered_at, objection.answered_by = actor.now, actor.user
    objection.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    audit_record(
        actor=actor,
        action="ledger.objection.answer",
        object_type="objection",
        object_id=objection.pk,
        county_id=objection.county_id,
        summary=f"答复异议：{answer[:100]}",
        before=before,
        after=objection_snapshot(objection),
    )
    return objection


# --- reminder talks (约谈提醒) ----------------------------------------------------------------
TALK_ROLES = frozenset({Role.SECRETARY, Role.COMMITTEE})


def may_record_reminder_talk(*, actor: Actor, member: Member) -> bool:
    """The secretary or a committee member of the member's branch holds the talk (the page
    shows the form by this)."""
    scope = scope_for_actor(actor)
    branch = Org.objects.get(pk=member.branch_id)
    return scope.everything or any(
        g.role in TALK_ROLES and branch.path.startswith(g.path) for g in scope.grants
    )


@transaction.atomic
def reminder_talk_record(
    *, actor: Actor, member: Member, held_on: dt.date, notes: str
) -> ReminderTalk:
    """Record a reminder talk (约谈提醒) with a member whose points stay low, keeping the
    member's counted points for the talk's year as they stood when it was recorded. The same
    talk submitted twice (same member, date, notes and recorder) is recorded once."""
    require(may_record_reminder_talk(actor=actor, member=member))
    # the points kept are counted ones: lock out a sign-off of the branch meanwhile
    QuarterGuard(Org.objects.get(pk=member.branch_id))
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status in (MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED):
        raise ServiceError(f"“{member.name}”已不在本支部党员名册中")
    if held_on > _today(actor):
        raise ServiceError("约谈日期不能晚于今天")
    notes = _text(notes, field="约谈情况", limit=2000, required=False)
    existing = ReminderTalk.objects.filter(
        member=member, held_on=held_on, notes=notes, held_by=actor.user
    ).first()
    if existing is not None:
        return existing
    points = (
        counted_entries()
        .filter(member=member, year=held_on.year)
        .aggregate(total=Coalesce(Sum("points"), Value(ZERO)))["total"]
    )
    talk = ReminderTalk.objects.create(
        county_id=member.county_id,
        branch_id=member.branch_id,
        member=member,
        year=held_on.year,
        held_on=held_on,
        held_by=actor.user,
        held_by_label=actor.label[:150],
        points_at_talk=points_normal(points),
        notes=notes,
        recorded_at=actor.now,
    )
    audit_record(
        actor=actor,
        action="ledger.reminder_talk.record",
        object_type="reminder_talk",
        object_id=talk.pk,
        county_id=member.county_id,
        summary=f"约谈提醒{member.name}（{held_on.isoformat()}，{held_on.year}年积分"
        f"{points_text(talk.points_at_talk)}分）",
        after={
            "member_id": member.pk,
            "branch_id": member.branch_id,
            "held_on": held_on.isoformat(),
            "points_at_talk": points_text(talk.points_at_talk),
            "notes": notes,
        },
    )
    return talk


# --- evidence uploaded through the API ----------------------------------------------------


def evidence_upload(*, actor: Actor, upload: UploadedFile) -> EvidenceFile:
    """Keep a file a signed-in user uploads as evidence (a photo or a PDF, checked by its
    content, at most ZHENGXING_MAX_UPLOAD_MB); its `ref` is what their claim names. The file is
    removed again if its record cannot be written."""
    if actor.user is None:
        raise PermissionDenied
    problem = evidence.upload_problem(upload)
    if problem:
        raise ServiceError(problem)
    path, kind = evidence.store(upload, today=_today(actor))
    try:
        with transaction.atomic():
            row = EvidenceFile.objects.create(
                ref="ev_" + secrets.token_urlsafe(24),
                uploaded_by=actor.user,
                path=path,
                content_type=kind,
                size=upload.size or 0,
                uploaded_at=actor.now,
            )
            counties = scope_for_actor(actor).county_ids()
            audit_record(
                actor=actor,
                action="ledger.evidence.upload",
                object_type="evidence",
                object_id=row.pk,
                county_id=min(counties) if counties else None,
                summary=f"上传证明材料（{kind}，{row.size}字节）",
                after={"ref": row.ref, "content_type": kind, "size": row.size},
            )
    except BaseException:
        evidence_storage().delete(path)
        raise
    return row
