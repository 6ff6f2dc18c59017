"""The mobile members' pages at /mobile/, for the branch, the township and the county."""

from .views import inflow, life, lost
from .views import urlpatterns as first

app_name = "mobility"
urlpatterns = [*first, *inflow.urlpatterns, *life.urlpatterns, *lost.urlpatterns]
__all__ = ["app_name", "urlpatterns"]
