from django.apps import AppConfig


class DeliberationConfig(AppConfig):
    name = "zhengxing.deliberation"
    verbose_name = "五人小组 The five-person group"
