from .editor import urlpatterns as editor_urlpatterns
from .sheets import urlpatterns as sheets_urlpatterns
from .views import app_name, urlpatterns
from .visit_views import urlpatterns as visit_urlpatterns

urlpatterns = urlpatterns + editor_urlpatterns + visit_urlpatterns + sheets_urlpatterns

__all__ = ["app_name", "urlpatterns"]
