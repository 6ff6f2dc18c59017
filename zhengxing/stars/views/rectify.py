"""The page of a weak-and-lax rectification ledger (软弱涣散党组织整顿, `rectify.py`): the problems
found, each with its measure, progress and closing, and the forms of whoever may write. The
forms only parse; the rules and the Chinese refusals are the services'. One URL: a failed form
is shown again with what was typed and why it was refused."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import DateInput, Form

from .. import rectify
from ..models import RectifyProblem


class ProblemForm(Form):
    problem = forms.CharField(
        label=gettext_lazy("Problem found"),
        max_length=rectify.PROBLEM_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    source = forms.CharField(
        label=gettext_lazy("Where it was found"), max_length=rectify.SOURCE_MAX
    )
    measure = forms.CharField(
        label=gettext_lazy("Measure"),
        max_length=rectify.MEASURE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    responsible = forms.CharField(label=gettext_lazy("Responsible"), max_length=rectify.WHO_MAX)
    due_on = forms.DateField(label=gettext_lazy("Due"), widget=DateInput())


class ProgressForm(Form):
    done_on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    action = forms.CharField(
        label=gettext_lazy("What was done"),
        max_length=rectify.ACTION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    done_by = forms.CharField(label=gettext_lazy("By whom"), max_length=rectify.WHO_MAX)
    evidence = forms.CharField(
        label=gettext_lazy("Evidence kept"), max_length=rectify.EVIDENCE_MAX, required=False
    )


class CloseForm(Form):
    reason = forms.CharField(
        label=gettext_lazy("Why it is resolved"), max_length=rectify.REASON_MAX
    )


def _problem(task: Any, raw: str) -> RectifyProblem:
    found = RectifyProblem.objects.filter(consequence=task, pk=raw if raw.isdigit() else 0).first()
    if found is None:
        raise Http404
    return found


def _write(request: HttpRequest, task: Any) -> tuple[str, int | None, Form] | None:
    """Apply the posted form; None when it was written, else (op, problem id, bound form)."""
    actor = Actor.from_request(request)
    op = request.POST.get("op", "")
    if op == "problem":
        form: Form = ProblemForm(request.POST, prefix="new")
        if form.is_valid():
            try:
                rectify.rectify_problem_add(actor=actor, consequence=task, **form.cleaned_data)
            except ServiceError as e:
                form.add_error(None, str(e))
            else:
                messages.success(request, _("The problem and its measure were recorded."))
                return None
        return op, None, form
    problem = _problem(task, request.POST.get("problem", ""))
    if op == "progress":
        form = ProgressForm(request.POST, prefix=f"g{problem.pk}")
        write: Any = rectify.rectify_progress_add
        done = _("The progress was recorded.")
    elif op == "close":
        form = CloseForm(request.POST, prefix=f"c{problem.pk}")
        write, done = rectify.rectify_problem_close, _("The problem was closed.")
    else:
        raise Http404
    if form.is_valid():
        try:
            write(actor=actor, problem=problem, **form.cleaned_data)
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, done)
            return None
    return op, problem.pk, form


@login_required
@never_cache
def ledger(request: HttpRequest, pk: int) -> HttpResponse:
    task = rectify.rectify_task_for_user(user=request.user, pk=pk)
    rights = rectify.rights_of(Actor.from_request(request), task)
    failed: tuple[str, int | None, Form] | None = None
    if request.method == "POST":
        try:
            failed = _write(request, task)
        except PermissionDenied as e:
            messages.error(request, str(e))
            return redirect("stars:rectify", task.pk)
        if failed is None:
            return redirect("stars:rectify", task.pk)
    today = timezone.localdate()

    def form_for(op: str, problem: int | None, make: Any) -> Form:
        if failed is not None and failed[:2] == (op, problem):
            return failed[2]
        return make()  # type: ignore[no-any-return]

    problems = [
        (
            p,
            form_for("progress", p.pk, lambda p=p: ProgressForm(
                prefix=f"g{p.pk}", initial={"done_on": today})),
            form_for("close", p.pk, lambda p=p: CloseForm(prefix=f"c{p.pk}")),
        )
        for p in rectify.rectify_problems(task)
    ]  # fmt: skip
    return TemplateResponse(
        request,
        "stars/rectify.html",
        {
            "task": task,
            "org": task.rating.org,
            "rating": task.rating,
            "rights": rights,
            "problems": problems,
            "open": sum(1 for p, _, _ in problems if p.closed_at is None),
            "problem_form": form_for("problem", None, lambda: ProblemForm(prefix="new")),
        },
        status=400 if failed is not None else 200,
    )


urlpatterns = [path("rectify/<int:pk>/", ledger, name="rectify")]
