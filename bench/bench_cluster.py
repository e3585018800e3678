"""Several app servers behind HAProxy, one killed and brought back, PostgreSQL restarted: zero 500s.

Run from the repository root (``make bench-cluster``, under 5 minutes)::

    .venv/bin/python bench/bench_cluster.py [--servers 3] [--workers 2] [--clinicians 6]
                                            [--duration 60] [--base-port 20600]
                                            [--database-url postgres://…]

What it does, all on 127.0.0.1 and bounded in time:

1. Starts its own PostgreSQL cluster (``initdb``/``pg_ctl`` in a temporary directory, trust
   authentication, port base+32), because the run restarts it; ``--database-url`` uses an existing
   database instead and then skips the PostgreSQL restart. Migrates, collects static files,
   creates the clinicians and a tumor-board member.
2. Starts ``--servers`` gunicorns (production settings, ``DEBUG=false``, ports base+1…) and HAProxy
   (``bench/haproxy.cfg``, port base+80) with health checks on ``/healthz``.
3. Logs every clinician in once through HAProxy (the real log-in form) and runs a mixed load:
   each clinician changes findings (HTMX live updates), saves now and then, alternately a new case
   and a new version of its last case (with a save token, repeated with the same token after a
   failure, as a reload of the 503 page does),
   and opens the home page; the board member opens the board queue. Each client pauses
   0.1-0.4 s between requests.
4. On a timeline: kills app server 2 (SIGKILL to its whole process group, so in-flight requests
   die), brings it back, then restarts PostgreSQL (``pg_ctl restart -m fast``, which ends every
   connection).
5. Prints requests, answers by kind (status codes, connection errors), the longest gap any client
   saw between two good answers, the time to recover after the PostgreSQL restart, and whether
   the sessions survived (no request was sent to the log-in page after the kill). Then checks that
   every save that answered success is in the database exactly once (one history row per save
   token, of the case the answer named; each case's version and history count equal to its
   successful saves), and that ``manage.py verify_audit`` passes. Exits 1 when any check fails or any answer
   was a 500.

Writes ``bench/results/cluster.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import itertools
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import common

PG_BIN = Path(max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name)))
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
BOARD_USER = "bench_board"
CASE_URL = re.compile(r"^/cases/(\d+)/$")
SINS_TOTAL = re.compile(r'data-testid="sins-total">(\d+)<')
PAINS = ("mechanical", "occasional_nonmechanical", "pain_free")


# --- PostgreSQL of our own ------------------------------------------------------------------------


class OwnPostgres:
    """A throw-away PostgreSQL cluster this benchmark may stop and restart (never the shared one)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="escc-cluster-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"  # the postgres account may not reach the worktree

    def _as_postgres(self, *args: str, timeout: float = 120) -> None:
        # initdb refuses to run as root; the data directory belongs to the postgres account.
        runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*runner, *args], check=True, capture_output=True, timeout=timeout)

    def _pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c max_connections=100 -c fsync=on"
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", *args)

    def start(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self._pg_ctl("start")
        subprocess.run(
            [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "escc_cluster"],
            check=True,
            capture_output=True,
        )
        return f"postgres://postgres@127.0.0.1:{self.port}/escc_cluster"

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._pg_ctl("stop", "-m", "fast")
        with contextlib.suppress(OSError):
            shutil.copy(self.log, common.RESULTS / "cluster-postgres.log")
        shutil.rmtree(self.dir, ignore_errors=True)


# --- App servers and the load balancer -----------------------------------------------------------


class AppServer:
    """One gunicorn in its own process group, so a kill takes its workers (and their requests) too."""

    def __init__(self, n: int, port: int, env: dict[str, str], workers: int) -> None:
        self.n, self.port, self.env, self.workers = n, port, env, workers
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = (common.RESULTS / f"cluster-app{self.n}.log").open("a")
        self.proc = subprocess.Popen(
            [
                str(common.GUNICORN),
                "escc_site.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "30",
                "--error-logfile",
                "-",
            ],
            cwd=common.ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def start_haproxy(lb_port: int, servers: list[AppServer], workdir: Path) -> subprocess.Popen[bytes]:
    errorfile = workdir / "503.http"
    errorfile.write_text(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html; charset=utf-8\r\nRetry-After: 5\r\n"
        "Cache-Control: no-store\r\nConnection: close\r\n\r\n"
        "<!doctype html><html lang=en-GB><title>Service restarting</title><h1>The service is restarting</h1>"
        "<p><strong>Nothing was saved.</strong> Reload this page in a few seconds.</p></html>\n"
    )
    lines = "\n".join(f"    server app{s.n} 127.0.0.1:{s.port} check" for s in servers)
    template = (common.ROOT / "bench" / "haproxy.cfg").read_text()
    config = template.format(lb_port=lb_port, errorfile_503=errorfile, server_maxconn=servers[0].workers, servers=lines)
    path = workdir / "haproxy.cfg"
    path.write_text(config)
    subprocess.run([HAPROXY, "-c", "-q", "-f", str(path)], check=True)
    log = (common.RESULTS / "cluster-haproxy.log").open("w")
    return subprocess.Popen([HAPROXY, "-db", "-f", str(path)], stdout=log, stderr=subprocess.STDOUT)


def wait_for(url: str, timeout: float = 40) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
            if response.status == 200:
                return
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s")


# --- The load -------------------------------------------------------------------------------------


class Record:
    """Everything the clients saw: answers by kind, good-answer times per client, the saves."""

    def __init__(self) -> None:
        self.kinds: collections.Counter[str] = collections.Counter()
        self.by_action: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        self.good_times: dict[str, list[float]] = collections.defaultdict(list)
        self.saved: dict[str, int] = {}  # save token -> case id, for every save that answered success
        self.unsaved: set[str] = set()  # tokens given up on (still must not be stored twice)
        self.save_retries = 0
        self.last_case: dict[str, int] = {}  # client -> its last saved case
        self.versions: dict[int, int] = {}  # case -> versions this run's successful saves made
        self.login_redirects = 0
        self.latencies: list[float] = []
        self.fail_times: list[float] = []
        self.events: list[tuple[float, str]] = []

    def note(self, who: str, action: str, kind: str, at: float, latency: float, good: bool) -> None:
        self.kinds[kind] += 1
        self.by_action[action][kind] += 1
        if good:
            self.good_times[who].append(at)
            self.latencies.append(latency)
        else:
            self.fail_times.append(at)


async def timed(session: common.Session, method: str, path: str, **kwargs: Any) -> tuple[str, int, str, dict]:
    """One request; the answer's kind is its status code, or the exception's name."""
    try:
        async with session.http.request(
            method,
            session.base + path,
            headers=session._headers(kwargs.pop("headers", None)),
            allow_redirects=False,
            **kwargs,
        ) as response:
            body = await response.text()
            session._keep_cookies(response)
            kind = str(response.status)
            if response.status == 503:
                # The app's own page (a database fault) or HAProxy's (no app server ready).
                kind += " app" if 'data-testid="unavailable-message"' in body else " haproxy"
                kind += "" if response.headers.get("Retry-After") else " (no Retry-After)"
            return kind, response.status, body, dict(response.headers)
    except Exception as exc:  # counted by kind, never hidden
        return type(exc).__name__, 0, "", {}


async def clinician(session: common.Session, who: str, record: Record, stop_at: float, rng: random.Random) -> None:
    loop = asyncio.get_running_loop()
    n = 0
    while loop.time() < stop_at:
        n += 1
        pain = PAINS[n % 3]
        data = {**common.FORM_POST, "lesions-0-sins_pain": pain}
        if n % 12 == 0:
            # Alternately a new case and a new version of this clinician's last case.
            last = record.last_case.get(who) if n % 24 == 0 else None
            await save_case(session, who, record, data, stop_at, edit=last)
        else:
            if n % 6 == 0:
                action, method, path, kwargs = "home", "GET", "/", {}
            else:
                headers = {"HX-Request": "true", "X-CSRFToken": session.csrf}
                action, method, path, kwargs = "live update", "POST", "/cases/new/", {"data": data, "headers": headers}
            t0 = time.perf_counter()
            kind, status, body, headers_in = await timed(session, method, path, **kwargs)
            good = status == 200 and (action != "live update" or SINS_TOTAL.search(body) is not None)
            if status in (302, 401) and (status == 401 or "/accounts/login/" in headers_in.get("Location", "")):
                record.login_redirects += 1
                kind = f"{kind} (logged out)"
            record.note(who, action, kind, loop.time(), time.perf_counter() - t0, good)
            if status in (502, 503, 504) or status == 0:
                await asyncio.sleep(0.5)  # as reconnect.js does, a little sooner than Retry-After
        await asyncio.sleep(rng.uniform(0.1, 0.4))


async def save_case(
    session: common.Session, who: str, record: Record, data: dict[str, str], stop_at: float, *, edit: int | None
) -> None:
    """A plain POST save with a save token; after a failure the same save again, as a reload sends it.

    ``edit``: the case to save a new version of (based on the version this client last saw), else a new case.
    """
    loop = asyncio.get_running_loop()
    token = str(uuid.uuid4())
    form = {**data, "save_token": token, "action": "save", "csrfmiddlewaretoken": session.csrf}
    path, action = "/cases/new/", "save (new case)"
    if edit is not None:
        form["version"] = str(record.versions[edit])
        path, action = f"/cases/{edit}/edit/", "save (new version)"
    for _ in range(40):
        t0 = time.perf_counter()
        kind, status, _, headers = await timed(session, "POST", path, data=form)
        match = CASE_URL.match(headers.get("Location", "")) if status == 302 else None
        record.note(who, action, kind, loop.time(), time.perf_counter() - t0, match is not None)
        if match:
            pk = int(match.group(1))
            if token in record.saved and record.saved[token] != pk:
                record.events.append((loop.time(), f"token {token} answered two different cases"))
            record.saved[token] = pk
            record.last_case[who] = pk
            record.versions[pk] = record.versions.get(pk, 0) + 1
            return
        if status in (302, 401):
            record.login_redirects += 1
            break
        record.save_retries += 1
        if loop.time() > stop_at + 20:
            break
        await asyncio.sleep(0.5)
    record.unsaved.add(token)


async def board_login(session: common.Session) -> None:
    """The log-in form as for a clinician; a board member has no case form to read a token from."""
    status, body = await session.request("GET", "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or token is None:
        raise RuntimeError(f"login page answered {status}")
    form = {"csrfmiddlewaretoken": token.group(1), "username": BOARD_USER, "password": common.BENCH_PASSWORD}
    status, _ = await session.request("POST", "/accounts/login/", data=form)
    if status != 302:
        raise RuntimeError(f"board member's log-in answered {status}")


async def board_member(session: common.Session, record: Record, stop_at: float, rng: random.Random) -> None:
    loop = asyncio.get_running_loop()
    while loop.time() < stop_at:
        t0 = time.perf_counter()
        kind, status, _, headers = await timed(session, "GET", "/board/")
        if status == 302 and "/accounts/login/" in headers.get("Location", ""):
            record.login_redirects += 1
        record.note("board", "board queue", kind, loop.time(), time.perf_counter() - t0, status == 200)
        await asyncio.sleep(rng.uniform(0.3, 0.8))


Timeline = Callable[[Callable[[float, str, Callable[[], Any]], Awaitable[None]]], list[Awaitable[None]]]


def cluster_timeline(servers: list[AppServer], pg: OwnPostgres | None) -> Timeline:
    """Kill an app server at 20% of the run, start it again at 45%, restart PostgreSQL at 70%."""

    def steps(at: Callable[[float, str, Callable[[], Any]], Awaitable[None]]) -> list[Awaitable[None]]:
        victim = servers[1]
        planned = [
            at(0.2, f"killed app server {victim.n} (SIGKILL, workers too)", victim.kill),
            at(0.45, f"started app server {victim.n} again", victim.start),
        ]
        if pg is not None:
            planned.append(at(0.7, "restarted PostgreSQL (pg_ctl restart -m fast)", pg.restart))
        return planned

    return steps


async def run_load(args: argparse.Namespace, lb: str, timeline: Timeline) -> Record:
    """The mixed load through ``lb`` for ``args.duration`` seconds, with ``timeline``'s events on the way."""
    import aiohttp

    record = Record()
    loop = asyncio.get_running_loop()
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        sessions = [common.Session(http, lb) for _ in range(args.clinicians)]
        for i, session in enumerate(sessions):
            await session.login(f"{common.BENCH_USER}{i}", common.BENCH_PASSWORD)
        board = common.Session(http, lb)
        await board_login(board)
        print(f"  logged in {len(sessions)} clinicians and 1 board member through HAProxy")
        start = loop.time()
        stop_at = start + args.duration
        rng = random.Random(16)
        tasks = [asyncio.create_task(clinician(s, f"c{i}", record, stop_at, rng)) for i, s in enumerate(sessions)]
        tasks.append(asyncio.create_task(board_member(board, record, stop_at, rng)))

        async def at(fraction: float, label: str, action: Any) -> None:
            await asyncio.sleep(max(0.0, start + fraction * args.duration - loop.time()))
            t = loop.time()
            await asyncio.to_thread(action)
            record.events.append((t, label))
            record.events.append((loop.time(), f"done: {label}"))
            print(f"  t={t - start:5.1f} s  {label} ({loop.time() - t:.2f} s)")

        await asyncio.gather(*timeline(at))
        await asyncio.gather(*tasks)
        record.start, record.stop_at = start, stop_at  # type: ignore[attr-defined]
    return record


# --- Report ----------------------------------------------------------------------------------------


def longest_gap(record: Record, start: float, stop_at: float) -> tuple[float, str]:
    worst, who_worst = 0.0, ""
    for who, times in record.good_times.items():
        points = [start, *sorted(times), stop_at]
        gap = max(b - a for a, b in itertools.pairwise(points))
        if gap > worst:
            worst, who_worst = gap, who
    return worst, who_worst


def recovery(record: Record, event_label: str, window: float = 30.0) -> float | None:
    """Seconds from the start of ``event_label`` until every client had a good answer after the last
    failed one of the next ``window`` seconds; 0 when no client saw a failure at all."""
    started = next((t for t, label in record.events if label.startswith(event_label)), None)
    if started is None:
        return None
    failures = [t for t in record.fail_times if started <= t <= started + window]
    if not failures:
        return 0.0
    last_failure = max(failures)
    firsts = []
    for times in record.good_times.values():
        after = [t for t in times if t > last_failure]
        if not after:
            return None
        firsts.append(after[0] - started)
    return max(firsts)


def _seconds(value: float | None) -> str:
    return "(never)" if value is None else f"{value:.2f}"


def check_database(env: dict[str, str], record: Record) -> dict[str, Any]:
    # Each save makes one history row carrying its token (a case keeps only its latest token), and
    # nothing else in this run (no submissions) copies a row: so one row per token, of the right case.
    script = (
        "import json; from assessments.models import Case; from django.db.models import Count, Max, Min\n"
        "H = Case.history.model\n"
        "rows = H.objects.exclude(save_token=None).values('save_token')"
        ".annotate(n=Count('history_id'), case=Min('id'), case2=Max('id'))\n"
        "ids = {str(r['save_token']): r['case'] for r in rows}\n"
        "hist = H.objects.values('id').annotate(n=Count('history_id'))\n"
        "versions = {str(c['id']): c['version'] for c in Case.objects.values('id', 'version')}\n"
        "print(json.dumps({'doubled': [str(r['save_token']) for r in rows if r['n'] > 1 or r['case'] != r['case2']],"
        " 'ids': ids, 'cases': Case.objects.count(), 'versions': versions,"
        " 'history': {str(h['id']): h['n'] for h in hist}}))\n"
    )
    import json

    stored = json.loads(common.manage(env, "shell", "-c", script).strip().splitlines()[-1])
    ids = stored["ids"]
    missing = [t for t in record.saved if t not in ids]
    # Each case has exactly as many versions (and history rows) as saves of it answered success.
    wrong_versions = [
        pk
        for pk, n in record.versions.items()
        if stored["versions"].get(str(pk)) != n or stored["history"].get(str(pk)) != n
    ]
    wrong = [t for t, pk in record.saved.items() if t in ids and ids[t] != pk]
    done = subprocess.run(
        [str(common.PYTHON), "manage.py", "verify_audit"], cwd=common.ROOT, env=env, capture_output=True, text=True
    )
    return {
        "saves_answered_success": len(record.saved),
        "saves_given_up": len(record.unsaved),
        "given_up_but_stored": sum(1 for t in record.unsaved if t in ids),
        "missing": missing,
        "answered_other_case": wrong,
        "doubled_tokens": stored["doubled"],
        "versions_saved": sum(record.versions.values()),
        "cases_with_wrong_version_count": wrong_versions,
        "cases_in_database": stored["cases"],
        "verify_audit": (done.stdout or done.stderr).strip(),
        "verify_audit_ok": done.returncode == 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument("--clinicians", type=int, default=6)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--base-port", type=int, default=20600)
    parser.add_argument("--database-url", help="use this database; the PostgreSQL restart is then skipped")
    args = parser.parse_args()
    if not 2 <= args.servers <= 9 or args.duration > 180:
        parser.error("2-9 servers, at most 180 s of load")

    t_begin = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="escc-cluster-"))
    pg = None if args.database_url else OwnPostgres(args.base_port + 32)
    servers: list[AppServer] = []
    haproxy = None
    try:
        database_url = args.database_url or pg.start()  # type: ignore[union-attr]
        print(f"  database: {database_url}")
        env = common.app_env(database_url, DB_CONN_MAX_AGE="60")
        common.prepare_app(env)
        users = [f"{common.BENCH_USER}{i}" for i in range(args.clinicians)]
        common.manage(env, "shell", "-c", CREATE_USERS.format(users=users, board=BOARD_USER, pw=common.BENCH_PASSWORD))
        servers = [AppServer(n, args.base_port + n, env, args.workers) for n in range(1, args.servers + 1)]
        for server in servers:
            server.start()
        for server in servers:
            wait_for(f"http://127.0.0.1:{server.port}/healthz")
        lb_port = args.base_port + 80
        haproxy = start_haproxy(lb_port, servers, workdir)
        lb = f"http://127.0.0.1:{lb_port}"
        wait_for(f"{lb}/healthz")
        print(
            f"  {args.servers} app servers x {args.workers} workers behind HAProxy at {lb};"
            f" load for {args.duration:.0f} s"
        )
        meter = common.CpuMeter()
        meter.start()
        record = asyncio.run(run_load(args, lb, cluster_timeline(servers, pg)))
        cpu = meter.stop()
        checks = check_database(env, record)
    finally:
        if haproxy is not None:
            haproxy.terminate()
            haproxy.wait(timeout=10)
        for server in servers:
            server.stop()
        if pg is not None:
            pg.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    start, stop_at = record.start, record.stop_at  # type: ignore[attr-defined]
    gap, gap_who = longest_gap(record, start, stop_at)
    failover = recovery(record, "killed app server")
    pg_recovery = recovery(record, "restarted PostgreSQL")
    pg_took = next(
        (t for t, label in record.events if label == "done: restarted PostgreSQL (pg_ctl restart -m fast)"), 0.0
    ) - next((t for t, label in record.events if label.startswith("restarted PostgreSQL")), 0.0)
    total = sum(record.kinds.values())
    n500 = sum(n for kind, n in record.kinds.items() if kind.startswith("500"))
    print()
    common.print_table(
        ["action", *sorted(record.kinds)],
        [
            [action, *(counts.get(k, 0) for k in sorted(record.kinds))]
            for action, counts in sorted(record.by_action.items())
        ],
    )
    print()
    print(f"requests {total:,}; answers by kind: {dict(sorted(record.kinds.items()))}")
    print(
        f"good answers p50 {common.ms(common.percentile(record.latencies, 50))} ms, "
        f"p95 {common.ms(common.percentile(record.latencies, 95))} ms"
    )
    print(f"longest gap a client saw between two good answers: {gap:.2f} s ({gap_who})")
    print(f"app-server kill: every client answering again {_seconds(failover)} s after it (0: nobody saw it)")
    if pg is not None:
        print(
            f"PostgreSQL restart: every client answering again {_seconds(pg_recovery)} s after the restart began"
            f" (the restart itself took {pg_took:.2f} s)"
        )
    print(
        f"sessions: {args.clinicians + 1} logged in once, before the kill;"
        f" answers sending a client back to the log-in page: {record.login_redirects}"
    )
    print(
        f"saves: {checks['saves_answered_success']} answered success, {record.save_retries} repeats after a failure, "
        f"{checks['saves_given_up']} given up; missing in database {len(checks['missing'])}, "
        f"doubled {len(checks['doubled_tokens'])}, answered with another case {len(checks['answered_other_case'])}"
    )
    print(
        f"versions: {checks['versions_saved']} answered success over {len(record.versions)} cases;"
        f" cases whose version and history count differ from that: {len(checks['cases_with_wrong_version_count'])}"
    )
    print(f"verify_audit: {checks['verify_audit']}")
    print(f"CPU % of the machine during the load: {cpu}")
    elapsed = time.monotonic() - t_begin
    print(f"whole run {elapsed:.0f} s")
    ok = (
        n500 == 0
        and not checks["missing"]
        and not checks["doubled_tokens"]
        and not checks["cases_with_wrong_version_count"]
        and not checks["answered_other_case"]
        and checks["verify_audit_ok"]
        and record.login_redirects == 0
        and not any("two different" in label for _, label in record.events)
    )
    common.write_json(
        "cluster",
        {
            "options": vars(args),
            "requests": total,
            "kinds": dict(record.kinds),
            "by_action": {k: dict(v) for k, v in record.by_action.items()},
            "p50_ms": common.ms(common.percentile(record.latencies, 50)),
            "p95_ms": common.ms(common.percentile(record.latencies, 95)),
            "longest_gap_s": round(gap, 3),
            "failover_recovery_s": failover,
            "postgres_recovery_s": pg_recovery,
            "postgres_restart_took_s": round(pg_took, 2),
            "login_redirects": record.login_redirects,
            "save_retries": record.save_retries,
            "events": [(round(t - start, 2), label) for t, label in record.events],
            "checks": checks,
            "cpu_pct": cpu,
            "elapsed_s": round(elapsed, 1),
            "ok": ok,
        },
    )
    print("RESULT:", "OK" if ok else "FAILED")
    return 0 if ok else 1


CREATE_USERS = """
from django.contrib.auth.models import Group, User
from accounts import roles
for name in {users!r}:
    user, _ = User.objects.get_or_create(username=name, defaults={{"first_name": name}})
    user.set_password({pw!r})
    user.save()
    user.groups.add(Group.objects.get(name=roles.CLINICIAN))
board, _ = User.objects.get_or_create(username={board!r}, defaults={{"first_name": "Board"}})
board.set_password({pw!r})
board.save()
board.groups.add(Group.objects.get(name=roles.TUMOR_BOARD))
"""


if __name__ == "__main__":
    sys.exit(main())
