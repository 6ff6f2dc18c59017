"""Writing a checked import, inside its one transaction: new and changed organisations first,
then the import's one audit row, then the members in batches, each with its history row (and a
changed member with an audit row of their own). Every row goes through `core.bulk`
(`bulk_insert_columns` for new members, `bulk_insert_from` for their history rows, made by the
database from the members' rows, `rows_write` for the rest:
`bulk_insert` and the ORM's `bulk_update`), so each field's value is converted the way the ORM
converts it, whatever its type — once per column, not per value."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model

from zhengxing.audit.models import AuditEvent
from zhengxing.audit.services import audit_event, audit_record, audit_record_many
from zhengxing.core.bulk import Blanks, bulk_insert, bulk_insert_columns, bulk_insert_from

from ..models import Member, MemberEvent, Org, path_segment
from ..roster import MEMBER_DATA_FIELDS
from ..services import apply_member_data, member_snapshot, org_snapshot
from ._common import BATCH, FOUND_DATA, LOOKUP_CHUNK, ORG_DESCRIPTIVE, Found, ImportResult

if TYPE_CHECKING:
    from ._common import _MemberRow
    from .validation import _Import

M = TypeVar("M", bound=Model)


def rows_write(
    model: type[M],
    *,
    new: Sequence[M] = (),
    changed: Sequence[M] = (),
    fields: Collection[str] = (),
) -> None:
    """The one way the import writes rows of instances, inside its one transaction (which any
    error rolls back whole: `bulk_insert`'s `whole`): `new` ones inserted, their ids set (both
    engines return them), as many a statement as the engine's parameter limit allows; and
    `fields` of the `changed` ones updated, in batches of at most `BATCH` rows. New members and
    their history rows go by `bulk_insert_columns` and `bulk_insert_from` (`_members_write`)."""
    if new:
        bulk_insert(model, new, whole=True)
    if changed and fields:
        model._default_manager.bulk_update(changed, list(fields), batch_size=BATCH)


def import_write(job: _Import) -> ImportResult:
    """Carry out a checked import's plan. The import's one audit row (who, when, which file,
    how many created, updated, unchanged) is written before the members, so each member's
    history row can point to it."""
    _orgs_write(job)
    source = job.source
    plan = _members_plan(job)
    result = ImportResult(
        created=len(plan.new),
        updated=len(plan.changed),
        unchanged=plan.unchanged,
        orgs_created=len(job.new_orgs),
        orgs_updated=len(job.changed_orgs),
        orgs_unchanged=job.orgs_unchanged,
    )
    summary = audit_record(
        actor=job.actor,
        action="roster.import",
        object_type="county",
        object_id=job.county.pk,
        county_id=job.county.pk,
        summary=(
            f"导入花名册“{source.file_name}”：新增党员{result.created}人，"
            f"更新{result.updated}人，未变{result.unchanged}人；"
            f"新增组织{result.orgs_created}个，更新{result.orgs_updated}个"
        ),
        after={**asdict(result), **asdict(source)},
    )
    _members_write(job, plan, summary)
    return result


def _orgs_write(job: _Import) -> None:
    """New orgs level by level (a parent has its id before its children are inserted),
    then their real paths in one bulk update; changed orgs in one more."""
    events: list[AuditEvent] = []
    for depth in sorted({o.depth for o in job.new_orgs}):
        level = [o for o in job.new_orgs if o.depth == depth]
        for org in level:
            org.path = ""
        rows_write(Org, new=level)
        for org in level:
            assert org.parent is not None
            org.path = org.parent.path + path_segment(org.pk)
    rows_write(Org, changed=job.new_orgs, fields=["path"])
    for org in job.new_orgs:
        events.append(_org_event(job, "org.create", org, None))
    rows_write(Org, changed=[o for o, _ in job.changed_orgs], fields=ORG_DESCRIPTIVE)
    for org, before in job.changed_orgs:
        events.append(_org_event(job, "org.update", org, before))
    audit_record_many(events)


def _org_event(job: _Import, action: str, org: Org, before: dict[str, Any] | None) -> AuditEvent:
    return audit_event(
        actor=job.actor,
        action=action,
        object_type="org",
        object_id=org.pk,
        county_id=job.county.pk,
        summary=f"{org.name}（花名册导入）",
        before=before,
        after=org_snapshot(org),
    )


# members are written, with their history rows, 500 at a time: each batch moves the import
# job's progress bar, which must not stand still for 2 s on a loaded server (issue 19)
MEMBER_BATCH = 500


@dataclass
class _Change:
    """A registered member the import changes: their snapshot before, their branch and status
    before, and the columns that change."""

    member: Member
    before: dict[str, Any]
    old_branch_id: int
    old_status: str
    columns: set[str]


@dataclass
class _MembersPlan:
    new: list[_MemberRow] = field(default_factory=list)
    changed: list[_Change] = field(default_factory=list)
    unchanged: int = 0


def _members_plan(job: _Import) -> _MembersPlan:
    """Which rows register a new member, which change a registered one (applied to it here, in
    memory) and how many leave theirs as they are: decided before anything is written, so the
    import's audit row carries the counts. A re-import's unchanged rows are its whole work, so
    they move the progress bar (each row counts as written once decided or written). Only the
    members a row may change are loaded as `Member`s, a chunk at a time."""
    plan = _MembersPlan()
    sealer, progress, existing = job.sealer, job.progress, job.existing
    differing: list[tuple[int, _MemberRow]] = []  # (the member's id, the row)
    for start in range(0, len(job.rows), MEMBER_BATCH):
        if progress is not None and start:
            progress(len(job.rows) + plan.unchanged, job.total)
        batch = [(r, existing.get(r.hash)) for r in job.rows[start : start + MEMBER_BATCH]]
        # the phones of the members whose other values the rows leave as they are, decrypted
        # together, to be compared in the clear
        alike = [found if found is not None and _alike(found, r) else None for r, found in batch]
        phones = iter(sealer.decrypt_many([f[PHONE_ENC] for f in alike if f is not None]))
        for (r, found), same in zip(batch, alike, strict=True):
            if found is None:
                plan.new.append(r)
            elif same is not None and next(phones) == r.data.phone:
                plan.unchanged += 1
            else:
                differing.append((found[0], r))
    for start in range(0, len(differing), LOOKUP_CHUNK):
        chunk = differing[start : start + LOOKUP_CHUNK]
        # the timestamps are left out: the import compares the rest and sets updated_at
        members = Member.objects.defer("created_at", "updated_at").in_bulk([pk for pk, _ in chunk])
        for pk, r in chunk:
            _plan_change(job, plan, members[pk], r)
    return plan


def _plan_change(job: _Import, plan: _MembersPlan, member: Member, r: _MemberRow) -> None:
    """The row applied to a registered member it may change: planned as a change with the
    columns that change, or counted unchanged if applying it changes nothing after all."""
    data = r.data
    before = member_snapshot(member)
    phone_before = member.phone_enc
    old_branch_id, old_status = member.branch_id, member.status
    apply_member_data(member, data, r.branch, r.group, sealer=job.sealer)
    columns = {"updated_at"}
    if data.status != old_status:
        member.status, member.status_since = data.status, job.today
        columns.add("status_since")
    after = member_snapshot(member)
    if member.phone_enc == phone_before and after == before:
        plan.unchanged += 1
        return
    if member.phone_enc != phone_before:
        columns.add("phone_enc")
    # the snapshot's keys are the members' fields (the ID number's by its blind index)
    columns.update(k for k, v in after.items() if before[k] != v)
    if "id_card_hash" in columns:
        columns.add("id_card_enc")
    member.updated_at = job.actor.now
    plan.changed.append(_Change(member, before, old_branch_id, old_status, columns))


def _members_write(job: _Import, plan: _MembersPlan, summary: AuditEvent) -> None:
    """New members inserted, each with their history row (registered); changed ones updated
    (only the columns that changed in the batch), each with their history rows (transferred,
    status changed) and their own audit row with before and after. Every history row points to
    the import's audit row (`summary`): who imported which file, and when."""
    actor, today, county_id = job.actor, job.today, job.county.pk
    # what every history row of the import has
    every_event: dict[str, Any] = {
        "county_id": county_id,
        "on": today,
        "note": "花名册导入",
        "recorded_at": actor.now,
        "audit_id": summary.pk,
    }
    # blank history rows, copied by the fast positional constructor (as `from_db` does)
    events = Blanks(MemberEvent, **every_event)
    sealer, done = job.sealer, len(job.rows) + plan.unchanged
    for start in range(0, len(plan.new), MEMBER_BATCH):
        rows = plan.new[start : start + MEMBER_BATCH]
        # new members and their history rows go to the writer as columns (no instances made
        # to be taken apart again): what `apply_member_data` sets, the blind index known
        data = [r.data for r in rows]
        branches = [r.branch.pk for r in rows]
        statuses = [d.status for d in data]
        values = zip(*map(_data_values, data), strict=True)
        data_columns = dict(zip(MEMBER_DATA_FIELDS, values, strict=True))
        ids = bulk_insert_columns(
            Member,
            {
                **data_columns,
                "branch_id": branches,
                "group_id": [r.group.pk if r.group is not None else None for r in rows],
                "id_card_enc": sealer.encrypt_many([d.id_card for d in data]),
                "id_card_hash": [r.hash for r in rows],
                "phone_enc": sealer.encrypt_many([d.phone for d in data]),
                "status": statuses,
            },
            whole=True,
            county_id=county_id,
            status_since=today,
        )
        # their history rows made by the database from the rows just written
        bulk_insert_from(
            MemberEvent,
            Member,
            ids,
            {"member_id": "id", "status_to": "status", "branch_to_id": "branch_id"},
            whole=True,
            kind=MemberEvent.Kind.REGISTERED,
            **every_event,
        )
        done += len(rows)
        if job.progress is not None:
            job.progress(done, job.total)
    for start in range(0, len(plan.changed), MEMBER_BATCH):
        batch = plan.changed[start : start + MEMBER_BATCH]
        columns = set().union(*(c.columns for c in batch))
        rows_write(Member, changed=[c.member for c in batch], fields=columns)
        history = []
        for c in batch:
            member = c.member
            if member.branch_id != c.old_branch_id:
                history.append(
                    events.make(
                        member_id=member.pk,
                        kind=MemberEvent.Kind.TRANSFER,
                        branch_from_id=c.old_branch_id,
                        branch_to_id=member.branch_id,
                    )
                )
            if member.status != c.old_status:
                history.append(
                    events.make(
                        member_id=member.pk,
                        kind=MemberEvent.Kind.STATUS,
                        status_from=c.old_status,
                        status_to=member.status,
                    )
                )
        rows_write(MemberEvent, new=history)
        audit_record_many(_member_event(job, c.member, c.before) for c in batch)
        done += len(batch)
        if job.progress is not None:
            job.progress(done, job.total)


_data_values = attrgetter(*MEMBER_DATA_FIELDS)


# where a registered member's encrypted phone is in their plain row (`Found`)
PHONE_ENC = FOUND_DATA - 1


def _alike(found: Found, r: _MemberRow) -> bool:
    """Whether the row would leave this registered member (`Found`, a plain row) as they are
    but for their phone, compared apart (decrypted, in the clear): `apply_member_data` changing
    nothing else and the status the same, found without a `Member` (most rows of a
    re-import)."""
    data = r.data
    _, branch_id, group_id, status, has_id_card, _phone_enc = found[:FOUND_DATA]
    return (
        branch_id == r.branch.pk
        and group_id == (r.group.pk if r.group is not None else None)
        and status == data.status
        and has_id_card
        and found[FOUND_DATA:] == _data_values(data)
    )


def _member_event(job: _Import, member: Member, before: dict[str, Any]) -> AuditEvent:
    return audit_event(
        actor=job.actor,
        action="member.update",
        object_type="member",
        object_id=member.pk,
        county_id=job.county.pk,
        summary=f"{member.name}（花名册导入）",
        before=before,
        after=member_snapshot(member),
    )
