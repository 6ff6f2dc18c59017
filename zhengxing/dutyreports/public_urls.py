"""The public's page, no login, at /p/dutyreports/."""

from .views import public_urlpatterns

app_name = "public_dutyreports"
urlpatterns = public_urlpatterns
