"""Settings read once from the environment (interfaces.md §1) into a frozen object."""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LANGUAGES = ("zh_CN", "en")

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class SettingsError(ValueError):
    """A configuration value is unusable; the message names the variable."""


@dataclass(frozen=True)
class SmtpSettings:
    """E-mail of notices (issue 13): off while ``host`` is empty (TEKUN_SMTP_*)."""

    host: str = ""
    port: int = 25
    user: str = ""
    password: str = ""
    sender: str = ""
    starttls: bool = False
    # The address of the web app the e-mails link to (TEKUN_PUBLIC_URL); "" = the path only.
    public_url: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    timezone: str
    data_dir: Path
    language: str
    # Security policy (not regulation): sessions and login throttling.
    session_idle_minutes: int = 8 * 60
    session_max_hours: int = 24
    cookie_secure: bool = False
    # Reverse proxies whose X-Forwarded-For is believed (TEKUN_TRUSTED_PROXIES).
    trusted_proxies: tuple[IPNetwork, ...] = ()
    # E-mail of notices (TEKUN_SMTP_*; off by default).
    smtp: SmtpSettings = SmtpSettings()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:")


def _secret_key(data_dir: Path) -> str:
    key = os.environ.get("TEKUN_SECRET_KEY", "").strip()
    if key:
        if len(key) < 16:
            raise SettingsError("TEKUN_SECRET_KEY must be at least 16 characters")
        return key
    path = data_dir / "secret.key"
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        # Created with owner-only permissions; never committed (var/ is ignored).
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process created it: wait until its key is written.
        for _attempt in range(50):
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.1)
        raise SettingsError(f"{path} is empty: delete it or set TEKUN_SECRET_KEY") from None
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def parse_trusted_proxies(text: str) -> tuple[IPNetwork, ...]:
    """TEKUN_TRUSTED_PROXIES: addresses and CIDR networks, comma-separated (spaces and empty items
    ignored). A host name, a network with host bits set, ``*`` or a /0 network is refused: the
    last two would believe ``X-Forwarded-For`` from every client."""
    networks: list[IPNetwork] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        if item == "*":
            raise SettingsError(
                "TEKUN_TRUSTED_PROXIES: '*' would believe X-Forwarded-For from every client; "
                "list the addresses of your reverse proxies"
            )
        try:
            network = ipaddress.ip_network(item)
        except ValueError as exc:
            if "host bits set" in str(exc):
                fixed = ipaddress.ip_network(item, strict=False)
                raise SettingsError(f"TEKUN_TRUSTED_PROXIES: {item!r} has host bits set; write the network as {fixed}") from None
            raise SettingsError(
                f"TEKUN_TRUSTED_PROXIES: {item!r} is not an IP address or CIDR network (e.g. 10.0.0.5, 10.0.0.0/24, fd00::/8)"
            ) from None
        if network.prefixlen == 0:
            raise SettingsError(
                f"TEKUN_TRUSTED_PROXIES: {item!r} would believe X-Forwarded-For from every client; "
                "list the addresses of your reverse proxies"
            )
        networks.append(network)
    return tuple(networks)


SMTP_ADDRESS = r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+"


def parse_smtp(environ) -> SmtpSettings:
    """The TEKUN_SMTP_* variables, checked: a port 1-65535, STARTTLS 0 or 1, a sender address
    when a host is set, a password only with a user."""
    host = environ.get("TEKUN_SMTP_HOST", "").strip()
    raw_port = environ.get("TEKUN_SMTP_PORT", "").strip() or "25"
    if not raw_port.isdigit() or not 1 <= int(raw_port) <= 65535:
        raise SettingsError(f"TEKUN_SMTP_PORT must be a port number from 1 to 65535, not {raw_port!r}")
    starttls = environ.get("TEKUN_SMTP_STARTTLS", "").strip() or "0"
    if starttls not in ("0", "1"):
        raise SettingsError(f"TEKUN_SMTP_STARTTLS must be 0 or 1, not {starttls!r}")
    user = environ.get("TEKUN_SMTP_USER", "").strip()
    password = environ.get("TEKUN_SMTP_PASSWORD", "")
    sender = environ.get("TEKUN_SMTP_FROM", "").strip()
    if host:
        if any(c in host for c in " /:@") or len(host) > 253:
            raise SettingsError(f"TEKUN_SMTP_HOST must be a host name or address without a port, not {host!r}")
        if not sender:
            raise SettingsError("TEKUN_SMTP_FROM must be set (the sender address) when TEKUN_SMTP_HOST is set")
        if not re.fullmatch(SMTP_ADDRESS, sender):
            raise SettingsError(f"TEKUN_SMTP_FROM must be an e-mail address like tekun@example.org, not {sender!r}")
    if password and not user:
        raise SettingsError("TEKUN_SMTP_PASSWORD is set but TEKUN_SMTP_USER is empty")
    public_url = environ.get("TEKUN_PUBLIC_URL", "").strip().rstrip("/")
    if public_url and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", public_url):
        raise SettingsError(f"TEKUN_PUBLIC_URL must be an address like https://tekun.example.org, not {public_url!r}")
    return SmtpSettings(
        host=host,
        port=int(raw_port),
        user=user,
        password=password,
        sender=sender,
        starttls=starttls == "1",
        public_url=public_url,
    )


def load_settings() -> Settings:
    data_dir = Path(os.environ.get("TEKUN_DATA_DIR", "var") or "var")
    database_url = os.environ.get("TEKUN_DATABASE_URL", "").strip()
    if not database_url:
        database_url = f"sqlite:///{data_dir / 'tekun.sqlite3'}"
    if not database_url.startswith(("sqlite:///", "postgresql://", "postgres://", "cockroachdb://")):
        raise SettingsError("TEKUN_DATABASE_URL must start with sqlite:///, postgresql:// or cockroachdb://")
    timezone = os.environ.get("TEKUN_TIMEZONE", "Asia/Shanghai").strip() or "Asia/Shanghai"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(f"TEKUN_TIMEZONE: unknown time zone {timezone!r}") from exc
    language = os.environ.get("TEKUN_LANGUAGE", "zh_CN").strip() or "zh_CN"
    if language not in LANGUAGES:
        raise SettingsError(f"TEKUN_LANGUAGE must be one of {', '.join(LANGUAGES)}")
    return Settings(
        database_url=database_url,
        secret_key=_secret_key(data_dir),
        timezone=timezone,
        data_dir=data_dir,
        language=language,
        cookie_secure=os.environ.get("TEKUN_COOKIE_SECURE", "") == "1",
        trusted_proxies=parse_trusted_proxies(os.environ.get("TEKUN_TRUSTED_PROXIES", "")),
        smtp=parse_smtp(os.environ),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
