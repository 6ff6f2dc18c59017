from django.contrib import admin

from .models import County, Member, Org, RoleAssignment


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region_code"]


@admin.register(Org)
class OrgAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "county", "depth"]
    list_filter = ["kind", "county"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "depth"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "branch", "category", "status"]
    list_filter = ["category", "status", "standing"]
    search_fields = ["name"]
    raw_id_fields = ["branch", "group", "user"]
    list_select_related = ["branch"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "org"]
    list_filter = ["role"]
    raw_id_fields = ["user", "org"]
