"""Pages of meetings (三会一课, 主题党日): a branch's meetings and the form to plan one, a
meeting with its roll (tick, leave, close the minutes), the code on the secretary's phone that
changes every minute, the printed sheet, the page a scanned code opens, and the record for the
year per kind (the township's, with the missing ones flagged) with its Excel.

Each view parses, makes one domain call and renders; meetings and organisations come through
scoped selectors (404 outside the user's scope)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import DateInput, Form
from zhengxing.core.htmx import for_htmx
from zhengxing.ledger import selectors as ledger_selectors
from zhengxing.ledger.forms import evidence_storage
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS
from zhengxing.orgs.selectors import org_for_user, scope_for

from .. import excel, selectors, services
from ..models import Excuse, Meeting, MeetingKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEARS = range(2000, 2101)


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else 0
    return year if year in YEARS else timezone.localdate().year


def _qr(url: str) -> str:
    """An inline SVG QR code of `url`, drawn here (segno): no external service sees it."""
    return str(segno.make(url, error="m").svg_inline(scale=6, border=2, title=url))


def _flash(request: HttpRequest, error: ServiceError) -> None:
    messages.error(request, str(error))


class PlanForm(Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=MeetingKind.choices)
    held_on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200)
    agenda = forms.CharField(
        label=gettext_lazy("Agenda"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    group = forms.ModelChoiceField(
        label=gettext_lazy("Party group (a group meeting only)"),
        queryset=Org.objects.none(),
        required=False,
    )
    off_day_reason = forms.CharField(
        label=gettext_lazy("Why another date (a theme day off the county's fixed day)"),
        max_length=200,
        required=False,
    )

    def __init__(self, *args: Any, branch: Org, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)
        group.queryset = Org.objects.filter(parent=branch, kind="group").order_by("code")


class ExcuseForm(Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    excuse = forms.ChoiceField(
        label=gettext_lazy("Absence"), choices=Excuse.choices, required=False
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)


class CloseForm(Form):
    minutes = forms.CharField(
        label=gettext_lazy("Minutes"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )


class PhotoForm(Form):
    """Only parses the upload: what a photo must be is checked once, by the service
    (`meeting_photos.photo_problem`), for this page and the API alike."""

    photo = forms.FileField(
        label=gettext_lazy("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photo"].help_text = _("A JPEG, PNG or WebP photo of up to %(mb)d MB.") % {
            "mb": settings.ZHENGXING_MAX_UPLOAD_MB
        }


# --- organisation life's start: a member's meetings, the way to a branch's or the record -----


@login_required
@require_GET
@never_cache
def index(request: HttpRequest) -> HttpResponse:
    """Where organisation life starts: the member's coming meetings, and for those who run
    or oversee meetings their branch's meetings or the record of the branches below."""
    user = request.user
    scope = scope_for(user)
    today = timezone.localdate()
    top = ledger_selectors.default_org_for(user=user)
    return TemplateResponse(
        request,
        "orglife/meetings/index.html",
        {
            "upcoming": (
                selectors.upcoming_for_member(member_id=scope.member_id, today=today)
                if scope.member_id
                else None
            ),
            "top": top,
            "top_is_branch": top is not None and top.kind in MEMBER_HOLDING_KINDS,
        },
    )


# --- a branch's meetings -------------------------------------------------------------------


def _branch_page(request: HttpRequest, branch: Org, form: PlanForm | None = None) -> HttpResponse:
    year = _year(request)
    actor = Actor.from_request(request)
    may_run = services.may_run_meeting(actor=actor, branch=branch)
    today = timezone.localdate()
    # the county's fixed theme day, proposed to the secretary planning one (003: "“固定日”集中学")
    theme_day = (
        selectors.theme_day_proposal(county_id=branch.county_id, today=today) if may_run else None
    )
    if may_run and form is None:
        initial: dict[str, Any] = {"held_on": today}
        if request.GET.get("kind") == MeetingKind.THEME_DAY:
            initial = {"kind": MeetingKind.THEME_DAY, "held_on": theme_day or today}
        form = PlanForm(branch=branch, initial=initial)
    return TemplateResponse(
        request,
        "orglife/meetings/branch.html",
        {
            "branch": branch,
            "year": year,
            "meetings": selectors.branch_meetings(branch=branch, year=year),
            "form": form if may_run else None,
            "years": [year - 1, year, year + 1],
            "theme_day": theme_day,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def branch_meetings(request: HttpRequest, pk: int) -> HttpResponse:
    """The branch's meetings of the year and, for its secretary and committee, the plan form."""
    branch = selectors.branch_for_meetings(user=request.user, pk=pk)
    if request.method == "GET":
        return _branch_page(request, branch)
    form = PlanForm(request.POST, branch=branch)
    if form.is_valid():
        try:
            meeting = services.meeting_plan(
                actor=Actor.from_request(request), branch=branch, **form.cleaned_data
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The meeting was planned."))
            return redirect("orglife:meeting", meeting.pk)
    return _branch_page(request, branch, form)


# --- one meeting ---------------------------------------------------------------------------


def _meeting_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    actor = Actor.from_request(request)
    may_run = services.may_run_meeting(actor=actor, branch=meeting.branch)
    own = selectors.own_attendee(user=request.user, meeting=meeting)
    items = services.life_items(
        branch=meeting.branch, activity=meeting.kind, year=meeting.held_on.year
    )
    return {
        "meeting": meeting,
        "may_run": may_run,
        "shows_sign_in": services.may_show_sign_in(actor=actor, branch=meeting.branch),
        "roll": selectors.meeting_roll(meeting=meeting) if may_run or not own else None,
        "own": own,
        "own_signed": own is not None
        and selectors.has_signed_in(meeting=meeting, member_id=own.member_id),
        "items": items,
        "excuses": Excuse.choices,
        "close_form": CloseForm(initial={"minutes": meeting.minutes}) if may_run else None,
        "photos": selectors.meeting_photos(meeting=meeting),
        "photo_form": PhotoForm() if may_run and not meeting.is_closed else None,
        "today": timezone.localdate(),
    }


@login_required
@require_GET
@never_cache
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_user(user=request.user, pk=pk)
    return TemplateResponse(
        request, "orglife/meetings/meeting.html", _meeting_context(request, meeting)
    )


@login_required
@require_POST
def meeting_tick(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary ticks members present (those without a phone)."""
    meeting = selectors.meeting_for_user(user=request.user, pk=pk)
    ids = [int(v) for v in request.POST.getlist("member") if v.isdigit()]
    members = list(Member.objects.filter(pk__in=ids, branch_id=meeting.branch_id))
    try:
        ticked = services.meeting_tick(
            actor=Actor.from_request(request), meeting=meeting, members=members
        )
    except ServiceError as e:
        _flash(request, e)
    else:
        messages.success(request, _("%(n)d members ticked present.") % {"n": len(ticked)})
    return redirect("orglife:meeting", meeting.pk)


@login_required
@require_POST
def meeting_excuse(request: HttpRequest, pk: int) -> HttpResponse:
    """Leave with a reason (the member's own, or recorded by the secretary), or attending the
    inflow organisation's meeting."""
    meeting = selectors.meeting_for_user(user=request.user, pk=pk)
    form = ExcuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the member and the reason."))
        return redirect("orglife:meeting", meeting.pk)
    member = selectors.member_for_meeting(meeting=meeting, member_id=form.cleaned_data["member"])
    try:
        services.attendee_excuse(
            actor=Actor.from_request(request),
            meeting=meeting,
            member=member,
            excuse=form.cleaned_data["excuse"] or "",
            reason=form.cleaned_data["reason"],
        )
    except ServiceError as e:
        _flash(request, e)
    else:
        messages.success(request, _("The absence was recorded."))
    return redirect("orglife:meeting", meeting.pk)


@login_required
@require_POST
def meeting_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the minutes: the points follow."""
    meeting = selectors.meeting_for_user(user=request.user, pk=pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the minutes first."))
        return redirect("orglife:meeting", meeting.pk)
    try:
        closed = services.meeting_close(
            actor=Actor.from_request(request), meeting=meeting, minutes=form.cleaned_data["minutes"]
        )
    except ServiceError as e:
        _flash(request, e)
    else:
        messages.success(
            request,
            _(
                "The minutes are closed: %(present)d present, %(absent)d absent without leave, "
                "%(entered)d points entries."
            )
            % {
                "present": closed.present,
                "absent": closed.absent,
                "entered": closed.points_entered,
            },
        )
    return redirect("orglife:meeting", meeting.pk)


# --- photos with the minutes ------------------------------------------------------------------


@login_required
@require_POST
def meeting_photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary attaches a photo taken on the phone to the minutes."""
    meeting = selectors.meeting_for_user(user=request.user, pk=pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("photo", []):
            messages.error(request, str(error))
        return redirect(reverse("orglife:meeting", args=[meeting.pk]) + "#photos")
    try:
        services.meeting_photo_add(
            actor=Actor.from_request(request), meeting=meeting, upload=form.cleaned_data["photo"]
        )
    except ServiceError as e:
        _flash(request, e)
    else:
        messages.success(request, _("The photo was added to the minutes."))
    return redirect(reverse("orglife:meeting", args=[meeting.pk]) + "#photos")


@login_required
@require_POST
def meeting_photo_remove(request: HttpRequest, pk: int, photo: int) -> HttpResponse:
    found = selectors.photo_for_user(user=request.user, meeting_pk=pk, pk=photo)
    try:
        services.meeting_photo_remove(actor=Actor.from_request(request), photo=found)
    except ServiceError as e:
        _flash(request, e)
    else:
        messages.success(request, _("The photo was removed."))
    return redirect(reverse("orglife:meeting", args=[pk]) + "#photos")


@login_required
@require_GET
def meeting_photo(request: HttpRequest, pk: int, photo: int) -> FileResponse:
    """A photo of the minutes, for those who may see the meeting."""
    found = selectors.photo_for_user(user=request.user, meeting_pk=pk, pk=photo)
    storage = evidence_storage()
    if not storage.exists(found.file.path):
        raise Http404
    response = FileResponse(
        storage.open(found.file.path, "rb"), content_type=found.file.content_type
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- sign-in: the secretary's phone, the printed sheet, the page a scan opens ---------------


@login_required
@require_GET
@never_cache
@for_htmx(use_template="orglife/meetings/_live_code.html")
def meeting_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The code on the secretary's phone: it changes every minute (the page asks for the new
    one every 20 seconds), so a copy sent to a group chat is dead two minutes later."""
    meeting = selectors.meeting_for_user(user=request.user, pk=pk)
    code = services.meeting_live_code(actor=Actor.from_request(request), meeting=meeting)
    url = request.build_absolute_uri(reverse("orglife:sign_in", args=[code]))
    return TemplateResponse(
        request,
        "orglife/meetings/qr.html",
        {"meeting": meeting, "qr": _qr(url), "url": url, "now": timezone.localtime()},
    )


@login_required
@require_GET
@never_cache
def meeting_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The printed sheet: the meeting's code for its day only, and the roll to sign on paper."""
    meeting = selectors.meeting_for_user(user=request.user, pk=pk)
    if not services.may_show_sign_in(actor=Actor.from_request(request), branch=meeting.branch):
        raise PermissionDenied
    url = request.build_absolute_uri(reverse("orglife:sign_in", args=[meeting.sheet_code]))
    return TemplateResponse(
        request,
        "orglife/meetings/sheet.html",
        {"meeting": meeting, "qr": _qr(url), "roll": selectors.meeting_roll(meeting=meeting)},
    )


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def sign_in(request: HttpRequest, code: str) -> HttpResponse:
    """What a scanned code opens on the member's phone: one button to sign in."""
    if request.method == "POST":
        try:
            done = services.meeting_sign_in(actor=Actor.from_request(request), code=code)
        except ServiceError as e:
            return TemplateResponse(
                request,
                "orglife/meetings/sign_in.html",
                {"error": str(e), "code": code},
                status=400,
            )
        messages.success(request, _("You are signed in. Welcome."))
        return redirect("orglife:meeting", done.meeting_id)
    return TemplateResponse(request, "orglife/meetings/sign_in.html", {"code": code})


# --- the record for the year -----------------------------------------------------------------


@login_required
@require_GET
@never_cache
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """The meetings each branch under an organisation held this year per kind, against what
    each kind requires; branches behind are flagged."""
    org = _org(request, pk)
    year = _year(request)
    records = selectors.meeting_records(
        user=request.user, org=org, year=year, today=timezone.localdate()
    )
    return TemplateResponse(
        request,
        "orglife/meetings/record.html",
        {
            "org": org,
            "year": year,
            "records": records,
            "kinds": MeetingKind.choices,
            "behind": sum(1 for r in records if r.behind),
        },
    )


@login_required
@require_GET
@never_cache
def record_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    year = _year(request)
    records = selectors.meeting_records(
        user=request.user, org=org, year=year, today=timezone.localdate()
    )
    response = HttpResponse(
        excel.meeting_record_xlsx(org=org, year=year, records=records), content_type=XLSX
    )
    filename = f"{org.name}{year}年会议记录.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _org(request: HttpRequest, pk: int) -> Org:
    return org_for_user(request.user, pk)


urlpatterns: list[URLPattern] = [
    path("", index, name="index"),
    path("branch/<int:pk>/meetings/", branch_meetings, name="branch_meetings"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting"),
    path("meetings/<int:pk>/tick/", meeting_tick, name="meeting_tick"),
    path("meetings/<int:pk>/excuse/", meeting_excuse, name="meeting_excuse"),
    path("meetings/<int:pk>/close/", meeting_close, name="meeting_close"),
    path("meetings/<int:pk>/photos/", meeting_photo_add, name="meeting_photo_add"),
    path("meetings/<int:pk>/photos/<int:photo>/", meeting_photo, name="meeting_photo"),
    path(
        "meetings/<int:pk>/photos/<int:photo>/remove/",
        meeting_photo_remove,
        name="meeting_photo_remove",
    ),
    path("meetings/<int:pk>/qr/", meeting_qr, name="meeting_qr"),
    path("meetings/<int:pk>/sheet/", meeting_sheet, name="meeting_sheet"),
    path("s/<str:code>/", sign_in, name="sign_in"),
    path("record/<int:pk>/", record, name="record"),
    path("record/<int:pk>/xlsx", record_xlsx, name="record_xlsx"),
]
