"""The database's primary dies under load, its synchronous standby takes over: no 500, no save lost.

Run from the repository root (``make bench-failover``, about 3 minutes)::

    .venv/bin/python bench/bench_failover.py [--runs 3] [--servers 2] [--clinicians 6]
                                             [--duration 60] [--base-port 20700]

What it does, all on 127.0.0.1 and bounded in time (docs/deployment.md, "Database failover"):

1. Starts a pg_auto_failover formation of its own (Debian's ``postgresql-15-auto-failover``): a
   monitor and two PostgreSQL nodes, the second a synchronous standby of the first, with the
   monitor's health checks tightened as docs/deployment.md recommends. Migrates, creates the users.
2. Starts ``--servers`` gunicorns and the e-mail worker (``manage.py task_worker``), all with the
   multi-host ``DATABASE_URL`` (``…?target_session_attrs=read-write``), HAProxy in front, and an
   SMTP server (aiosmtpd) for the worker to deliver to.
3. Runs the cluster benchmark's mixed load (live updates, saves with save tokens, the board queue).
   On a timeline: pauses the e-mail worker and queues an e-mail (so it can only leave after the
   failover); kills the primary node, its keeper and PostgreSQL, with SIGKILL (as a machine dies);
   waits for the standby's promotion, then lets the worker go on; brings the old primary back,
   which rejoins as the new standby; with ``--switchover``, a planned switchover at the end.
4. Prints requests, answers by kind (no 500 allowed), the longest gap a client saw, the time
   from the kill to a writable new primary and to every client answering again, the rejoin time;
   then checks every save that answered success is in the database exactly once, that
   ``verify_audit`` passes on the new primary, and that the e-mail queued before the failover
   arrived after it. Exits 1 when any check fails.

Writes ``bench/results/failover.json`` (one entry per run).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import bench_cluster as cluster
import common

PG_BIN = cluster.PG_BIN
PG_AUTOCTL = shutil.which("pg_autoctl") or "/usr/bin/pg_autoctl"
DBNAME = "escc_failover"
MAIL_TO = "failover-check@hospital.example"

# The monitor's health checks, tightened from the defaults (5 s checks, 20 s to call a node
# unhealthy, 30 s demote timeout: about a minute to fail over) to fail over within about 15 s.
MONITOR_SETTINGS = {
    "pgautofailover.health_check_period": "1000",
    "pgautofailover.health_check_timeout": "1000",
    "pgautofailover.health_check_max_retries": "1",
    "pgautofailover.health_check_retry_delay": "500",
    "pgautofailover.node_considered_unhealthy_timeout": "4000",
    "pgautofailover.primary_demote_timeout": "6000",
}
# A primary cut off from the monitor and its standby stops taking writes after this many seconds;
# the monitor's demote timeout must be longer, so the two can never both take writes.
NETWORK_PARTITION_TIMEOUT = "4"


class Formation:
    """A pg_auto_failover monitor and two nodes in a temporary directory, owned by the postgres account."""

    def __init__(self, base_port: int) -> None:
        self.monitor_port = base_port + 31
        self.ports = {"node1": base_port + 32, "node2": base_port + 33}
        self.dir = Path(tempfile.mkdtemp(prefix="escc-failover-pg-"))
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.env = {
            **os.environ,
            "PATH": f"{PG_BIN}:{os.environ['PATH']}",
            # pg_autoctl keeps its state under XDG directories: here, not in the account's home.
            "XDG_CONFIG_HOME": str(self.dir / "config"),
            "XDG_DATA_HOME": str(self.dir / "share"),
            "XDG_RUNTIME_DIR": str(self.dir / "run"),
        }

    @property
    def monitor_url(self) -> str:
        return f"postgres://autoctl_node@127.0.0.1:{self.monitor_port}/pg_auto_failover?sslmode=disable"

    @property
    def database_url(self) -> str:
        hosts = ",".join(f"127.0.0.1:{port}" for port in self.ports.values())
        return f"postgres://postgres@{hosts}/{DBNAME}?target_session_attrs=read-write&connect_timeout=2"

    def _runner(self) -> list[str]:
        # PostgreSQL refuses to run as root; everything belongs to the postgres account.
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _autoctl(self, *args: str) -> None:
        done = subprocess.run(
            [*self._runner(), PG_AUTOCTL, *args], env=self.env, capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            raise RuntimeError(f"pg_autoctl {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")

    def _run(self, name: str) -> None:
        log = (self.dir / f"{name}.log").open("a")
        self.procs[name] = subprocess.Popen(
            [*self._runner(), PG_AUTOCTL, "run", "--pgdata", str(self.dir / name)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the keeper, its PostgreSQL and backends
        )

    def query(self, port: int, sql: str, dbname: str = DBNAME) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=port, user="postgres", dbname=dbname, connect_timeout=2, autocommit=True
        ) as conn:
            cursor = conn.execute(sql)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    def states(self) -> dict[str, str]:
        rows = self.query(
            self.monitor_port, "SELECT nodename, reportedstate FROM pgautofailover.node", "pg_auto_failover"
        )
        return dict(rows)  # type: ignore[arg-type]

    def _wait(self, what: str, done: Callable[[], bool], timeout: float = 90) -> float:
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            with contextlib.suppress(Exception):
                if done():
                    return time.monotonic() - t0
            time.sleep(0.2)
        raise RuntimeError(f"{what}: not within {timeout:.0f} s; logs in {self.dir}")

    def start(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        pgctl = str(PG_BIN / "pg_ctl")
        common_args = ["--hostname", "127.0.0.1", "--listen", "127.0.0.1", "--auth", "trust", "--no-ssl"]
        common_args += ["--pgctl", pgctl]
        monitor = str(self.dir / "monitor")
        self._autoctl("create", "monitor", "--pgdata", monitor, "--pgport", str(self.monitor_port), *common_args)
        self._run("monitor")
        self._wait("monitor up", lambda: bool(self.query(self.monitor_port, "SELECT 1", "pg_auto_failover")))
        for name, value in MONITOR_SETTINGS.items():
            self.query(self.monitor_port, f"ALTER SYSTEM SET {name} = {value}", "pg_auto_failover")
        self.query(self.monitor_port, "SELECT pg_reload_conf()", "pg_auto_failover")
        for name, port in self.ports.items():
            self._autoctl(
                "create", "postgres", "--pgdata", str(self.dir / name), "--pgport", str(port),
                "--name", name, "--dbname", DBNAME, "--monitor", self.monitor_url, *common_args,
            )  # fmt: skip
            self._autoctl(
                "config",
                "set",
                "--pgdata",
                str(self.dir / name),
                "timeout.network_partition_timeout",
                NETWORK_PARTITION_TIMEOUT,
            )
            self._run(name)
            wanted = {"node1": "single"} if name == "node1" else {"node1": "primary", "node2": "secondary"}
            self._wait(
                f"{name} joined", lambda wanted=wanted: all(self.states().get(n) == s for n, s in wanted.items())
            )
        sync = self.query(self.ports["node1"], "SHOW synchronous_standby_names")[0][0]
        print(f"  pg_auto_failover: monitor :{self.monitor_port}, node1 :{self.ports['node1']} (primary),"
              f" node2 :{self.ports['node2']} (standby; synchronous_standby_names {sync})")  # fmt: skip
        return self.database_url

    def primary(self) -> str:
        return next(name for name, state in self.states().items() if state in ("primary", "single", "wait_primary"))

    def kill(self, name: str) -> None:
        """SIGKILL to the node's whole process group: keeper, PostgreSQL and its backends, as a machine dies."""
        proc = self.procs[name]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        # PostgreSQL's own children may outlive the postmaster for a moment; nothing may keep the port.
        self._wait(f"{name} gone", lambda: not _port_open(self.ports[name]), timeout=20)

    def writable(self, name: str) -> bool:
        rows = self.query(self.ports[name], "SELECT pg_is_in_recovery(), current_setting('transaction_read_only')")
        return rows[0] == (False, "off")

    def wait_writable(self, name: str) -> float:
        return self._wait(f"{name} promoted", lambda: self.writable(name))

    def rejoin(self, name: str) -> float:
        """Start the node again; it rewinds and follows the new primary. Seconds until it is a standby."""
        self._run(name)
        return self._wait(f"{name} rejoined", self.settled)

    def settled(self) -> bool:
        """One primary and one standby in sync, nothing in transition."""
        return sorted(self.states().values()) == ["primary", "secondary"]

    def switchover(self) -> float:
        """A planned switchover (maintenance): seconds until the other node is primary and both are settled."""
        self._wait("formation settled before the switchover", self.settled)
        before = self.primary()
        t0 = time.monotonic()
        self._autoctl("perform", "switchover", "--pgdata", str(self.dir / before), "--wait", "60")
        self._wait("switchover settled", lambda: self.states().get(before) == "secondary" and self.primary() != before)
        return time.monotonic() - t0

    def stop(self) -> None:
        for proc in self.procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
        for log in self.dir.glob("*.log"):
            with contextlib.suppress(OSError):
                shutil.copy(log, common.RESULTS / f"failover-{log.name}")
        shutil.rmtree(self.dir, ignore_errors=True)


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class MailCatcher:
    """A real SMTP server (aiosmtpd) that keeps what it receives."""

    def __init__(self, port: int) -> None:
        from aiosmtpd.controller import Controller

        self.received: list[tuple[float, str]] = []
        catcher = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                catcher.received.append((time.monotonic(), ",".join(envelope.rcpt_tos)))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop(no_assert=True)


class Worker:
    """``manage.py task_worker`` in its own process group, paused and resumed with SIGSTOP/SIGCONT."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = (common.RESULTS / "failover-worker.log").open("w")
        self.proc = subprocess.Popen(
            [str(common.PYTHON), "manage.py", "task_worker", "--interval", "0.5"],
            cwd=common.ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, sig)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.signal(signal.SIGCONT)
            self.signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)  # type: ignore[union-attr]
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL)


QUEUE_EMAIL = """
from django.contrib.auth.models import User
from assessments.models import Case
from board.services import notification_create
user, _ = User.objects.get_or_create(username="failover_mail", defaults={{"email": {to!r}}})
case = Case.objects.order_by("pk").first()
notification_create(recipient=user, case=case, kind="decided")
print(user.email)
"""


def one_run(args: argparse.Namespace, n: int) -> dict[str, Any]:
    t_begin = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="escc-failover-"))
    formation = Formation(args.base_port)
    catcher = MailCatcher(args.base_port + 25)
    servers: list[cluster.AppServer] = []
    worker: Worker | None = None
    haproxy = None
    marks: dict[str, float] = {}
    try:
        database_url = formation.start()
        env = common.app_env(
            database_url,
            DB_CONN_MAX_AGE="60",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(args.base_port + 25),
            SITE_URL=f"http://127.0.0.1:{args.base_port + 80}",
        )
        common.prepare_app(env)
        users = [f"{common.BENCH_USER}{i}" for i in range(args.clinicians)]
        common.manage(
            env,
            "shell",
            "-c",
            cluster.CREATE_USERS.format(users=users, board=cluster.BOARD_USER, pw=common.BENCH_PASSWORD),
        )
        catcher.start()
        worker = Worker(env)
        worker.start()
        servers = [cluster.AppServer(i, args.base_port + i, env, args.workers) for i in range(1, args.servers + 1)]
        for server in servers:
            server.start()
        for server in servers:
            cluster.wait_for(f"http://127.0.0.1:{server.port}/healthz")
        lb_port = args.base_port + 80
        haproxy = cluster.start_haproxy(lb_port, servers, workdir)
        lb = f"http://127.0.0.1:{lb_port}"
        cluster.wait_for(f"{lb}/healthz")
        print(
            f"  run {n}: {args.servers} app servers x {args.workers} workers behind HAProxy;"
            f" load for {args.duration:.0f} s"
        )

        def queue_mail() -> None:
            worker.signal(signal.SIGSTOP)  # type: ignore[union-attr]
            common.manage(env, "shell", "-c", QUEUE_EMAIL.format(to=MAIL_TO))
            marks["mail queued"] = time.monotonic()

        def fail_over() -> None:
            old = formation.primary()
            new = next(name for name in formation.ports if name != old)
            marks["kill"] = time.monotonic()
            formation.kill(old)
            formation.wait_writable(new)
            marks["promoted"] = time.monotonic()
            marks["old primary"], marks["new primary"] = old, new  # type: ignore[assignment]
            worker.signal(signal.SIGCONT)  # type: ignore[union-attr]

        def rejoin() -> None:
            marks["rejoin took"] = formation.rejoin(str(marks["old primary"]))

        def switchover() -> None:
            marks["switchover took"] = formation.switchover()

        def timeline(at: Callable[[float, str, Callable[[], Any]], Awaitable[None]]) -> list[Awaitable[None]]:
            steps = [
                at(0.15, "paused the e-mail worker and queued an e-mail", queue_mail),
                at(0.25, "killed the primary node (SIGKILL: keeper, PostgreSQL, backends)", fail_over),
                at(0.5, "started the old primary again (it rejoins as the standby)", rejoin),
            ]
            if args.switchover:
                steps.append(at(0.8, "planned switchover (pg_autoctl perform switchover)", switchover))
            return steps

        meter = common.CpuMeter()
        meter.start()
        record = asyncio.run(cluster.run_load(args, lb, timeline))
        cpu = meter.stop()
        deadline = time.monotonic() + 60
        while not catcher.received and time.monotonic() < deadline:
            time.sleep(0.5)
        checks = cluster.check_database(env, record)
        states = formation.states()
        sync = formation.query(formation.ports[formation.primary()], "SHOW synchronous_standby_names")[0][0]
    finally:
        if haproxy is not None:
            haproxy.terminate()
            haproxy.wait(timeout=10)
        for server in servers:
            server.stop()
        worker_alive = worker.alive() if worker else False
        if worker is not None:
            worker.stop()
        catcher.stop()
        formation.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    start, stop_at = record.start, record.stop_at  # type: ignore[attr-defined]
    gap, gap_who = cluster.longest_gap(record, start, stop_at)
    recovered = cluster.recovery(record, "killed the primary node")
    promotion = marks["promoted"] - marks["kill"]
    mail = [t for t, to in catcher.received if to == MAIL_TO]
    mail_after = bool(mail) and mail[0] > marks["promoted"]
    total = sum(record.kinds.values())
    n500 = sum(n for kind, n in record.kinds.items() if kind.startswith("500"))
    print()
    common.print_table(
        ["action", *sorted(record.kinds)],
        [[a, *(c.get(k, 0) for k in sorted(record.kinds))] for a, c in sorted(record.by_action.items())],
    )
    print()
    print(f"requests {total:,}; answers by kind: {dict(sorted(record.kinds.items()))}")
    print(f"longest gap a client saw between two good answers: {gap:.2f} s ({gap_who})")
    print(
        f"kill -9 of the primary ({marks['old primary']}) to a writable new primary ({marks['new primary']}):"
        f" {promotion:.2f} s"
    )
    print(f"every client answering again {cluster._seconds(recovered)} s after the kill")
    print(f"old primary back as the standby {marks['rejoin took']:.1f} s after its start; states now {states};"
          f" synchronous_standby_names {sync}")  # fmt: skip
    print(
        f"saves: {checks['saves_answered_success']} answered success, {record.save_retries} repeats after a failure, "
        f"{checks['saves_given_up']} given up; missing in database {len(checks['missing'])}, "
        f"doubled {len(checks['doubled_tokens'])}, answered with another case {len(checks['answered_other_case'])};"
        f" cases whose versions differ from their successful saves {len(checks['cases_with_wrong_version_count'])}"
    )
    print(f"verify_audit on the new primary: {checks['verify_audit']}")
    print(
        "e-mail queued before the failover: "
        + (
            f"delivered {mail[0] - marks['promoted']:.1f} s after the promotion"
            if mail_after
            else "NOT delivered after it"
        )
        + f"; worker still running at the end: {worker_alive}"
    )
    if "switchover took" in marks:
        print(f"planned switchover: both nodes settled {marks['switchover took']:.1f} s after it began")
    elapsed = time.monotonic() - t_begin
    print(f"CPU % of the machine during the load: {cpu}; whole run {elapsed:.0f} s")
    ok = (
        n500 == 0
        and not checks["missing"]
        and not checks["doubled_tokens"]
        and not checks["cases_with_wrong_version_count"]
        and not checks["answered_other_case"]
        and checks["verify_audit_ok"]
        and record.login_redirects == 0
        and recovered is not None
        and recovered <= 30
        and mail_after
        and worker_alive
        and sorted(states.values()) == ["primary", "secondary"]
    )
    print(f"run {n}:", "OK" if ok else "FAILED")
    return {
        "requests": total,
        "kinds": dict(record.kinds),
        "longest_gap_s": round(gap, 2),
        "promotion_s": round(promotion, 2),
        "recovery_s": recovered,
        "rejoin_s": round(float(marks["rejoin took"]), 1),
        "switchover_s": round(float(marks["switchover took"]), 1) if "switchover took" in marks else None,
        "email_delivered_after_failover": mail_after,
        "worker_alive": worker_alive,
        "checks": checks,
        "events": [(round(t - start, 2), label) for t, label in record.events],
        "cpu_pct": cpu,
        "elapsed_s": round(elapsed, 1),
        "ok": ok,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1, help="runs one after another, each on a fresh formation")
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument("--clinicians", type=int, default=6)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--base-port", type=int, default=20700)
    parser.add_argument(
        "--switchover", action="store_true", help="also a planned switchover at 80%% of the run (use --duration 90)"
    )
    args = parser.parse_args()
    if not 1 <= args.servers <= 9 or not 30 <= args.duration <= 180 or not 1 <= args.runs <= 5:
        parser.error("1-9 servers, 30-180 s of load, 1-5 runs")
    if not Path(PG_AUTOCTL).exists():
        parser.error("pg_autoctl not found: apt-get install postgresql-15-auto-failover pg-auto-failover-cli")
    runs = [one_run(args, n) for n in range(1, args.runs + 1)]
    common.write_json("failover", {"options": vars(args), "runs": runs, "ok": all(r["ok"] for r in runs)})
    if args.runs > 1:
        print()
        common.print_table(
            [
                *("run", "requests", "500s", "promotion s", "recovery s", "longest gap s"),
                *("saves", "lost", "doubled", "e-mail", "ok"),
            ],
            [
                [
                    i, r["requests"], sum(v for k, v in r["kinds"].items() if k.startswith("500")), r["promotion_s"],
                    r["recovery_s"], r["longest_gap_s"], r["checks"]["saves_answered_success"],
                    len(r["checks"]["missing"]),
                    len(r["checks"]["doubled_tokens"]), r["email_delivered_after_failover"], r["ok"],
                ]
                for i, r in enumerate(runs, 1)
            ],
        )  # fmt: skip
    print("RESULT:", "OK" if all(r["ok"] for r in runs) else "FAILED")
    return 0 if all(r["ok"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
