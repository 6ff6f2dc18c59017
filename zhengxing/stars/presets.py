"""Star schemes from the articles, selectable by name. A county copies one and edits the copy.

- `bayannur-532` (members; Urad Middle Banner, 000): star score = annual points 60% (against a
  target of 100 points) + Party-member evaluation 20% + public evaluation 20%; the score-to-stars
  table below; 8 stars or more: reward and the reserve-cadre pool; 5-7: adjust duty and
  self-chosen stars; 4 or fewer: warning talk and a rectification plan. The ten-star "532" names
  (5 common, 3 duty, 2 self-chosen) are listed for the star plans.
- `bayannur-532-org` (village organisations): the township's half-yearly assessments averaged
  60%, members' evaluation 20%, public evaluation 20%; 10 stars: commendation; 3-4:
  rectification (weak-and-lax list); under 3: rectification and the secretary warned.
- `gaotai-341` (members; Gaotai, 003): each half-year's score to red stars, 90 or more 3, 70-89
  2, 60-69 1, 59 or less none; every two red stars in the year a red flag.
- `sanmenxia-5star` (branches; Sanmenxia, 004): five named stars, each met or not, assessed by
  the township; five: a model five-star branch; two or fewer: rectification.
"""

from __future__ import annotations

from decimal import Decimal as D

from .rules import Band, ConsequenceSpec, Scheme, Tier

TEN_STARS = (
    Band(D(0), 0),
    Band(D(40), 1),
    Band(D(50), 2),
    Band(D(60), 3),
    Band(D(65), 4),
    Band(D(70), 5),
    Band(D(75), 6),
    Band(D(80), 7),
    Band(D(85), 8),
    Band(D(90), 9),
    Band(D(95), 10),
)

BAYANNUR_532 = Scheme(
    key="bayannur-532",
    name="巴彦淖尔“532”十星级党员评定（积分60%＋党员评议20%＋群众评议20%）",
    subject="member",
    weights={"points": D(60), "member_eval": D(20), "public_eval": D(20)},
    points_mode="target",
    points_target=D(100),
    bands=TEN_STARS,
    criteria=(
        ("common-1", "政治坚定星"),
        ("common-2", "学习进步星"),
        ("common-3", "遵规守纪星"),
        ("common-4", "作用发挥星"),
        ("common-5", "群众认可星"),
        ("duty-1", "产业带头星"),
        ("duty-2", "服务群众星"),
        ("duty-3", "乡风文明星"),
        ("self-1", "诚实守信星"),
        ("self-2", "清洁庭院星"),
    ),
    max_stars=10,
    tiers=(
        Tier("warn", "四星及以下：批评教育、约谈提醒、制定整改计划", 0, 4, (
            ConsequenceSpec("warning-talk", "约谈提醒", "branch_secretary", 15),
            ConsequenceSpec("rectify-plan", "制定整改计划", "branch_secretary", 30),
        )),
        Tier("adjust", "五至七星：调整职责星和自选星", 5, 7, (
            ConsequenceSpec("adjust-stars", "调整职责星和自选星", "branch_secretary", 30),
        )),
        Tier("reward", "八星及以上：表彰奖励、纳入后备力量", 8, 10, (
            ConsequenceSpec("reward", "表彰奖励", "township", 30),
            ConsequenceSpec("reserve-pool", "纳入后备力量", "township", 60),
        )),
    ),
)  # fmt: skip

BAYANNUR_532_ORG = Scheme(
    key="bayannur-532-org",
    name="巴彦淖尔“532”十星级党组织评定（乡镇考评60%＋党员评议20%＋群众评议20%）",
    subject="org",
    periods=("Y",),
    weights={"points": D(60), "member_eval": D(20), "public_eval": D(20)},
    bands=TEN_STARS,
    criteria=(
        ("common-1", "班子坚强星"),
        ("common-2", "队伍过硬星"),
        ("common-3", "制度健全星"),
        ("common-4", "阵地规范星"),
        ("common-5", "群众满意星"),
        ("duty-1", "产业兴旺星"),
        ("duty-2", "生态宜居星"),
        ("duty-3", "乡风文明星"),
        ("self-1", "乡村旅游星"),
        ("self-2", "创新发展星"),
    ),
    max_stars=10,
    tiers=(
        Tier("warn", "三星以下：整顿，书记诫勉谈话", 0, 2, (
            ConsequenceSpec("rectify", "列入软弱涣散党组织整顿", "township", 30),
            ConsequenceSpec("warn-secretary", "对党组织书记批评诫勉", "township", 15),
        )),
        Tier("rectify", "三至四星：列入软弱涣散党组织整顿", 3, 4, (
            ConsequenceSpec("rectify", "列入软弱涣散党组织整顿", "township", 30),
        )),
        Tier("steady", "五至九星：巩固提升", 5, 9),
        Tier("commend", "十星：通报表彰", 10, 10, (
            ConsequenceSpec("commend", "通报表彰", "county", 30),
        )),
    ),
)  # fmt: skip

GAOTAI_341 = Scheme(
    key="gaotai-341",
    name="高台“三亮四评一争创”：半年评议得分定红星，两颗红星一面红旗",
    subject="member",
    periods=("H1", "H2"),
    weights={"score": D(100)},
    red_bands=(Band(D(0), 0), Band(D(60), 1), Band(D(70), 2), Band(D(90), 3)),
    flag_every=2,
    max_stars=3,
    tiers=(
        Tier("none", "未得红星：约谈提醒", 0, 0, (
            ConsequenceSpec("warning-talk", "约谈提醒", "branch_secretary", 15),
        )),
        Tier("red", "获得红星", 1, 3),
    ),
)  # fmt: skip

SANMENXIA_5STAR = Scheme(
    key="sanmenxia-5star",
    name="三门峡“五星争创”党支部",
    subject="org",
    criteria=(
        ("bastion", "班子堡垒星"),
        ("vanguard", "队伍先锋星"),
        ("harmony", "和谐发展星"),
        ("mechanism", "机制保障星"),
        ("satisfaction", "群众满意星"),
    ),
    criteria_count=True,
    max_stars=5,
    tiers=(
        Tier("rectify", "二星及以下：整顿提升", 0, 2, (
            ConsequenceSpec("rectify", "制定整顿提升方案", "township", 30),
        )),
        Tier("steady", "三至四星：巩固提升", 3, 4),
        Tier("model", "五星：五星支部", 5, 5, (
            ConsequenceSpec("model", "推荐为示范五星支部", "county", 30),
        )),
    ),
)  # fmt: skip

PRESETS = {s.key: s for s in (BAYANNUR_532, BAYANNUR_532_ORG, GAOTAI_341, SANMENXIA_5STAR)}
