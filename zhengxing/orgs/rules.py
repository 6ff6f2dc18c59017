"""The organisation tree's vocabulary and the rules that need no database."""

import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    COUNTY = "county", _("County / banner")
    TOWNSHIP = "township", _("Township / sumu / street")
    STREET_COMMITTEE = "street_committee", _("Street working committee")
    VILLAGE = "village", _("Village / gacha / community")
    GENERAL_BRANCH = "general_branch", _("General branch")
    BRANCH = "branch", _("Branch")
    GRID_BRANCH = "grid_branch", _("Grid branch")
    MOBILE = "mobile", _("Mobile members' organisation")
    GROUP = "group", _("Party group")
    BUILDING_GROUP = "building_group", _("Building Party group")
    CENTRAL_HOUSEHOLD = "central_household", _("Member central household")


# Depth rank of each kind: a child's rank must be greater than its parent's. Rural chains run
# county > township > village > (general branch >) branch > group; the city's five-level chain
# runs street committee > community general branch > grid branch > building group > central
# household; mobile members' organisations sit under a township or a village.
KIND_RANK: dict[str, int] = {
    OrgKind.COUNTY: 0,
    OrgKind.TOWNSHIP: 1,
    OrgKind.STREET_COMMITTEE: 1,
    OrgKind.VILLAGE: 2,
    OrgKind.GENERAL_BRANCH: 3,
    OrgKind.BRANCH: 4,
    OrgKind.GRID_BRANCH: 4,
    OrgKind.MOBILE: 4,
    OrgKind.GROUP: 5,
    OrgKind.BUILDING_GROUP: 5,
    OrgKind.CENTRAL_HOUSEHOLD: 6,
}

# Kinds a member's membership is held by (组织关系所在支部).
MEMBER_HOLDING_KINDS = frozenset(
    {OrgKind.GENERAL_BRANCH, OrgKind.BRANCH, OrgKind.GRID_BRANCH, OrgKind.MOBILE}
)
# Kinds a member may be placed in below their branch.
GROUP_KINDS = frozenset({OrgKind.GROUP, OrgKind.BUILDING_GROUP, OrgKind.CENTRAL_HOUSEHOLD})


def kind_may_sit_under(child: str, parent: str | None) -> bool:
    if parent is None:
        return child == OrgKind.COUNTY
    return child != OrgKind.COUNTY and KIND_RANK[child] > KIND_RANK[parent]


class OrgCategory(models.TextChoices):
    RURAL = "rural", _("Rural")
    COMMUNITY = "community", _("Street / community")
    ORGAN = "organ", _("Party and government organ")
    INSTITUTION = "institution", _("Public institution")
    SCHOOL = "school", _("School")
    STATE_ENTERPRISE = "state_enterprise", _("State-owned enterprise")
    PRIVATE_ENTERPRISE = "private_enterprise", _("Private enterprise")
    SOCIAL = "social", _("Social organisation")
    OTHER = "other", _("Other")


class UnitRelation(models.TextChoices):
    SAME_AS_PARENT = "same_as_parent", _("Same unit as the parent")
    LEGAL_ENTITY = "legal_entity", _("Legal entity of its own")
    JOINT = "joint", _("Joint branch of several units")


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Standing(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class MemberCategory(models.TextChoices):
    OFFICE_HOLDING = "office_holding", _("Office-holding")
    CAPABLE = "capable", _("Capable")
    ORDINARY = "ordinary", _("Ordinary")
    MOBILE = "mobile", _("Mobile")
    ELDERLY = "elderly", _("Elderly or infirm")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MOBILE = "mobile", _("Mobile")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    DECEASED = "deceased", _("Deceased")


class Education(models.TextChoices):
    PRIMARY = "primary", _("Primary school or less")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary / vocational")
    COLLEGE = "college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


class Role(models.TextChoices):
    COUNTY = "county", _("County organisation department")
    TOWNSHIP = "township", _("Township Party committee")
    SECRETARY = "secretary", _("Branch secretary")
    COMMITTEE = "committee", _("Branch committee member")
    GRID_WORKER = "grid_worker", _("Grid worker")
    MEMBER = "member", _("Party member")


# What each role may do inside its subtree.
ROLE_MANAGES = frozenset({Role.COUNTY, Role.TOWNSHIP, Role.SECRETARY, Role.COMMITTEE})
ROLE_REVEALS_PII = frozenset({Role.COUNTY, Role.TOWNSHIP, Role.SECRETARY})
ROLE_MANAGES_TREE = frozenset({Role.COUNTY, Role.TOWNSHIP})

# The 56 ethnic groups, by their full names as the roster records them.
ETHNICITIES = (  # noqa: SIM905 - one string per line of the national list reads best
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 "
    "土家族 哈尼族 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 "
    "纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 "
    "锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 "
    "裕固族 京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()


# --- names ----------------------------------------------------------------------------------

# Characters that take no visible space: format characters (Cf: zero-width spaces and joiners
# U+200B..U+200D, the direction marks U+200E/U+200F, embeddings and overrides U+202A..U+202E,
# isolates U+2066..U+2069, the BOM U+FEFF, the soft hyphen, …), control characters (Cc),
# private-use (Co) and unpaired surrogates (Cs). In a name they make "王甲" and "王\u200b甲" two
# people who look the same on a public notice, or turn a name around on the screen.
HIDDEN_CATEGORIES = frozenset({"Cf", "Cc", "Co", "Cs"})


def hidden_characters(value: str) -> list[str]:
    """The invisible characters in `value`, as U+XXXX, in order (none: an empty list)."""
    if value.isprintable():  # no character of "Other" (Cc, Cf, Cs, Co, Cn) or a separator
        return []
    return [f"U+{ord(c):04X}" for c in value if unicodedata.category(c) in HIDDEN_CATEGORIES]


def name_problem(value: str, field: str = "姓名") -> str | None:
    """Why `value` cannot be a name (a person's or an organisation's), in Chinese; None if it
    can. Every place a name enters asks this: the roster (form, API, import), the tree, the
    public's reports and objections."""
    found = hidden_characters(value)
    if not found:
        return None
    shown = "、".join(dict.fromkeys(found))
    return (
        f"{field}中含有看不见的字符（{shown}，如零宽字符或文字方向控制符），"
        "会让名字看起来与别人的一样：请删除后重新输入"
    )
