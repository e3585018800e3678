"""Shared pieces of the benchmarks: the machine, tables, JSON results, databases, gunicorn, logins.

Every benchmark runs the app as a hospital would (``DEBUG=false``, hashed static files, a real
``SECRET_KEY``) on 127.0.0.1 only, against databases it creates itself (``escc_bench*`` on the
local PostgreSQL, or an SQLite file under ``bench/results/``). Nothing here changes the app's
settings: the only production default that does not suit plain HTTP is the ``Secure`` flag on the
session and CSRF cookies, and the load client simply sends its cookies back regardless of it.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime
import json
import os
import platform
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
BENCH_USER = "bench_clinician"
BENCH_PASSWORD = "bench-" + "not-a-secret-2026"  # a throw-away account in a throw-away database

# The spec's ex03 (as tests/factories.py): melanoma, grade 3, operable -> P8. Strings, as a browser posts.
FORM_POST: dict[str, str] = {
    "mrn": "H1234567",
    "patient_name": "Ann Example",
    "date_of_birth": "1960-05-17",
    "sex": "female",
    "clinical_notes": "",
    "lesions-0-escc_grade": "3",
    "neurologic_deficit": "true",
    "deficit_progressing": "false",
    "motor_status": "ambulatory_with_aid",
    "hours_nonambulatory": "",
    "urinary_symptoms": "false",
    "urinary_retention": "false",
    "histology": "melanoma",
    "other_radiosensitivity": "",
    "lesions-0-prior_radiation_in_field": "false",
    "lesions-0-spinal_level": "T6",
    "lesions-0-sins_pain": "occasional_nonmechanical",
    "lesions-0-sins_bone_lesion": "mixed",
    "lesions-0-sins_alignment": "normal",
    "lesions-0-sins_collapse": "none",
    "lesions-0-sins_posterolateral": "none",
    "lesions-0-stability_assessment": "not_assessed",
    "lesions-0-retropulsion": "false",
    "expected_survival": "gt_6_months",
    "surgical_candidate": "yes",
    "sbrt_available": "true",
    "oligometastatic": "false",
    "vte_contraindication": "false",
    # The lesion cards are a Django formset (one card here, the index lesion).
    "lesions-TOTAL_FORMS": "1",
    "lesions-INITIAL_FORMS": "0",
    "lesions-index": "0",
}


def with_lesions(form: dict[str, str], count: int) -> dict[str, str]:
    """The form with ``count`` lesion cards: the first is the index, the others fixed levels below it."""
    out = dict(form)
    first = {key.split("-", 2)[2]: value for key, value in form.items() if key.startswith("lesions-0-")}
    for number, level in enumerate(["T7", "L3", "L4", "C5", "C6", "S1", "T2"][: count - 1], start=1):
        out.update({f"lesions-{number}-{name}": value for name, value in first.items()})
        out[f"lesions-{number}-spinal_level"] = level
    out["lesions-TOTAL_FORMS"] = str(count)
    return out


# --- Reporting --------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram_gib = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        ram_gib = round(kib / 1024 / 1024, 1)
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": ram_gib,
        "python": platform.python_version(),
        "postgresql": postgres_version(),
        "niceness": os.getpriority(os.PRIO_PROCESS, 0),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def postgres_version() -> str | None:
    try:
        with pg_admin() as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception:  # only a label in the report; PostgreSQL may be absent
        return None


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile (``pct`` in 0-100) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A plain, aligned text table (the same layout as docs/performance.md, minus the pipes)."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths, strict=True))))
    for row in cells:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))))


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def write_json(name: str, payload: dict[str, Any]) -> Path:
    """Write ``bench/results/<name>.json`` with the machine attached; return its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **payload}, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")
    return path


class CpuMeter:
    """Who used the machine's CPU between ``start()`` and ``stop()``, in % of all cores.

    Groups: the app server (processes named gunicorn), PostgreSQL (named postgres), this
    process (the load client), and everything else, taken as the machine's busy time less the
    three. The machine may be shared, so "other" says how much of it the run really had.
    """

    shares: dict[str, float] | None = None  # the last stop()'s figures

    def start(self) -> None:
        self._t0 = self._snapshot()

    def stop(self) -> dict[str, float]:
        total0, busy0, procs0 = self._t0
        total1, busy1, procs1 = self._snapshot()
        span = max(1, total1 - total0)
        share = {"app": 0.0, "postgresql": 0.0, "client": 0.0, "browser": 0.0}
        for pid, (group, ticks) in procs1.items():
            if group in share:  # a process started meanwhile (the browser) counts from zero
                share[group] += ticks - (procs0[pid][1] if pid in procs0 else 0)
        out = {k: round(v / span * 100, 1) for k, v in share.items()}
        busy = round((busy1 - busy0) / span * 100, 1)
        out["other"] = round(max(0.0, busy - sum(out.values())), 1)
        out["idle"] = round(100 - busy, 1)
        self.shares = out
        return out

    @staticmethod
    def _snapshot() -> tuple[int, int, dict[int, tuple[str, int]]]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        total, idle = sum(fields), fields[3] + fields[4]
        me = os.getpid()
        procs: dict[int, tuple[str, int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                raw = (entry / "stat").read_text()
            except OSError:
                continue
            comm = raw[raw.index("(") + 1 : raw.rindex(")")]
            rest = raw[raw.rindex(")") + 2 :].split()
            ticks = int(rest[11]) + int(rest[12])  # utime + stime
            pid = int(entry.name)
            if pid == me:
                group = "client"
            elif comm.startswith("chrom"):
                group = "browser"
            else:
                group = {"gunicorn": "app", "postgres": "postgresql"}.get(comm, "other")
            procs[pid] = (group, ticks)
        return total, total - idle, procs


def prioritise() -> int:
    """Run the benchmark (and the server, load client and browser it starts) ahead of other work.

    This machine may be shared (other sessions' test suites); a production app server is not.
    Linux schedules sessions against each other as "autogroups", so the niceness is set on this
    process's autogroup as well as on the process: ``BENCH_NICE`` (default -10; 0 leaves the
    scheduling alone) for as long as the benchmark runs, then put back. PostgreSQL, a shared
    service, keeps its own priority. Returns the niceness in force.
    """
    wanted = int(os.environ.get("BENCH_NICE", "-10"))
    if wanted == 0:
        return os.getpriority(os.PRIO_PROCESS, 0)
    autogroup = Path("/proc/self/autogroup")
    with contextlib.suppress(OSError, ValueError, IndexError):
        before = int(autogroup.read_text().split("nice")[1])
        autogroup.write_text(str(wanted))
        atexit.register(_restore_autogroup, before)
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, 0, wanted)
    return os.getpriority(os.PRIO_PROCESS, 0)


def _restore_autogroup(nice: int) -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/autogroup").write_text(str(nice))


def wait_for_quiet(max_wait: float | None = None, busy_below: float = 30.0) -> dict[str, Any]:
    """Wait (bounded) until the machine is mostly idle, so a shared machine disturbs a run less.

    Samples the whole machine's CPU in 1 s windows until it is less than ``busy_below`` % busy,
    or ``max_wait`` seconds (env ``BENCH_QUIET_WAIT``, default 15) have passed. Returns what it saw.
    """
    if max_wait is None:
        max_wait = float(os.environ.get("BENCH_QUIET_WAIT", "15"))
    start = time.monotonic()
    meter = CpuMeter()
    busy = 100.0
    while True:
        meter.start()
        time.sleep(1)
        busy = 100 - meter.stop()["idle"]
        waited = time.monotonic() - start
        if busy < busy_below or waited >= max_wait:
            break
    if waited > 1.5:
        print(f"  (waited {waited:.0f} s for a quieter machine: {busy:.0f}% busy)")
    return {"waited_s": round(waited, 1), "busy_pct": round(busy, 1), "quiet": busy < busy_below}


# --- Databases ----------------------------------------------------------------------------------


@contextlib.contextmanager
def pg_admin() -> Iterator[Any]:
    import psycopg

    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True, connect_timeout=5) as conn:
        yield conn


def pg_recreate(dbname: str) -> str:
    """Drop and create ``dbname`` (must start with escc_bench); return its URL."""
    if not re.fullmatch(r"escc_bench\w*", dbname):
        raise ValueError(f"benchmarks only touch escc_bench* databases, not {dbname!r}")
    with pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')
    return f"{PG_ADMIN_URL}/{dbname}"


def sqlite_recreate(name: str) -> str:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


# --- The app, configured as in production -------------------------------------------------------


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """Environment for manage.py and gunicorn: production settings on plain-HTTP loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))}
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "AUDIT_HMAC_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, stdin: str | None = None, timeout: float = 600) -> str:
    """Run ``manage.py args`` with ``env``; raise with its output when it fails."""
    done = subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


CREATE_USER = """
from django.contrib.auth.models import Group, User
from accounts import roles
user, _ = User.objects.get_or_create(username={username!r}, defaults={{"first_name": "Bench"}})
user.set_password({password!r})
user.save()
user.groups.add(Group.objects.get(name=roles.CLINICIAN))
"""


def prepare_app(env: dict[str, str]) -> None:
    """Migrate, collect the hashed static files, and create the benchmark clinician."""
    t0 = time.perf_counter()
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "shell", "-c", CREATE_USER.format(username=BENCH_USER, password=BENCH_PASSWORD))
    print(f"  migrated, collected static files, created {BENCH_USER} in {time.perf_counter() - t0:.1f} s")


def free_port() -> int:
    """A free loopback port, or ``BENCH_PORT`` when set (a shared machine may give each user a range)."""
    if os.environ.get("BENCH_PORT"):
        return int(os.environ["BENCH_PORT"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, workers: int, log: Path, cpus: set[int] | None = None) -> Iterator[str]:
    """Run ``gunicorn escc_site.wsgi`` (sync workers) on a free loopback port; yield its base URL.

    ``cpus`` pins the server to those cores (the browser benchmark keeps the browser off them).
    """
    port = free_port()
    RESULTS.mkdir(parents=True, exist_ok=True)
    with log.open("w") as log_file:
        proc = subprocess.Popen(
            [
                str(GUNICORN),
                "escc_site.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--backlog",
                "256",
                "--timeout",
                "60",
                "--error-logfile",
                "-",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(base, proc, deadline=time.monotonic() + 30)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


def _wait_healthy(base: str, proc: subprocess.Popen[bytes], *, deadline: float) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}; see its log")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
            if response.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz within 30 s")


# --- An HTTP session that logs in like a browser ------------------------------------------------

_FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_HX_TOKEN = re.compile(r'"x-csrftoken": "([^"]+)"')


class Session:
    """One user's cookies and CSRF token over an ``aiohttp`` session.

    Cookies are kept by hand rather than by aiohttp's jar: production marks them ``Secure`` and a
    jar (rightly) will not send those over plain HTTP, but this loopback benchmark must.
    """

    def __init__(self, http: Any, base: str) -> None:
        self.http = http
        self.base = base
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        headers.update(extra or {})
        return headers

    def _keep_cookies(self, response: Any) -> None:
        for header in response.headers.getall("Set-Cookie", []):
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)

    async def request(
        self, method: str, path: str, *, data: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        async with self.http.request(
            method, self.base + path, data=data, headers=self._headers(headers), allow_redirects=False
        ) as response:
            body = await response.text()
            self._keep_cookies(response)
            return response.status, body

    async def login(self, username: str = BENCH_USER, password: str = BENCH_PASSWORD) -> None:
        """The real log-in form: GET for the CSRF token, POST, then pick up the rotated token."""
        status, body = await self.request("GET", "/accounts/login/")
        match = _FORM_TOKEN.search(body)
        if status != 200 or match is None:
            raise RuntimeError(f"login page answered {status} without a CSRF token")
        form = {"csrfmiddlewaretoken": match.group(1), "username": username, "password": password}
        status, _ = await self.request("POST", "/accounts/login/", data=form)
        if status != 302:
            raise RuntimeError(f"login POST answered {status}, expected a redirect")
        status, body = await self.request("GET", "/cases/new/")
        match = _HX_TOKEN.search(body)
        if status != 200 or match is None:
            raise RuntimeError(f"/cases/new/ answered {status} without the HTMX CSRF header")
        self.csrf = match.group(1)


def add_repo_to_path() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
