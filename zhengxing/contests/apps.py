from django.apps import AppConfig


class ContestsConfig(AppConfig):
    name = "zhengxing.contests"
    verbose_name = "大比武 Contests"
