"""Every county-owned row carries its county's id, so the schema can later be distributed by
county (the brief's rule): every concrete model of the zhengxing apps has a `county` foreign key
to orgs.County, required — or stands below in the allow-list, each with why it is not
county-owned. A model added without the column fails here, before it reaches a county."""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from zhengxing.orgs.models import County

# The rows that are not a county's, and why.
NOT_COUNTY_OWNED = {
    # the shard key itself
    "orgs.County": "the county",
    # a login's bearer token: the user's, whatever counties their roles are in (a user may
    # hold roles in several)
    "accounts.ApiToken": "a user's",
    # the audit floor sits below orgs, so it cannot point at County: it keeps the same id as a
    # plain integer `county_id` (empty for a login or a failed password, which have none)
    "audit.AuditEvent": "county_id as a plain integer",
}


def _zhengxing_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith("zhengxing.")
        and not m._meta.abstract
        and not m._meta.proxy
        and m._meta.managed
    ]


def uncounted(found: list[type[models.Model]]) -> list[str]:
    """The models among these with no required `county` foreign key to orgs.County that the
    allow-list does not excuse."""
    wrong = []
    for model in found:
        label = model._meta.label
        if label in NOT_COUNTY_OWNED:
            continue
        field = next((f for f in model._meta.concrete_fields if f.name == "county"), None)
        if (
            not isinstance(field, models.ForeignKey)
            or field.related_model._meta.label != "orgs.County"
            or field.null
        ):
            wrong.append(label)
    return wrong


def test_every_county_owned_model_carries_its_county() -> None:
    wrong = uncounted(_zhengxing_models())
    assert not wrong, (
        f"add a required `county` foreign key, or say why in NOT_COUNTY_OWNED: {wrong}"
    )


def test_the_allow_list_names_only_models_that_exist_without_the_column() -> None:
    """A stale entry (a model gone, or one that has since taken the column) is taken out."""
    found = {m._meta.label: m for m in _zhengxing_models()}
    for label in NOT_COUNTY_OWNED:
        assert label in found, label
        names = {f.name for f in found[label]._meta.concrete_fields}
        assert "county" not in names, label
    assert "county_id" in {f.name for f in found["audit.AuditEvent"]._meta.concrete_fields}


@isolate_apps("zhengxing.grid")
def test_a_model_without_the_column_or_with_an_optional_one_is_named() -> None:
    class Leaflet(models.Model):  # noqa: DJ008 (a throwaway model, never shown)
        text = models.TextField()

        class Meta:
            app_label = "grid"

    class Poster(models.Model):  # noqa: DJ008 (a throwaway model, never shown)
        county = models.ForeignKey(County, null=True, on_delete=models.PROTECT, related_name="+")

        class Meta:
            app_label = "grid"

    class Banner(models.Model):  # noqa: DJ008 (a throwaway model, never shown)
        county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")

        class Meta:
            app_label = "grid"

    assert uncounted([Leaflet, Poster, Banner]) == ["grid.Leaflet", "grid.Poster"]
    # and the ones this rule was first applied to are among those walked
    labels = {m._meta.label for m in _zhengxing_models()}
    assert {
        "contests.Vote",
        "contests.VoteQuota",
        "orglife.Attendee",
        "ledger.EvidenceFile",
    } <= labels
