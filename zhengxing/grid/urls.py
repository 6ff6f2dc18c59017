from .views import campaigns, grids, needs

app_name = "grid"
urlpatterns = grids.urlpatterns + needs.urlpatterns + campaigns.urlpatterns
