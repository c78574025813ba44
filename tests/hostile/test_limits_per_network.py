"""Every per-address limit counts an IPv6 client by its /64: a connection is given a whole /64 and picks new
addresses in it at will, so counting each full address would give one attacker endless tries."""

from __future__ import annotations

import pytest
from freezegun import freeze_time

from alerts.addresses import client_network
from tests.pages import PageClient
from tests.staff.conftest import sign_in
from tests.staff.test_account import set_up

NETWORK = "2001:db8:1:2"


def address_in_network(number: int) -> str:
    return f"{NETWORK}:{number:x}:{number:x}:{number:x}:1"


@pytest.mark.parametrize(("address", "key"), [
    ("2001:db8:1:2:aaaa:bbbb:cccc:1", "2001:db8:1:2::/64"),
    ("2001:DB8:1:2::99", "2001:db8:1:2::/64"),
    ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
    ("192.0.2.10", "192.0.2.10"),
    ("::ffff:192.0.2.10", "192.0.2.10"),
    (None, "unknown"),
    ("", "unknown"),
    ("not an address", "not an address"),
])
def test_an_ipv6_client_is_its_64_and_an_ipv4_client_its_address(address: str | None, key: str) -> None:
    assert client_network(address) == key


def test_wrong_security_codes_from_many_addresses_in_one_64_are_refused_after_the_limit(
        client_request: PageClient, factories) -> None:
    user = factories.StaffUserFactory()
    sign_in(client_request, user)
    set_up(client_request)
    sign_in(client_request, user)
    statuses = []
    with freeze_time():  # the 300 tries as one burst: a slow run must not outlast the first wait
        for number in range(30):
            environ = {"REMOTE_ADDR": address_in_network(number)}
            for _ in range(10):
                token = client_request.csrf_token("/staff/sign-in/security-code")
                response = client_request.client.post("/staff/sign-in/security-code",
                                                      data={"code": "000000", "csrf_token": token},
                                                      environ_overrides=environ)
                statuses.append(response.status_code)
    assert statuses == [400] * 10 + [429] * 290, "ten wrong codes are checked, then the /64 waits"

