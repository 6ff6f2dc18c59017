"""Rule catalogues as data, built from the articles (see PRACTICES.md §1 and §3).

A preset is only a starting point: `catalogue_from_preset` copies it into a county's or a
township's catalogue for a year, which can then be revised (each revision a new version).
Points are magnitudes; the part gives the sign. Items without a range score exactly their
points; caps are per quarter and per year.

Gaotai's catalogue has no member deduction for faked evaluations: the article puts that on the
branch, not its members ("上级党委要组织专人定期开展督导检查,对工作落实不力、弄虚作假、评选过程不
公正和结果不及时公开的情况给予通报,要酌情扣去该党支部本年度党建责任书相应分数", 003). That
deduction belongs to the branch's own annual responsibility score, not to this ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from zhengxing.orgs.rules import MemberCategory

from .rules import ItemSpec, Part, Recorder

D = Decimal
BASE, BONUS, DEDUCTION = Part.BASE, Part.BONUS, Part.DEDUCTION
SELF, COMMITTEE = Recorder.SELF_REPORT, Recorder.COMMITTEE


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    source: str
    items: tuple[ItemSpec, ...]
    base_points: dict[str, Decimal] = field(default_factory=dict)


def _every_category(points: str) -> dict[str, Decimal]:
    return {category: D(points) for category in MemberCategory.values}


SANMENXIA = Preset(
    key="sanmenxia",
    name="三门峡模式：基础积分＋贡献加分－违规扣分，按季度审核",
    source="004 三门峡：支委会每季度审核，书记签字确认，村务公开栏张榜公布",
    # Members of different categories carry different duties; elderly and infirm members are
    # not expected to do the same work, and mobile members are scored partly elsewhere.
    base_points={
        MemberCategory.OFFICE_HOLDING: D(60),
        MemberCategory.CAPABLE: D(60),
        MemberCategory.ORDINARY: D(60),
        MemberCategory.MOBILE: D(50),
        MemberCategory.ELDERLY: D(50),
    },
    items=(
        ItemSpec("SMX-J01", "基础积分（按党员类别）", BASE, D(60), D(0), D(60),
                 cap_year=D(60), recorder=COMMITTEE, block="基础积分"),
        ItemSpec("SMX-G01", "卫生责任区一个季度保持整洁", BONUS, D(10), cap_quarter=D(10),
                 evidence_required=True, block="贡献加分"),
        ItemSpec("SMX-G02", "清扫积雪（每次）", BONUS, D(1), block="贡献加分"),
        ItemSpec("SMX-G03", "义务为群众理发（每季度）", BONUS, D(20), D(5), D(20),
                 cap_quarter=D(20), block="贡献加分"),
        ItemSpec("SMX-G04", "调解邻里纠纷（每次）", BONUS, D(5), D(2), D(5), block="贡献加分"),
        ItemSpec("SMX-G05", "帮扶困难群众（每次）", BONUS, D(5), D(2), D(10),
                 cap_quarter=D(20), block="贡献加分"),
        ItemSpec("SMX-G06", "参加志愿服务（每次）", BONUS, D(2), cap_quarter=D(10),
                 block="贡献加分"),
        ItemSpec("SMX-K01", "无故不参加组织生活（每次）", DEDUCTION, D(5), recorder=COMMITTEE,
                 block="违规扣分"),
        ItemSpec("SMX-K02", "不按时交纳党费（每次）", DEDUCTION, D(5), recorder=COMMITTEE,
                 block="违规扣分"),
        ItemSpec("SMX-K03", "群众反映属实的不良言行", DEDUCTION, D(5), D(2), D(20),
                 recorder=COMMITTEE, block="违规扣分"),
        ItemSpec("SMX-K04", "违反村规民约", DEDUCTION, D(10), D(5), D(20), recorder=COMMITTEE,
                 block="违规扣分"),
    ),
)  # fmt: skip

GAOTAI_341 = Preset(
    key="gaotai-341",
    name="高台“三亮四评一争创”：基础分、正向加分、反向扣分",
    source="003 高台县宣化镇：亮身份、亮承诺、亮风尚，每半年自评、互评、商评、总评",
    base_points=_every_category("60"),
    items=(
        ItemSpec("GT-J01", "基础分：按时参加组织生活、交纳党费、完成组织交办任务", BASE,
                 D(60), D(0), D(60), cap_year=D(60), recorder=COMMITTEE, block="基础分"),
        ItemSpec("GT-Z01", "亮身份：佩戴党徽、党员户挂牌", BONUS, D(2), cap_year=D(4),
                 block="正向加分"),
        ItemSpec("GT-Z02", "亮承诺：理论学习承诺兑现", BONUS, D(5), D(1), D(5),
                 cap_year=D(10), block="正向加分"),
        ItemSpec("GT-Z03", "亮承诺：带头发展产业", BONUS, D(5), D(1), D(10), cap_year=D(10),
                 evidence_required=True, block="正向加分"),
        ItemSpec("GT-Z04", "亮承诺：调解矛盾纠纷", BONUS, D(3), D(1), D(5), cap_year=D(10),
                 block="正向加分"),
        ItemSpec("GT-Z05", "亮承诺：帮扶困难群众", BONUS, D(3), D(1), D(5), cap_year=D(10),
                 block="正向加分"),
        ItemSpec("GT-Z06", "亮风尚：移风易俗、文明新风、环境整治", BONUS, D(2), D(1), D(5),
                 cap_year=D(10), block="正向加分"),
        ItemSpec("GT-F01", "承诺事项未兑现", DEDUCTION, D(5), D(1), D(10), recorder=COMMITTEE,
                 block="反向扣分"),
        ItemSpec("GT-F03", "无故缺席组织生活（每次）", DEDUCTION, D(3), recorder=COMMITTEE,
                 block="反向扣分"),
    ),
)  # fmt: skip

CHIFENG = Preset(
    key="chifeng",
    name="赤峰流动党员：线上学习、线下组织生活、先锋作用积分",
    source="002 赤峰：流动党员线上学习、线下组织生活、发挥先锋作用积分，年底排名，低分约谈",
    base_points=_every_category("0"),
    items=(
        ItemSpec("CF-X01", "线上学习（每次）", BONUS, D(1), cap_quarter=D(10), cap_year=D(30),
                 block="线上学习"),
        ItemSpec("CF-Z01", "参加流入地或流出地组织生活（每次）", BONUS, D(3), cap_year=D(36),
                 evidence_required=True, block="组织生活"),
        ItemSpec("CF-Z02", "每季度与流出地党组织联系汇报", BONUS, D(2), cap_quarter=D(2),
                 block="组织生活"),
        ItemSpec("CF-F01", "发挥先锋作用：志愿服务、助力家乡建设（每次）", BONUS, D(5),
                 D(1), D(10), cap_year=D(30), evidence_required=True, block="先锋作用"),
        ItemSpec("CF-K01", "一个季度未与党组织联系", DEDUCTION, D(5), recorder=COMMITTEE,
                 block="违规扣分"),
        ItemSpec("CF-K02", "无故不参加组织生活（每次）", DEDUCTION, D(3), recorder=COMMITTEE,
                 block="违规扣分"),
    ),
)  # fmt: skip

HUNDRED_POINT = Preset(
    key="hundred-point",
    name="百分制年度积分：组织生活、学习、履职、先锋作用、加分、扣分",
    source="通行做法：全年100分分块计分，每项按次计分并设年度上限",
    items=(
        ItemSpec("BF-Z01", "参加“三会一课”（每次）", BONUS, D(2), cap_year=D(24),
                 block="组织生活"),
        ItemSpec("BF-Z02", "参加主题党日（每次）", BONUS, D(2), cap_year=D(20),
                 block="组织生活"),
        ItemSpec("BF-X01", "参加集中学习（每次）", BONUS, D(2), cap_year=D(12), block="学习"),
        ItemSpec("BF-X02", "线上学习（每次）", BONUS, D(1), cap_quarter=D(3), cap_year=D(12),
                 block="学习"),
        ItemSpec("BF-L01", "按月交纳党费", BONUS, D(1), cap_year=D(12), recorder=COMMITTEE,
                 block="履职"),
        ItemSpec("BF-L02", "兑现公开承诺", BONUS, D(5), D(1), D(10), cap_year=D(10),
                 block="履职"),
        ItemSpec("BF-X03", "志愿服务、先锋岗位（每次）", BONUS, D(2), cap_year=D(10),
                 evidence_required=True, block="先锋作用"),
        ItemSpec("BF-J01", "受到表彰（每次）", BONUS, D(5), D(2), D(10), cap_year=D(10),
                 evidence_required=True, block="加分"),
        ItemSpec("BF-K01", "无故缺席组织生活（每次）", DEDUCTION, D(2), recorder=COMMITTEE,
                 block="扣分"),
        ItemSpec("BF-K02", "群众投诉经核实", DEDUCTION, D(5), D(2), D(10), recorder=COMMITTEE,
                 block="扣分"),
        ItemSpec("BF-K03", "违纪违规", DEDUCTION, D(10), D(5), D(30), recorder=COMMITTEE,
                 block="扣分"),
    ),
)  # fmt: skip

PRESETS: dict[str, Preset] = {p.key: p for p in (SANMENXIA, GAOTAI_341, CHIFENG, HUNDRED_POINT)}
