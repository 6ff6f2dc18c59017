"""A synthetic county of any size, for load tests and benchmarks: `county_synth(members=N)`.

The shape follows the demo county's: about one township (or sumu) per 30,000 members, a village
(or gacha) per branch, branches of 30 to 60 members, two or three Party groups in each. Members
carry every field a filed roster does: valid, unique ID numbers (encrypted, with their blind
index), encrypted phones, names, dates, categories; each has its REGISTERED history row. One
audit row ("synth.create") records the whole county.

How it stays fast (a million members in minutes, on SQLite or PostgreSQL):
- the tree: one `bulk_create` per level, then each level's paths in one set-based UPDATE;
- members: their ids are assigned here (the table is locked for the transaction), so members and
  their history rows go in batches (`executemany` of plain INSERTs on SQLite, COPY on
  PostgreSQL), with nothing read back and nothing per row but the Python that makes the values;
- unique ID numbers without a look-up: member i gets the i-th slot of a seeded permutation of
  (birth date, sequence pair) slots, so no two members of one county share a number.

The same seed gives the same county (names, numbers, tree); only the ciphertexts differ (Fernet
draws a random IV).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import CharField, F, Max, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat, LPad
from tqdm import tqdm

from zhengxing.audit.services import audit_record
from zhengxing.core import pii
from zhengxing.core.actor import Actor
from zhengxing.core.bulk import Rows
from zhengxing.core.errors import ServiceError

from . import demo, idcard, people
from .models import PATH_SEGMENT, County, Member, MemberEvent, Org, path_segment
from .rules import MemberCategory, MemberStatus, OrgCategory, OrgKind

MEMBERS_PER_TOWNSHIP = 30_000
BRANCH_SIZE = (30, 60)
BATCH = 10_000
# Region codes of 巴彦淖尔市, used in turn when one region's (birth date, sequence) slots run
# out: about 11.8 million members each.
REGIONS = ("150824", "150802", "150821", "150822", "150823", "150825", "150826")
AGES = (22, 86)  # youngest and oldest member, in years
SEQUENCE_PAIRS = 500  # sequences 000–999: 500 (even, odd) pairs, the parity being the gender

TOWNSHIP_STEMS = [
    "海流图",
    "乌加河",
    "德岭山",
    "石哈河",
    "温更",
    "新忽热",
    "川井",
    "巴音乌兰",
    "同和太",
    "呼和",
    "宝日",
    "阿拉坦",
    "赛乌素",
    "红旗",
    "沙河",
    "隆兴",
    "兴安",
    "永丰",
    "和顺",
    "新华",
]
VILLAGE_STEMS = [
    "乌兰",
    "巴音",
    "宝日",
    "阿拉坦",
    "赛罕",
    "呼和",
    "哈达",
    "温都尔",
    "额尔敦",
    "团结",
    "红旗",
    "新华",
    "前进",
    "胜利",
    "八一",
    "永丰",
    "兴隆",
    "联合",
    "光明",
    "和平",
    "东升",
    "富民",
    "太平",
    "长胜",
    "新民",
    "建设",
    "先锋",
    "丰收",
    "五一",
    "向阳",
]


@dataclass(frozen=True)
class SynthResult:
    county_id: int
    county_code: str
    townships: int
    villages: int
    branches: int
    groups: int
    members: int


@dataclass
class _Branch:
    org: Org
    groups: list[Org]
    size: int
    address: str


def plan_branch_sizes(members: int, rng: random.Random) -> list[int]:
    """Branch sizes between 30 and 60 adding up to `members` (fewer than 30: one branch)."""
    low, high = BRANCH_SIZE
    sizes: list[int] = []
    left = members
    while left > high:
        size = rng.randint(low, high)
        if left - size < low:
            size = left - low  # still within [low, high], and leaves `low` for the last one
        sizes.append(size)
        left -= size
    sizes.append(left)
    return sizes


class _IdSlots:
    """Member i's unique (region, birth date, sequence pair): slot i of a seeded permutation
    j = (i·a + b) mod M of the M = days × 500 slots of one region, then the next region."""

    def __init__(self, today: dt.date, region: str, rng: random.Random) -> None:
        youngest, oldest = AGES
        self.first_born = today.replace(year=today.year - oldest - 1) + dt.timedelta(days=1)
        last_born = _years_before(today, youngest)
        self.days = (last_born - self.first_born).days + 1
        self.size = self.days * SEQUENCE_PAIRS
        self.regions = (region, *(r for r in REGIONS if r != region))
        self.a = rng.randrange(self.size // 3, self.size) | 1
        while math.gcd(self.a, self.size) != 1:
            self.a += 2
        self.b = rng.randrange(self.size)
        self.born = [self.first_born + dt.timedelta(days=d) for d in range(self.days)]
        self.born_digits = [f"{b:%Y%m%d}" for b in self.born]
        weights = idcard.WEIGHTS
        self.born_sums = [
            sum(int(c) * w for c, w in zip(s, weights[6:14], strict=True)) for s in self.born_digits
        ]
        self.region_sums = [
            sum(int(c) * w for c, w in zip(r, weights[:6], strict=True)) for r in self.regions
        ]
        self.seq_sums = [
            sum(int(c) * w for c, w in zip(f"{s:03d}", weights[14:17], strict=True))
            for s in range(1000)
        ]

    def capacity(self) -> int:
        return self.size * len(self.regions)

    def number(self, i: int, male: bool) -> tuple[str, int]:
        """The ID number and the birth-date index (into `born`) of member i."""
        r, i = divmod(i, self.size)
        j = (i * self.a + self.b) % self.size
        pair, day = divmod(j, self.days)
        sequence = 2 * pair + (1 if male else 0)
        check = idcard.CHECK_CHARS[
            (self.region_sums[r] + self.born_sums[day] + self.seq_sums[sequence]) % 11
        ]
        return f"{self.regions[r]}{self.born_digits[day]}{sequence:03d}{check}", day


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class _Synth:
    def __init__(
        self, *, actor: Actor, members: int, seed: int, today: dt.date, region: str
    ) -> None:
        self.actor = actor
        self.n = members
        self.seed = seed
        self.today = today
        self.region = region
        self.rng = random.Random(seed)
        self.ids = _IdSlots(today, region, random.Random(f"{seed}/ids"))
        if members > self.ids.capacity():
            raise ServiceError(f"最多生成{self.ids.capacity()}名党员")

    # --- the tree ---------------------------------------------------------------------------

    def tree(self, county: County) -> tuple[list[Org], list[_Branch]]:
        rng = self.rng
        root = Org.objects.create(
            county=county, code=county.code, name=county.name, kind=OrgKind.COUNTY, path=""
        )
        Org.objects.filter(pk=root.pk).update(path=path_segment(root.pk))
        n_towns = self.n // MEMBERS_PER_TOWNSHIP + 1
        sizes = plan_branch_sizes(self.n, rng)
        towns = []
        for t in range(n_towns):
            stem = TOWNSHIP_STEMS[t % len(TOWNSHIP_STEMS)]
            suffix = "苏木" if t % 3 == 2 else "镇"
            number = "" if t < len(TOWNSHIP_STEMS) else str(t // len(TOWNSHIP_STEMS) + 1)
            name = f"{stem}{number}{suffix}"
            towns.append(
                Org(
                    county=county,
                    parent=root,
                    depth=1,
                    path="",
                    kind=OrgKind.TOWNSHIP,
                    code=f"S{t + 1:03d}",
                    name=f"中共{name}委员会",
                )
            )
        Org.objects.bulk_create(towns, batch_size=2000)
        villages, branch_plans = [], []
        for v, size in enumerate(sizes):
            town = towns[v % n_towns]
            gacha = rng.random() < 0.3
            stem = rng.choice(VILLAGE_STEMS) + rng.choice(VILLAGE_STEMS)
            name = f"{stem}{'嘎查' if gacha else '村'}"
            town_name = town.name.removeprefix("中共").removesuffix("委员会")
            village = Org(
                county=county,
                parent=town,
                depth=2,
                path="",
                kind=OrgKind.VILLAGE,
                code=f"{town.code}V{v + 1:06d}",
                name=name,
            )
            villages.append(village)
            branch_plans.append((village, size, f"{county.name}{town_name}{name}"))
        Org.objects.bulk_create(villages, batch_size=2000)
        branches = [
            Org(
                county=county,
                parent=village,
                depth=3,
                path="",
                kind=OrgKind.BRANCH,
                code=f"{village.code}B",
                name=f"中共{village.name}支部委员会",
                category=OrgCategory.RURAL,
            )
            for village, _, _ in branch_plans
        ]
        Org.objects.bulk_create(branches, batch_size=2000)
        groups_of: list[list[Org]] = []
        all_groups: list[Org] = []
        for branch in branches:
            groups = [
                Org(
                    county=county,
                    parent=branch,
                    depth=4,
                    path="",
                    kind=OrgKind.GROUP,
                    code=f"{branch.code}-G{g}",
                    name=f"第{demo.GROUP_NUMERALS[g - 1]}党小组",
                )
                for g in range(1, 1 + rng.choice((2, 3)))
            ]
            groups_of.append(groups)
            all_groups.extend(groups)
        Org.objects.bulk_create(all_groups, batch_size=2000)
        self.set_paths(county)
        # the branches' paths, for the caller (one query, not one per branch)
        paths = dict(Org.objects.filter(county=county, depth=3).values_list("pk", "path"))
        plans = []
        for branch, groups, (_, size, address) in zip(
            branches, groups_of, branch_plans, strict=True
        ):
            branch.path = paths[branch.pk]
            plans.append(_Branch(branch, groups, size, address))
        return towns, plans

    @staticmethod
    def set_paths(county: County) -> None:
        """Each level's paths in one UPDATE: parent's path + the node's own segment."""
        parent_path = Org.objects.filter(pk=OuterRef("parent_id")).values("path")[:1]
        segment = LPad(Cast(F("id"), CharField()), PATH_SEGMENT, Value("0"))
        depth = 1
        while Org.objects.filter(county=county, depth=depth).update(
            path=Concat(Subquery(parent_path), segment, output_field=CharField())
        ):
            depth += 1

    # --- members ----------------------------------------------------------------------------

    def member_rows(
        self, county: County, branches: list[_Branch], first_id: int
    ) -> Iterator[tuple[list[Any], list[Any]]]:
        """(member row, history row) for each member, in branch order."""
        rng = self.rng
        rand, randrange = rng.random, rng.randrange
        today = self.today
        ids = self.ids
        encrypt, blind_index = pii.encrypt, pii.blind_index
        members, events = self.members_sql, self.events_sql
        m_at, e_at = members.index, events.index
        dates = _DateCache()
        members.template[m_at["status_since"]] = dates.prep(today)

        surnames = _pool(people.SURNAMES, people.SURNAME_WEIGHTS, 2000)
        today_ord = today.toordinal()
        born_ords = [b.toordinal() for b in ids.born]
        born_preps = [dates.prep(b) for b in ids.born]
        educations = {
            era: _pool([v for v, _ in choices], [w for _, w in choices], 100)
            for era, choices in people.EDUCATION_BY_ERA
        }
        phones = people.PHONE_PREFIXES
        i = 0
        for b in branches:
            branch_id = b.org.pk
            group_ids = [g.pk for g in b.groups]
            for k in range(b.size):
                male = rand() < 0.7
                number, day = ids.number(i, male)
                born_year = ids.born[day].year
                age = (today_ord - born_ords[day]) // 365
                r = rand()
                ethnicity = "蒙古族" if r < 0.17 else ("汉族" if r < 0.97 else "回族")
                if ethnicity == "蒙古族":
                    given = rng.choice(people.MONGOLIAN_MALE if male else people.MONGOLIAN_FEMALE)
                    name = given if rand() < 0.5 else rng.choice(people.MONGOLIAN_SURNAMES) + given
                else:
                    name = surnames[int(rand() * len(surnames))] + rng.choice(
                        people.HAN_MALE if male else people.HAN_FEMALE
                    )
                r = rand()
                whereabouts = reason = post = ""
                status = MemberStatus.ACTIVE
                if k < 3:
                    category, post = MemberCategory.OFFICE_HOLDING, demo.OFFICE_POSTS[k]
                elif age >= 72 and r < 0.8:
                    category = MemberCategory.ELDERLY
                elif age < 50 and r < 0.2:
                    category, status = MemberCategory.MOBILE, MemberStatus.MOBILE
                    post = rng.choice(people.MOBILE_POSTS)
                    whereabouts = rng.choice(people.WHEREABOUTS)
                    reason = rng.choice(people.MOBILE_REASONS)
                elif r < 0.35:
                    category, post = MemberCategory.CAPABLE, rng.choice(people.CAPABLE_POSTS)
                else:
                    category, post = MemberCategory.ORDINARY, rng.choice(people.ORDINARY_POSTS)
                if age < 40 and rand() < 0.05:
                    joined = today_ord - randrange(30, 330)
                    full = None
                else:
                    earliest = born_ords[day] + 20 * 365 + 5
                    joined = earliest + randrange(max(today_ord - 400 - earliest, 1))
                    full = joined + 365 + randrange(30)
                era = next(e for e in educations if born_year < e)
                phone = phones[int(rand() * len(phones))] + f"{randrange(100_000_000):08d}"

                row = members.template.copy()
                row[m_at["id"]] = first_id + i
                row[m_at["branch_id"]] = branch_id
                row[m_at["group_id"]] = group_ids[k % len(group_ids)]
                row[m_at["name"]] = name
                row[m_at["gender"]] = "M" if male else "F"
                row[m_at["ethnicity"]] = ethnicity
                row[m_at["birth_date"]] = born_preps[day]
                row[m_at["id_card_enc"]] = encrypt(number)
                row[m_at["id_card_hash"]] = blind_index(number)
                row[m_at["phone_enc"]] = encrypt(phone)
                row[m_at["address"]] = b.address
                row[m_at["education"]] = (pool := educations[era])[int(rand() * len(pool))]
                row[m_at["joined_on"]] = dates.prep_ordinal(joined)
                row[m_at["full_on"]] = None if full is None else dates.prep_ordinal(full)
                row[m_at["standing"]] = "full" if full is not None else "probationary"
                row[m_at["category"]] = category
                row[m_at["post"]] = post
                row[m_at["status"]] = status
                row[m_at["mobile_whereabouts"]] = whereabouts
                row[m_at["mobile_reason"]] = reason

                event = events.template.copy()
                event[e_at["member_id"]] = first_id + i
                event[e_at["status_to"]] = status
                event[e_at["branch_to_id"]] = branch_id
                yield row, event
                i += 1

    def tables(self, county: County) -> None:
        today, now = self.today, self.actor.now
        self.members_sql = Rows(
            Member,
            Member(county_id=county.pk, status_since=today, created_at=now, updated_at=now),
            with_pk=True,
        )
        self.events_sql = Rows(
            MemberEvent,
            MemberEvent(
                county_id=county.pk,
                kind=MemberEvent.Kind.REGISTERED,
                on=today,
                note="合成数据",
                recorded_at=now,
            ),
            with_pk=False,
        )

    # --- the whole county -------------------------------------------------------------------

    def run(self, *, code: str, name: str, progress: bool) -> SynthResult:
        if County.objects.filter(code=code).exists():
            raise ServiceError(f"旗县区代码“{code}”已存在")
        with transaction.atomic():
            _lock_member_ids()
            county = County.objects.create(code=code, name=name, region_code=self.region)
            towns, branches = self.tree(county)
            first_id = (Member.objects.aggregate(m=Max("id"))["m"] or 0) + 1
            self.tables(county)
            bar = tqdm(total=self.n, unit=" members", disable=not progress, smoothing=0.1)
            batch_m: list[list[Any]] = []
            batch_e: list[list[Any]] = []
            for row, event in self.member_rows(county, branches, first_id):
                batch_m.append(row)
                batch_e.append(event)
                if len(batch_m) == BATCH:
                    self.flush(batch_m, batch_e, bar)
            self.flush(batch_m, batch_e, bar)
            bar.close()
            _reset_member_ids()
            result = SynthResult(
                county_id=county.pk,
                county_code=code,
                townships=len(towns),
                villages=len(branches),
                branches=len(branches),
                groups=sum(len(b.groups) for b in branches),
                members=self.n,
            )
            audit_record(
                actor=self.actor,
                action="synth.create",
                object_type="county",
                object_id=county.pk,
                county_id=county.pk,
                summary=f"合成数据：{name}，党员{self.n}名（种子 {self.seed}）",
                after={**asdict(result), "seed": self.seed},
            )
        return result

    def flush(self, members: list[list[Any]], events: list[list[Any]], bar: tqdm) -> None:
        self.members_sql.insert(members)
        self.events_sql.insert(events)
        bar.update(len(members))
        members.clear()
        events.clear()


def _pool(values: Any, weights: Any, size: int) -> list[Any]:
    """A list in which each value appears in proportion to its weight: a weighted pick is then
    one index, far cheaper per row than `random.choices`."""
    total = sum(weights)
    pool = []
    for value, weight in zip(values, weights, strict=True):
        pool.extend([value] * max(1, round(size * weight / total)))
    return pool


class _DateCache:
    """Dates as the database driver takes them, each converted once."""

    def __init__(self) -> None:
        self.by_ordinal: dict[int, Any] = {}

    def prep(self, day: dt.date) -> Any:
        return self.prep_ordinal(day.toordinal())

    def prep_ordinal(self, ordinal: int) -> Any:
        value = self.by_ordinal.get(ordinal)
        if value is None:
            value = connection.ops.adapt_datefield_value(dt.date.fromordinal(ordinal))
            self.by_ordinal[ordinal] = value
        return value


def _lock_member_ids() -> None:
    """Members' ids are assigned here: keep other writers out of the table until commit.
    (SQLite's IMMEDIATE transactions already hold the database's write lock.)"""
    if connection.vendor == "sqlite":
        # a larger page cache for the duration: the blind-index unique index takes random keys
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Member._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")


def _reset_member_ids() -> None:
    """Move PostgreSQL's id sequence past the ids assigned here (SQLite's follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Member])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def county_synth(
    *,
    actor: Actor,
    members: int,
    seed: int,
    today: dt.date,
    county_code: str = "SYNTH",
    county_name: str = "合成旗",
    region: str = "150824",
    progress: bool = False,
) -> SynthResult:
    """A synthetic county with `members` members, the same for the same seed. The whole county
    is written in one transaction: all of it, or nothing."""
    if members < 1:
        raise ServiceError("党员人数应至少为1")
    job = _Synth(actor=actor, members=members, seed=seed, today=today, region=region)
    return job.run(code=county_code, name=county_name, progress=progress)
