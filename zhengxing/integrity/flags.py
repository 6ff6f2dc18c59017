"""Writes of the stored findings: a scan that runs every registered detector over a county's
window and keeps what is new (`findings_scan`), and the township's decision on a flag, dismissed
or confirmed with a note (`flag_decide`). Each writes its audit row in its transaction.

003: "上级党委要组织专人定期开展督导检查，对工作落实不力、弄虚作假、评选过程不公正和结果不及时公开的
情况给予通报" — the township looks into what the detectors found; a flag never changes a rating
or a point by itself."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import transaction

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.orgs.models import County, Org
from zhengxing.orgs.selectors import Scope, scope_for_actor

from .findings import Finding, Window, detectors
from .flag_selectors import flags_q, may_see_flags
from .models import Flag, FlagStatus

# the longest span one scan looks at: two years of rounds and claims
LONGEST_SCAN = dt.timedelta(days=731)
NOTE_MAX = 2000
# what a decision is called in the audit log (Chinese, as the log keeps it)
DECISIONS = {
    FlagStatus.DISMISSED: "不属实，已排除",
    FlagStatus.CONFIRMED: "属实",
    FlagStatus.OPEN: "重新核查",
}


@dataclass(frozen=True)
class Scanned:
    """What a scan found in the actor's scope, and how many of those were new."""

    found: int
    new: int
    by_kind: dict[str, int]


def _may_scan(scope: Scope, county: County) -> bool:
    return scope.everything or (may_see_flags(scope) and county.pk in scope.county_ids())


def _in_scope(scope: Scope, county: County, findings: list[Finding]) -> list[Finding]:
    """The findings about organisations the actor's township or county roles cover."""
    ids = {f.org_id for f in findings}
    if not ids:
        return []
    covered = set(
        Org.objects.filter(flags_q(scope, prefix=""), county=county, pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    return [f for f in findings if f.org_id in covered]


@transaction.atomic
def findings_scan(*, actor: Actor, county: County, since: dt.date, until: dt.date) -> Scanned:
    """Run every registered detector over the county's rows of the window and store each
    finding about an organisation in the actor's scope (township or county roles; a server
    command: the whole county) as a `Flag`, once: a finding stored before — open, dismissed or
    confirmed — is left as it is (the unique county, kind and subject settle two scans racing).
    Reads ballots and claims; never changes them."""
    scope = scope_for_actor(actor)
    require(_may_scan(scope, county))
    if since > until:
        raise ServiceError("开始日期不能晚于结束日期")
    if until - since > LONGEST_SCAN:
        raise ServiceError("一次最多检查两年内的评议和积分")
    window = Window(county_id=county.pk, since=since, until=until)
    found = _in_scope(scope, county, [f for d in detectors() for f in d.find(window)])
    known = set(
        Flag.objects.filter(county=county, subject__in={f.subject for f in found}).values_list(
            "kind", "subject"
        )
    )
    fresh = {(f.kind, f.subject): f for f in found if (f.kind, f.subject) not in known}
    Flag.objects.bulk_create(
        [
            Flag(
                county=county,
                org_id=f.org_id,
                kind=f.kind,
                subject=f.subject[:200],
                summary=f.summary[:500],
                evidence=f.evidence,
                found_at=actor.now,
            )
            for f in fresh.values()
        ],
        ignore_conflicts=True,
    )
    by_kind = dict(Counter(f.kind for f in found))
    audit_record(
        actor=actor,
        action="integrity.findings.scan",
        object_type="county",
        object_id=county.pk,
        county_id=county.pk,
        summary=f"核查{since}至{until}：发现{len(found)}项，新记{len(fresh)}项",
        after={
            "since": since.isoformat(),
            "until": until.isoformat(),
            "found": len(found),
            "new": len(fresh),
            "by_kind": by_kind,
        },
    )
    return Scanned(found=len(found), new=len(fresh), by_kind=by_kind)


@transaction.atomic
def flag_decide(*, actor: Actor, flag: Flag, status: str, note: str) -> Flag:
    """The township's (or the county's) decision on a flag in its scope: dismissed (nothing
    wrong found) or confirmed (to be dealt with, e.g. a finding against the branch), each with
    a note saying why; or opened again. The flag is locked while it changes."""
    scope = scope_for_actor(actor)
    require(Flag.objects.filter(flags_q(scope), pk=flag.pk).exists())
    if status not in DECISIONS:
        raise ServiceError("请选择：属实、不属实或重新核查")
    note = note.strip()
    if status != FlagStatus.OPEN and not note:
        raise ServiceError("请写明核查意见")
    if len(note) > NOTE_MAX:
        raise ServiceError(f"核查意见不能超过{NOTE_MAX}字")
    locked = Flag.objects.select_for_update().get(pk=flag.pk)
    if locked.status == status:
        raise ServiceError("该线索已是这一状态，请刷新后再试", code="conflict")
    before = {"status": locked.status, "note": locked.note}
    locked.status = status
    locked.note = note
    locked.decided_by = actor.user
    locked.decided_at = actor.now
    locked.save(update_fields=["status", "note", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="integrity.flag.decide",
        object_type="integrity_flag",
        object_id=locked.pk,
        county_id=locked.county_id,
        summary=f"核查线索“{locked.summary[:80]}”：{DECISIONS[FlagStatus(status)]}",
        before=before,
        after={"status": status, "note": note},
    )
    return locked
