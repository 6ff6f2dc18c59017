"""The mobile members' pages at /mobile/, for the branch, the township and the county."""

from . import views, views_ledgers, views_pairing

urlpatterns = views.urlpatterns + views_ledgers.urlpatterns + views_pairing.urlpatterns

app_name = "mobility"
__all__ = ["app_name", "urlpatterns"]
