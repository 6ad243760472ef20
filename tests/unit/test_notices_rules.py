"""Notice rules (backend/notices/rules.py) and the SMTP settings (TEKUN_SMTP_*): the thresholds a
wrong constant would break, and clear refusals naming the variable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from backend.core.settings import SettingsError, parse_smtp
from backend.notices import rules

TODAY = date(2026, 12, 2)


@dataclass
class T:
    status: str
    period_end: date = TODAY
    routine: str = "fire_patrol"
    home: str = "H1"
    period: str = "2026-12-02"


def test_the_summary_is_sent_from_seven_in_the_morning():
    assert not rules.summary_time(6)
    assert rules.summary_time(7)
    assert rules.summary_time(23)


def test_the_summary_is_due_with_anything_due_today_or_overdue():
    assert rules.director_summary(2, 1) == {"due_today": 2, "overdue": 1}
    assert rules.director_summary(0, 1) == {"due_today": 0, "overdue": 1}
    assert rules.director_summary(1, 0) == {"due_today": 1, "overdue": 0}
    assert rules.director_summary(0, 0) is None


def test_overdue_drills_once_per_home_and_period():
    tasks = [
        T("overdue", routine="evacuation_drill", home="H2", period="2026-H1"),
        T("overdue", routine="evacuation_drill", home="H1", period="2026-H1"),
        T("overdue", routine="evacuation_drill", home="H1", period="2026-H1"),
        T("done", routine="evacuation_drill", home="H3", period="2026-H1"),
        T("overdue", routine="fire_patrol", home="H4"),
    ]
    assert rules.overdue_drills(tasks) == [("H1", "2026-H1"), ("H2", "2026-H1")]


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("", None),
        ("zhang.san@example.org", None),
        ("a+b@mail.example.gov.cn", None),
        ("zhang", "malformed"),
        ("zhang@", "malformed"),
        ("zhang@example", "malformed"),
        ("a b@example.org", "malformed"),
        ("张三 <z@example.org>", "malformed"),
        ("a@b.org, c@d.org", "malformed"),
        ("x" * 242 + "@example.org", None),  # 254 characters
        ("x" * 243 + "@example.org", "too_long"),
    ],
)
def test_an_email_address_is_one_plain_address(address, problem):
    assert rules.email_problem(address) == problem


def test_retries_stop_after_the_last_attempt():
    assert rules.should_retry(0) and rules.should_retry(rules.MAX_ATTEMPTS - 1)
    assert not rules.should_retry(rules.MAX_ATTEMPTS)
    assert rules.MAX_ATTEMPTS == 24


def test_email_goes_only_to_an_opted_in_address_when_the_deployment_sends_mail():
    assert rules.recipients("a@b.org", True, True) == ["a@b.org"]
    assert rules.recipients("a@b.org", False, True) == []
    assert rules.recipients("a@b.org", True, False) == []
    assert rules.recipients("", True, True) == []


def test_smtp_is_off_by_default():
    smtp = parse_smtp({})
    assert not smtp.enabled and smtp.port == 25 and not smtp.starttls


def test_smtp_settings_are_read():
    smtp = parse_smtp(
        {
            "TEKUN_SMTP_HOST": "smtp.example.org",
            "TEKUN_SMTP_PORT": "587",
            "TEKUN_SMTP_USER": "tekun",
            "TEKUN_SMTP_PASSWORD": "s3cret",
            "TEKUN_SMTP_FROM": "tekun@example.org",
            "TEKUN_SMTP_STARTTLS": "1",
            "TEKUN_PUBLIC_URL": "https://tekun.example.org/",
        }
    )
    assert (smtp.host, smtp.port, smtp.user, smtp.password, smtp.sender, smtp.starttls) == (
        "smtp.example.org",
        587,
        "tekun",
        "s3cret",
        "tekun@example.org",
        True,
    )
    assert smtp.public_url == "https://tekun.example.org"


@pytest.mark.parametrize(
    ("environ", "names"),
    [
        ({"TEKUN_SMTP_PORT": "smtp"}, "TEKUN_SMTP_PORT"),
        ({"TEKUN_SMTP_PORT": "0"}, "TEKUN_SMTP_PORT"),
        ({"TEKUN_SMTP_PORT": "65536"}, "TEKUN_SMTP_PORT"),
        ({"TEKUN_SMTP_STARTTLS": "yes"}, "TEKUN_SMTP_STARTTLS"),
        ({"TEKUN_SMTP_HOST": "smtp.example.org"}, "TEKUN_SMTP_FROM"),
        ({"TEKUN_SMTP_HOST": "smtp.example.org", "TEKUN_SMTP_FROM": "tekun"}, "TEKUN_SMTP_FROM"),
        ({"TEKUN_SMTP_HOST": "smtp.example.org:25", "TEKUN_SMTP_FROM": "a@b.org"}, "TEKUN_SMTP_HOST"),
        ({"TEKUN_SMTP_PASSWORD": "x"}, "TEKUN_SMTP_USER"),
        ({"TEKUN_PUBLIC_URL": "tekun.example.org"}, "TEKUN_PUBLIC_URL"),
    ],
)
def test_bad_smtp_settings_are_refused_naming_the_variable(environ, names):
    with pytest.raises(SettingsError, match=names):
        parse_smtp(environ)
