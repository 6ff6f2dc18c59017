from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    name = "zhengxing.integrity"
    verbose_name = "核验 Integrity"

    def ready(self) -> None:
        from zhengxing.ledger import chain_checks, sign_off_hooks

        # the detectors a scan runs: the ratings detector registers on import
        # (`findings.register`), the claim detectors below
        from . import claims, findings, ratings, timeliness  # noqa: F401
        from .checks import tree_problems
        from .kept import kept_problems
        from .services import quarter_anchor

        # every quarter a branch secretary signs joins the county's signed tree, in the
        # sign-off's transaction (003: "弄虚作假、评选过程不公正和结果不及时公开")
        sign_off_hooks.register(
            "anchor", lambda actor, close: quarter_anchor(actor=actor, close=close)
        )
        # `zhengxing verify-ledger` checks each county's tree against the signed quarters and
        # each head's signature, beside the chains
        chain_checks.register("tree", label="核验树", check=tree_problems)
        # `zhengxing verify-ledger --against FILE`: the database against heads kept outside it
        chain_checks.register_against(kept_problems)
        # the claim detectors: duplicates, improbable volumes, rings of members, reused photos
        for kind, label, find in claims.DETECTORS:
            findings.register(kind, label=label, find=find)
        # the timing detectors: quarters signed late, notices posted late (evidence for the
        # township's supervision finding, `supervision.py`)
        for kind, label, find in timeliness.DETECTORS:
            findings.register(kind, label=label, find=find)
