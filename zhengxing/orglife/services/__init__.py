"""Organisation life's writes, one module per subject; import them from
`zhengxing.orglife.services` whichever module holds them."""

from .appraisal import appraisal_open, appraisal_policy_set, appraisal_post, appraisal_vote
from .chances import chance_post, chance_record, chance_sign_up
from .commitments import (
    commitment_decide,
    commitment_progress_report,
    commitment_propose,
    commitment_review,
)
from .follow_up import follow_up_record
from .learning import (
    course_create,
    course_pick,
    lesson_report,
    lessons_confirm,
    lessons_deliver,
    may_keep_courses,
)
from .life_rules import life_rule_set
from .meeting_photos import meeting_photo_add, meeting_photo_remove
from .meetings import (
    Closed,
    LifeItems,
    attendee_excuse,
    life_items,
    may_run_meeting,
    may_show_sign_in,
    meeting_close,
    meeting_count_elsewhere,
    meeting_live_code,
    meeting_plan,
    meeting_sign_in,
    meeting_tick,
)
from .shop import shop_item_create, shop_item_restock, shop_item_shelve, shop_redeem

__all__ = [
    "Closed",
    "LifeItems",
    "appraisal_open",
    "appraisal_policy_set",
    "appraisal_post",
    "appraisal_vote",
    "attendee_excuse",
    "chance_post",
    "chance_record",
    "chance_sign_up",
    "commitment_decide",
    "commitment_progress_report",
    "commitment_propose",
    "commitment_review",
    "course_create",
    "course_pick",
    "follow_up_record",
    "lesson_report",
    "lessons_confirm",
    "lessons_deliver",
    "life_items",
    "life_rule_set",
    "may_keep_courses",
    "may_run_meeting",
    "may_show_sign_in",
    "meeting_close",
    "meeting_count_elsewhere",
    "meeting_live_code",
    "meeting_photo_add",
    "meeting_photo_remove",
    "meeting_plan",
    "meeting_sign_in",
    "meeting_tick",
    "shop_item_create",
    "shop_item_restock",
    "shop_item_shelve",
    "shop_redeem",
]
