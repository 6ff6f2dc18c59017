"""Rows written once and never changed or deleted by the application: the audit log, the points
ledger, the shop's ledger. A correction is a new row. The model says why in `APPEND_ONLY`, the
refusal every update, second save or delete raises, through the ORM and its querysets alike."""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.db import models


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError(self.model.APPEND_ONLY)

    def delete(self) -> NoReturn:
        raise TypeError(self.model.APPEND_ONLY)


class AppendOnly(models.Model):
    APPEND_ONLY: ClassVar[str] = "append-only"

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError(self.APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(self.APPEND_ONLY)
