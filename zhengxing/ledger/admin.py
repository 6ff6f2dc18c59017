"""Read-only views of the ledger for the site's administrators: writes go through services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Claim, LedgerEntry, QuarterClose, RuleCatalogue, RuleItem


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RuleItemInline(admin.TabularInline):
    model = RuleItem
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RuleCatalogue)
class RuleCatalogueAdmin(ReadOnlyAdmin):
    list_display = ["name", "owner", "year", "version", "is_current"]
    list_filter = ["year", "is_current"]
    inlines = [RuleItemInline]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ["member", "item", "year", "quarter", "source", "status"]
    list_filter = ["status", "source", "year"]
    list_select_related = ["member", "item"]
    exclude = ["reporter_contact"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["branch", "seq", "member", "item", "year", "quarter", "points", "hash"]
    list_filter = ["year", "quarter", "part"]
    list_select_related = ["branch", "member", "item"]


@admin.register(QuarterClose)
class QuarterCloseAdmin(ReadOnlyAdmin):
    list_display = ["branch", "year", "quarter", "signed_by_label", "signed_at", "head_seq"]
    list_select_related = ["branch"]
