"""The contests' pages at /contests/, for the organiser, the entrants and the judges."""

from .views import urlpatterns

app_name = "contests"
__all__ = ["app_name", "urlpatterns"]
