"""People for the demo and synthetic counties: names by gender and ethnicity as they are common
in 乌拉特中旗, education by the era of birth, posts, whereabouts of mobile members, phone numbers.
Made up, drawn from a seeded random generator, never anyone's."""

from __future__ import annotations

import datetime as dt
import random

# The most common Han surnames, most frequent first (weights fall off with rank).
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董袁于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶贺顾毛郝龚邵万钱严武"
)
SURNAME_WEIGHTS = tuple(1 / (rank + 8) for rank in range(len(SURNAMES)))
HAN_MALE = [
    "建国",
    "志强",
    "海军",
    "永刚",
    "文斌",
    "俊峰",
    "国华",
    "振华",
    "德明",
    "宏伟",
    "学军",
    "春生",
    "利军",
    "金山",
    "玉林",
    "占江",
    "福海",
    "晓东",
    "鹏飞",
    "子豪",
    "志刚",
    "永平",
    "建军",
    "红军",
    "立新",
    "卫东",
    "树林",
    "长青",
    "宝山",
    "万福",
    "世杰",
    "浩然",
    "宇航",
    "明轩",
    "俊杰",
    "天佑",
]
HAN_FEMALE = [
    "秀英",
    "桂兰",
    "玉梅",
    "丽娟",
    "春花",
    "淑珍",
    "海燕",
    "艳红",
    "晓燕",
    "美玲",
    "婷婷",
    "雪梅",
    "凤英",
    "翠兰",
    "红霞",
    "秀兰",
    "桂英",
    "玉兰",
    "丽华",
    "文静",
    "慧敏",
    "欣怡",
    "梦瑶",
    "雅琪",
    "晓丽",
    "彩霞",
    "金花",
    "春梅",
    "建华",
    "月娥",
]
MONGOLIAN_MALE = [
    "巴图",
    "巴特尔",
    "孟和",
    "朝鲁",
    "额尔敦",
    "宝音",
    "布和",
    "阿拉坦",
    "那顺",
    "苏和",
    "毕力格",
    "特木尔",
    "巴雅尔",
    "吉日嘎拉",
    "达赖",
    "哈斯",
    "额尔德木图",
    "乌力吉",
    "图门",
    "满都拉",
]
MONGOLIAN_FEMALE = [
    "其其格",
    "乌日娜",
    "萨仁",
    "图雅",
    "斯琴",
    "格日乐",
    "其木格",
    "敖登",
    "乌兰",
    "娜仁",
    "托娅",
    "高娃",
    "苏日娜",
    "其其日格",
    "阿拉腾花",
    "萨日娜",
    "塔娜",
    "乌云",
    "琪琪格",
    "娜仁花",
]
# Mongolian families here often take a Han surname; many go by the given name alone.
MONGOLIAN_SURNAMES = "包白宝韩吴乌李"
MINOR_ETHNICITIES = ("回族", "满族", "达斡尔族", "鄂温克族")

EDUCATION_BY_ERA = (  # (born before, weighted choices)
    (1955, (("primary", 5), ("junior", 3), ("senior", 1))),
    (1970, (("primary", 2), ("junior", 5), ("senior", 3), ("college", 1))),
    (1985, (("junior", 3), ("senior", 4), ("college", 3), ("bachelor", 2))),
    (9999, (("senior", 2), ("college", 4), ("bachelor", 5), ("postgraduate", 1))),
)
WHEREABOUTS = (
    "呼和浩特市赛罕区",
    "包头市昆都仑区",
    "鄂尔多斯市东胜区",
    "巴彦淖尔市临河区",
    "乌海市海勃湾区",
    "北京市朝阳区",
    "天津市滨海新区",
    "宁夏银川市金凤区",
)
MOBILE_REASONS = ("外出务工", "外出务工", "经商", "经商", "子女随迁")
CAPABLE_POSTS = (
    "种植大户",
    "养殖大户",
    "农民专业合作社理事长",
    "农机服务队队长",
    "村医",
    "致富带头人",
    "家庭农牧场主",
    "个体工商户",
    "电商带货主播",
)
MOBILE_POSTS = ("建筑工人", "货车司机", "餐饮经营", "快递员", "个体经商", "工厂职工")
ORDINARY_POSTS = (
    "农民",
    "农民",
    "农民",
    "牧民",
    "牧民",
    "个体户",
    "村民小组长",
    "护林员",
    "保洁员",
)
PHONE_PREFIXES = (
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "158",
    "159",
    "176",
    "177",
    "180",
    "182",
    "185",
    "187",
    "188",
    "189",
    "199",
)


def person_name(rng: random.Random, gender: str, ethnicity: str) -> str:
    male = gender == "M"
    if ethnicity == "蒙古族":
        given = rng.choice(MONGOLIAN_MALE if male else MONGOLIAN_FEMALE)
        return given if rng.random() < 0.5 else rng.choice(MONGOLIAN_SURNAMES) + given
    surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
    return surname + rng.choice(HAN_MALE if male else HAN_FEMALE)


def pick_ethnicity(rng: random.Random, mongolian_share: float) -> str:
    r = rng.random()
    if r < mongolian_share:
        return "蒙古族"
    if r < mongolian_share + 0.03:
        return rng.choice(MINOR_ETHNICITIES)
    return "汉族"


def pick_education(rng: random.Random, born_year: int) -> str:
    for before, choices in EDUCATION_BY_ERA:
        if born_year < before:
            values, weights = zip(*choices, strict=True)
            return rng.choices(values, weights=weights)[0]
    raise AssertionError("unreachable")


def phone_number(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def add_days(day: dt.date, days: int, *, not_after: dt.date) -> dt.date:
    return min(day + dt.timedelta(days=days), not_after)
