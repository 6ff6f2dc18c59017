from .views import grids, needs

app_name = "grid"
urlpatterns = grids.urlpatterns + needs.urlpatterns
