from django.apps import AppConfig


class StarsConfig(AppConfig):
    name = "zhengxing.stars"
    verbose_name = "星级 Star ratings"
