"""The admin site shows the tree, the roster and role assignments, read-only: every change goes
through `services` (its audit row, the member's dated history, the scope checks), which the
admin's own forms would skip. Change them on the roster pages, the API or `zhengxing
import-roster`."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import County, Member, Org, RoleAssignment


class ReadOnlyAdmin(admin.ModelAdmin):
    """May be looked at, never added to, changed or deleted (a POST is a 403)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(County)
class CountyAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "region_code"]


@admin.register(Org)
class OrgAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "county", "depth"]
    list_filter = ["kind", "county"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "depth"]


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    # no ID number or phone: the admin shows neither (not even masked)
    list_display = ["name", "branch", "category", "status"]
    list_filter = ["category", "status", "standing"]
    search_fields = ["name"]
    raw_id_fields = ["branch", "group", "user"]
    list_select_related = ["branch"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "org"]
    list_filter = ["role"]
    raw_id_fields = ["user", "org"]
