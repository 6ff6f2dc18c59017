"""Pages of learning: the county's menu (菜单式点学) with a member's own lessons, a course, the
branch's page (members' records to confirm, 送学上门 and 红色包裹 to record, each member's hours)
and the hours per branch of a township or the county.

Each view parses, makes one domain call and renders; everything comes through scoped
selectors (404 outside the user's scope)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import DateInput, Form
from zhengxing.ledger import selectors as ledger_selectors
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS
from zhengxing.orgs.selectors import org_for_user

from .. import selectors, services
from ..models import DELIVERED_KINDS, Course, CourseKind
from .meetings import _year


class CourseForm(Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CourseKind.choices)
    hours = forms.DecimalField(
        label=gettext_lazy("Hours"), max_digits=4, decimal_places=1, min_value=0.1
    )
    link = forms.CharField(label=gettext_lazy("Video link"), max_length=500, required=False)
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReportForm(Form):
    completed_on = forms.DateField(label=gettext_lazy("Finished on"), widget=DateInput())
    note = forms.CharField(label=gettext_lazy("What I learned"), max_length=500)


class DeliverForm(Form):
    course = forms.ModelChoiceField(label=gettext_lazy("Course"), queryset=Course.objects.none())
    completed_on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    note = forms.CharField(label=gettext_lazy("What was delivered, and where"), max_length=500)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        course = self.fields["course"]
        assert isinstance(course, forms.ModelChoiceField)
        course.queryset = selectors.courses_for(user=user).filter(kind__in=DELIVERED_KINDS)


def _county_root(request: HttpRequest) -> Org | None:
    top = ledger_selectors.default_org_for(user=request.user)
    if top is None or top.parent_id is not None:
        return None
    may = services.may_keep_courses(actor=Actor.from_request(request), county_root=top)
    return top if may else None


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def menu(request: HttpRequest) -> HttpResponse:
    """The menu (菜单式点学), the member's own lessons, and for the county the form to add a
    course; the branch's and the township's pages are linked from here."""
    root = _county_root(request)
    form = CourseForm(request.POST or None) if root is not None else None
    if request.method == "POST":
        if form is None or root is None:
            return redirect("orglife:learning")
        if form.is_valid():
            try:
                services.course_create(
                    actor=Actor.from_request(request), county_root=root, **form.cleaned_data
                )
            except ServiceError as e:
                form.add_error(None, str(e))
            else:
                messages.success(request, _("The course was added to the menu."))
                return redirect("orglife:learning")
    top = ledger_selectors.default_org_for(user=request.user)
    return TemplateResponse(
        request,
        "orglife/learning/menu.html",
        {
            "courses": selectors.courses_for(user=request.user),
            "lessons": selectors.own_lessons(user=request.user),
            "delivered": DELIVERED_KINDS,
            "form": form,
            "top": top,
            "top_is_branch": top is not None and top.kind in MEMBER_HOLDING_KINDS,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
@never_cache
def course(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.course_for_user(user=request.user, pk=pk)
    return TemplateResponse(request, "orglife/learning/course.html", {"course": found})


@login_required
@require_POST
def course_pick(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.course_for_user(user=request.user, pk=pk)
    try:
        services.course_pick(actor=Actor.from_request(request), course=found)
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The course is on your list."))
    return redirect("orglife:learning")


@login_required
@require_POST
def lesson_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The member records their own lesson done, with a short note."""
    lesson = selectors.lesson_for_user(user=request.user, pk=pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date you finished and what you learned."))
        return redirect("orglife:learning")
    try:
        services.lesson_report(
            actor=Actor.from_request(request), lesson=lesson, **form.cleaned_data
        )
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Recorded: the branch confirms it, then the points follow."))
    return redirect("orglife:learning")


def _branch_page(request: HttpRequest, branch: Org, form: DeliverForm | None = None) -> Any:
    year = _year(request)
    actor = Actor.from_request(request)
    may_run = services.may_run_meeting(actor=actor, branch=branch)
    if may_run and form is None:
        form = DeliverForm(user=request.user, initial={"completed_on": timezone.localdate()})
    return TemplateResponse(
        request,
        "orglife/learning/branch.html",
        {
            "branch": branch,
            "year": year,
            "may_run": may_run,
            "to_confirm": selectors.lessons_to_confirm(branch=branch) if may_run else [],
            "hours": selectors.member_hours(branch=branch, year=year),
            "form": form if may_run else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def branch_learning(request: HttpRequest, pk: int) -> HttpResponse:
    """The branch's learning: confirm members' own records, record a delivered lesson (POST),
    each member's hours of the year."""
    branch = selectors.branch_for_meetings(user=request.user, pk=pk)
    if request.method == "GET":
        return _branch_page(request, branch)
    form = DeliverForm(request.POST, user=request.user)
    ids = [int(v) for v in request.POST.getlist("member") if v.isdigit()]
    if form.is_valid():
        try:
            entered = services.lessons_deliver(
                actor=Actor.from_request(request),
                branch=branch,
                course=form.cleaned_data["course"],
                members=list(Member.objects.filter(pk__in=ids, branch=branch)),
                completed_on=form.cleaned_data["completed_on"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Recorded; %(n)d points entries.") % {"n": entered})
            return redirect("orglife:branch_learning", branch.pk)
    return _branch_page(request, branch, form)


@login_required
@require_POST
def lessons_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    branch = selectors.branch_for_meetings(user=request.user, pk=pk)
    ids = [int(v) for v in request.POST.getlist("lesson") if v.isdigit()]
    lessons = list(selectors.lessons_to_confirm(branch=branch).filter(pk__in=ids))
    try:
        entered = services.lessons_confirm(
            actor=Actor.from_request(request), branch=branch, lessons=lessons
        )
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request,
            _("%(n)d lessons confirmed; %(e)d points entries.") % {"n": len(lessons), "e": entered},
        )
    return redirect("orglife:branch_learning", branch.pk)


@login_required
@require_GET
@never_cache
def hours(request: HttpRequest, pk: int) -> HttpResponse:
    """The year's learning hours of each branch under a township or the county."""
    org = org_for_user(request.user, pk)
    year = _year(request)
    return TemplateResponse(
        request,
        "orglife/learning/hours.html",
        {
            "org": org,
            "year": year,
            "rows": selectors.branch_hours(user=request.user, org=org, year=year),
        },
    )


urlpatterns: list[URLPattern] = [
    path("learning/", menu, name="learning"),
    path("learning/courses/<int:pk>/", course, name="course"),
    path("learning/courses/<int:pk>/pick/", course_pick, name="course_pick"),
    path("learning/lessons/<int:pk>/report/", lesson_report, name="lesson_report"),
    path("learning/branch/<int:pk>/", branch_learning, name="branch_learning"),
    path("learning/branch/<int:pk>/confirm/", lessons_confirm, name="lessons_confirm"),
    path("learning/hours/<int:pk>/", hours, name="learning_hours"),
]
