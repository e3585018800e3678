"""DATABASE_URL into Django's database settings, including PostgreSQL's multi-host form for failover.

A highly available PostgreSQL has several servers, of which one accepts writes at a time. libpq
takes them all in one URL, ``postgres://user@db1:5432,db2:5432/escc?target_session_attrs=read-write``,
and connects to whichever is the primary now (docs/deployment.md, "Database failover").
dj-database-url reads single-host URLs only, so a URL with several hosts is read by psycopg's own
parser, which is libpq's.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import dj_database_url

from escc_site.env import ImproperSetting

POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")


def database_from_url(url: str) -> dict[str, Any]:
    """Django's ``DATABASES["default"]`` for ``url``; ImproperSetting when it cannot be used."""
    scheme = url.split("://", 1)[0].lower()
    if scheme in POSTGRES_SCHEMES and "," in urlsplit(url).netloc:
        return _multi_host(url)
    try:
        db: dict[str, Any] = dict(dj_database_url.parse(url))
    except ValueError as exc:  # unknown scheme etc.
        raise ImproperSetting(f"DATABASE_URL is not a usable database URL: {exc}") from None
    if db["ENGINE"] not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
        raise ImproperSetting("DATABASE_URL must be sqlite:///… or postgres://…")
    return db


def _multi_host(url: str) -> dict[str, Any]:
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = conninfo_to_dict(url)
    except ProgrammingError as exc:
        raise ImproperSetting(f"DATABASE_URL is not a usable PostgreSQL URL: {exc}") from None
    hosts = str(params.pop("host", "")).split(",")
    ports = str(params.pop("port", "")).split(",") if params.get("port") else []
    if not all(hosts) or (ports and len(ports) not in (1, len(hosts))):
        raise ImproperSetting("DATABASE_URL lists hosts and ports that do not pair up (host1:port1,host2:port2)")
    if params.get("target_session_attrs") not in ("read-write", "primary"):
        # Without it libpq takes the first server that answers, which may be a read-only standby.
        raise ImproperSetting("DATABASE_URL with several hosts needs ?target_session_attrs=read-write")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": params.pop("dbname", ""),
        "USER": params.pop("user", ""),
        "PASSWORD": params.pop("password", ""),
        "HOST": ",".join(hosts),
        "PORT": ",".join(ports),
        "OPTIONS": params,
    }
