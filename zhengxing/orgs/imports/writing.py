"""Writing a checked import, inside its one transaction: new and changed organisations first,
then the members in batches, each with its history and its audit row. Every row goes through
`rows_write` (`core.bulk.bulk_insert` and the ORM's `bulk_update`), so each field's value is
converted the way the ORM converts it, whatever its type — once per column, not per value."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model

from zhengxing.audit.models import AuditEvent
from zhengxing.audit.services import audit_event, audit_record, audit_record_many
from zhengxing.core import pii
from zhengxing.core.bulk import Blanks, bulk_insert

from ..models import Member, MemberEvent, Org, path_segment
from ..roster import MEMBER_DATA_FIELDS
from ..services import apply_member_data, member_snapshot, org_snapshot
from ._common import BATCH, ORG_DESCRIPTIVE, ImportResult

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
    """The one way the import writes rows: `new` ones inserted, their ids set (both engines
    return them), as many a statement as the engine's parameter limit allows; and `fields` of
    the `changed` ones updated, in batches of at most `BATCH` rows."""
    if new:
        bulk_insert(model, new)
    if changed and fields:
        model._default_manager.bulk_update(changed, list(fields), batch_size=BATCH)


def import_write(job: _Import) -> ImportResult:
    """Carry out a checked import's plan, with its summary audit row."""
    _orgs_write(job)
    created, updated, unchanged = _members_write(job)
    result = ImportResult(
        created=created,
        updated=updated,
        unchanged=unchanged,
        orgs_created=len(job.new_orgs),
        orgs_updated=len(job.changed_orgs),
        orgs_unchanged=job.orgs_unchanged,
    )
    audit_record(
        actor=job.actor,
        action="roster.import",
        object_type="county",
        object_id=job.county.pk,
        county_id=job.county.pk,
        summary=(
            f"导入花名册：新增党员{created}人，更新{updated}人，未变{unchanged}人；"
            f"新增组织{result.orgs_created}个，更新{result.orgs_updated}个"
        ),
        after=asdict(result),
    )
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


# members are written, with their history and audit rows, 500 at a time: each batch moves the
# import job's progress bar, which must not stand still for 2 s on a loaded server (issue 19);
# the statements themselves still carry up to BATCH rows
MEMBER_BATCH = 500


def _members_write(job: _Import) -> tuple[int, int, int]:
    """Members in batches: new ones inserted, changed ones updated (only the columns that
    changed in the batch), each with its history (registered, transferred, status changed)
    and its audit row with before and after."""
    created = updated = unchanged = 0
    actor, today, county_id = job.actor, job.today, job.county.pk
    # blank rows, copied by the fast positional constructor (as `from_db` does)
    members = Blanks(Member, county_id=county_id, status_since=today, created_at=actor.now)
    events = Blanks(
        MemberEvent, county_id=county_id, on=today, note="花名册导入", recorded_at=actor.now
    )
    sealer = job.sealer
    for start in range(0, len(job.rows), MEMBER_BATCH):
        batch = job.rows[start : start + MEMBER_BATCH]
        new: list[Member] = []
        changed: list[tuple[Member, dict[str, Any], int, str]] = []
        columns = {"updated_at"}
        for r in batch:
            data = r.data
            member = job.existing.get(r.hash)
            if member is None:
                # what `apply_member_data` sets, given at once (its blind index already known)
                member = members.make(
                    **dict(zip(MEMBER_DATA_FIELDS, _data_values(data), strict=True)),
                    branch_id=r.branch.pk,
                    group_id=r.group.pk if r.group is not None else None,
                    id_card_enc=sealer.encrypt(data.id_card),
                    id_card_hash=r.hash,
                    phone_enc=sealer.encrypt(data.phone),
                    status=data.status,
                    updated_at=actor.now,
                )
                new.append(member)
                continue
            if _unchanged(member, r, sealer):
                unchanged += 1
                continue
            before = member_snapshot(member)
            phone_before = member.phone_enc
            old_branch_id, old_status = member.branch_id, member.status
            apply_member_data(member, data, r.branch, r.group, sealer=sealer)
            if data.status != old_status:
                member.status, member.status_since = data.status, today
                columns.add("status_since")
            after = member_snapshot(member)
            if member.phone_enc == phone_before and after == before:
                unchanged += 1
                continue
            if member.phone_enc != phone_before:
                columns.add("phone_enc")
            # the snapshot's keys are the members' fields (the ID number's by its blind index)
            columns.update(k for k, v in after.items() if before[k] != v)
            if "id_card_hash" in columns:
                columns.add("id_card_enc")
            member.updated_at = actor.now
            changed.append((member, before, old_branch_id, old_status))

        rows_write(Member, new=new, changed=[m for m, *_ in changed], fields=columns)

        history: list[MemberEvent] = []
        logged: list[AuditEvent] = []
        for member in new:
            history.append(
                events.make(
                    member_id=member.pk,
                    kind=MemberEvent.Kind.REGISTERED,
                    status_to=member.status,
                    branch_to_id=member.branch_id,
                )
            )
            logged.append(_member_event(job, "member.create", member, None))
        for member, before, old_branch_id, old_status in changed:
            if member.branch_id != old_branch_id:
                history.append(
                    events.make(
                        member_id=member.pk,
                        kind=MemberEvent.Kind.TRANSFER,
                        branch_from_id=old_branch_id,
                        branch_to_id=member.branch_id,
                    )
                )
            if member.status != old_status:
                history.append(
                    events.make(
                        member_id=member.pk,
                        kind=MemberEvent.Kind.STATUS,
                        status_from=old_status,
                        status_to=member.status,
                    )
                )
            logged.append(_member_event(job, "member.update", member, before))
        rows_write(MemberEvent, new=history)
        audit_record_many(logged)
        created += len(new)
        updated += len(changed)
        if job.progress is not None:
            job.progress(len(job.rows) + start + len(batch), job.total)
    return created, updated, unchanged


_data_values = attrgetter(*MEMBER_DATA_FIELDS)


def _unchanged(member: Member, r: _MemberRow, sealer: pii.Sealer) -> bool:
    """Whether the row would leave this member as they are (`apply_member_data` changing
    nothing and the status the same), found without changing the member: most rows of a
    re-import. The phone is compared in the clear, decrypted."""
    data = r.data
    return (
        member.branch_id == r.branch.pk
        and member.group_id == (r.group.pk if r.group is not None else None)
        and member.status == data.status
        and bool(member.id_card_enc)
        and _data_values(member) == _data_values(data)
        and (sealer.decrypt(member.phone_enc) if member.phone_enc else "") == data.phone
    )


def _member_event(
    job: _Import, action: str, member: Member, before: dict[str, Any] | None
) -> AuditEvent:
    return audit_event(
        actor=job.actor,
        action=action,
        object_type="member",
        object_id=member.pk,
        county_id=job.county.pk,
        summary=f"{member.name}（花名册导入）",
        before=before,
        after=member_snapshot(member),
    )
