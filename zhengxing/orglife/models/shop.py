"""The points supermarket (支部开超市、党员攒积分, 000 Bayannur): what a branch stocks, and the
shop's own ledger — every redemption and every restocking, hash-chained per branch like the
points ledger (`ledger.chain`), append-only.

A member's spendable balance is not stored: it is what the points ledger has given them to
spend (every counted bonus point, `selectors.shop.spendable_earned`) less what this ledger says
they have spent. Spending never touches the points ledger, so it never lowers the rating points."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengxing.core.append_only import AppendOnly
from zhengxing.ledger.chain import GENESIS_HASH
from zhengxing.orgs.models import County, Member, Org


class ShopItem(models.Model):
    """A good or a service the branch offers, its price in points and how many are left."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="shop_items")
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=500, blank=True)
    price = models.DecimalField(_("price in points"), max_digits=7, decimal_places=1)
    stock = models.PositiveIntegerField(_("in stock"), default=0)
    active = models.BooleanField(_("on the shelf"), default=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("shop item")
        verbose_name_plural = _("shop items")
        constraints = [
            models.UniqueConstraint(fields=["branch", "name"], name="shop_item_branch_name"),
            # the last item redeemed twice at once: the second UPDATE would go below zero
            models.CheckConstraint(condition=Q(stock__gte=0), name="shop_item_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gt=0), name="shop_item_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.price})"


class ShopKind(models.TextChoices):
    REDEEM = "redeem", _("Redemption")  # 兑换
    RESTOCK = "restock", _("Restocking")  # 进货


class ShopChainHead(models.Model):
    """The head of a branch's shop chain. Every write to the shop locks this row first, so a
    branch's redemptions and restockings run one at a time: the balance and the stock each
    reads are those no other write can change before it commits."""

    branch = models.OneToOneField(Org, primary_key=True, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"{self.branch_id}#{self.seq}"


class ShopEntry(AppendOnly):
    """One line of the shop's ledger: a redemption (a member, the points spent: the receipt,
    numbered by its seq) or a restocking (no member, no points). Never updated or deleted."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="shop_entries"
    )
    item = models.ForeignKey(ShopItem, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=16, choices=ShopKind.choices)
    quantity = models.PositiveIntegerField()
    points = models.DecimalField(max_digits=7, decimal_places=1)
    note = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seq = models.PositiveBigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    APPEND_ONLY = "the shop's ledger is append-only"

    class Meta:
        verbose_name = _("shop ledger entry")
        verbose_name_plural = _("shop ledger entries")
        constraints = [
            models.UniqueConstraint(fields=["branch", "seq"], name="shop_entry_branch_seq"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="shop_entry_quantity"),
            models.CheckConstraint(
                condition=(Q(kind="redeem", member__isnull=False, points__gt=0))
                | Q(kind="restock", member__isnull=True, points=0),
                name="shop_entry_kind_shape",
            ),
        ]
        indexes = [
            # a member's balance: what they have spent
            models.Index(fields=["member", "kind"], name="shop_entry_member"),
            # the monthly report: a branch's entries in a month
            models.Index(fields=["branch", "recorded_at"], name="shop_entry_branch_time"),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id}#{self.seq} {self.kind} {self.quantity}"
