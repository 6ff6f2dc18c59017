from .views import campaigns, grids, needs, sheets

app_name = "grid"
urlpatterns = grids.urlpatterns + needs.urlpatterns + campaigns.urlpatterns + sheets.urlpatterns
