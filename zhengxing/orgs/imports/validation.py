"""Reading the roster workbook's two sheets and checking every row against the rules
(`roster.clean_members`, as `clean_member`), the county's tree and the importer's scope,
planning what to create and change. Nothing is written here: `_Import.errors` collects every
problem found."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from zhengxing.core import pii
from zhengxing.core.actor import Actor

from .. import excel
from ..models import County, Member, Org
from ..roster import (
    COLUMN_BY_KEY,
    MemberData,
    RowInvalid,
    clean_member_columns,
    stored_as_number,
)
from ..rules import GROUP_KINDS, MEMBER_HOLDING_KINDS, OrgCategory, kind_may_sit_under, name_problem
from ..selectors import Scope, scope_for_actor
from ..services import NUMBER_REFUSED, ORG_NAME_FIELDS, org_snapshot
from ._common import (
    LOOKUP_CHUNK,
    NO_DATA,
    ORG_HEADER,
    Found,
    FoundRows,
    ImportErrorRow,
    ImportSource,
    Progress,
    _MemberRow,
    _OrgRow,
    _Placement,
)

# rows read and checked between two reports of progress (a few hundredths of a second)
REPORT_EVERY = 1000


def _plain(cells: tuple[Any, Any]) -> bool:
    """Whether a row's two code cells are text or empty, so they key the placements found as
    they are (a number would key 1, 1.0 and True alike)."""
    return all(c is None or c.__class__ is str for c in cells)


class _Import:
    """One import: `read` validates and plans; `writing.import_write` carries the plan out."""

    def __init__(
        self,
        *,
        actor: Actor,
        county: County,
        today: dt.date,
        progress: Progress | None,
        source: ImportSource,
    ) -> None:
        self.actor = actor
        self.source = source  # the file, for the import's audit row
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
        self.existing: dict[str, Found] = {}  # the county's members the rows name, by hash
        self.found_rows = FoundRows()
        self.expected_rows = 0  # the members' sheet's rows, as its dimensions say
        self.total = 0
        # Fernet's tokens and the blind index for every row, made faster (`pii.Sealer`)
        self.sealer = pii.Sealer()

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
        for sheet in (book.members, book.orgs):
            if sheet is not None and sheet.no_header:
                self.errors.append(ImportErrorRow(0, "", sheet.header_problem, sheet.title))
        members = book.members if book.members and book.members.has_header else None
        orgs = book.orgs if book.orgs and book.orgs.has_header else None
        self.total = 2 * members.estimated_rows if members else 0
        self.expected_rows = members.estimated_rows if members else 0
        n_orgs = self.read_orgs(orgs) if orgs else 0
        if members:
            self.read_members(members)
        if not self.rows and not n_orgs and not self.errors:
            below = members.header_row + 1 if members else 2
            self.errors.append(ImportErrorRow(below, "", NO_DATA))

    def visible_org(self, code: str) -> Org | None:
        org = self.orgs_by_code.get(code)
        if org is None or (org.pk is not None and not self.scope.can_see_org(org)):
            return None
        return org

    def read_orgs(self, sheet: excel.Sheet) -> int:
        """Validate the "组织" sheet and plan its creations and changes; the number of rows."""
        org_sheet = excel.ORG_SHEET
        for column in sheet.missing:
            self.error(sheet.header_row, column.key, f"缺少必填列“{column.header}”", org_sheet)
        if sheet.missing:
            return 0
        rows: list[_OrgRow] = []
        first_row: dict[str, int] = {}
        for number, raw in sheet.rows():
            text = {c.key: excel.cell_text(raw.get(c.key)) for c in excel.ORG_COLUMNS}
            bad = False
            phone = raw.get("contact_phone")
            if isinstance(phone, int | float) and not isinstance(phone, bool):
                message = stored_as_number(ORG_HEADER["contact_phone"])
                self.error(number, "contact_phone", message, org_sheet)
                bad = True
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
                limit = column.max_length
                if limit and len(value) > limit:
                    message = f"“{column.header}”过长：{len(value)}字，最多{limit}字"
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
            self.error(sheet.header_row, column.key, f"缺少必填列“{column.header}”")
        if sheet.missing:
            return
        first_row: dict[str, int] = {}
        placements: dict[tuple[Any, Any], _Placement] = {}
        blind_index, today, progress = self.sealer.blind_index, self.today, self.progress
        n = matched = 0
        # read and cleaned a chunk at a time, as columns (`clean_member_columns`), progress told
        # between
        for chunk in sheet.chunks(REPORT_EVERY):
            if progress is not None and n:
                self.total = max(self.total, 2 * n)
                progress(n, self.total)
            numbers = chunk.numbers
            cleaned = clean_member_columns(chunk.columns, len(numbers), today=today, raw=chunk.raw)
            branch_cells, group_cells = chunk.column("branch_code"), chunk.column("group_code")
            for number, data, cells in zip(
                numbers, cleaned, zip(branch_cells, group_cells, strict=True), strict=True
            ):
                if isinstance(data, RowInvalid):
                    for key, message in data.errors:
                        self.error(number, key, message)
                # only text or empty cells key a placement, so a number (1, 1.0 and True key
                # alike) never finds one: it is looked up as it is, and decided anew
                placement = placements.get(cells)
                if placement is None:
                    codes = excel.cell_text(cells[0]), excel.cell_text(cells[1])
                    placement = self.placement(*codes)
                    if _plain(cells):
                        placements[cells] = placement
                for key, message in placement.problems:
                    self.error(number, key, message)
                if (
                    not isinstance(data, MemberData)
                    or placement.branch is None
                    or placement.problems
                ):
                    continue
                hash_ = blind_index(data.id_card)
                if hash_ in first_row:
                    message = f"第{first_row[hash_]}行与第{number}行的公民身份号码重复"
                    self.error(number, "id_card", message)
                    continue
                first_row[hash_] = number
                self.rows.append(_MemberRow(number, data, hash_, placement.branch, placement.group))
                if len(self.rows) - matched == LOOKUP_CHUNK:
                    self.match_existing(self.rows[matched:])
                    matched = len(self.rows)
            n += len(numbers)
        self.match_existing(self.rows[matched:])
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

    @cached_property
    def county_members(self) -> dict[str, Found] | None:
        """Every member of the county by blind index, in one pass over the county's part of the
        unique index, when the county holds no more members than the file has rows — a
        county's first roster finds none, and a whole re-import reads them all either way;
        else None: the rows' numbers are looked up a chunk at a time. Decided and read once,
        at the first chunk of rows."""
        members = Member.objects.filter(county=self.county)
        if members[: self.expected_rows + 1].count() > self.expected_rows:
            return None
        return dict(self.found_rows.read(members))

    def match_existing(self, rows: list[_MemberRow]) -> None:
        """The county's members with the ID numbers of `rows`, by blind index — all of them read
        at once (`county_members`) or one query for at most `LOOKUP_CHUNK` rows — as plain rows
        (`Found`: what deciding "unchanged" compares; a `Member` is built only for a member the
        import changes); a number held by a member outside the importer's scope is an error.
        Called as the rows are read, a chunk at a time, so a re-import's lookups go with the
        rows' progress, not after it."""
        if not rows:
            return
        found: dict[str, Found] = {}
        everyone = self.county_members
        if everyone is not None:
            for r in rows:
                if (values := everyone.get(r.hash)) is not None:
                    found[r.hash] = values
        else:
            for i in range(0, len(rows), LOOKUP_CHUNK):
                chunk = [r.hash for r in rows[i : i + LOOKUP_CHUNK]]
                lookup = Member.objects.filter(county=self.county, id_card_hash__in=chunk)
                found.update(self.found_rows.read(lookup))
        self.existing.update(found)
        if self.scope.everything or not found:
            return
        # A member is updated only by an importer who may change their numbers (a role that
        # may reveal them). Anyone else is told the same neutral words whether the number is
        # in their branch or elsewhere in the county, so an import tells no one who exists
        # where; the failed import is audited with the count of numbers refused.
        scope, rights = self.scope, dict[int, tuple[bool, bool]]()
        for r in rows:
            member = found.get(r.hash)
            if member is None:
                continue
            pk, branch_id = member[0], member[1]
            right = rights.get(branch_id)
            if right is None:
                branch = self.orgs_by_id[branch_id]  # no query: the tree is loaded
                right = rights[branch_id] = (
                    scope.can_manage_org(branch),  # as `can_manage_member`
                    scope.can_reveal_org(branch),  # as `can_reveal_member`, but for their own
                )
            manages, reveals = right
            if not (manages and (reveals or pk == scope.member_id)):
                self.error(r.row, "id_card", NUMBER_REFUSED)
