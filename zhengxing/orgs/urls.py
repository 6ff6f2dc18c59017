from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("tree/", views.org_tree, name="tree"),
    path("members/", views.member_list, name="member_list"),
    path("members/new/", views.member_new, name="member_new"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/reveal/", views.member_reveal, name="member_reveal"),
    path("members/<int:pk>/transfer/", views.member_transfer, name="member_transfer"),
    path("members/<int:pk>/status/", views.member_status, name="member_status"),
    path("import/template.xlsx", views.roster_template, name="import_template"),
    path("export.xlsx", views.roster_export, name="export"),
]
