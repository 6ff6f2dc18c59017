"""Reads of the points ledger, scoped to what the user may see (orgs.selectors.scope_for).

Only entries of signed-off quarters count (`counted_entries`). Totals are computed in the
database, one query per table, whatever the number of members.

The reads live in one module per subject; every public name is re-exported here, so callers
import them from `zhengxing.ledger.selectors` whichever module holds them.
"""

from ._common import ADDITION_PARTS, GONE, QUARTERS, ZERO
from .books import (
    BOOK_SORTS,
    Book,
    BookRow,
    CountyRow,
    CountyView,
    Tally,
    county_root_for,
    county_view,
    org_above_branches,
    township_book,
)
from .branch_table import (
    BranchRow,
    BranchTable,
    branch_for_viewer,
    branch_year_table,
    signed_quarters,
)
from .catalogues import ancestor_paths, catalogue_applying, catalogue_items
from .entries import (
    PartTotals,
    branch_quarter_table,
    claims_pending,
    closed_quarters,
    counted_entries,
    member_year_totals,
)
from .members import member_claims_pending, member_entries, member_quarter_totals, member_talks
from .notices import (
    PostingCheck,
    PostingTotals,
    posting_check,
    posting_objections_public,
    posting_of,
    posting_public,
    posting_totals,
)
from .public import branch_members_by_ref, branch_members_public, branch_public, member_public_ref
from .rankings import (
    RANKING_BASIS,
    RANKING_SCOPES,
    default_org_for,
    low_points,
    low_points_quarters,
    low_points_threshold,
    member_ranking,
    members_ranked_count,
    org_or_default,
    ranking_org,
)
from .verification import (
    PointsProblem,
    chains_problems,
    ledger_chain_problems,
    quarter_points_problems,
)
from .workflow import (
    branch_for_manager,
    branches_managed,
    claim_for_manager,
    claim_for_user,
    claims_to_review,
    evidence_owned,
    objection_for_manager,
    objections_inbox,
    objections_to_answer,
    public_reports_pending,
    quarters_to_sign,
)

__all__ = [
    "ADDITION_PARTS",
    "BOOK_SORTS",
    "GONE",
    "QUARTERS",
    "RANKING_BASIS",
    "RANKING_SCOPES",
    "ZERO",
    "Book",
    "BookRow",
    "BranchRow",
    "BranchTable",
    "CountyRow",
    "CountyView",
    "PartTotals",
    "PointsProblem",
    "PostingCheck",
    "PostingTotals",
    "Tally",
    "ancestor_paths",
    "branch_for_manager",
    "branch_for_viewer",
    "branch_members_by_ref",
    "branch_members_public",
    "branch_public",
    "branch_quarter_table",
    "branch_year_table",
    "branches_managed",
    "catalogue_applying",
    "catalogue_items",
    "chains_problems",
    "claim_for_manager",
    "claim_for_user",
    "claims_pending",
    "claims_to_review",
    "closed_quarters",
    "counted_entries",
    "county_root_for",
    "county_view",
    "default_org_for",
    "evidence_owned",
    "ledger_chain_problems",
    "low_points",
    "low_points_quarters",
    "low_points_threshold",
    "member_claims_pending",
    "member_entries",
    "member_public_ref",
    "member_quarter_totals",
    "member_ranking",
    "member_talks",
    "member_year_totals",
    "members_ranked_count",
    "objection_for_manager",
    "objections_inbox",
    "objections_to_answer",
    "org_above_branches",
    "org_or_default",
    "posting_check",
    "posting_objections_public",
    "posting_of",
    "posting_public",
    "posting_totals",
    "public_reports_pending",
    "quarter_points_problems",
    "quarters_to_sign",
    "ranking_org",
    "signed_quarters",
    "township_book",
]
