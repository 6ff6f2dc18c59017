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
    "county.create": _("County created"),
    "deliberation.group_member.add": _("Five-person group member elected"),
    "deliberation.matter.decide": _("Matter of a five-person group decided"),
    "deliberation.matter.propose": _("Matter put to a five-person group"),
    "deliberation.matter.round": _("Round of deliberation recorded"),
    "deliberation.objection.submit": _("Objection to a step of deliberation"),
    "deliberation.village_group.create": _("Village group set up"),
    "grid.grid.create": _("Grid set up"),
    "grid.grid.print_cards": _("Contact cards printed"),
    "grid.grid_person.add": _("Grid head, worker or unit head assigned"),
    "grid.grid_unit.add": _("Unit added to a grid"),
    "grid.household.add": _("Household registered in a grid"),
    "grid.household.move": _("Household moved to another grid"),
    "grid.need.move": _("Resident's need moved on"),
    "grid.need.raise": _("Resident's need received"),
    "grid.need.rate": _("Resident rated the answer"),
    "grid.resident.add": _("Resident registered"),
    "grid.service_post.create": _("Service centre, station or point set up"),
    "ledger.base_points.record": _("Base points recorded"),
    "ledger.catalogue.create": _("Points rules created"),
    "ledger.catalogue.revise": _("Points rules revised"),
    "ledger.claim.approve": _("Claim approved"),
    "ledger.claim.record": _("Points recorded for members"),
    "ledger.claim.reject": _("Claim rejected"),
    "ledger.claim.submit": _("Self-report submitted"),
    "ledger.deduction.record": _("Deduction recorded"),
    "ledger.entry.reverse": _("Entry reversed"),
    "ledger.evidence.upload": _("Evidence uploaded"),
    "ledger.objection.answer": _("Objection answered"),
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
    "org.create": _("Organisation created"),
    "org.move": _("Organisation moved"),
    "org.update": _("Organisation changed"),
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
    "token.issue": _("API token issued"),
    "token.revoke": _("API token revoked"),
    "token.revoke_all": _("All API tokens revoked"),
    "user.create": _("Login created"),
}

OBJECT_LABELS = {
    "audit_log": _("audit log"),
    "claim": _("claim"),
    "consequence": _("follow-up task"),
    "county": _("county"),
    "database": _("database"),
    "evaluation_round": _("evaluation round"),
    "evidence": _("evidence"),
    "grid": _("grid"),
    "group_member": _("five-person group member"),
    "matter": _("matter of a five-person group"),
    "village_group": _("village group"),
    "grid_person": _("grid staff"),
    "grid_unit": _("unit in a grid"),
    "household": _("household"),
    "ledger_entry": _("ledger entry"),
    "member": _("Party member"),
    "model_selection": _("model selection"),
    "need": _("resident's need"),
    "objection": _("objection"),
    "org": _("organisation"),
    "posting": _("notice"),
    "quarter_close": _("quarter sign-off"),
    "reminder_talk": _("reminder talk"),
    "request": _("request"),
    "resident": _("resident"),
    "rule_catalogue": _("points rules"),
    "service_post": _("service centre, station or point"),
    "star_plan": _("star plan"),
    "star_scheme": _("star scheme"),
    "user": _("login"),
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
