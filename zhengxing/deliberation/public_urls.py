"""The villagers' pages, no login, at /p/deliberation/."""

from .views import public

app_name = "public_deliberation"
urlpatterns = public.urlpatterns
