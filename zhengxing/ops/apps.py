from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "zhengxing.ops"
    verbose_name = "运维 Operations"
