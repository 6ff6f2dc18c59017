from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

AUDIT_MINIMUM_DAYS = 183  # six months (GB/T 22239-2019 level 3)


def retention_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    days = settings.ZHENGXING_AUDIT_RETENTION_DAYS
    if days < AUDIT_MINIMUM_DAYS:
        return [
            checks.Error(
                f"ZHENGXING_AUDIT_RETENTION_DAYS is {days}: the audit log must be kept at least "
                f"{AUDIT_MINIMUM_DAYS} days (six months)",
                id="zhengxing.E001",
            )
        ]
    return []


def lookup_key_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from django.core.exceptions import ImproperlyConfigured

    from zhengxing.core.pii import lookup_key_bytes

    try:
        lookup_key_bytes(settings.LOOKUP_KEY)
    except ImproperlyConfigured as e:
        return [checks.Error(str(e), id="zhengxing.E002")]
    return []


def trusted_proxies_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Behind the TLS proxy (ZHENGXING_HTTPS on) with no proxy trusted, every client has the
    proxy's address: the address lockout and the public's throttle would hold everyone."""
    if settings.HTTPS and not settings.ZHENGXING_TRUSTED_PROXIES:
        return [
            checks.Warning(
                "ZHENGXING_TRUSTED_PROXIES is empty: behind the reverse proxy every client has "
                "the proxy's address (in the lockout, the audit log and the throttles)",
                hint="Set it to the proxy's address, e.g. ZHENGXING_TRUSTED_PROXIES=127.0.0.1",
                id="zhengxing.W001",
            )
        ]
    return []


class AuditConfig(AppConfig):
    name = "zhengxing.audit"
    verbose_name = "审计 Audit"

    def ready(self) -> None:
        checks.register(retention_check)
        checks.register(lookup_key_check)
        checks.register(trusted_proxies_check, checks.Tags.security, deploy=True)
