from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "zhengxing.web"
    verbose_name = "Web"
