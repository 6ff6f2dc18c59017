"""The pages of the county's appraisal policy and of a 不合格's follow-up (党章第九条: "要求他限期
改正；经教育仍无转变的，应当劝他退党"; 003: 总评 "以此作为党员奖惩的重要依据"): the county edits
its policy, everyone in it reads it; the secretary records each step on the branch's page; the
township sees the steps past their deadline, each linked to its branch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zhengxing.orglife.models import AppraisalPolicy, FollowUpStep
from zhengxing.orglife.tests.test_appraisal_follow_up import unqualified
from zhengxing.testing import Cast, client_for

pytestmark = pytest.mark.django_db
POLICY = reverse("orglife:appraisal_policy")
OVERDUE = reverse("orglife:appraisal_overdue")


def test_the_county_edits_its_policy_on_a_page_the_others_read(cast: Cast) -> None:
    alice, bob, erin = client_for(cast.alice), client_for(cast.bob), client_for(cast.erin)
    page = alice.get(POLICY).content.decode()
    assert "修改规定" in page and "限期改正，90天内办理并登记" in page
    assert "修改规定" not in bob.get(POLICY).content.decode()
    assert erin.get(POLICY).status_code == 200
    form = {"excellent_cap": 25, "follow_up": "限期改正", "name_0": "限期改正", "days_0": 120,
            "name_1": "劝其退党", "days_1": 30}  # fmt: skip
    assert bob.post(POLICY, form).status_code == 403
    assert not AppraisalPolicy.objects.exists()
    bad = alice.post(POLICY, {**form, "days_1": ""}, follow=True)
    assert "第2步的期限须为1到365天" in bad.content.decode()
    assert alice.post(POLICY, form).status_code == 302
    policy = AppraisalPolicy.objects.get()
    assert (policy.excellent_cap, policy.steps) == (25, [["限期改正", 120], ["劝其退党", 30]])
    assert "劝其退党，30天内办理并登记" in erin.get(POLICY).content.decode()


def test_the_secretary_records_a_step_and_the_township_sees_what_is_overdue(
    cast: Cast, on_30_june: None
) -> None:
    step = unqualified(cast).steps.get()
    carol, bob = client_for(cast.carol), client_for(cast.bob)
    branch = reverse("orglife:branch_appraisal", args=[cast.branch_a1.pk])
    page = carol.get(branch).content.decode()
    assert "不合格党员的后续处理" in page and "登记本步办理情况" in page
    assert POLICY in page and OVERDUE in page
    assert "没有逾期未办的后续处理" in bob.get(OVERDUE).content.decode()
    FollowUpStep.objects.filter(pk=step.pk).update(due_on=dt.date(2026, 6, 1))
    overdue = bob.get(OVERDUE).content.decode()
    assert "王甲" in overdue and "限期改正" in overdue and branch in overdue
    assert ">29<" in overdue  # days overdue on 30 June
    assert client_for(cast.dave).get(f"{OVERDUE}?org={cast.town_a.pk}").status_code == 404
    done = carol.post(
        branch,
        {"action": "record", "step": step.pk, "outcome": "escalate", "note": "谈话后仍未改正"},
        follow=True,
    )
    assert "已登记。" in done.content.decode()
    assert FollowUpStep.objects.get(order=2).name == "劝其退党"
    refused = carol.post(
        branch, {"action": "record", "step": step.pk, "outcome": "corrected"}, follow=True
    )
    assert "已经登记过" in refused.content.decode()
    assert "王甲" not in bob.get(OVERDUE).content.decode()  # the next step is not yet due
