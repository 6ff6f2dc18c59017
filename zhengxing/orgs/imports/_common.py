"""What the roster import's steps share: its batch sizes, the rows it plans, the problems it
reports (`ImportErrorRow`, `ImportFailed`) and the result it returns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from .. import excel
from ..models import Member, Org
from ..roster import MEMBER_DATA_FIELDS, MemberData

BATCH = 2000
# Hashes per `IN (...)` when looking up existing members: below SQLite's oldest variable limit.
LOOKUP_CHUNK = 900

# What the import reads of a registered member its rows name, as a plain row (`Found`), to
# decide whether a row changes them: building 100,000 `Member` instances to compare was a third
# of a re-import's time. The fields after `FOUND_DATA` are `MEMBER_DATA_FIELDS`, in order; of
# the encrypted ID number only whether there is one.
_FOUND_FIRST = ("id", "branch_id", "group_id", "status", "id_card_enc", "phone_enc")
FOUND_DATA = len(_FOUND_FIRST)
FOUND_FIELDS: tuple[str, ...] = _FOUND_FIRST + MEMBER_DATA_FIELDS
Found = tuple[Any, ...]
# a row read: the blind index, the fields before FOUND_DATA, the name (each member's own),
# then the values that repeat (a village's address, a category)
assert MEMBER_DATA_FIELDS[0] == "name"
_SHARED_FROM = 1 + FOUND_DATA + 1


class FoundRows:
    """Registered members read as `Found` rows, by blind index, held in as little memory as
    their comparison allows: a re-import of 100,000 members holds every one of them while its
    rows are decided, and the driver gives each row its own copy of every value ("汉族",
    "full", 1 July 1996…) — one copy of each kept, and of the encrypted ID number (a token of
    some 170 bytes, never compared) whether there is one. Half the memory (bench/README.md)."""

    def __init__(self) -> None:
        self._kept: dict[Any, Any] = {}

    def read(self, members: QuerySet[Member]) -> Iterator[tuple[str, Found]]:
        """(blind index, `Found`) for each of `members`, streamed from the database (no
        result cache beside the rows kept)."""
        keep = self._kept.setdefault
        at = _SHARED_FROM
        for v in members.values_list("id_card_hash", *FOUND_FIELDS).iterator(chunk_size=2000):
            yield v[0], (*v[1:5], bool(v[5]), v[6], v[7], *[keep(x, x) for x in v[at:]])


NO_DATA = "文件中没有数据行（请在表头下面逐行填写，每行一名党员）"

ORG_HEADER = {c.key: c.header for c in excel.ORG_COLUMNS}
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
class ImportSource:
    """What the import's audit row says of where its rows came from: the file's name, its
    SHA-256 (which file exactly, without keeping it) and the background job that ran it."""

    file_name: str
    sha256: str
    job_id: str | None = None


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
