"""The audit log in words for the county's search page (`/audit/`): an action's code
(`auth.login`) as what happened ("登录"), an object (`evaluation_round 51`) as its kind and its
name ("评议轮次 · 2026年互评"), and the public or a system command as who they are ("匿名访客").
The codes stay what the log keeps and the search filters on; only the page reads them out.
Names are loaded for the whole page at once (one query per kind of object shown)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from zhengxing.audit.models import AuditEvent
from zhengxing.deliberation.models import GroupMember, Matter, VillageGroup
from zhengxing.dutyreports.models import Report, ReviewRound
from zhengxing.grid.models import Grid, Household, ServicePost
from zhengxing.ledger.models import RuleCatalogue
from zhengxing.orgs.models import County, Member, Org
from zhengxing.stars.models import EvaluationRound, StarPlan, StarScheme

# GLOSSARY.md gives the Chinese word of each term used here.
ACTION_LABELS = {
    "access.refused": _("Request refused"),
    "access.throttled": _("Too many requests"),
    "audit.prune": _("Old audit entries removed"),
    "auth.locked": _("Sign-in locked"),
    "auth.locked_out": _("Sign-in refused while locked"),
    "auth.login": _("Signed in"),
    "auth.login_failed": _("Sign-in failed"),
    "auth.logout": _("Signed out"),
    "auth.otp.enrol": _("Authenticator set up"),
    "auth.password_ok": _("Password accepted"),
    "auth.reauth": _("Password entered again"),
    "contests.codes.issue": _("Voter codes issued"),
    "contests.contest.create": _("Contest set up"),
    "contests.entry.edit": _("Contest entry edited"),
    "contests.entry.photo": _("Photo added to a contest entry"),
    "contests.entry.photo_remove": _("Photo removed from a contest entry"),
    "contests.entry.submit": _("Contest entry submitted"),
    "contests.judge.add": _("Judge added to a contest"),
    "contests.results.publish": _("Contest results published"),
    "contests.score.submit": _("Judge's score submitted"),
    "contests.votes.flag": _("Suspicious votes held for review"),
    "contests.votes.review": _("Held votes reviewed"),
    "contests.winners.advance": _("Contest winners went up a level"),
    "county.create": _("County created"),
    "deliberation.group_member.add": _("Five-person group member elected"),
    "deliberation.matter.decide": _("Matter of a five-person group decided"),
    "deliberation.matter.propose": _("Matter put to a five-person group"),
    "deliberation.matter.round": _("Round of deliberation recorded"),
    "deliberation.objection.answer": _("Objection to a step of deliberation answered"),
    "deliberation.objection.submit": _("Objection to a step of deliberation"),
    "deliberation.village_group.create": _("Village group set up"),
    "dutyreports.report.result": _("Annual report scored by the whole panel"),
    "dutyreports.report.score": _("Panel member scored an annual report"),
    "dutyreports.report.submit": _("Secretary's annual report submitted"),
    "dutyreports.review_round.close": _("Annual review closed and its results posted"),
    "dutyreports.review_round.create": _("Annual review of the secretaries set up"),
    "dutyreports.review_round.open": _("Annual review meeting opened"),
    "dutyreports.review_round.panel_add": _("Review panel member named"),
    "dutyreports.review_round.unit_add": _("Unit added to the annual review"),
    "dutyreports.rubric.set": _("Annual review rubric set"),
    "grid.campaign.create": _("Door-to-door campaign started"),
    "grid.grid.create": _("Grid set up"),
    "grid.grid.print_cards": _("Contact cards printed"),
    "grid.grid_person.add": _("Grid head, worker or unit head assigned"),
    "grid.grid_unit.add": _("Unit added to a grid"),
    "grid.household.add": _("Household registered in a grid"),
    "grid.household.move": _("Household moved to another grid"),
    "grid.households.export": _("Households exported"),
    "grid.households.import": _("Households imported"),
    "grid.need.move": _("Resident's need moved on"),
    "grid.need.photo_add": _("Photo added to a resident's need"),
    "grid.need.photo_remove": _("Photo taken off a resident's need"),
    "grid.need.raise": _("Resident's need received"),
    "grid.need.rate": _("Resident rated the answer"),
    "grid.reach.recount": _("Households reached recounted from the visits"),
    "grid.resident.add": _("Resident registered"),
    "grid.resident.leave": _("Resident moved out"),
    "grid.service_post.create": _("Service centre, station or point set up"),
    "grid.visit.record": _("Household visit recorded"),
    "integrity.backlog.anchor": _("Earlier signed quarters recorded in the verification tree"),
    "integrity.findings.scan": _("Integrity checks run: ballots and claims scanned"),
    "integrity.flag.decide": _("Integrity flag decided"),
    "integrity.supervision.record": _("Supervision finding recorded, with its deduction"),
    "integrity.supervision.withdraw": _("Supervision finding withdrawn, its deduction given back"),
    "integrity.quarter.anchor": _("Signed quarter recorded in the county's verification tree"),
    "job.cancel": _("Background job cancelled"),
    "job.interrupted": _("Background job interrupted"),
    "job.start": _("Background job started"),
    "ledger.base_points.record": _("Base points recorded"),
    "ledger.catalogue.create": _("Points rules created"),
    "ledger.catalogue.revise": _("Points rules revised"),
    "ledger.claim.approve": _("Claim approved"),
    "ledger.claim.from_activity": _("Points entered from organisation life"),
    "ledger.claim.record": _("Points recorded for members"),
    "ledger.claim.reject": _("Claim rejected"),
    "ledger.claim.submit": _("Self-report submitted"),
    "ledger.deduction.record": _("Deduction recorded"),
    "ledger.entry.reverse": _("Entry reversed"),
    "ledger.evidence.upload": _("Evidence uploaded"),
    "ledger.objection.answer": _("Objection answered"),
    "ledger.objection.contact_reveal": _("Objector's contact shown"),
    "ledger.objection.submit": _("Objection raised"),
    "ledger.posting.publish": _("Notice posted"),
    "ledger.public_report.spam": _("Public report set aside"),
    "ledger.public_report.submit": _("Public report received"),
    "ledger.quarter.sign_off": _("Quarter signed off"),
    "ledger.reminder_talk.record": _("Reminder talk recorded"),
    "ledger.synth": _("Synthetic points built"),
    "member.create": _("Member registered"),
    "member.link_user": _("Member linked to a login"),
    "member.number_refused": _("ID number refused"),
    "member.reveal": _("Full ID number or phone viewed"),
    "member.status": _("Member status changed"),
    "member.transfer": _("Member transferred"),
    "member.update": _("Member record changed"),
    "mobility.agreement.amend": _("Co-management agreement changed and signed again"),
    "mobility.arrival.record": _("Member arrived from a county outside the system"),
    "mobility.agreement.sign": _("Co-management agreement signed"),
    "mobility.code.issue": _("Registration code issued"),
    "mobility.contact.log": _("Contact with a mobile member logged"),
    "mobility.contact_report.sign": _("Half-year report on contacts signed"),
    "mobility.difference.resolve": _("Reconciliation difference resolved"),
    "mobility.elsewhere.attend": _("Organisation life elsewhere counted"),
    "mobility.inflow.create": _("Inflow organisation registered"),
    "mobility.inflow.update": _("Inflow organisation changed"),
    "mobility.ledger.reveal": _("Mobile members' ledger exported with full phone numbers"),
    "mobility.lost.close": _("Lost-contact case closed"),
    "mobility.lost.flag": _("Members flagged as lost contact"),
    "mobility.lost.reason": _("Reason for lost contact recorded"),
    "mobility.lost.search": _("Search for a lost member recorded"),
    "mobility.pairing.create": _("Mobile member paired"),
    "mobility.pairing.end": _("Pairing ended"),
    "mobility.reconciliation.close": _("Quarterly reconciliation closed"),
    "mobility.reconciliation.open": _("Quarterly reconciliation opened"),
    "mobility.transfer.in": _("Membership transferred in"),
    "mobility.transfer.out": _("Membership transferred out"),
    "mobility.whereabouts.report": _("Mobile member reported whereabouts"),
    "org.create": _("Organisation created"),
    "org.move": _("Organisation moved"),
    "org.update": _("Organisation changed"),
    "orglife.appraisal.follow_up": _("Appraisal follow-up step recorded"),
    "orglife.appraisal.open": _("Democratic appraisal opened"),
    "orglife.appraisal.policy": _("Appraisal policy set"),
    "orglife.appraisal.post": _("Appraisal result posted"),
    "orglife.appraisal.vote": _("Appraisal ballot cast"),
    "orglife.chance.post": _("Chance to serve posted"),
    "orglife.chance.record": _("Service done recorded"),
    "orglife.chance.sign_up": _("Signed up for a chance to serve"),
    "orglife.commitment.approve": _("Commitment decided"),
    "orglife.commitment.progress": _("Commitment progress reported"),
    "orglife.commitment.propose": _("Commitment proposed"),
    "orglife.commitment.review": _("Commitment reviewed"),
    "orglife.course.create": _("Course added to the menu"),
    "orglife.lesson.confirm": _("Lesson confirmed"),
    "orglife.lesson.deliver": _("Lesson delivered"),
    "orglife.lesson.pick": _("Lesson picked from the menu"),
    "orglife.lesson.report": _("Lesson reported done"),
    "orglife.meeting.close": _("Meeting minutes closed"),
    "orglife.meeting.elsewhere": _("Meeting attended elsewhere counted"),
    "orglife.meeting.excuse": _("Leave from a meeting recorded"),
    "orglife.meeting.photo_add": _("Photo added to minutes"),
    "orglife.meeting.photo_remove": _("Photo removed from minutes"),
    "orglife.meeting.plan": _("Meeting planned"),
    "orglife.meeting.sign_in": _("Signed in to a meeting"),
    "orglife.meeting.tick": _("Attendance ticked by the secretary"),
    "orglife.rule.set": _("Rule of organisation life set"),
    "orglife.shop.item_create": _("Points supermarket item added"),
    "orglife.shop.redeem": _("Points redeemed"),
    "orglife.shop.restock": _("Points supermarket restocked"),
    "orglife.shop.shelve": _("Points supermarket item shelved"),
    "pii.rekey": _("Personal data re-encrypted"),
    "pii.rekey.done": _("Re-encryption finished"),
    "role.grant": _("Role granted"),
    "roster.export": _("Roster exported"),
    "roster.import": _("Roster imported"),
    "roster.import_failed": _("Roster import failed"),
    "stars.ballot.cast": _("Ballot cast"),
    "stars.choice.save": _("Self-chosen stars saved"),
    "stars.codes.issue": _("Public ballot codes issued"),
    "stars.consequence.done": _("Follow-up task done"),
    "stars.criteria.assess": _("Named stars assessed"),
    "stars.model.open": _("Model selection opened"),
    "stars.model.select": _("Model branch selected"),
    "stars.plan.approve": _("Star plan decided"),
    "stars.plan.save": _("Star plan saved"),
    "stars.plan.submit": _("Star plan submitted"),
    "stars.post.set": _("Post and duties set"),
    "stars.ratings.finalise": _("Stars finalised"),
    "stars.rectify.close": _("Rectification problem closed"),
    "stars.rectify.problem": _("Rectification problem recorded"),
    "stars.rectify.progress": _("Rectification progress recorded"),
    "stars.reserve.add": _("Added to the reserve pool"),
    "stars.round.create": _("Evaluation round created"),
    "stars.scheme.save": _("Star scheme saved"),
    "stars.synth": _("Synthetic stars built"),
    "synth.create": _("Synthetic county built"),
    "targets.catalogue.draft": _("Target catalogue drafted"),
    "targets.catalogue.publish": _("Target catalogue published"),
    "targets.daily.assess": _("Target progress scored in daily assessment"),
    "targets.deduction.record": _("Deduction from a unit's target points recorded"),
    "targets.deduction.reverse": _("Deduction from a unit's target points withdrawn"),
    "targets.onsite.record": _("On-site assessment of a unit recorded"),
    "targets.progress.submit": _("Progress on a target submitted"),
    "targets.visit.close": _("On-site visit closed, its scores entered in the target ledger"),
    "targets.visit.open": _("On-site visit opened with its named assessors"),
    "targets.visit.score": _("On-site visit scored by one of its assessors"),
    "targets.year.close": _("Year of target points closed, its ranking kept"),
    "token.issue": _("API token issued"),
    "token.revoke": _("API token revoked"),
    "token.revoke_all": _("All API tokens revoked"),
    "user.create": _("Login created"),
}

OBJECT_LABELS = {
    "agreement": _("co-management agreement"),
    "appraisal": _("democratic appraisal"),
    "audit_log": _("audit log"),
    "campaign": _("door-to-door campaign"),
    "chance": _("chance to serve"),
    "claim": _("claim"),
    "commitment": _("commitment"),
    "consequence": _("follow-up task"),
    "contest": _("contest"),
    "county": _("county"),
    "course": _("course"),
    "database": _("database"),
    "entry": _("contest entry"),
    "evaluation_round": _("evaluation round"),
    "evidence": _("evidence"),
    "grid": _("grid"),
    "grid_person": _("grid staff"),
    "grid_unit": _("unit in a grid"),
    "group_member": _("five-person group member"),
    "household": _("household"),
    "inflow_org": _("inflow organisation"),
    "integrity_flag": _("integrity flag"),
    "integrity_supervision": _("supervision finding"),
    "job": _("background job"),
    "ledger_entry": _("ledger entry"),
    "lesson": _("lesson"),
    "life_rule": _("rule of organisation life"),
    "matter": _("matter of a five-person group"),
    "meeting": _("meeting"),
    "member": _("Party member"),
    "model_selection": _("model selection"),
    "need": _("resident's need"),
    "objection": _("objection"),
    "org": _("organisation"),
    "onsite_visit": _("on-site assessment"),
    "posting": _("notice"),
    "quarter_close": _("quarter sign-off"),
    "reconciliation": _("reconciliation"),
    "reminder_talk": _("reminder talk"),
    "report": _("secretary's annual report"),
    "request": _("request"),
    "resident": _("resident"),
    "review_round": _("annual review of the secretaries"),
    "rubric": _("annual review rubric"),
    "rule_catalogue": _("points rules"),
    "service_post": _("service centre, station or point"),
    "shop_entry": _("points supermarket entry"),
    "shop_item": _("points supermarket item"),
    "star_plan": _("star plan"),
    "star_scheme": _("star scheme"),
    "target_catalogue": _("target catalogue"),
    "target_entry": _("target ledger entry"),
    "target_year_close": _("closed target year"),
    "tree_head": _("signed head of the verification tree"),
    "user": _("login"),
    "village_group": _("village group"),
    "visit": _("household visit"),
}

# who acted when nobody signed in: the public at a public page, or a command on the server
ACTOR_LABELS = {
    "anonymous": _("anonymous visitor"),
    "public": _("anonymous visitor"),
    "demo": _("the demo data"),
}

# the kinds of object shown by their name: the model and the field that names it
NAMED: dict[str, tuple[type[Model], str]] = {
    "county": (County, "name"),
    "org": (Org, "name"),
    "member": (Member, "name"),
    "evaluation_round": (EvaluationRound, "name"),
    "star_scheme": (StarScheme, "name"),
    "star_plan": (StarPlan, "org__name"),
    "rule_catalogue": (RuleCatalogue, "name"),
    "grid": (Grid, "name"),
    "village_group": (VillageGroup, "name"),
    "review_round": (ReviewRound, "title"),
    "report": (Report, "unit__org__name"),
    "matter": (Matter, "title"),
    "group_member": (GroupMember, "name"),
    "household": (Household, "address"),
    "service_post": (ServicePost, "name"),
    "user": (User, "username"),
}


@dataclass(frozen=True)
class EventWords:
    event: AuditEvent
    action: str
    who: str
    what: str  # the object: its kind and its name


def action_label(code: str) -> str:
    """An action's code in words; an unknown code (a test's, a new one) as it is."""
    return str(ACTION_LABELS.get(code, code))


def events_in_words(events: Iterable[AuditEvent]) -> list[EventWords]:
    """The page's events in words, the objects' names loaded per kind in one query each."""
    events = list(events)
    wanted: dict[str, set[int]] = defaultdict(set)
    for e in events:
        if e.object_type in NAMED and e.object_id.isdigit():
            wanted[e.object_type].add(int(e.object_id))
    names: dict[tuple[str, str], str] = {}
    for kind, ids in wanted.items():
        model, field = NAMED[kind]
        for pk, name in model._default_manager.filter(pk__in=ids).values_list("pk", field):
            names[(kind, str(pk))] = str(name)
    return [
        EventWords(
            event=e,
            action=action_label(e.action),
            who=_who(e),
            what=_what(e, names),
        )
        for e in events
    ]


def _who(e: AuditEvent) -> str:
    if e.actor_id is None and e.actor_label in ACTOR_LABELS:
        return str(ACTOR_LABELS[e.actor_label])
    if e.actor_id is None:  # a command run on the server, by its name
        return str(_("server command %(name)s") % {"name": e.actor_label})
    return e.actor_label


def _what(e: AuditEvent, names: dict[tuple[str, str], Any]) -> str:
    kind = str(OBJECT_LABELS.get(e.object_type, e.object_type))
    name = names.get((e.object_type, e.object_id))
    if name:
        return f"{kind} · {name}"
    return f"{kind} {e.object_id}".strip()
