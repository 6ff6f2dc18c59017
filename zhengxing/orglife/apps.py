from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrglifeConfig(AppConfig):
    name = "zhengxing.orglife"
    verbose_name = "组织生活 Organisation life"

    def ready(self) -> None:
        from django.urls import reverse

        from zhengxing.ledger import origins

        # points a chance to serve earned link to its page (`services.chances.chance_record`)
        origins.register(
            "service",
            label=_("Chance to serve"),
            url=lambda pk: reverse("orglife:chance", args=[pk]),
        )
