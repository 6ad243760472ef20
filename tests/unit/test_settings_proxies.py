"""TEKUN_TRUSTED_PROXIES: addresses and CIDR networks, comma-separated; a bad value is named."""

import ipaddress
import os
import subprocess
import sys

import pytest

from backend.core.settings import SettingsError, parse_trusted_proxies
from tests.conftest import ROOT


def test_addresses_and_networks_comma_separated():
    assert parse_trusted_proxies("") == ()
    assert parse_trusted_proxies(" , ") == ()
    assert parse_trusted_proxies("10.0.0.5, 172.16.0.0/12 ,fd00::/8,::1,") == (
        ipaddress.ip_network("10.0.0.5/32"),
        ipaddress.ip_network("172.16.0.0/12"),
        ipaddress.ip_network("fd00::/8"),
        ipaddress.ip_network("::1/128"),
    )


@pytest.mark.parametrize(
    ("value", "named", "says"),
    [
        ("proxy.example.org", "'proxy.example.org'", "not an IP address or CIDR network"),
        ("10.0.0.5 10.0.0.6", "'10.0.0.5 10.0.0.6'", "not an IP address or CIDR network"),
        ("10.0.0.5;10.0.0.6", "'10.0.0.5;10.0.0.6'", "not an IP address or CIDR network"),
        ("10.0.0.256", "'10.0.0.256'", "not an IP address or CIDR network"),
        ("10.0.0.0/33", "'10.0.0.0/33'", "not an IP address or CIDR network"),
        ("10.0.0.1/24", "'10.0.0.1/24'", "write the network as 10.0.0.0/24"),
        ("*", "'*'", "every client"),
        ("10.0.0.5, 0.0.0.0/0", "'0.0.0.0/0'", "every client"),
        ("::/0", "'::/0'", "every client"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable_and_the_item(value, named, says):
    with pytest.raises(SettingsError) as error:
        parse_trusted_proxies(value)
    message = str(error.value)
    assert message.startswith("TEKUN_TRUSTED_PROXIES: ") and named in message and says in message


def test_the_tekun_command_stops_with_exit_2_on_a_bad_value():
    env = {**os.environ, "TEKUN_TRUSTED_PROXIES": "10.0.0.1/24"}
    result = subprocess.run(
        [sys.executable, "-m", "backend.cli", "db", "upgrade"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2, result.stderr
    assert "configuration error" in result.stderr and "TEKUN_TRUSTED_PROXIES" in result.stderr
