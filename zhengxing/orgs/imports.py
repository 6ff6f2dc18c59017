"""Importing and exporting the roster workbook (花名册, layout in `excel.py`).

`roster_import` reads the workbook once, validates every row of both sheets against the rules
(`roster.clean_member`), the county's tree and the importer's scope, and only then writes
everything in one transaction: the "组织" sheet's new and changed organisations first, then the
members. A member is matched by the blind index of their ID number, so importing the same file
again updates (or leaves unchanged) rather than duplicates. Any error and nothing is written:
`ImportFailed` lists every problem with its Excel row, column header and a Chinese message.

Members of the county that the file does not mention are left as they are: an import adds and
updates, it never deletes.

`roster_export` writes what the user may see in the same layout, full ID numbers included (so
it re-imports), and is therefore for roles entitled to reveal them, and logged.

Cost, nothing per row: one query for the county's tree, existing members looked up by blind
index in chunks of 900, then per batch of 2,000 rows one prepared INSERT (or UPDATE) each for
members, their history and their audit rows. The target is a 100,000-member roster in at most
twice the time openpyxl alone takes to read it (bench/bench_import.py); what it takes: rows
written with `executemany` rather than `bulk_create` (`_Table`), the cyclic garbage collector
paused (`_bulk_work`), and on SQLite a page cache that holds the indexes (`_sqlite_cache`).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import DateTimeField, JSONField, Model

from zhengxing.audit import pii
from zhengxing.audit.models import AuditEvent
from zhengxing.audit.services import Actor, audit_event, audit_record, audit_record_many

from . import excel
from .models import County, Member, MemberEvent, Org, path_segment
from .roster import COLUMN_BY_KEY, COLUMNS, MemberData, RowInvalid, clean_member
from .rules import (
    GROUP_KINDS,
    MEMBER_HOLDING_KINDS,
    ROLE_REVEALS_PII,
    OrgCategory,
    kind_may_sit_under,
    name_problem,
)
from .selectors import Scope, members_visible_to, orgs_visible_to, scope_for_actor
from .services import (
    NUMBER_REFUSED,
    ORG_NAME_FIELDS,
    apply_member_data,
    member_snapshot,
    org_snapshot,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

BATCH = 2000
# Hashes per `IN (...)` when looking up existing members: below SQLite's oldest variable limit.
LOOKUP_CHUNK = 900

NOT_XLSX = "文件不是有效的 Excel（.xlsx）文件"
NO_DATA = "文件中没有数据行（请从第2行起填写，每行一名党员）"

ORG_HEADER = {c.key: c.header for c in excel.ORG_COLUMNS}
ORG_LIMITS = {
    "code": 32,
    "name": 200,
    "secretary_name": 50,
    "contact_name": 50,
    "contact_phone": 30,
}
ORG_DESCRIPTIVE = ("name", "category", "secretary_name", "contact_name", "contact_phone")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportErrorRow:
    """One problem: the Excel row as the user sees it (0: the file as a whole), the column's
    header ("" for the row or the file), the message, and the sheet it is on."""

    row: int
    column: str
    message: str
    sheet: str = excel.MEMBER_SHEET


class ImportFailed(Exception):
    """Nothing was imported; `errors` lists every problem found."""

    def __init__(self, errors: list[ImportErrorRow]) -> None:
        self.errors = errors
        super().__init__(f"花名册未导入：共{len(errors)}处错误")


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    orgs_created: int = 0
    orgs_updated: int = 0
    orgs_unchanged: int = 0


@dataclass
class _OrgRow:
    row: int
    code: str
    name: str
    kind: str
    parent_code: str
    category: str
    secretary_name: str
    contact_name: str
    contact_phone: str


@dataclass(frozen=True)
class _Placement:
    branch: Org | None
    group: Org | None
    problems: tuple[tuple[str, str], ...]


@dataclass
class _MemberRow:
    row: int
    data: MemberData
    hash: str
    branch: Org
    group: Org | None


def roster_import(
    *,
    actor: Actor,
    county: County,
    file: IO[bytes] | str | Path,
    today: dt.date,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a roster workbook into `county`: every row valid, or nothing written.

    `progress(done, total)` is called as rows are read and checked, then as they are written:
    each row counts once in each pass, so `total` is twice the number of rows."""
    try:
        return _roster_import(actor=actor, county=county, file=file, today=today, progress=progress)
    except ImportFailed as failed:
        _audit_failure(actor, county, failed.errors)
        raise


def _roster_import(
    *,
    actor: Actor,
    county: County,
    file: IO[bytes] | str | Path,
    today: dt.date,
    progress: Progress | None,
) -> ImportResult:
    job = _Import(actor=actor, county=county, today=today, progress=progress)
    try:
        with _bulk_work(), excel.RosterBook(file) as book:
            job.read(book)
    except excel.NotAWorkbook:
        raise ImportFailed([ImportErrorRow(0, "", NOT_XLSX, sheet="")]) from None
    if job.errors:
        raise ImportFailed(job.sorted_errors())
    try:
        with _bulk_work(), transaction.atomic(), _sqlite_cache():
            return job.write()
    except IntegrityError:
        # Someone registered one of these numbers (or used an org code) while we validated.
        raise ImportFailed(
            [ImportErrorRow(0, "", "导入期间数据被他人同时修改，请重新导入", sheet="")]
        ) from None


# how many of a failed import's problems its audit row lists (where: sheet, row and column)
AUDITED_PROBLEMS = 50


def _audit_failure(actor: Actor, county: County, errors: list[ImportErrorRow]) -> None:
    """A failed import is audited too, in a transaction of its own: who tried, how many
    problems, where they were, and how many rows named an ID number that was refused. The
    messages are left out (they may quote what was typed: a phone, a number)."""
    refused = sum(1 for e in errors if e.message == NUMBER_REFUSED)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="roster.import_failed",
            object_type="county",
            object_id=county.pk,
            county_id=county.pk,
            summary=f"花名册未导入：共{len(errors)}处错误"
            + (f"，其中{refused}个公民身份号码未予导入" if refused else ""),
            after={
                "errors": len(errors),
                "numbers_refused": refused,
                "where": [[e.sheet, e.row, e.column] for e in errors[:AUDITED_PROBLEMS]],
            },
        )


@contextmanager
def _bulk_work() -> Iterator[None]:
    """Pause the cyclic garbage collector. An import holds a few objects per row alive and
    creates no reference cycles (reference counting frees its garbage), yet every full
    collection would walk all of them again: on 100,000 rows, about 10 s of collections."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


SQLITE_CACHE_KIB = 128 * 1024


@contextmanager
def _sqlite_cache() -> Iterator[None]:
    """On SQLite, a page cache large enough for the indexes one large transaction touches at
    random (the ID numbers' blind index above all); the default 2 MB makes it spill to the WAL
    and read back, and the write slows down as the county grows. Restored afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


class _Import:
    """One import: `read` validates and plans, `write` carries the plan out."""

    def __init__(
        self, *, actor: Actor, county: County, today: dt.date, progress: Progress | None
    ) -> None:
        self.actor = actor
        self.county = county
        self.today = today
        self.progress = progress
        self.scope: Scope = scope_for_actor(actor)
        self.errors: list[ImportErrorRow] = []
        # the whole tree of the county, one query; invisible orgs are treated as absent
        self.orgs_by_code: dict[str, Org] = {}
        self.orgs_by_id: dict[int, Org] = {}
        self.new_orgs: list[Org] = []
        self.changed_orgs: list[tuple[Org, dict[str, Any]]] = []  # with their before snapshot
        self.orgs_unchanged = 0
        self.failed_org_codes: set[str] = set()
        self.rows: list[_MemberRow] = []
        self.existing: dict[str, Member] = {}
        self.total = 0

    def error(self, row: int, key: str, message: str, sheet: str = excel.MEMBER_SHEET) -> None:
        header = COLUMN_BY_KEY[key].header if sheet == excel.MEMBER_SHEET else ORG_HEADER[key]
        self.errors.append(ImportErrorRow(row, header if key else "", message, sheet))

    def sorted_errors(self) -> list[ImportErrorRow]:
        order = {"": 0, excel.ORG_SHEET: 1, excel.MEMBER_SHEET: 2}
        return sorted(self.errors, key=lambda e: (order.get(e.sheet, 3), e.row))

    # --- reading and validating ----------------------------------------------------------

    def read(self, book: excel.RosterBook) -> None:
        for org in Org.objects.filter(county=self.county):
            self.orgs_by_code[org.code] = org
            self.orgs_by_id[org.pk] = org
        members = book.members if book.members and book.members.has_header else None
        orgs = book.orgs if book.orgs and book.orgs.has_header else None
        self.total = 2 * members.estimated_rows if members else 0
        n_orgs = self.read_orgs(orgs) if orgs else 0
        if members:
            self.read_members(members)
        if not self.rows and not n_orgs and not self.errors:
            self.errors.append(ImportErrorRow(2, "", NO_DATA))
        if self.rows:
            self.match_existing()

    def visible_org(self, code: str) -> Org | None:
        org = self.orgs_by_code.get(code)
        if org is None or (org.pk is not None and not self.scope.can_see_org(org)):
            return None
        return org

    def read_orgs(self, sheet: excel.Sheet) -> int:
        """Validate the "组织" sheet and plan its creations and changes; the number of rows."""
        org_sheet = excel.ORG_SHEET
        for column in sheet.missing:
            self.error(1, column.key, f"缺少必填列“{column.header}”", org_sheet)
        if sheet.missing:
            return 0
        rows: list[_OrgRow] = []
        first_row: dict[str, int] = {}
        for number, raw in sheet.rows():
            text = {c.key: excel.cell_text(raw.get(c.key)) for c in excel.ORG_COLUMNS}
            bad = False
            for column in excel.ORG_COLUMNS:
                value = text[column.key]
                if not value:
                    if column.required:
                        self.error(number, column.key, f"“{column.header}”不能为空", org_sheet)
                        bad = True
                    continue
                if column.labels is not None:
                    try:
                        text[column.key] = excel.decode(column, value)
                    except ValueError:
                        allowed = excel.allowed_values(column)
                        message = f"“{column.header}”的值“{value}”无效，应为：{allowed}"
                        self.error(number, column.key, message, org_sheet)
                        bad = True
                limit = ORG_LIMITS.get(column.key)
                if limit and len(value) > limit:
                    message = f"“{column.header}”过长（最多{limit}字）"
                    self.error(number, column.key, message, org_sheet)
                    bad = True
                elif column.key in ORG_NAME_FIELDS and (
                    problem := name_problem(value, column.header)
                ):
                    self.error(number, column.key, problem, org_sheet)
                    bad = True
            code = text["code"]
            if code and code in first_row:
                message = f"第{first_row[code]}行与第{number}行的组织代码“{code}”重复"
                self.error(number, "code", message, org_sheet)
                bad = True
            elif code:
                first_row[code] = number
            if bad:
                self.failed_org_codes.add(code)
                continue
            rows.append(_OrgRow(row=number, **text))

        pending = {r.code: r for r in rows if r.code not in self.orgs_by_code}
        for r in rows:
            if r.code not in pending:
                self.check_existing_org(r)
        resolved: dict[str, Org | None] = {}
        for r in pending.values():
            self.plan_new_org(r, pending, resolved, trail=())
        return len(first_row)

    def check_existing_org(self, r: _OrgRow) -> None:
        sheet = excel.ORG_SHEET
        org = self.visible_org(r.code)
        if org is None:
            self.error(r.row, "code", f"组织代码“{r.code}”已被您管理范围以外的组织使用", sheet)
            self.failed_org_codes.add(r.code)
            return
        ok = True
        if r.kind != org.kind:
            message = f"组织类型与系统中的“{org.name}”不一致，不能通过导入修改"
            self.error(r.row, "kind", message, sheet)
            ok = False
        parent = self.orgs_by_id.get(org.parent_id) if org.parent_id else None
        if r.parent_code and r.parent_code != (parent.code if parent else ""):
            message = "上级组织与系统中的记录不一致；调整隶属关系请在组织树中操作"
            self.error(r.row, "parent_code", message, sheet)
            ok = False
        if not ok:
            self.failed_org_codes.add(r.code)
            return
        wanted = {
            "name": r.name,
            "category": r.category or org.category,
            "secretary_name": r.secretary_name,
            "contact_name": r.contact_name,
            "contact_phone": r.contact_phone,
        }
        if all(getattr(org, k) == v for k, v in wanted.items()):
            self.orgs_unchanged += 1
            return
        if not (self.scope.can_manage_tree(org) or self.scope.can_manage_org(org)):
            self.error(r.row, "code", f"无权修改组织“{org.name}”", sheet)
            self.failed_org_codes.add(r.code)
            return
        before = org_snapshot(org)
        for key, value in wanted.items():
            setattr(org, key, value)
        self.changed_orgs.append((org, before))

    def plan_new_org(
        self,
        r: _OrgRow,
        pending: dict[str, _OrgRow],
        resolved: dict[str, Org | None],
        trail: tuple[str, ...],
    ) -> Org | None:
        """The unsaved org for a new row, its parent planned first; None when it fails.

        Until it is saved a new org carries a provisional path below its parent's (a fixed-width
        segment that is not digits), so scope checks and group-in-branch checks work on it."""
        if r.code in resolved:
            return resolved[r.code]
        sheet = excel.ORG_SHEET
        resolved[r.code] = None  # also marks the row as in progress, for cycles
        parent: Org | None = None
        if not r.parent_code:
            self.error(r.row, "parent_code", "新建组织的“上级组织代码”不能为空", sheet)
        elif r.parent_code in trail or r.parent_code == r.code:
            start = trail.index(r.parent_code) if r.parent_code in trail else len(trail)
            loop = (*trail[start:], r.code, r.parent_code)
            self.error(r.row, "parent_code", f"上级组织代码形成循环：{' → '.join(loop)}", sheet)
        elif r.parent_code in pending:
            parent = self.plan_new_org(pending[r.parent_code], pending, resolved, (*trail, r.code))
            if parent is None:  # the parent's own row says why
                self.failed_org_codes.add(r.code)
                return None
        else:
            parent = self.visible_org(r.parent_code)
            if parent is None and r.parent_code not in self.failed_org_codes:
                message = f"上级组织代码“{r.parent_code}”不存在"
                self.error(r.row, "parent_code", message, sheet)
        if parent is not None and not kind_may_sit_under(r.kind, parent.kind):
            kind, above = excel.ORG_KIND_LABELS[r.kind], excel.ORG_KIND_LABELS[parent.kind]
            self.error(r.row, "kind", f"“{kind}”不能设在“{above}”之下", sheet)
            parent = None
        if parent is not None and not self.scope.can_manage_tree(parent):
            self.error(r.row, "parent_code", f"无权在“{parent.name}”下设立组织", sheet)
            parent = None
        if parent is None:
            self.failed_org_codes.add(r.code)
            return None
        org = Org(
            county=self.county,
            code=r.code,
            name=r.name,
            kind=r.kind,
            category=r.category or OrgCategory.RURAL,
            secretary_name=r.secretary_name,
            contact_name=r.contact_name,
            contact_phone=r.contact_phone,
            parent=parent,
            depth=parent.depth + 1,
            path=parent.path + f"n{len(self.new_orgs):09d}",
        )
        self.new_orgs.append(org)
        self.orgs_by_code[org.code] = org
        resolved[r.code] = org
        return org

    def read_members(self, sheet: excel.Sheet) -> None:
        for column in sheet.missing:
            self.error(1, column.key, f"缺少必填列“{column.header}”")
        if sheet.missing:
            return
        first_row: dict[str, int] = {}
        placements: dict[tuple[str, str], _Placement] = {}
        blind_index, today, progress = pii.blind_index, self.today, self.progress
        n = 0
        for n, (number, raw) in enumerate(sheet.rows(), start=1):
            if progress is not None and n % 1000 == 0:
                self.total = max(self.total, 2 * n)
                progress(n, self.total)
            try:
                data: MemberData | None = clean_member(raw, today=today)
            except RowInvalid as e:
                data = None
                for key, message in e.errors:
                    self.error(number, key, message)
            codes = (
                excel.cell_text(raw.get("branch_code")),
                excel.cell_text(raw.get("group_code")),
            )
            placement = placements.get(codes)
            if placement is None:
                placement = placements[codes] = self.placement(*codes)
            for key, message in placement.problems:
                self.error(number, key, message)
            if data is None or placement.branch is None or placement.problems:
                continue
            hash_ = blind_index(data.id_card)
            if hash_ in first_row:
                message = f"第{first_row[hash_]}行与第{number}行的公民身份号码重复"
                self.error(number, "id_card", message)
                continue
            first_row[hash_] = number
            self.rows.append(_MemberRow(number, data, hash_, placement.branch, placement.group))
        self.total = 2 * n
        if progress is not None:
            progress(n, self.total)

    def placement(self, branch_code: str, group_code: str) -> _Placement:
        """The branch and group the codes name, if this importer may place members there, or
        the problems. An org outside the scope reads as unknown, so its name does not leak; one
        whose own row on the "组织" sheet failed is not reported again."""
        if not branch_code:
            return _Placement(None, None, ())  # clean_member reports the empty required column
        branch = self.visible_org(branch_code)
        if branch is None:
            if branch_code in self.failed_org_codes:
                return _Placement(None, None, ())
            return _Placement(
                None, None, (("branch_code", f"所在党组织代码“{branch_code}”不存在"),)
            )
        if branch.kind not in MEMBER_HOLDING_KINDS:
            message = f"“{branch.name}”不是党支部，党员应编入党支部"
            return _Placement(None, None, (("branch_code", message),))
        if not self.scope.can_manage_org(branch):
            return _Placement(None, None, (("branch_code", f"无权管理“{branch.name}”的党员"),))
        if not group_code:
            return _Placement(branch, None, ())
        group = self.visible_org(group_code)
        if group is None or group.kind not in GROUP_KINDS or not group.path.startswith(branch.path):
            if group_code in self.failed_org_codes:
                return _Placement(None, None, ())
            message = f"党小组代码“{group_code}”不属于“{branch.name}”"
            return _Placement(None, None, (("group_code", message),))
        return _Placement(branch, group, ())

    def match_existing(self) -> None:
        """The county's members with these ID numbers, by blind index, in chunked queries;
        a number held by a member outside the importer's scope is an error."""
        hashes = [r.hash for r in self.rows]
        for i in range(0, len(hashes), LOOKUP_CHUNK):
            chunk = hashes[i : i + LOOKUP_CHUNK]
            for found in Member.objects.filter(county=self.county, id_card_hash__in=chunk):
                self.existing[found.id_card_hash] = found
        if self.scope.everything or not self.existing:
            return
        for r in self.rows:
            member = self.existing.get(r.hash)
            if member is None:
                continue
            member.branch = self.orgs_by_id[member.branch_id]  # no query: the tree is loaded
            # A member is updated only by an importer who may change their numbers (a role that
            # may reveal them). Anyone else is told the same neutral words whether the number is
            # in their branch or elsewhere in the county, so an import tells no one who exists
            # where; the failed import is audited with the count of numbers refused.
            if not (self.scope.can_manage_member(member) and self.scope.can_reveal_member(member)):
                self.error(r.row, "id_card", NUMBER_REFUSED)

    # --- writing -------------------------------------------------------------------------

    def write(self) -> ImportResult:
        self.write_orgs()
        created, updated, unchanged = self.write_members()
        result = ImportResult(
            created=created,
            updated=updated,
            unchanged=unchanged,
            orgs_created=len(self.new_orgs),
            orgs_updated=len(self.changed_orgs),
            orgs_unchanged=self.orgs_unchanged,
        )
        audit_record(
            actor=self.actor,
            action="roster.import",
            object_type="county",
            object_id=self.county.pk,
            county_id=self.county.pk,
            summary=(
                f"导入花名册：新增党员{created}人，更新{updated}人，未变{unchanged}人；"
                f"新增组织{result.orgs_created}个，更新{result.orgs_updated}个"
            ),
            after=asdict(result),
        )
        return result

    def write_orgs(self) -> None:
        """New orgs level by level (a parent has its id before its children are inserted),
        then their real paths in one bulk update; changed orgs in one more."""
        events: list[AuditEvent] = []
        for depth in sorted({o.depth for o in self.new_orgs}):
            level = [o for o in self.new_orgs if o.depth == depth]
            for org in level:
                org.path = ""
            Org.objects.bulk_create(level, batch_size=BATCH)
            for org in level:
                assert org.parent is not None
                org.path = org.parent.path + path_segment(org.pk)
        if self.new_orgs:
            Org.objects.bulk_update(self.new_orgs, ["path"], batch_size=BATCH)
        for org in self.new_orgs:
            events.append(self.org_event("org.create", org, None))
        if self.changed_orgs:
            Org.objects.bulk_update(
                [o for o, _ in self.changed_orgs], list(ORG_DESCRIPTIVE), batch_size=BATCH
            )
        for org, before in self.changed_orgs:
            events.append(self.org_event("org.update", org, before))
        audit_record_many(events)

    def org_event(self, action: str, org: Org, before: dict[str, Any] | None) -> AuditEvent:
        return audit_event(
            actor=self.actor,
            action=action,
            object_type="org",
            object_id=org.pk,
            county_id=self.county.pk,
            summary=f"{org.name}（花名册导入）",
            before=before,
            after=org_snapshot(org),
        )

    def write_members(self) -> tuple[int, int, int]:
        """Members in batches: new ones inserted, changed ones updated, each with its history
        (registered, transferred, status changed) and its audit row with before and after."""
        created = updated = unchanged = 0
        actor, today, county_id = self.actor, self.today, self.county.pk
        members, events, audits = _Table(Member), _Table(MemberEvent), _Table(AuditEvent)
        # a blank member, copied by the fast positional constructor (as `from_db` does)
        blank = Member(county_id=county_id, status_since=today, created_at=actor.now)
        blank_values = [getattr(blank, f.attname) for f in Member._meta.concrete_fields]
        event = {f.attname: getattr(MemberEvent(), f.attname) for f in events.fields}
        event.update(county_id=county_id, on=today, note="花名册导入", recorded_at=actor.now)
        for start in range(0, len(self.rows), BATCH):
            batch = self.rows[start : start + BATCH]
            new: list[Member] = []
            changed: list[tuple[Member, dict[str, Any], int, str]] = []
            for r in batch:
                member = self.existing.get(r.hash)
                if member is None:
                    member = Member(*blank_values)
                    apply_member_data(member, r.data, r.branch, r.group)
                    member.status, member.updated_at = r.data.status, actor.now
                    new.append(member)
                    continue
                before = member_snapshot(member)
                phone_before = member.phone_enc
                old_branch_id, old_status = member.branch_id, member.status
                apply_member_data(member, r.data, r.branch, r.group)
                if r.data.status != old_status:
                    member.status, member.status_since = r.data.status, today
                if member.phone_enc == phone_before and member_snapshot(member) == before:
                    unchanged += 1
                    continue
                member.updated_at = actor.now
                changed.append((member, before, old_branch_id, old_status))

            members.insert(new)
            ids = _ids_by_hash(self.county, [m.id_card_hash for m in new])
            for member in new:
                member.pk = ids[member.id_card_hash]
            members.update(m for m, *_ in changed)

            history: list[dict[str, Any]] = []
            logged: list[AuditEvent] = []
            for member in new:
                history.append(
                    {
                        **event,
                        "member_id": member.pk,
                        "kind": MemberEvent.Kind.REGISTERED,
                        "status_to": member.status,
                        "branch_to_id": member.branch_id,
                    }
                )
                logged.append(self.member_event("member.create", member, None))
            for member, before, old_branch_id, old_status in changed:
                if member.branch_id != old_branch_id:
                    history.append(
                        {
                            **event,
                            "member_id": member.pk,
                            "kind": MemberEvent.Kind.TRANSFER,
                            "branch_from_id": old_branch_id,
                            "branch_to_id": member.branch_id,
                        }
                    )
                if member.status != old_status:
                    history.append(
                        {
                            **event,
                            "member_id": member.pk,
                            "kind": MemberEvent.Kind.STATUS,
                            "status_from": old_status,
                            "status_to": member.status,
                        }
                    )
                logged.append(self.member_event("member.update", member, before))
            events.insert_values(history)
            audits.insert(logged)
            created += len(new)
            updated += len(changed)
            if self.progress is not None:
                self.progress(len(self.rows) + start + len(batch), self.total)
        return created, updated, unchanged

    def member_event(
        self, action: str, member: Member, before: dict[str, Any] | None
    ) -> AuditEvent:
        return audit_event(
            actor=self.actor,
            action=action,
            object_type="member",
            object_id=member.pk,
            county_id=self.county.pk,
            summary=f"{member.name}（花名册导入）",
            before=before,
            after=member_snapshot(member),
        )


def _ids_by_hash(county: County, hashes: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for i in range(0, len(hashes), LOOKUP_CHUNK):
        rows = Member.objects.filter(county=county, id_card_hash__in=hashes[i : i + LOOKUP_CHUNK])
        ids.update(rows.values_list("id_card_hash", "pk"))
    return ids


class _Table:
    """Many rows of one model written with one prepared statement (`executemany`).

    `bulk_create` and `bulk_update` compile every value of every row through the ORM; for a
    100,000-member roster that costs several times the database's own work. Here values go to
    the driver as they are, converting only datetimes (to the backend's form, once per value)
    and JSON; dates pass as they are (psycopg and Django's SQLite adapters both take them).
    Every concrete field but the primary key is written; no ids come back."""

    def __init__(self, model: type[Model]) -> None:
        meta = model._meta
        self.fields = [f for f in meta.concrete_fields if not f.primary_key]
        self.attnames = [f.attname for f in self.fields]
        self.converted = [
            (i, f) for i, f in enumerate(self.fields) if isinstance(f, DateTimeField | JSONField)
        ]
        self.datetimes: dict[Any, Any] = {}
        qn = connection.ops.quote_name
        table = qn(meta.db_table)
        columns = [qn(str(f.column)) for f in self.fields]
        placeholders = ", ".join(["%s"] * len(columns))
        self.insert_sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
        assignments = ", ".join(f"{c} = %s" for c in columns)
        self.update_sql = f"UPDATE {table} SET {assignments} WHERE {qn(str(meta.pk.column))} = %s"

    def _prepared(self, values: list[Any]) -> list[Any]:
        for i, field in self.converted:
            value = values[i]
            if isinstance(field, DateTimeField):
                if value not in self.datetimes:
                    self.datetimes[value] = field.get_db_prep_save(value, connection)
                values[i] = self.datetimes[value]
            else:
                values[i] = field.get_db_prep_save(value, connection)
        return values

    def _run(self, sql: str, rows: list[list[Any]]) -> None:
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)

    def insert(self, objs: Iterable[Model]) -> None:
        attnames = self.attnames
        self._run(
            self.insert_sql, [self._prepared([getattr(o, a) for a in attnames]) for o in objs]
        )

    def insert_values(self, rows: Iterable[dict[str, Any]]) -> None:
        """Rows given as values keyed by attname (every field's, but the primary key)."""
        attnames = self.attnames
        self._run(self.insert_sql, [self._prepared([r[a] for a in attnames]) for r in rows])

    def update(self, objs: Iterable[Model]) -> None:
        attnames = self.attnames
        rows = [[*self._prepared([getattr(o, a) for a in attnames]), o.pk] for o in objs]
        self._run(self.update_sql, rows)


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
