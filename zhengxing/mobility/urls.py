"""The mobile members' pages at /mobile/, for the branch, the township and the county."""

from . import views_ledgers, views_pairing
from .views import agreements, arrivals, file, inflow, life, lost
from .views import urlpatterns as first

app_name = "mobility"
urlpatterns = [
    *first,
    *agreements.urlpatterns,
    *arrivals.urlpatterns,
    *file.urlpatterns,
    *inflow.urlpatterns,
    *life.urlpatterns,
    *lost.urlpatterns,
    *views_ledgers.urlpatterns,
    *views_pairing.urlpatterns,
]
__all__ = ["app_name", "urlpatterns"]
