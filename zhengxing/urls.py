from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("zhengxing.web.urls")),
    path("accounts/", include("zhengxing.accounts.urls")),
    path("orgs/", include("zhengxing.orgs.urls")),
    path("jobs/", include("zhengxing.jobs.urls")),
    path("points/", include("zhengxing.ledger.urls")),
    path("p/grid/", include("zhengxing.grid.public_urls")),
    path("p/deliberation/", include("zhengxing.deliberation.public_urls")),
    path("p/stars/", include("zhengxing.stars.public_urls")),
    path("p/mobile/", include("zhengxing.mobility.public_urls")),
    path("p/life/", include("zhengxing.orglife.public_urls")),
    path("p/contests/", include("zhengxing.contests.public_urls")),
    path("p/integrity/", include("zhengxing.integrity.public_urls")),
    path("p/dutyreports/", include("zhengxing.dutyreports.public_urls")),
    path("p/targets/", include("zhengxing.targets.public_urls")),
    path("p/", include("zhengxing.ledger.public_urls")),
    path("stars/", include("zhengxing.stars.urls")),
    path("life/", include("zhengxing.orglife.urls")),
    path("mobile/", include("zhengxing.mobility.urls")),
    path("grid/", include("zhengxing.grid.urls")),
    path("deliberation/", include("zhengxing.deliberation.urls")),
    path("contests/", include("zhengxing.contests.urls")),
    path("integrity/", include("zhengxing.integrity.urls")),
    path("dutyreports/", include("zhengxing.dutyreports.urls")),
    path("targets/", include("zhengxing.targets.urls")),
    path("audit/", include("zhengxing.web.audit")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
