"""The villagers' pages, no login (全程公开): a group's page (`/p/deliberation/<ref>/`: its five
and its matters, with a QR code for the notice board) and a matter's (`/p/deliberation/m/<ref>/`:
every step posted, each round's minutes and votes, each decision with its reasons, and the
objection form while a step's window is open). Each POST counts towards the address's limit of
the public's writes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhengxing.audit.throttles import public_write_throttled
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.views.public import qr_svg

from .. import selectors, services
from ..forms import ObjectionForm
from ..models import Notice
from ..rules import Level


def step_label(notice: Notice) -> str:
    """A posted step in words: the matter put forward, round N, a level's decision."""
    if notice.round is not None:
        return _("Round %(n)s of deliberation") % {"n": notice.round.number}
    if notice.decision is not None:
        level = Level(notice.decision.level).label
        return (
            _("%(level)s: approved") if notice.decision.approved else _("%(level)s: returned")
        ) % {"level": level}
    return _("Matter put forward")


@require_GET
def group_public(request: HttpRequest, ref: str) -> HttpResponse:
    group = selectors.group_public(ref=ref)
    url = request.build_absolute_uri(reverse("public_deliberation:group", args=[ref]))
    return TemplateResponse(
        request,
        "deliberation/public/group.html",
        {
            "group": group,
            "people": selectors.people_of(group, on=timezone.localdate()),
            "matters": selectors.matters_of(group),
            "qr": mark_safe(qr_svg(url)),
        },
    )


@never_cache
@public_write_throttled
def matter_public(request: HttpRequest, ref: str) -> HttpResponse:
    matter = selectors.matter_public(ref=ref)
    steps = selectors.steps_of(matter)
    today = timezone.localdate()
    open_steps = [(i, step_label(s)) for i, s in enumerate(steps, 1) if today <= s.objections_until]
    form = ObjectionForm(request.POST or None, steps=open_steps)
    if request.method == "POST" and form.is_valid():
        n = form.cleaned_data["step"]
        try:
            if n > len(steps):
                raise ServiceError("没有找到这一公示", code="not_found")
            services.objection_submit(
                actor=Actor.from_request(request),
                matter=matter,
                notice=steps[n - 1],
                text=form.cleaned_data["text"],
                contact_name=form.cleaned_data["contact_name"],
                contact=form.cleaned_data["contact"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Your objection was received and passed on."))
            return redirect("public_deliberation:matter", ref)
    labels = {s.pk: step_label(s) for s in steps}
    return TemplateResponse(
        request,
        "deliberation/public/matter.html",
        {
            "matter": matter,
            "group": matter.group,
            "steps": steps,
            "objections": [
                (o, labels.get(o.notice_id, "")) for o in selectors.objections_public(matter)
            ],
            "open_steps": open_steps,
            "form": form if open_steps else None,
        },
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [
    path("m/<slug:ref>/", matter_public, name="matter"),
    path("<slug:ref>/", group_public, name="group"),
]
