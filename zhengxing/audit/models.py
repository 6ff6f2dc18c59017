"""The append-only audit log that every service writes to, in the same transaction as its change."""

from django.conf import settings
from django.db import models

from zhengxing.core.append_only import AppendOnly


class AuditEvent(AppendOnly):
    """Who did what, when, from where, with the object's state before and after.

    `county_id` is a plain integer, not a foreign key: this app sits below `orgs`, and the
    county id is the shard key every county-owned row carries.
    """

    county_id = models.BigIntegerField(null=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, help_text="username or command, kept as it was")
    ip = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    APPEND_ONLY = "the audit log is append-only"

    class Meta:
        indexes = [
            # the county's search page: newest first within a county
            models.Index(fields=["county_id", "-at"], name="audit_county_at"),
            # "who looked at my record": events on one object
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"
