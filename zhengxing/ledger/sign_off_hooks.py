"""What else a quarter's sign-off writes, registered by the apps above the ledger that keep it
(the county's tree of signed quarters, `integrity`, in its AppConfig.ready): each hook runs
inside `quarter_sign_off`'s transaction, after the sign-off and its notice are written, so a hook
that fails undoes the sign-off with it. The ledger never imports those apps."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from zhengxing.core.actor import Actor

if TYPE_CHECKING:
    from .models import QuarterClose

Hook = Callable[[Actor, "QuarterClose"], object]

_hooks: dict[str, Hook] = {}


def register(key: str, hook: Hook) -> None:
    """Add (or replace) what runs at each sign-off: `hook(actor, close)`."""
    _hooks[key] = hook


def run(*, actor: Actor, close: QuarterClose) -> None:
    """Every registered hook, in the order of their keys (called by `quarter_sign_off`)."""
    for key in sorted(_hooks):
        _hooks[key](actor, close)
