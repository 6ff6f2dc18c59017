from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhengxing.audit"
    verbose_name = "审计 Audit"
