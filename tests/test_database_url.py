"""DATABASE_URL: one host, or several for a failover cluster (libpq picks the writable one)."""

from __future__ import annotations

import os
import socket

import psycopg
import pytest

from escc_site.database import database_from_url
from escc_site.env import ImproperSetting
from tests.test_foundation import PRODUCTION_ENV, run_manage

CLUSTER_URL = "postgres://escc@db1.hospital.example:5432,db2.hospital.example:5433/escc?target_session_attrs=read-write&connect_timeout=2"


def test_several_hosts_become_libpq_host_and_port_lists():
    db = database_from_url(CLUSTER_URL)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == (
        "db1.hospital.example,db2.hospital.example",
        "5432,5433",
        "escc",
        "escc",
    )
    assert db["OPTIONS"] == {"target_session_attrs": "read-write", "connect_timeout": "2"}


def test_one_host_reads_as_before():
    db = database_from_url("postgres://escc:secret@db.hospital.example:5432/escc")
    assert (db["HOST"], db["PORT"], db["NAME"], db["PASSWORD"]) == ("db.hospital.example", 5432, "escc", "secret")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgres://escc@db1,db2/escc", "target_session_attrs=read-write"),
        ("postgres://escc@db1,db2/escc?target_session_attrs=any", "target_session_attrs=read-write"),
        ("postgres://escc@db1:1,db2:2,db3:3/escc?target_session_attrs=read-write&port=1,2", "pair up"),
        ("mysql://x@y/z", "sqlite:///… or postgres://…"),
    ],
)
def test_unusable_urls_are_refused_with_the_reason(url, words):
    with pytest.raises(ImproperSetting, match=words.replace(".", r"\.").replace("?", r"\?")):
        database_from_url(url)


def test_a_cluster_url_without_read_write_stops_the_app_at_start_up():
    result = run_manage("check", **{**PRODUCTION_ENV, "DATABASE_URL": "postgres://escc@db1,db2/escc"})
    assert result.returncode != 0
    assert "target_session_attrs=read-write" in result.stderr


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # free once closed: nothing listens there


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs the PostgreSQL server")
def test_a_dead_first_host_is_skipped_for_the_next(settings):
    """What a failover looks like to the app: the first server is gone, the second is the primary."""
    live = settings.DATABASES["default"]
    url = (
        f"postgres://{live['USER']}@127.0.0.1:{_closed_port()},{live['HOST']}:{live['PORT'] or 5432}/postgres"
        "?target_session_attrs=read-write&connect_timeout=2"
    )
    db = database_from_url(url)
    with psycopg.connect(host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=db["USER"], **db["OPTIONS"]) as conn:
        assert conn.info.port == int(live["PORT"] or 5432)
        assert conn.execute("SHOW transaction_read_only").fetchone() == ("off",)
