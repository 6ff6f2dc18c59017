"""Residents' needs (群众需求): raised from the household's contact card or recorded by a worker,
routed to the grid's worker, answered, confirmed and rated by the resident.

兴安盟: "接到村民反映需求，网格员第一时间帮助解决，确保群众满意"。
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengxing.orgs.models import County

from ..rules import Category, Source, State, Urgency
from .structure import Grid, Household, new_ref


class Need(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="needs")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="needs")
    # the resident's link (/p/grid/need/<ref>/): follows, confirms and rates the need
    ref = models.CharField(max_length=24, unique=True, default=new_ref, editable=False)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    source = models.CharField(_("taken by"), max_length=8, choices=Source.choices)
    text = models.TextField(_("what is needed"))
    raised_by = models.CharField(_("raised by"), max_length=50, blank=True)
    contact_enc = models.TextField(blank=True, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    # past due: the station; past this: the centre (due + as long again)
    centre_at = models.DateTimeField()
    taken_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    solved = models.BooleanField(_("solved"), null=True, blank=True)
    satisfied = models.BooleanField(_("satisfied"), null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gt=models.F("received_at"))
                & Q(centre_at__gt=models.F("due_at")),
                name="grid_need_due_after_received",
            ),
            models.CheckConstraint(
                condition=Q(rated_at__isnull=True) | Q(state=State.CLOSED),
                name="grid_need_rated_only_closed",
            ),
        ]
        indexes = [
            # the overdue lists of the whole county (a scope of everything): open needs by due
            models.Index(fields=["county", "state", "due_at"], name="grid_need_open_due"),
            # the lists of a township, village or grid: its grids' open (and overdue) needs by
            # due time, counted from the index alone (bench_grid: the count 35 → 8 ms)
            models.Index(fields=["grid", "state", "due_at"], name="grid_need_grid_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.ref}"


class NeedPhoto(models.Model):
    """A photo with a need (a broken wall, the repair once done): sent by the resident with it,
    or attached by the worker later; up to `rules.MAX_NEED_PHOTOS` a need, shown in `position`
    order. The file lies under MEDIA_ROOT at `path`, where the ledger keeps its evidence
    (`ledger.evidence.store`: a name of our own); `uploaded_by` is empty for a resident, who
    has no login.

    兴安盟: "接到村民反映需求，网格员第一时间帮助解决，确保群众满意"。"""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="photos")
    path = models.CharField(max_length=300)
    content_type = models.CharField(max_length=40)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    # 1, 2, 3 … in the order they came; a photo taken off leaves its number unused
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["need", "position"]
        constraints = [
            # two photos added at once cannot take the same place (the need's lock orders them)
            models.UniqueConstraint(fields=["need", "position"], name="grid_need_photo_position"),
        ]

    def __str__(self) -> str:
        return f"photo {self.position}@{self.need_id}"
