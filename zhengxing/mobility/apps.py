from django.apps import AppConfig


class MobilityConfig(AppConfig):
    name = "zhengxing.mobility"
    verbose_name = "流动党员 Mobile Party members"
