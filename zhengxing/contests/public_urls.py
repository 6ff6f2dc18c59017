"""Public pages at /p/contests/, no login: the entries, the vote with a code, the results."""

from .views import public_urlpatterns

app_name = "contests_public"
urlpatterns = public_urlpatterns
