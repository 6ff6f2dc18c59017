"""Star schemes from the articles, selectable by name (`scheme_load`, which also reads a scheme
file). A county copies one and edits the copy. The shapes they fill live in `rules`, which knows
nothing of the presets.

Each rule below is taken from an article's line, quoted where it is set; a rule in no article is
marked as the county's own ("本县自定") or left out.

- `bayannur-532` (members; Urad Middle Banner, 000): "星级积分由年度积分、党员评议、群众评议三部分
  组成,分别按60%、20%、20%权重计算" (annual points against a target of 100 points); "党员评议每年
  结合“七一”和年度组织生活会开展2次,群众评议每年年底组织开展1次,由嘎查村党组织根据年度总分和综合
  表现为党员定星": the computed stars are the branch's proposal, the branch sets them
  (`services.ratings_finalise`). A missing evaluation leaves the rating incomplete.
- `bayannur-532-org` (village organisations, 000): "苏木乡镇党委每半年对嘎查村工作完成情况进行动态
  考评,平均分作为年度积分;……由党员和群众分别对党组织工作落实情况进行评价。苏木乡镇党委根据积分,
  计算年度得分并授星": the half-year assessments averaged 60%, members' evaluation of the
  organisation 20%, the public's 20%; the township awards the stars.
- `bayannur-532-org-targets` (village organisations, 000 with 004's target ledger): the same, the
  half-yearly dynamic assessment being the organisation's target points ("每半年…动态考评，平均分
  作为年度积分": each half-year's target score, as a share of its targets' points, averaged); an
  organisation with no targets, or none scored yet, has them missing, not 0.
- `gaotai-341` (members; Gaotai, 003): the red stars of each half-year come from 商评, "村“两委”
  班子根据党员互评情况和党员履行义务及参加组织生活、支持村级公益事业等情况对党员进行商议量化打分,
  分层次对党员每半年的表现给予星级评价。得分在90分以上得三颗红星,70-89分得两颗红星,60-69分得
  一颗红星,59分及以下不得红星,两颗红星得一面红旗"; the score weighs the branch's half-yearly
  review of the member's 三亮 commitments beside the committee's (80/20, 本县自定): "党支部定期
  通报党员履诺践诺的情况，并对其作出评价，将评价结果运用于民主评议党员当中".
- `sanmenxia-5star` (branches; Sanmenxia, 004): "围绕班子堡垒星、队伍先锋星、和谐发展星、机制保障
  星、群众满意星“五个星”目标": five named stars, each met or not, assessed by the township.

The "532" named stars (000: "以十星级为标准,采取“532”模式合理设置"): each of the presets' named
stars says what feeds it (`MEMBER_STARS`, `ORG_STARS`). In bayannur-532 the 60/20/20 score sets
the count; the named stars are the standards beside it, each lit when the committee (or the
township) assessed it met, else when its feeds are settled and met — the items' counted points
in signed quarters, no counted deduction, each question's average over closed rounds at 60% of
its maximum — unlit when a settled feed fails, "待评定" while a feed has no data (`standards.py`).
A member's 3 duty stars are two for every member and one by the member's kind ("有职党员敬业争优、
能人党员示范带动、普通党员设岗定责、流动党员科学管理、年老体弱党员建言献策"); a village
organisation's 3 duty and 2 self-chosen stars are those of its approved star plan.

The tiers' consequences are the articles' own (000): members "对评定为8星级以上的党员,给予一定的
物质和精神奖励,纳入嘎查村班子后备力量重点培养,优先推荐担任“两代表一委员”;对评定为5-7星级的党员,
调整优化职责星、自选星,促进其争创星级;对评定为4星级及以下的党员,进行批评教育、诫勉谈话,精准制定
整改措施,促进其转化提高"; organisations "对评为十星级的党组织,给予表彰奖励;……对4星级及以下的党
组织,结合软弱涣散党组织整顿工作,集中抓好整改提高;对3星级以下的党组织,对党组织书记进行批评教育和
诫勉谈话,必要时予以调整和撤换". Gaotai's half-year red stars and Sanmenxia's count carry no
consequence of their own in the articles (a Sanmenxia five-star branch may be *selected* a 五星标兵,
a selection with a quota, not a tier).
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

from .rules import Band, ConsequenceSpec, Feed, Scheme, SchemeInvalid, Tier
from .scheme_spec import scheme_from_dict

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

# What feeds each named star: items of the points catalogues this project ships (Sanmenxia SMX-,
# the 100-point year BF-, Gaotai GT-, Chifeng CF-; a county on another catalogue edits the
# codes) and the questions of the evaluation forms (the demo's member form: I1 政治表现, I2 作用
# 发挥, I3 群众口碑; the township's assessment of a village: A1 班子建设, A2 发展成效, A3 群众满
# 意). 000: "党员“星级管理”各项指标都按照“需要履行什么职责就设什么星,需要解决什么问题就设什么星”
# 的原则设置"; "“5”,即5颗共性星,突出对党组织和党员的基本要求;“3”,即3颗职责星,突出履行职责和设岗
# 定责;“2”,即2颗自选星,确保星级设置符合党组织和党员特点".
DEDUCTIONS = ("SMX-K01", "SMX-K02", "SMX-K03", "SMX-K04", "BF-K01", "BF-K02", "BF-K03",
              "GT-F01", "GT-F03", "CF-K01", "CF-K02")  # fmt: skip
MEMBER_STARS = (
    # the 5 common stars: every member
    ("common-1", "政治坚定星", Feed(questions=("I1",))),
    ("common-2", "学习进步星", Feed(items=("BF-X01", "BF-X02", "CF-X01", "GT-Z02"))),
    ("common-3", "遵规守纪星", Feed(against=DEDUCTIONS)),
    ("common-4", "作用发挥星", Feed(items=("SMX-G06", "BF-X03", "CF-F01"), questions=("I2",))),
    ("common-5", "群众认可星", Feed(questions=("I3",))),
    # the 3 duty stars: two for every member, the third by the member's kind (000: "党员结合
    # “全链条”管理机制,按照有职党员敬业争优、能人党员示范带动、普通党员设岗定责、流动党员科学
    # 管理、年老体弱党员建言献策要求设置职责"); the post and duties the branch sets (设岗定责,
    # `posts.py`) are shown beside them
    ("duty-1", "产业带头星", Feed(items=("GT-Z03",), questions=("I2",))),
    ("duty-2", "乡风文明星", Feed(items=("SMX-G04", "GT-Z04", "GT-Z06"))),
    ("duty-3", "敬业争优星", Feed(questions=("I2",), categories=("office_holding",))),
    ("duty-4", "示范带动星", Feed(items=("GT-Z03", "SMX-G05"), categories=("capable",))),
    ("duty-5", "设岗定责星", Feed(items=("SMX-G01", "SMX-G02", "SMX-G06"),
                                 categories=("ordinary",))),
    ("duty-6", "科学管理星", Feed(items=("CF-Z01", "CF-Z02"), against=("CF-K01",),
                                 categories=("mobile",))),
    # 000: the 86-year-old member "协助镇村干部组织社员调解土地纠纷" was rated ten stars
    ("duty-7", "建言献策星", Feed(items=("SMX-G04", "GT-Z04"), categories=("elderly",))),
    # the 2 self-chosen stars, a menu (000: "根据个人能力特长,从诚实守信、科学种养、服务群众、
    # 干净人家等方面选择自选星"); a county extends it
    ("self-1", "诚实守信星", Feed(questions=("I3",))),
    ("self-2", "干净人家星", Feed(items=("SMX-G01", "GT-Z06"))),
    ("self-3", "科学种养星", Feed(items=("GT-Z03",))),
    ("self-4", "服务群众星", Feed(items=("SMX-G03", "SMX-G05", "SMX-G06", "GT-Z05"))),
)  # fmt: skip
ORG_STARS = (
    ("common-1", "班子坚强星", Feed(questions=("A1",))),
    ("common-2", "队伍过硬星", Feed(questions=("I2",))),
    ("common-3", "制度健全星", Feed()),  # the township's own assessment
    ("common-4", "阵地规范星", Feed()),
    ("common-5", "群众满意星", Feed(questions=("A3", "I3"))),
    # 000: "嘎查村党组织从产业兴旺、生态宜居、乡风文明等方面选择职责,从乡村旅游、环境整治、载体
    # 创新等方面选择自选星": menus to pick 3 and 2 from (a county extends them); an item feeds an
    # organisation's star by its members' counted points
    ("duty-1", "产业兴旺星", Feed(items=("GT-Z03",), questions=("A2",))),
    ("duty-2", "生态宜居星", Feed(items=("SMX-G01", "SMX-G02", "GT-Z06"))),
    ("duty-3", "乡风文明星", Feed(items=("SMX-G04", "GT-Z04"))),
    ("duty-4", "治理有效星", Feed(questions=("A1",))),
    ("duty-5", "生活富裕星", Feed(items=("SMX-G05",), questions=("A2",))),
    ("self-1", "乡村旅游星", Feed()),
    ("self-2", "环境整治星", Feed(items=("SMX-G01", "SMX-G02", "GT-Z06"))),
    ("self-3", "载体创新星", Feed()),
)  # fmt: skip

BAYANNUR_532 = Scheme(
    key="bayannur-532",
    name="巴彦淖尔“532”十星级党员评定（积分60%＋党员评议20%＋群众评议20%）",
    subject="member",
    weights={"points": D(60), "member_eval": D(20), "public_eval": D(20)},
    points_mode="target",
    points_target=D(100),
    bands=TEN_STARS,
    criteria=tuple((code, name) for code, name, _ in MEMBER_STARS),
    feeds={code: feed for code, _, feed in MEMBER_STARS},
    picks={"duty": 3, "self": 2},
    max_stars=10,
    missing="incomplete",
    tiers=(
        Tier("warn", "四星及以下：批评教育、诫勉谈话、制定整改措施", 0, 4, (
            ConsequenceSpec("criticise", "批评教育", "branch_secretary", 15),
            ConsequenceSpec("warning-talk", "诫勉谈话", "branch_secretary", 15),
            ConsequenceSpec("rectify-plan", "精准制定整改措施", "branch_secretary", 30),
        )),
        Tier("adjust", "五至七星：调整优化职责星、自选星", 5, 7, (
            ConsequenceSpec("adjust-stars", "调整优化职责星、自选星", "branch_secretary", 30),
        )),
        Tier("reward", "八星及以上：奖励、纳入后备力量、优先推荐“两代表一委员”", 8, 10, (
            ConsequenceSpec("reward", "给予物质和精神奖励", "township", 30),
            ConsequenceSpec("reserve-pool", "纳入嘎查村班子后备力量重点培养", "township", 60),
            ConsequenceSpec("recommend", "优先推荐担任“两代表一委员”", "township", 60),
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
    criteria=tuple((code, name) for code, name, _ in ORG_STARS),
    feeds={code: feed for code, _, feed in ORG_STARS if feed.has_evidence},
    picks={"duty": 3, "self": 2},
    max_stars=10,
    missing="incomplete",
    tiers=(
        Tier("warn", "三星以下：整顿，书记批评教育和诫勉谈话", 0, 2, (
            ConsequenceSpec("rectify", "结合软弱涣散党组织整顿，集中整改提高", "township", 30),
            ConsequenceSpec("warn-secretary", "对党组织书记批评教育和诫勉谈话", "township", 15),
        )),
        Tier("rectify", "三至四星：结合软弱涣散党组织整顿", 3, 4, (
            ConsequenceSpec("rectify", "结合软弱涣散党组织整顿，集中整改提高", "township", 30),
        )),
        Tier("steady", "五至九星", 5, 9),
        Tier("commend", "十星：表彰奖励", 10, 10, (
            ConsequenceSpec("commend", "给予表彰奖励", "county", 30),
        )),
    ),
)  # fmt: skip

GAOTAI_341 = Scheme(
    key="gaotai-341",
    name="高台“三亮四评一争创”：半年商评得分定红星，两颗红星一面红旗",
    subject="member",
    periods=("H1", "H2"),
    # 商评 "根据党员互评情况和党员履行义务……等情况对党员进行商议量化打分", and the commitments'
    # review "运用于民主评议党员当中": the branch's half-year review of the member's 三亮
    # commitments weighs beside the committee's score (the 80/20 split is the county's own,
    # 本县自定: the article gives none); a member with no reviewed commitment is incomplete
    weights={"committee_eval": D(80), "commitment_review": D(20)},
    red_bands=(Band(D(0), 0), Band(D(60), 1), Band(D(70), 2), Band(D(90), 3)),
    flag_every=2,
    missing="incomplete",
    max_stars=3,
    tiers=(
        Tier("none", "未得红星", 0, 0),
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
        Tier("below", "四星及以下", 0, 4),
        Tier("five", "五星级党支部", 5, 5),
    ),
)  # fmt: skip

# 000: "苏木乡镇党委每半年对嘎查村工作完成情况进行动态考评，平均分作为年度积分", the work and its
# assessment kept as the target ledger (004: "建立目标工作台账……对目标完成情况进行评审，结果
# 实时公示并有效运用"): the annual points are the organisation's target points, each half-year's
# standing averaged (`sources.py`, `targets/standing.py`); the rest as bayannur-532-org
BAYANNUR_532_ORG_TARGETS = replace(
    BAYANNUR_532_ORG,
    key="bayannur-532-org-targets",
    name="巴彦淖尔“532”十星级党组织评定（目标积分半年考评平均60%＋党员评议20%＋群众评议20%）",
    weights={"target_points": D(60), "member_eval": D(20), "public_eval": D(20)},
)

PRESETS = {
    s.key: s
    for s in (BAYANNUR_532, BAYANNUR_532_ORG, BAYANNUR_532_ORG_TARGETS, GAOTAI_341, SANMENXIA_5STAR)
}


def scheme_load(name: str) -> Scheme:
    """A preset by name, or a scheme file (JSON) by path."""
    if name in PRESETS:
        return PRESETS[name]
    path = Path(name)
    if not path.is_file():
        raise SchemeInvalid(
            [f"没有名为“{name}”的预置方案，也没有这个文件（预置：{'、'.join(PRESETS)}）"]
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SchemeInvalid([f"方案文件不是有效的JSON：{e}"]) from None
    return scheme_from_dict(data)
