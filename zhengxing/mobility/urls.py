"""The mobile members' pages at /mobile/, for the branch, the township and the county."""

from .views import urlpatterns

app_name = "mobility"
__all__ = ["app_name", "urlpatterns"]
