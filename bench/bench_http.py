"""Live update under load: the HTMX partial against the cheapest authenticated page, side by side.

Run from the repository root (``make bench-http``)::

    .venv/bin/python bench/bench_http.py [--levels 1,8,32] [--duration 10] [--workers 4]
                                         [--databases postgresql,sqlite]

For each database the script creates a fresh one (``escc_bench_http`` on the local PostgreSQL,
an SQLite file under ``bench/results/``), migrates it, collects the hashed static files, creates a
clinician, and starts ``gunicorn escc_site.wsgi`` with sync workers on 127.0.0.1 and production
settings (``DEBUG=false``). One asyncio client (aiohttp) logs in once per simulated clinician
through the real log-in form (CSRF token, session cookie), then at each concurrency level:

* saturation: closed-loop clients (each sends its next request as soon as the last one is
  answered) drive the baseline and the partial in ``--slices`` interleaved slices of
  ``--duration``/``--slices`` seconds each, after ``--warmup`` seconds not counted. Interleaving
  exposes both endpoints to the same background load, so their ratio holds on a shared machine.
* paced: the same clients send the partial with a pause of ``--think`` seconds on average
  (uniform 0.5-1.5x) between requests, as clinicians clicking through the form, for
  ``--duration`` seconds: the latency a department feels.

The endpoints:

* baseline: ``GET /``, the home page, the cheapest page that needs a login (session, user, roles,
  the five most recent cases, the base template). ``/healthz`` is cheaper but needs no login.
* partial: ``POST /cases/new/`` with ``HX-Request: true`` and ``X-CSRFToken``, a complete valid
  form (ex03 of the spec, SINS findings rotating through 36 combinations): form validation, rules,
  and the result-panel partial. Each answer is checked for the SINS total it must show.

Anything but the expected status and content, and any exception or timeout, counts as an error.
Prints a table and writes ``bench/results/http.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import common

# Points of the rotated findings; the rest of ex03 adds 1 (T6 is semi-rigid spine, 1 point).
PAIN = {"mechanical": 3, "occasional_nonmechanical": 1, "pain_free": 0}
BONE = {"lytic": 2, "mixed": 1, "blastic": 0}
COLLAPSE = {"gt_50": 3, "lt_50": 2, "no_collapse_gt_50_involved": 1, "none": 0}
FIXED_POINTS = 1  # T6 location; alignment normal and posterolateral none add nothing
VARIANTS = [
    (
        {**common.FORM_POST, "lesions-0-sins_pain": p, "lesions-0-sins_bone_lesion": b, "lesions-0-sins_collapse": c},
        FIXED_POINTS + pp + bp + cp,
    )
    for (p, pp), (b, bp), (c, cp) in itertools.product(PAIN.items(), BONE.items(), COLLAPSE.items())
]
MAX_REQUESTS_PER_RUN = 200_000  # a bound on top of the time bound

Request = Callable[[common.Session, int], Awaitable[bool]]


async def baseline(session: common.Session, n: int) -> bool:
    status, body = await session.request("GET", "/")
    return status == 200 and "Welcome" in body


async def partial(session: common.Session, n: int) -> bool:
    data, total = VARIANTS[n % len(VARIANTS)]
    status, body = await session.request(
        "POST", "/cases/new/", data=data, headers={"HX-Request": "true", "X-CSRFToken": session.csrf}
    )
    return status == 200 and f'data-testid="sins-total">{total}<' in body and 'id="pathway-title"' in body


ENDPOINTS: dict[str, tuple[str, Request]] = {
    "baseline": ("GET / (home)", baseline),
    "partial": ("POST /cases/new/ (HTMX)", partial),
}


class Tally:
    """Latencies of good answers, failures and time spent, summed over the slices of one measurement."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.failures = 0
        self.errors: list[str] = []  # a few samples for the report
        self.wall = 0.0
        self.cpu = 0.0
        self.shares: list[tuple[float, dict[str, float]]] = []  # (seconds, CPU shares) per slice

    def figures(self) -> dict[str, Any]:
        lat = self.latencies
        return {
            "requests": len(lat) + self.failures,
            "errors": self.failures,
            "error_samples": self.errors,
            "seconds": round(self.wall, 3),
            "rps": round(len(lat) / self.wall, 1) if self.wall else 0.0,
            "p50_ms": common.ms(common.percentile(lat, 50)),
            "p95_ms": common.ms(common.percentile(lat, 95)),
            "p99_ms": common.ms(common.percentile(lat, 99)),
            "max_ms": common.ms(max(lat) if lat else None),
            "client_cpu_pct": round(self.cpu / self.wall * 100, 1) if self.wall else 0.0,
            "machine_cpu_pct": self.machine_share(),
        }

    def machine_share(self) -> dict[str, float]:
        """Time-weighted CPU shares of the whole machine over all slices (100 = every core busy)."""
        seconds = sum(t for t, _ in self.shares)
        if not seconds:
            return {}
        keys = {k for _, share in self.shares for k in share}
        return {k: round(sum(t * share.get(k, 0.0) for t, share in self.shares) / seconds, 1) for k in sorted(keys)}


async def drive(
    sessions: Sequence[common.Session], request: Request, duration: float, tally: Tally, *, think: float = 0.0
) -> None:
    """Load from ``sessions`` for ``duration`` seconds, adding to ``tally``.

    ``think`` 0 is closed-loop saturation (the next request leaves when the answer arrives);
    otherwise each client pauses a random 0.5-1.5 x ``think`` seconds between requests.
    """
    loop = asyncio.get_running_loop()
    stop_at = loop.time() + duration
    counter = itertools.count()
    rng = random.Random(len(sessions))

    async def client(session: common.Session) -> None:
        if think:
            await asyncio.sleep(rng.uniform(0, think))  # clinicians do not click in step
        while loop.time() < stop_at:
            n = next(counter)
            if n >= MAX_REQUESTS_PER_RUN:
                return
            start = time.perf_counter()
            problem = ""
            try:
                if not await request(session, n):
                    problem = "unexpected status or content"
            except Exception as exc:  # every failure is counted, never hidden
                problem = f"{type(exc).__name__}: {exc}"[:200]
            if problem:
                tally.failures += 1
                if len(tally.errors) < 5:
                    tally.errors.append(problem)
            else:
                tally.latencies.append(time.perf_counter() - start)
            if think:
                await asyncio.sleep(min(rng.uniform(0.5 * think, 1.5 * think), max(0.0, stop_at - loop.time())))

    meter = common.CpuMeter()
    meter.start()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(client(s) for s in sessions))
    wall = time.perf_counter() - wall0
    tally.wall += wall
    tally.cpu += time.process_time() - cpu0
    tally.shares.append((wall, meter.stop()))


async def measure_level(
    sessions: Sequence[common.Session], *, duration: float, warmup: float, slices: int, think: float
) -> list[dict[str, Any]]:
    """One concurrency level: saturation of both endpoints, interleaved in slices, then the paced partial.

    Interleaving baseline and partial slices exposes both to the same background load, so the
    ratio between them holds even on a shared machine.
    """
    level = len(sessions)
    quiet = common.wait_for_quiet()
    for _, request in ENDPOINTS.values():
        await drive(sessions, request, warmup / 2, Tally())
    tallies = {key: Tally() for key in ENDPOINTS}
    for _ in range(slices):
        for key, (_, request) in ENDPOINTS.items():
            await drive(sessions, request, duration / slices, tallies[key])
    rows = [
        {"mode": "saturation", "clients": level, "endpoint": key, "label": ENDPOINTS[key][0], **tallies[key].figures()}
        for key in ENDPOINTS
    ]
    paced = Tally()
    await drive(sessions, partial, duration, paced, think=think)
    rows.append(
        {"mode": "paced", "clients": level, "endpoint": "partial", "label": ENDPOINTS["partial"][0], **paced.figures()}
    )
    for row in rows:
        row["quiet_before"] = quiet
        print(
            f"  {row['mode']:<10} {level:>3} clients {row['endpoint']:<8} {row['rps']:>8.1f} req/s"
            f"  p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms  errors {row['errors']}  CPU {row['machine_cpu_pct']}"
        )
    return rows


async def run_server(base: str, levels: Sequence[int], **options: Any) -> list[dict[str, Any]]:
    import aiohttp

    # Sync gunicorn workers close every connection; force_close keeps the client from reusing one.
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(), timeout=timeout) as http:
        sessions = [common.Session(http, base) for _ in range(max(levels))]
        gate = asyncio.Semaphore(4)  # log-ins hash a password: a few at a time

        async def login(session: common.Session) -> None:
            async with gate:
                await session.login()

        t0 = time.perf_counter()
        await asyncio.gather(*(login(s) for s in sessions))
        print(f"  {len(sessions)} clients logged in (one session each) in {time.perf_counter() - t0:.1f} s")
        rows = []
        for level in levels:
            rows += await measure_level(sessions[:level], **options)
        return rows


def ratios(rows: Sequence[dict[str, Any]]) -> dict[int, float | None]:
    """Partial / baseline throughput at saturation, per concurrency level."""
    by = {(r["clients"], r["endpoint"]): r for r in rows if r["mode"] == "saturation"}
    out: dict[int, float | None] = {}
    for level in sorted({r["clients"] for r in rows}):
        base, part = by.get((level, "baseline")), by.get((level, "partial"))
        out[level] = round(part["rps"] / base["rps"], 3) if base and part and base["rps"] else None
    return out


def check_targets(run: dict[str, Any]) -> dict[str, bool]:
    """The issue's targets at 8 clients, plus zero errors everywhere."""
    at8 = {(r["mode"], r["endpoint"]): r for r in run["rows"] if r["clients"] == 8}
    if not at8:
        return {}
    ratio = run["ratio_partial_to_baseline"].get(8)

    def p95_ok(mode: str) -> bool:
        p95 = at8[(mode, "partial")]["p95_ms"]
        return p95 is not None and p95 <= 25

    return {
        "ratio_at_8_ge_0.6": ratio is not None and ratio >= 0.6,
        "partial_p95_at_8_le_25ms_paced": p95_ok("paced"),
        "partial_p95_at_8_le_25ms_saturation": p95_ok("saturation"),
        "zero_errors": all(r["errors"] == 0 for r in run["rows"]),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,8,32", help="concurrent clients, comma-separated")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per level, endpoint and mode")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each level")
    parser.add_argument("--slices", type=int, default=5, help="interleaved baseline/partial slices at saturation")
    parser.add_argument("--think", type=float, default=0.5, help="mean pause between a paced client's requests")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--output", default="http", help="name of the JSON file under bench/results/")
    args = parser.parse_args(argv)
    common.prioritise()
    levels = [int(x) for x in args.levels.split(",")]
    if not 0 < args.duration <= 120 or not 0 <= args.warmup <= 30 or max(levels) > 256 or not 0 < args.think <= 10:
        parser.error("keep runs bounded: duration 0-120 s, warmup 0-30 s, think 0-10 s, at most 256 clients")

    load_before = os.getloadavg()
    runs: dict[str, Any] = {}
    for database in args.databases.split(","):
        print(f"== {database}: gunicorn, {args.workers} sync workers")
        if database == "postgresql":
            url = common.pg_recreate("escc_bench_http")
        elif database == "sqlite":
            url = common.sqlite_recreate("bench_http")
        else:
            parser.error(f"unknown database {database!r}")
        env = common.app_env(url)
        common.prepare_app(env)
        with common.gunicorn(env, workers=args.workers, log=common.RESULTS / f"gunicorn-http-{database}.log") as base:
            rows = asyncio.run(
                run_server(
                    base, levels, duration=args.duration, warmup=args.warmup, slices=args.slices, think=args.think
                )
            )
        run = {"rows": rows, "ratio_partial_to_baseline": ratios(rows)}
        run["targets"] = check_targets(run)
        runs[database] = run

    print()
    print(
        f"gunicorn {args.workers} sync workers; {args.duration:g} s per row; saturation = closed loop, "
        f"paced = a pause of {args.think:g} s (mean) between a client's requests"
    )
    table = []
    for database, run in runs.items():
        for r in run["rows"]:
            ratio = run["ratio_partial_to_baseline"][r["clients"]]
            show_ratio = r["mode"] == "saturation" and r["endpoint"] == "partial"
            table.append(
                [
                    database,
                    r["mode"],
                    r["clients"],
                    r["label"],
                    r["rps"],
                    r["p50_ms"],
                    r["p95_ms"],
                    r["p99_ms"],
                    r["errors"],
                    ratio if show_ratio else None,
                    r["client_cpu_pct"],
                ]
            )
    common.print_table(
        [
            "database",
            "mode",
            "clients",
            "endpoint",
            "req/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "errors",
            "ratio",
            "client CPU %",
        ],
        table,
    )
    for database, run in runs.items():
        checks = run["targets"]
        print(f"targets ({database}): " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in checks.items()))
    common.write_json(
        args.output,
        {
            "benchmark": "http",
            "workers": args.workers,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "slices": args.slices,
            "think_s": args.think,
            "levels": levels,
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
            "runs": runs,
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
