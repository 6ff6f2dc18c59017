from .sheets import urlpatterns as sheets_urlpatterns
from .views import app_name, urlpatterns

urlpatterns = urlpatterns + sheets_urlpatterns

__all__ = ["app_name", "urlpatterns"]
