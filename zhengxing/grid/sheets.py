"""Households and residents by Excel, like the roster: a workbook with one row per resident
(a household with nobody registered yet: a row without a name), read by `core.sheets` (every
spreadsheet kind offices have), every row checked first and the problems listed per row in
Chinese; if any row is bad nothing is written. A household put in two grids — in the file, or
one grid in the file and another already registered — is refused ("一户只在一个网格").
Re-importing the export changes nothing: known households and residents are kept as they are.

兴安盟: "使每个单位、每个家庭、每个组织都处于网格之中"; "做好入户登记……不漏一户、不落一人"。
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from openpyxl import Workbook

from zhengxing.audit.services import audit_record
from zhengxing.core import pii
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.sheets import read_tables, text_cell
from zhengxing.ledger.excel import workbook_bytes
from zhengxing.orgs.excel import cell_text
from zhengxing.orgs.models import County, Org, subtree_q
from zhengxing.orgs.rules import name_problem
from zhengxing.orgs.selectors import Scope, scope_for_actor

from .models import Grid, Household, Resident
from .rules import RELATION_WORDS
from .selectors import may_work
from .services.structure import address_key, phone_value

SHEET = "住户"
HEADERS = ("网格编号", "网格名称", "住址", "姓名", "与户主关系", "联系电话")
REQUIRED = ("网格编号", "住址")
RELATIONS = {word: value for value, word in RELATION_WORDS.items()}
NO_DATA = "文件中没有数据行（请在表头下面逐行填写，每行一名居民）"
NO_HEADER = "没有找到表头：请使用导出的住户表，表头应含“网格编号”“住址”“姓名”“与户主关系”“联系电话”"


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str


class HouseholdsImportFailed(Exception):
    """Nothing was imported; `problems` lists every one found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"住户表未导入：共{len(problems)}处错误，未写入任何数据")


@dataclass(frozen=True)
class ImportResult:
    households: int
    residents: int
    unchanged: int


@dataclass
class _Home:
    grid: Grid
    address: str
    row: int
    existing: Household | None
    people: list[tuple[str, str, str]] = field(default_factory=list)


def _header(rows: Iterable[list[Any]]) -> tuple[dict[str, int], int] | None:
    """The header's columns and how many rows came before the data, within the first ten rows."""
    for n, row in enumerate(rows):
        cells = [cell_text(c) for c in row]
        if "住址" in cells and "网格编号" in cells:
            return {c: i for i, c in enumerate(cells) if c in HEADERS}, n + 1
        if n >= 9:
            return None
    return None


Progress = Callable[[int, int], None]


def _quiet(done: int, total: int) -> None:
    pass


def households_import(
    *,
    actor: Actor,
    county: County,
    file: IO[bytes] | Path,
    progress: Progress = _quiet,
    written: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Check every row, then write every new household and resident in one transaction with
    one audit row; `HouseholdsImportFailed` (nothing written) when any row is bad.

    Run as a job (`grid.jobs`): `progress(done, total)` as it goes, each row counted once when
    checked and once when written (`total`: twice the rows), and `written(result)` called inside
    the write's transaction, so the job is marked done with the households or not at all."""
    scope = scope_for_actor(actor)
    tables = read_tables(file)
    table = next((t for t in tables if t.title == SHEET), tables[0])
    rows = list(table.rows)
    found = _header(rows)
    if found is None:
        raise HouseholdsImportFailed([Problem(0, "", NO_HEADER)])
    columns, skip = found
    missing = [
        h for h in ("网格编号", "住址", "姓名", "与户主关系", "联系电话") if h not in columns
    ]
    if missing:
        raise HouseholdsImportFailed([Problem(0, h, f"缺少“{h}”列") for h in missing])
    grids = {g.code: g for g in Grid.objects.filter(county=county).select_related("org")}
    data = rows[skip:]
    half = len(data)
    homes, problems = _check(
        data, table.first_row + skip, columns, grids, scope, county, lambda n: progress(n, 2 * half)
    )
    if not homes and not problems:
        problems.append(Problem(0, "", NO_DATA))
    if problems:
        raise HouseholdsImportFailed(problems)
    with transaction.atomic():
        result = _write(
            actor,
            county,
            list(homes.values()),
            lambda share: progress(half + int(half * share), 2 * half),
        )
        if written is not None:
            written(result)
    return result


def _check(
    rows: Sequence[list[Any]],
    first: int,
    columns: dict[str, int],
    grids: dict[str, Grid],
    scope: Scope,
    county: County,
    checked: Callable[[int], None],
) -> tuple[dict[str, _Home], list[Problem]]:
    def cell(row: list[Any], header: str) -> Any:
        i = columns[header]
        return row[i] if i < len(row) else ""

    problems: list[Problem] = []
    homes: dict[str, _Home] = {}
    keys: dict[str, str] = {}  # address key → its row's address, to look up those registered
    for n, row in enumerate(rows):
        checked(n + 1)
        line = first + n
        if not any(cell_text(c) for c in row):
            continue
        code, address = cell_text(cell(row, "网格编号")), cell_text(cell(row, "住址"))
        name, relation = cell_text(cell(row, "姓名")), cell_text(cell(row, "与户主关系"))
        raw_phone = cell(row, "联系电话")
        before = len(problems)
        grid = grids.get(code)
        if not code:
            problems.append(Problem(line, "网格编号", "请填写网格编号"))
        elif grid is None:
            problems.append(Problem(line, "网格编号", f"网格编号“{code}”不存在"))
        elif not may_work(scope, grid.org):
            problems.append(Problem(line, "网格编号", f"无权向网格“{grid.name}”导入住户"))
        key = address_key(address)
        if not key:
            problems.append(Problem(line, "住址", "请填写住址"))
        elif len(address) > 200:
            problems.append(Problem(line, "住址", "住址不能超过200个字"))
        phone = ""
        if name:
            if (problem := name_problem(name, "姓名")) is not None:
                problems.append(Problem(line, "姓名", problem))
            if relation not in RELATIONS:
                words = "、".join(RELATIONS)
                problems.append(Problem(line, "与户主关系", f"与户主关系应为：{words}"))
            if isinstance(raw_phone, int | float) and not isinstance(raw_phone, bool):
                problems.append(
                    Problem(line, "联系电话", "联系电话被存成了数字，请把该列设为文本后重新填写")
                )
            else:
                try:
                    phone = phone_value(cell_text(raw_phone))
                except ServiceError as e:
                    problems.append(Problem(line, "联系电话", str(e)))
        elif relation or cell_text(raw_phone):
            problems.append(Problem(line, "姓名", "填写了关系或电话，请填写居民姓名"))
        if len(problems) > before or grid is None:
            continue
        home = homes.get(key)
        if home is None:
            homes[key] = home = _Home(grid=grid, address=address, row=line, existing=None)
            keys[key] = address
        elif home.grid.pk != grid.pk:
            problems.append(
                Problem(
                    line,
                    "网格编号",
                    f"“{address}”在第{home.row}行登记在网格“{home.grid.code}”，一户只能在一个网格",
                )
            )
            continue
        if name:
            home.people.append((name, RELATIONS[relation], phone))
    registered = Household.objects.filter(county=county, address_key__in=list(keys)).select_related(
        "grid"
    )
    for household in registered:
        home = homes[household.address_key]
        if household.grid_id != home.grid.pk:
            problems.append(
                Problem(
                    home.row,
                    "网格编号",
                    f"“{home.address}”已登记在网格“{household.grid.name}”，一户只能在一个网格",
                )
            )
        home.existing = household
    problems.sort(key=lambda p: p.row)
    return homes, problems


# rows written between two reports of progress
BATCH = 1000


def _write(
    actor: Actor, county: County, homes: list[_Home], wrote: Callable[[float], None]
) -> ImportResult:
    """Write the checked households and residents (the caller's transaction); `wrote(share)`
    says how much of it is written, from 0 to 1."""
    new = [h for h in homes if h.existing is None]
    created = Household.objects.bulk_create(
        [
            Household(
                county=county,
                grid=h.grid,
                address=h.address,
                address_key=address_key(h.address),
                created_at=actor.now,
            )
            for h in new
        ]
    )
    for home, household in zip(new, created, strict=True):
        home.existing = household
    known = set(
        Resident.objects.filter(
            household_id__in=[h.existing.pk for h in homes if h.existing is not None]
        ).values_list("household_id", "name")
    )
    sealer = pii.encrypt
    residents: list[Resident] = []
    unchanged = 0
    for home in homes:
        assert home.existing is not None
        for name, relation, phone in home.people:
            if (home.existing.pk, name) in known:
                unchanged += 1
                continue
            known.add((home.existing.pk, name))
            residents.append(
                Resident(
                    county=county,
                    household=home.existing,
                    name=name,
                    relation=relation,
                    phone_enc=sealer(phone),
                )
            )
    wrote(0.5)  # the households; the residents make the other half
    for start in range(0, len(residents), BATCH):
        Resident.objects.bulk_create(residents[start : start + BATCH])
        wrote(0.5 + min(start + BATCH, len(residents)) / (2 * len(residents)))
    wrote(1.0)
    result = ImportResult(households=len(created), residents=len(residents), unchanged=unchanged)
    audit_record(
        actor=actor,
        action="grid.households.import",
        object_type="county",
        object_id=county.pk,
        county_id=county.pk,
        summary=f"导入住户{result.households}户、居民{result.residents}人，未变{unchanged}人",
        after={"households": result.households, "residents": result.residents},
    )
    return result


def households_export(*, actor: Actor, org: Org) -> bytes:
    """The households of the grids under `org` with their residents, in the import's layout
    (an export is a valid import), phones in full: for those who manage `org`, logged."""
    require(scope_for_actor(actor).can_manage_tree(org))
    households = (
        Household.objects.filter(subtree_q(org.path, "grid__org__"))
        .select_related("grid")
        .prefetch_related("residents")
        .order_by("grid__code", "address")
    )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append([text_cell(h) for h in HEADERS])
    count = 0
    for h in households.iterator(chunk_size=2000):
        count += 1
        head = [text_cell(h.grid.code), text_cell(h.grid.name), text_cell(h.address)]
        people = sorted(h.residents.all(), key=lambda r: r.pk)
        if not people:
            ws.append([*head, "", "", ""])
        for r in people:
            ws.append([*head, text_cell(r.name), RELATION_WORDS[r.relation], text_cell(r.phone)])
    audit_record(
        actor=actor,
        action="grid.households.export",
        object_type="org",
        object_id=org.pk,
        county_id=org.county_id,
        summary=f"{org.name}住户表（{count}户）",
    )
    return workbook_bytes(wb)
