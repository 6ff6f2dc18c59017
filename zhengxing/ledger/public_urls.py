"""Public pages, no login: the quarterly notices (公示) and objections to them, at /p/."""

from .views import public

app_name = "public"
urlpatterns = public.urlpatterns
