"""Organisation life's public pages at /p/life/, no login: the board of 三亮 commitments."""

from .views.commitments import public_urlpatterns

app_name = "public_life"
urlpatterns = public_urlpatterns
