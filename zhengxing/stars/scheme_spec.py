"""A scheme's spec, the JSON a county (or a township) edits and `StarScheme.spec` keeps: read
into a `rules.Scheme` (`scheme_from_dict`), written back (`scheme_to_dict`) and checked against
the rules every scheme must keep (`validate`), each problem a Chinese sentence. Pure: no
database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from .rules import (
    CATEGORY_DUTIES,
    COMPONENTS,
    MENUS,
    MISSING_RULES,
    NO_FEED,
    OWNERS,
    PERCENT_DEFAULT,
    PERIODS,
    SUBJECT_ONLY,
    SUBJECT_WORDS,
    TENTH,
    Band,
    ConsequenceSpec,
    Feed,
    Scheme,
    SchemeInvalid,
    Tier,
    applies_to,
    decimal_text,
    menu,
)


def _decimal(value: Any, where: str, problems: list[str]) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        problems.append(f"{where}不是数字：{value!r}")
        return Decimal(0)
    if not number.is_finite():
        problems.append(f"{where}不是数字：{value!r}")
        return Decimal(0)
    return number


def _bands(raw: Any, where: str, problems: list[str]) -> tuple[Band, ...]:
    if raw in (None, []):
        return ()
    if not isinstance(raw, list):
        problems.append(f"{where}应为列表")
        return ()
    bands = []
    for n, row in enumerate(raw, start=1):
        if not isinstance(row, Mapping) or "min" not in row or "stars" not in row:
            problems.append(f"{where}第{n}档应有min和stars")
            continue
        stars = row["stars"]
        if not isinstance(stars, int) or isinstance(stars, bool):
            problems.append(f"{where}第{n}档的星数应为整数")
            continue
        bands.append(Band(_decimal(row["min"], f"{where}第{n}档的分数", problems), stars))
    return tuple(sorted(bands, key=lambda b: b.min))


def _picks(raw: Any, problems: list[str]) -> dict[str, int]:
    if not raw:
        return {}
    if not isinstance(raw, Mapping):
        problems.append('各类星目的选择数量应为对象，如{"duty": 3, "self": 2}')
        return {}
    picks = {}
    for kind, n in raw.items():
        if kind not in MENUS or not isinstance(n, int) or isinstance(n, bool) or n < 1:
            problems.append(f"选择数量应为{'、'.join(MENUS)}各自的正整数（{kind}：{n!r}）")
        else:
            picks[str(kind)] = n
    return picks


def _codes(raw: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if raw in (None, ""):
        return ()
    if not isinstance(raw, list) or not all(isinstance(c, str) and c.strip() for c in raw):
        problems.append(f"{where}应为代码列表")
        return ()
    return tuple(dict.fromkeys(c.strip() for c in raw))


FEED_KEYS = ("items", "against", "questions", "categories", "min_points", "min_percent")


def _criteria(raw: Any, problems: list[str]) -> tuple[tuple[tuple[str, str], ...], dict[str, Feed]]:
    """Named stars as [code, name] pairs (as first stored) or objects {"code", "name", and what
    feeds it: "items", "against", "questions", "categories", "min_points", "min_percent"}."""
    if raw in (None, []):
        return (), {}
    if not isinstance(raw, list):
        problems.append("星目应为列表")
        return (), {}
    criteria, feeds = [], {}
    for n, row in enumerate(raw, start=1):
        if isinstance(row, Mapping):
            code, name = str(row.get("code", "")).strip(), str(row.get("name", "")).strip()
            where = f"星目“{name or code or n}”"
            unknown = sorted(set(row) - {"code", "name", *FEED_KEYS})
            if unknown:
                problems.append(f"{where}有无法识别的设置：{'、'.join(unknown)}")
            feed = Feed(
                items=_codes(row.get("items"), f"{where}的积分项目", problems),
                against=_codes(row.get("against"), f"{where}的扣分项目", problems),
                questions=_codes(row.get("questions"), f"{where}的评议指标", problems),
                categories=_codes(row.get("categories"), f"{where}的党员类别", problems),
                min_points=_decimal(row.get("min_points", 1), f"{where}的积分门槛", problems),
                min_percent=_decimal(
                    row.get("min_percent", PERCENT_DEFAULT), f"{where}的评议门槛", problems
                ),
            )
            if feed != NO_FEED:
                feeds[code] = feed
        elif isinstance(row, Sequence) and not isinstance(row, str) and len(row) == 2:
            code, name = str(row[0]).strip(), str(row[1]).strip()
        else:
            problems.append(f"第{n}颗星目应为[代码, 名称]或含code、name的对象")
            continue
        criteria.append((code, name))
    return tuple(criteria), feeds


def _feed_problems(scheme: Scheme) -> list[str]:
    problems: list[str] = []
    codes = [code for code, _ in scheme.criteria]
    names = dict(scheme.criteria)
    for code, name in scheme.criteria:
        if not code or not name:
            problems.append("每颗星目都应有代码和名称")
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        problems.append(f"星目代码重复：{'、'.join(repeated)}")
    for code, feed in scheme.feeds.items():
        where = f"星目“{names.get(code, code)}”"
        bad = [c for c in feed.categories if c not in CATEGORY_DUTIES]
        if bad:
            problems.append(
                f"{where}的党员类别应为{'、'.join(CATEGORY_DUTIES)}（{'、'.join(bad)}）"
            )
        if feed.categories and scheme.subject != "member":
            problems.append(f"{where}：只有党员星级方案的星目可以按党员类别设置")
        if feed.min_points < 0 or feed.min_points != feed.min_points.quantize(TENTH):
            problems.append(f"{where}的积分门槛应为不小于0、最多一位小数的数")
        if not 0 <= feed.min_percent <= 100:
            problems.append(f"{where}的评议门槛应为0至100之间的百分数")
    duty = scheme.picks.get("duty")
    by_category = any(scheme.feed(code).categories for code, _ in menu(scheme, "duty"))
    if scheme.subject == "member" and duty and by_category:
        # 000: each kind of member has its duties; every member still has the "3" duty stars
        for category, (kind, _expected) in CATEGORY_DUTIES.items():
            n = sum(1 for code, _ in menu(scheme, "duty") if applies_to(scheme, code, category))
            if n != duty:
                problems.append(f"{kind}适用的职责星应为{duty}颗，现为{n}颗")
    return problems


def scheme_from_dict(data: Mapping[str, Any]) -> Scheme:
    """A scheme from its JSON form; SchemeInvalid with every problem when it cannot be used."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise SchemeInvalid(["星级方案应为JSON对象"])
    weights = {
        str(k): _decimal(v, f"“{k}”的权重", problems)
        for k, v in (data.get("weights") or {}).items()
    }
    criteria, feeds = _criteria(data.get("criteria"), problems)
    tiers = []
    for n, row in enumerate(data.get("tiers") or [], start=1):
        try:
            tiers.append(
                Tier(
                    code=str(row["code"]),
                    label=str(row["label"]),
                    min_stars=int(row["min_stars"]),
                    max_stars=int(row["max_stars"]),
                    consequences=tuple(
                        ConsequenceSpec(
                            str(c["code"]), str(c["label"]), str(c["owner"]), int(c["due_days"])
                        )
                        for c in row.get("consequences", [])
                    ),
                )
            )
        except (KeyError, TypeError, ValueError):
            problems.append(f"第{n}个档次应有code、label、min_stars、max_stars")
    scheme = Scheme(
        key=str(data.get("key", "")),
        name=str(data.get("name", "")),
        subject=str(data.get("subject", "")),
        periods=tuple(str(p) for p in data.get("periods") or ("Y",)),
        weights=weights,
        points_mode=str(data.get("points_mode", "target")),
        points_target=_decimal(data.get("points_target", 100), "积分目标", problems),
        bands=_bands(data.get("bands"), "星级对照表", problems),
        red_bands=_bands(data.get("red_bands"), "红星对照表", problems),
        flag_every=int(data.get("flag_every", 0) or 0),
        criteria=criteria,
        feeds=feeds,
        criteria_count=bool(data.get("criteria_count", False)),
        picks=_picks(data.get("picks"), problems),
        missing=str(data.get("missing", "incomplete")),
        max_stars=int(data.get("max_stars", 10)),
        tiers=tuple(tiers),
    )
    problems += validate(scheme)
    if problems:
        raise SchemeInvalid(problems)
    return scheme


def scheme_to_dict(scheme: Scheme) -> dict[str, Any]:
    return {
        "key": scheme.key,
        "name": scheme.name,
        "subject": scheme.subject,
        "periods": list(scheme.periods),
        "weights": {k: decimal_text(v) for k, v in scheme.weights.items()},
        "points_mode": scheme.points_mode,
        "points_target": decimal_text(scheme.points_target),
        "bands": [{"min": decimal_text(b.min), "stars": b.stars} for b in scheme.bands],
        "red_bands": [{"min": decimal_text(b.min), "stars": b.stars} for b in scheme.red_bands],
        "flag_every": scheme.flag_every,
        "criteria": [_criterion_to_dict(scheme, code, name) for code, name in scheme.criteria],
        "criteria_count": scheme.criteria_count,
        "picks": dict(scheme.picks),
        "missing": scheme.missing,
        "max_stars": scheme.max_stars,
        "tiers": [
            {
                "code": t.code,
                "label": t.label,
                "min_stars": t.min_stars,
                "max_stars": t.max_stars,
                "consequences": [
                    {"code": c.code, "label": c.label, "owner": c.owner, "due_days": c.due_days}
                    for c in t.consequences
                ],
            }
            for t in scheme.tiers
        ],
    }


def _criterion_to_dict(scheme: Scheme, code: str, name: str) -> Any:
    """[code, name] for a star with nothing feeding it (how schemes were first stored), else an
    object with what feeds it (defaults left out)."""
    feed = scheme.feeds.get(code)
    if feed is None or feed == NO_FEED:
        return [code, name]
    out: dict[str, Any] = {"code": code, "name": name}
    for key in ("items", "against", "questions", "categories"):
        if getattr(feed, key):
            out[key] = list(getattr(feed, key))
    if feed.min_points != NO_FEED.min_points:
        out["min_points"] = decimal_text(feed.min_points)
    if feed.min_percent != NO_FEED.min_percent:
        out["min_percent"] = decimal_text(feed.min_percent)
    return out


def _band_problems(bands: Sequence[Band], label: str, top: int) -> list[str]:
    problems: list[str] = []
    if not bands:
        return problems
    if bands[0].min != 0:
        problems.append(f"{label}有空档：{decimal_text(bands[0].min)}分以下没有对应星级")
    for low, high in pairwise(bands):
        if low.min == high.min:
            problems.append(f"{label}重叠：{decimal_text(low.min)}分出现在两档中")
        if high.stars < low.stars:
            problems.append(f"{label}中分数越高星数不能越少（{decimal_text(high.min)}分）")
    for b in bands:
        if b.min != b.min.quantize(TENTH):
            problems.append(f"{label}的分数最多一位小数（{decimal_text(b.min)}）")
        if not 0 <= b.min <= 100:
            problems.append(f"{label}的分数应在0至100之间（{decimal_text(b.min)}）")
        if not 0 <= b.stars <= top:
            problems.append(f"{label}的星数应在0至{top}之间（{b.stars}）")
    return problems


def validate(scheme: Scheme) -> list[str]:
    """Every reason the scheme cannot be used, in Chinese ([] when it can)."""
    problems: list[str] = []
    if not scheme.key:
        problems.append("请填写方案代码")
    if scheme.subject not in ("member", "org"):
        problems.append("评定对象应为member（党员）或org（党组织）")
    if not scheme.periods or any(p not in PERIODS for p in scheme.periods):
        problems.append(f"评定期间应为{'、'.join(PERIODS)}")
    if not 1 <= scheme.max_stars <= 20:
        problems.append("最高星数应在1至20之间")
    for name, weight in scheme.weights.items():
        if name not in COMPONENTS:
            problems.append(f"没有名为“{name}”的评分项（可用：{'、'.join(COMPONENTS)}）")
        elif SUBJECT_ONLY.get(name, scheme.subject) != scheme.subject:
            only = SUBJECT_WORDS[SUBJECT_ONLY[name]]
            problems.append(f"评分项“{COMPONENTS[name]}”只能用于{only}星级方案")
        if weight < 0 or weight != weight.quantize(TENTH):
            problems.append(f"“{name}”的权重应为不小于0、最多一位小数的百分数")
    total = sum(scheme.weights.values(), start=Decimal(0))
    if scheme.weights and total != 100:
        problems.append(f"各项权重之和应为100%，现为{decimal_text(total)}%")
    if not scheme.weights and not scheme.criteria_count:
        problems.append("方案应有加权评分项，或按达标星计星")
    if scheme.weights and not scheme.bands and not scheme.red_bands:
        problems.append("请设置分数与星级对照表")
    if scheme.criteria_count and not scheme.criteria:
        problems.append("按达标星计星的方案应列出各颗星")
    if scheme.points_mode not in ("target", "relative"):
        problems.append("年度积分折算方式应为target（对照目标）或relative（支部内相对）")
    if scheme.points_mode == "target" and scheme.points_target <= 0:
        problems.append("年度积分目标应大于0")
    if scheme.points_target != scheme.points_target.quantize(TENTH):
        problems.append("年度积分目标最多一位小数")
    for kind, n in scheme.picks.items():
        offered = len(menu(scheme, kind))
        if n > offered:
            problems.append(f"{MENUS[kind]}要选{n}颗，菜单中只有{offered}颗")
    problems += _feed_problems(scheme)
    if scheme.missing not in MISSING_RULES:
        problems.append(
            f"缺少评议时的处理应为{'、'.join(MISSING_RULES)}（{'；'.join(MISSING_RULES.values())}）"
        )
    top = scheme.max_stars
    problems += _band_problems(scheme.bands, "星级对照表", top)
    problems += _band_problems(scheme.red_bands, "红星对照表", top)
    if scheme.flag_every < 0:
        problems.append("几颗红星计一面红旗应不小于0")
    tiers = sorted(scheme.tiers, key=lambda t: t.min_stars)
    if tiers:
        if tiers[0].min_stars != 0:
            problems.append(f"档次有空档：{tiers[0].min_stars}星以下不属于任何档次")
        if tiers[-1].max_stars != top:
            problems.append(f"档次有空档：{tiers[-1].max_stars}星以上不属于任何档次")
        for low, high in pairwise(tiers):
            if high.min_stars <= low.max_stars:
                problems.append(f"档次重叠：“{low.label}”与“{high.label}”")
            elif high.min_stars > low.max_stars + 1:
                problems.append(f"档次有空档：{low.max_stars + 1}星不属于任何档次")
        for t in tiers:
            if t.min_stars > t.max_stars:
                problems.append(f"档次“{t.label}”的星数范围不正确")
            for c in t.consequences:
                if c.owner not in OWNERS:
                    problems.append(f"“{c.label}”的责任方应为{'、'.join(OWNERS)}")
                if c.due_days < 1:
                    problems.append(f"“{c.label}”的办理期限应至少1天")
    return problems
