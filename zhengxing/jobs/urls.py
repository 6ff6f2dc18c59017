from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<uuid:pk>/", views.job_detail, name="detail"),
    path("<uuid:pk>/file", views.job_file, name="file"),
    path("<uuid:pk>/cancel/", views.job_cancel, name="cancel"),
    path("import/", views.roster_import, name="roster_import"),
    path("roster-export/", views.roster_export, name="roster_export"),
]
