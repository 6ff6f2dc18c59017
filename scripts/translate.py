"""Fill the Chinese catalogue's new and fuzzy entries from TRANSLATIONS, then report what is
still missing. Run after `zhengxing makemessages -l zh_Hans`; compile with compilemessages."""

from __future__ import annotations

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "zhengxing/locale/zh_Hans/LC_MESSAGES/django.po"

TRANSLATIONS: dict[str, str | list[str]] = {
    "Reminder talks": "约谈提醒",
    "None yet": "暂无",
    "No member's points are low.": "暂无积分偏低的党员。",
    "Year total": "全年累计",
    "The reminder talk was recorded.": "约谈提醒已记录。",
    "Points at the talk": "约谈时积分",
    "No reminder talks recorded.": "暂无约谈记录。",
    "Record a reminder talk": "记录约谈提醒",
    "Record the talk": "记录约谈",
    "Previous year": "上一年",
    "Next year": "下一年",
    "Low points": "积分偏低",
    "Branches": "党支部",
    "Counted total": "计入积分合计",
    "Average per member": "人均积分",
    "Signed quarters": "已签字季度",
    "No branches.": "暂无党支部。",
    "Branch points table": "党支部积分台账（一张表）",
    "Only quarters the branch secretary has signed off count; unsigned quarters are marked.": (
        "只有支部书记签字确认的季度计入积分；未签字的季度已标出。"
    ),
    "(left the branch)": "（已转出本支部）",
    "County total": "全旗县合计",
    "My points": "我的积分",
    "Only entries of quarters the branch secretary has signed off count.": (
        "只有支部书记签字确认的季度的积分计入。"
    ),
    "Counted": "已计入",
    "Awaiting sign-off": "待签字确认",
    "Reverses entry %(seq)s": "冲正第%(seq)s号记录",
    "No entries this year.": "本年度暂无积分记录。",
    "Claims awaiting review": "待审核的申报",
    "No claims awaiting review.": "暂无待审核的申报。",
    "Public evaluation": "群众评议",
    "General evaluation": "总评",
    "Township assessment": "乡镇考评",
    "public ballot code": "群众评议码",
    "public ballot codes": "群众评议码",
    "Submitted to the township": "已报乡镇审核",
    "members consulted": "征求党员意见情况",
    "Points ledger": "积分台账",
    "Low points and reminder talks": "积分偏低与约谈提醒",
    "counted quarter points": "季度计入积分",
    "By Q%(q)s": "截至第%(q)s季度",
    "%(n)s, last on %(d)s": "%(n)s次，最近%(d)s",
    "Talks": "约谈",
    "Rank": "名次",
    "Date of the talk": "约谈日期",
    "Held by": "约谈人",
    "What was said": "约谈内容",
    "Year": "年度",
    "Township points book": "乡镇党员积分册（一册）",
    "Download Excel": "下载Excel",
    "Ranking": "排名",
    "Entries": "积分记录",
    "Total": "合计",
    "Signed": "已签字",
    "Not signed": "未签字",
    "County points database": "全旗县积分数据库",
    "Township": "乡镇（苏木、街道）",
    "Q%(q)s signed": "第%(q)s季度已签字",
    "Excel": "Excel",
    "Book": "积分册",
    "No townships.": "暂无乡镇。",
    "Long-running low points": "长期积分偏低",
    "A member is low when their counted points stay below %(t)s a year, pro rata by quarter:": (
        "党员计入积分低于全年%(t)s分（按季度折算）即为偏低："
    ),
    "Listed: below the bar at the latest signed quarter of their branch.": [
        "列出：在本支部最近%(n)s个已签字季度末均低于折算分的党员。"
    ],
    "Everyone low now": "目前积分偏低的全部党员",
    "Only long-running": "只看长期偏低",
    "Item": "项目",
    "Part": "类别",
    "State": "状态",
    "Reversed": "已冲正",
    "Year-end ranking": "年终排名",
    "Ranking in the county": "全旗县排名",
    "Ranking in the township": "乡镇排名",
    "The year is over: this is the year-end ranking of counted points.": (
        "本年度已结束：以下为计入积分的年终排名。"
    ),
    "Counted points so far: only quarters the branch secretaries have signed off.": (
        "截至目前的计入积分：只计支部书记已签字确认的季度。"
    ),
    "Members with equal points share a rank.": "积分相同的党员名次并列。",
    "Self-evaluation": "自评",
    "Peer evaluation": "互评",
    "Committee evaluation": "支委会评议",
    "rated": "评定对象",
    "star scheme": "星级评定方案",
    "star schemes": "星级评定方案",
    "period": "期间",
    "opens": "开始时间",
    "closes": "结束时间",
    "evaluation round": "评议",
    "evaluation rounds": "评议",
    "ballot": "选票",
    "ballots": "选票",
    "rating": "星级评定结果",
    "ratings": "星级评定结果",
    "consequence": "结果运用事项",
    "consequences": "结果运用事项",
    "Draft": "草稿",
    "Returned": "已退回",
    "measures": "措施",
    "star plan": "报星计划",
    "star plans": "报星计划",
    "self-chosen stars": "自选星",
    "Review and sign-off": "审核与签字",
    "Rankings": "积分排名",
    "Report what I did": "申报积分",
    "Points management": "积分管理",
    "Objections": "异议",
    "Too many failed logins": "登录失败次数过多",
    "For your safety, logging in is paused for this account or this address. Try again in "
    "%(minutes)s minutes, or ask your organisation department to unlock it.": (
        "为保障安全，该账号或该地址已暂停登录。请%(minutes)s分钟后再试，或请组织部门解锁。"
    ),
    "You were signed out after a while without activity.": "长时间未操作，已自动退出登录。",
    "Your password must mix at least %(n)s of: lower-case letters, upper-case letters, digits "
    "and symbols.": "密码须至少包含小写字母、大写字母、数字、符号中的%(n)s种。",
    "Six-digit code": "六位动态验证码",
    "Enter the six digits your app shows.": "请输入身份验证器显示的六位数字。",
    "Your authenticator app is set up.": "身份验证器已绑定。",
    "That code is not right. Check the time on your phone.": (
        "验证码不正确，请检查手机时间是否准确。"
    ),
    "The password or the code is not right.": "密码或验证码不正确。",
    "Set up your authenticator app": "绑定身份验证器",
    "Your role needs a second step at login. Scan this code with an authenticator app on your "
    "phone (for example the one in WeChat's mini programs, Microsoft or Google Authenticator), "
    "then type the six digits it shows.": (
        "您的岗位登录时需要第二步验证。请用手机上的身份验证器（如微信小程序中的身份验证器、"
        "Microsoft或Google Authenticator）扫描此二维码，然后输入其显示的六位数字。"
    ),
    "Cannot scan? Type this key into the app:": "无法扫码？请在验证器中手动输入此密钥：",
    "Confirm": "确认",
    "Second step": "第二步验证",
    "Type the six digits your authenticator app shows now.": "请输入身份验证器当前显示的六位数字。",
    "Continue": "继续",
    "Confirm it is you": "确认是您本人",
    "This action needs your password again.": "此操作需要再次输入密码。",
    "Star board": "星级榜",
    "Period": "期间",
    "How many members have each number of stars": "各星级党员人数",
    "No stars computed yet.": "尚未计算星级。",
    "Finalise these ratings": "审定这些星级评定结果",
    "Finalised ratings are posted and their follow-up tasks created; a recompute no longer "
    "changes them.": "审定后的结果予以公示并生成结果运用事项，重新计算不再改变它们。",
    "Score": "得分",
    "Stars": "星级",
    "finalised": "已审定",
    "not final yet": "尚未审定",
    "Component": "评分项",
    "Score (0-100)": "分数（0-100）",
    "Weight": "权重",
    "Counts for": "折合",
    "%(p)s points counted": "计入积分%(p)s分",
    "%(low)s or more gives %(stars)s stars": "%(low)s分及以上为%(stars)s星",
    "%(stars)s stars from %(low)s": "%(low)s分可得%(stars)s星",
    "Evaluations count as averages of closed rounds; no one sees a single ballot.": (
        "评议按已结束评议的平均分计算，任何人都看不到单张选票。"
    ),
    "Follow-up tasks": "结果运用事项",
    "Task": "事项",
    "For": "对象",
    "Owner": "责任方",
    "Due": "期限",
    "Done": "已办结",
    "Nothing to follow up.": "暂无待办事项。",
    "%(n)s ratings finalised; %(m)s follow-up tasks created.": (
        "已审定%(n)s条星级评定结果，生成结果运用事项%(m)s项。"
    ),
    "My stars": "我的星级",
}


def main() -> int:
    po = polib.pofile(str(PO))
    for entry in po:
        if entry.obsolete or (entry.translated() and "fuzzy" not in entry.flags):
            continue
        found = TRANSLATIONS.get(entry.msgid)
        if found is None:
            continue
        if entry.msgid_plural:
            forms = found if isinstance(found, list) else [found]
            entry.msgstr_plural = dict(enumerate(forms))
        else:
            entry.msgstr = found if isinstance(found, str) else found[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
    po.save()
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
