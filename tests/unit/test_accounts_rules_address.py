"""Who the client is (X-Forwarded-For believed only from trusted proxies) and the throttle keys."""

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from backend.accounts.rules import (
    address_key,
    client_address,
    parse_ip,
    throttle_keys,
    username_key,
)

PROXIES = (ipaddress.ip_network("10.0.0.5/32"), ipaddress.ip_network("172.16.0.0/12"), ipaddress.ip_network("fd00::/8"))


def test_the_header_is_ignored_from_an_untrusted_peer():
    assert client_address("203.0.113.9", ["198.51.100.1"], PROXIES) == "203.0.113.9"
    assert client_address("203.0.113.9", ["198.51.100.1"], ()) == "203.0.113.9"
    assert client_address("10.0.0.6", ["198.51.100.1"], PROXIES) == "10.0.0.6"  # next to a proxy, not one


def test_from_a_trusted_proxy_the_right_most_untrusted_entry_is_the_client():
    assert client_address("10.0.0.5", ["198.51.100.1"], PROXIES) == "198.51.100.1"
    # The client sent a forged header; the proxy appended what it saw: the forgery is left of it.
    assert client_address("10.0.0.5", ["1.2.3.4, 198.51.100.1"], PROXIES) == "198.51.100.1"
    # Two proxies in a row (both trusted), the client before them.
    assert client_address("10.0.0.5", ["1.2.3.4, 198.51.100.1, 172.16.4.4"], PROXIES) == "198.51.100.1"
    # Several header lines are one list, in order.
    assert client_address("10.0.0.5", ["1.2.3.4", "198.51.100.1"], PROXIES) == "198.51.100.1"
    assert client_address("fd00::1", ["2001:db8::7"], PROXIES) == "2001:db8::7"


def test_a_chain_of_only_proxies_or_a_malformed_entry_stops_at_the_last_believed_address():
    assert client_address("10.0.0.5", ["172.16.0.9"], PROXIES) == "172.16.0.9"
    assert client_address("10.0.0.5", [], PROXIES) == "10.0.0.5"
    assert client_address("10.0.0.5", [""], PROXIES) == "10.0.0.5"
    assert client_address("10.0.0.5", ["198.51.100.1, garbage"], PROXIES) == "10.0.0.5"
    assert client_address("10.0.0.5", ["garbage, 172.16.0.9"], PROXIES) == "172.16.0.9"
    assert client_address("10.0.0.5", ["unknown"], PROXIES) == "10.0.0.5"


def test_addresses_as_proxies_write_them():
    assert str(parse_ip("198.51.100.1:4711")) == "198.51.100.1"
    assert str(parse_ip("[2001:db8::1]:443")) == "2001:db8::1"
    assert str(parse_ip(" ::ffff:10.0.0.5 ")) == "10.0.0.5"
    assert parse_ip("example.org") is None and parse_ip(None) is None and parse_ip("") is None
    # An IPv4-mapped peer is the proxy it maps to.
    assert client_address("::ffff:10.0.0.5", ["198.51.100.1"], PROXIES) == "198.51.100.1"


def test_a_peer_that_is_not_an_address_is_kept_as_it_is():
    assert client_address(None, ["198.51.100.1"], PROXIES) == "unknown"
    assert client_address("testclient", ["198.51.100.1"], PROXIES) == "testclient"


@given(st.lists(st.text(max_size=60), max_size=6))
def test_an_untrusted_peer_is_the_answer_whatever_the_header(header):
    assert client_address("203.0.113.9", header, PROXIES) == "203.0.113.9"


@given(st.lists(st.text(max_size=60), max_size=6))
def test_a_trusted_peer_answers_a_real_address_whatever_the_header(header):
    assert parse_ip(client_address("10.0.0.5", header, PROXIES)) is not None


def test_ipv6_addresses_count_by_their_slash_64():
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("198.51.100.1") == "198.51.100.1"
    assert address_key("unknown") == "unknown"


def test_usernames_count_lower_cased_and_odd_ones_by_digest():
    assert username_key(" Zhang.YD01 ") == "zhang.yd01"
    long_name = "a" * 10_000
    assert username_key(long_name).startswith("#") and len(username_key(long_name)) == 41
    assert username_key(long_name) != username_key(long_name + "b")
    assert username_key("name with spaces").startswith("#")


@given(st.text(max_size=500), st.text(max_size=100))
def test_keys_fit_their_column_whatever_the_client_sends(username, address):
    keys = throttle_keys(username, address[:64])
    assert set(keys) == {"pair", "address", "account"}
    assert all(len(key) <= 255 for key in keys.values())
    assert keys["pair"] == f"pair:{keys['account'][5:]}|{keys['address'][5:]}"
