"""The roster import's registered members as plain rows (`FoundRows`): the values a row is
compared with, each repeated value held once, and of the encrypted ID number only whether there
is one (a re-import of 100,000 members holds them all: bench/README.md)."""

from __future__ import annotations

from zhengxing.orgs.imports._common import FOUND_DATA, FOUND_FIELDS, FoundRows
from zhengxing.orgs.models import Member
from zhengxing.testing import Cast, add_member


def test_found_rows_hold_the_values_compared_and_each_repeated_value_once(cast: Cast) -> None:
    first = add_member(cast.county, "A1B", name="张一", address="第一村")
    second = add_member(cast.county, "A1B", name="张二", address="第一村")
    members = Member.objects.filter(pk__in=[first.pk, second.pk])
    found = dict(FoundRows().read(members))
    plain = {v[0]: v[1:] for v in members.values_list("id_card_hash", *FOUND_FIELDS)}
    assert found.keys() == plain.keys() == {first.id_card_hash, second.id_card_hash}
    for key, row in found.items():
        want = plain[key]
        assert row[4] is True and want[4].startswith("gAAAAA")  # the token: only that it is
        assert row[:4] + row[5:] == want[:4] + want[5:]
    one, two = found[first.id_card_hash], found[second.id_card_hash]
    address = FOUND_DATA + FOUND_FIELDS[FOUND_DATA:].index("address")
    ethnicity = FOUND_DATA + FOUND_FIELDS[FOUND_DATA:].index("ethnicity")
    assert one[address] is two[address] and one[ethnicity] is two[ethnicity]
