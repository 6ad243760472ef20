"""Settings read once from the environment (interfaces.md §1) into a frozen object."""

from __future__ import annotations

import ipaddress
import os
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
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
