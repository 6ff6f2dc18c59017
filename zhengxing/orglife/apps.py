from django.apps import AppConfig


class OrglifeConfig(AppConfig):
    name = "zhengxing.orglife"
    verbose_name = "组织生活 Organisation life"
