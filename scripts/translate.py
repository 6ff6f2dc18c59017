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
    "Duty stars": "职责星",
    "Self-chosen stars": "自选星",
    "Measures": "措施",
    "How members were consulted": "征求党员意见情况",
    "Reason (needed to return the plan)": "理由（退回时必填）",
    "My self-chosen stars": "我的自选星",
    "Named stars met": "已达标的星目",
    "Note": "说明",
    "named star assessed": "达标星评定",
    "named stars assessed": "达标星评定",
    "ballot tally": "评议汇总",
    "ballot tallies": "评议汇总",
    "Named stars": "达标星",
    "Save the assessment": "保存评定",
    "Every change is recorded with who made it and when.": "每次修改都会记录修改人和时间。",
    "This year's star scheme lists no named stars.": "本年度星级方案没有列出达标星。",
    "Stars across the organisations of %(name)s": "%(name)s所属各组织星级分布",
    "Star plans": "报星计划",
    "Public star board": "星级公示榜",
    "Your choice is posted with your branch's star plan.": "你的选择将随支部报星计划一并公示。",
    "This year's member star scheme has no self-chosen stars.": "本年度党员星级方案没有自选星。",
    "Star plan": "报星计划",
    "Status": "状态",
    "Public posting of this plan": "本计划公示页",
    "Edit the plan": "修改计划",
    "Draft the plan": "制定计划",
    "The county has not set an organisation star scheme with named stars for this year.": (
        "旗县区尚未设定本年度列有星目的党组织星级方案。"
    ),
    "Save draft": "保存草稿",
    "Submit to the township": "报乡镇党委审核",
    "Township review": "乡镇党委审核",
    "Approve and post": "批准并公示",
    "Return": "退回",
    "Members' self-chosen stars": "党员自选星",
    "No star plans for this year yet.": "本年度还没有报星计划。",
    "Stars of %(y)s": "%(y)s年星级评定结果",
    "Finalised ratings only, as the township posted them.": "仅列出乡镇党委审定公示的结果。",
    "red stars": "颗红星",
    "red flags": "面红旗",
    "Nothing has been finalised for this year yet.": "本年度尚无审定结果。",
    "Star plan for %(y)s": "%(y)s年报星计划",
    "Approved by the township on %(d)s": "乡镇党委于%(d)s批准",
    "QR code of this page": "本页二维码",
    "No member has chosen yet.": "还没有党员选择。",
    "The star plan was saved.": "报星计划已保存。",
    "The star plan was submitted to the township.": "报星计划已报乡镇党委审核。",
    "Your decision was recorded.": "审核意见已记录。",
    "Please check the form.": "请检查填写的内容。",
    "Your self-chosen stars were saved and will be posted.": "自选星已保存，将予以公示。",
    "%(n)s named stars changed.": "%(n)s项达标星已更新。",
    "Preset": "预置方案",
    "Or a scheme as JSON": "或粘贴方案（JSON）",
    "Choose a preset or paste a scheme, one of the two.": "请选择预置方案或粘贴方案，二者选一。",
    "The scheme is not valid JSON: %(e)s": "方案不是有效的JSON：%(e)s",
    "Star schemes": "星级方案",
    "No scheme is in force for this year yet.": "本年度还没有生效的星级方案。",
    "Narrow the county's scheme for this township": "细化本乡镇的星级方案",
    "Adopt a scheme for the county": "采用全旗县区的星级方案",
    "Adopt": "采用",
    (
        "Try a scheme first with “zhengxing scheme evaluate” or “zhengxing scheme simulate”. "
        "Ratings already computed keep the version they were computed under."
    ): (
        "可先用“zhengxing scheme evaluate”或“zhengxing scheme simulate”试算。"
        "已计算的评定结果保留其所用的方案版本。"
    ),
    "%(name)s adopted (version %(v)s).": "已采用%(name)s（第%(v)s版）。",
    "Indicators (one per line: code name full-marks)": "评议指标（每行一项：代码 名称 满分）",
    "Each line needs a code, a name and full marks.": "每行须有代码、名称和满分。",
    "Code on the slip": "评议卡上的评议码",
    "How many slips": "评议卡张数",
    "Rated": "评议对象",
    "Save my ballots": "保存我的评分",
    "Only you see your own ballots; results are shown as averages once the round closes.": (
        "只有你能看到自己的评分；评议结束后只公布平均分。"
    ),
    "This round is scored by others, or with the codes on households' slips.": (
        "本次评议由其他人评分，或由群众凭评议卡评分。"
    ),
    "This round is not open.": "本次评议不在进行中。",
    "Results": "结果",
    "Average": "平均分",
    "Ballots": "票数",
    "No ballots were cast.": "没有收到评分。",
    "Slips for households": "群众评议卡",
    "Print slips": "打印评议卡",
    "Each code is shown once, on the slips page: print it before leaving. Each slip votes once.": (
        "评议码只显示一次，请在离开前打印。每张评议卡只能使用一次。"
    ),
    "Enter a paper ballot": "录入纸质评议表",
    "Evaluation rounds": "评议",
    "closed": "已结束",
    "No evaluation rounds this year yet.": "本年度还没有评议。",
    "New evaluation round": "新建评议",
    "Create": "创建",
    "%(n)s slip": ["%(n)s张评议卡"],
    "Scan to score, or open": "扫码评分，或打开",
    "Code": "评议码",
    "One use only, until %(d)s. Or fill in the paper form and hand it to the branch.": (
        "仅可使用一次，截止%(d)s。也可填写纸质评议表交支部。"
    ),
    "Thank you. Your ballot was received; the code on your slip is now spent.": (
        "谢谢！评分已收到，评议卡上的评议码已使用。"
    ),
    "Entering a paper ballot: type the code on the slip and its scores.": (
        "录入纸质评议表：请输入评议卡上的评议码和各项评分。"
    ),
    "Submit": "提交",
    "Nobody sees how you scored: only averages are posted.": (
        "任何人都看不到你的评分，只公布平均分。"
    ),
    "The evaluation round was created.": "评议已创建。",
    "%(n)s ballots saved; you may change them until the round closes.": (
        "已保存%(n)s份评分，评议结束前可以修改。"
    ),
    "The paper ballot was entered.": "纸质评议表已录入。",
    "Marked done.": "已办结。",
    "What was done": "办理情况",
    "Mark done": "办结",
    "Create this year's rounds by the schedule": "按年度安排创建本年评议",
    (
        "Peer evaluation around 1 July and at the year-end meeting, public evaluation at year "
        "end, half-year rounds where the scheme has them, the township's half-year "
        "assessments: each once."
    ): (
        "7月1日前后和年终组织生活会党员互评，年终群众评议，方案按半年评定的半年评议，"
        "乡镇半年考评：每项只创建一次。"
    ),
    "%(n)s rounds created by the schedule.": "已按年度安排创建%(n)s次评议。",
    "Audit log": "审计日志",
    "Action": "操作",
    "Object": "对象",
    "What": "内容",
    "before / after": "修改前 / 修改后",
    "No events match.": "没有符合条件的记录。",
    "Object type": "对象类型",
    "Object id": "对象编号",
    "Text": "内容包含",
    "To": "至",
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
