from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("zhengxing.web.urls")),
    path("accounts/", include("zhengxing.accounts.urls")),
    path("orgs/", include("zhengxing.orgs.urls")),
    path("jobs/", include("zhengxing.jobs.urls")),
    path("points/", include("zhengxing.ledger.urls")),
    path("p/stars/", include("zhengxing.stars.public_urls")),
    path("p/life/", include("zhengxing.orglife.public_urls")),
    path("p/", include("zhengxing.ledger.public_urls")),
    path("stars/", include("zhengxing.stars.urls")),
    path("life/", include("zhengxing.orglife.urls")),
    path("audit/", include("zhengxing.web.audit")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
