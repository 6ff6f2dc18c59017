"""zhengxing.testing.signed_in, the sign-in the benchmarks use: through the login page and,
for a user who needs it, the second factor, so that pages answer as to the person."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhengxing.testing import Cast, signed_in

MEMBERS = reverse("orgs:member_list")


@pytest.fixture
def otp_roles(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHENGXING_OTP_ROLES = ("county", "township")


@pytest.mark.usefixtures("otp_roles")
def test_a_county_user_passes_the_password_and_the_code(cast: Cast) -> None:
    client = signed_in(cast.alice)
    assert client.get(MEMBERS).status_code == 200
    assert TOTPDevice.objects.filter(user=cast.alice, confirmed=True).count() == 1


@pytest.mark.usefixtures("otp_roles")
def test_a_member_passes_the_password_alone(cast: Cast) -> None:
    client = signed_in(cast.erin)
    assert client.get(reverse("home")).status_code == 200
    assert not TOTPDevice.objects.filter(user=cast.erin).exists()


def test_a_wrong_password_is_not_signed_in(cast: Cast) -> None:
    with pytest.raises(AssertionError, match="the password was refused"):
        signed_in(cast.alice, password="not-the-password")
