from .views import pages

app_name = "deliberation"
urlpatterns = pages.urlpatterns
