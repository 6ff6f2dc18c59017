"""A user's API tokens end when their password changes or their account is disabled.

Passwords change and accounts are disabled outside this app's services (the admin site,
`zhengxing changepassword`, `User.set_password` in a shell), so the one place that sees every
such change is the user's own save: these receivers call `tokens_revoke_all` from there.
(`QuerySet.update(is_active=False)` skips them; the token check refuses an inactive user's
tokens anyway.)"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from zhengxing.core.actor import Actor

from .services import tokens_revoke_all


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def _note_disabling(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    instance._zx_disabled = False
    if instance.pk is None or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    was_active = sender.objects.filter(pk=instance.pk, is_active=True).exists()
    instance._zx_disabled = was_active


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def tokens_end_with_the_password(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        return
    # `set_password` keeps the new password in `_password` until the save is done; a hash
    # upgraded at login (the same password) goes through `set_password` too, but then Django
    # clears `_password` before saving, so it is not taken for a change.
    if getattr(instance, "_password", None) is not None:
        tokens_revoke_all(actor=Actor.system("密码变更"), user=instance, reason="密码已修改")
    if getattr(instance, "_zx_disabled", False):
        instance._zx_disabled = False
        tokens_revoke_all(actor=Actor.system("账户停用"), user=instance, reason="账户已停用")
