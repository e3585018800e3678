"""Server CPU per request, in-process: /healthz, the home page and the live-update partial, side by side.

Run from the repository root (``make bench-cpu``, about a minute)::

    .venv/bin/python bench/bench_cpu.py [--requests 300] [--database sqlite|postgresql]
                                        [--profile partial|home|healthz] [--top 30] [--lesions 1..8]

Production settings (``DEBUG=false``, the full middleware stack and hashed static files), a fresh
database (``escc_bench_cpu`` on the local PostgreSQL, or an SQLite file under ``bench/results/``),
one logged-in clinician. Each round sends the three requests in turn through Django's WSGI
handler (``django.test.Client``, which runs every middleware) and times each with
``time.process_time()``: the CPU of this process only, so PostgreSQL's own work is not in the
figure (with SQLite it is). Interleaving puts the three under the same background load, so the
ratio holds on a shared machine. The partial is a complete valid form (SINS findings rotating),
checked for the total it must show. ``--profile`` runs cProfile over that endpoint's requests and
prints the functions with the most time.

Prints the table and writes ``bench/results/cpu.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import os
import pstats
import statistics
import sys
import time
from typing import Any
from urllib.parse import urlencode

import common

FORM_TYPE = "application/x-www-form-urlencoded"
PAIN = {"mechanical": 3, "occasional_nonmechanical": 1, "pain_free": 0}
COLLAPSE = {"gt_50": 3, "lt_50": 2, "no_collapse_gt_50_involved": 1, "none": 0}
VARIANTS = [
    (
        {**common.FORM_POST, "lesions-0-sins_pain": p, "lesions-0-sins_collapse": c},
        1 + 1 + pp + cp,
    )  # mixed bone 1, T6 1
    for (p, pp), (c, cp) in itertools.product(PAIN.items(), COLLAPSE.items())
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="timed requests per endpoint")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--profile", choices=("partial", "home", "healthz"))
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--lesions", type=int, default=1, help="lesion cards in the partial's form (issue 13)")
    args = parser.parse_args()
    variants = [(common.with_lesions(data, args.lesions), total) for data, total in VARIANTS]

    url = common.pg_recreate("escc_bench_cpu") if args.database == "postgresql" else common.sqlite_recreate("cpu")
    env = common.app_env(url)
    common.prepare_app(env)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "escc_site.settings"
    common.add_repo_to_path()
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=common.BENCH_USER))
    page = client.get("/cases/new/")
    csrf = page.content.decode().split('"x-csrftoken": "', 1)[1].split('"', 1)[0]
    counter = itertools.count()
    headers = {"HX-Request": "true", "X-CSRFToken": csrf}

    def healthz() -> bool:
        return client.get("/healthz").status_code == 200

    def home() -> bool:
        response = client.get("/")
        return response.status_code == 200 and b"Welcome" in response.content

    def partial() -> bool:
        data, total = variants[next(counter) % len(variants)]
        # URL-encoded, as htmx sends a form (the test client would otherwise send multipart).
        response = client.post("/cases/new/", urlencode(data), content_type=FORM_TYPE, headers=headers)
        return response.status_code == 200 and f'data-testid="sins-total">{total}<'.encode() in response.content

    endpoints = {"healthz": healthz, "home": home, "partial": partial}
    for _ in range(args.warmup):
        for request in endpoints.values():
            if not request():
                raise RuntimeError(f"{request.__name__} answered wrongly during the warm-up")
    times: dict[str, list[float]] = {name: [] for name in endpoints}
    # CPU time, not wall time: on a shared machine the wall clock also counts the neighbours.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    meter = common.CpuMeter()
    meter.start()
    for _ in range(args.requests):
        for name, request in endpoints.items():
            profiling = profiler is not None and name == args.profile
            if profiling:
                profiler.enable()  # type: ignore[union-attr]
            t0 = time.process_time()
            ok = request()
            times[name].append(time.process_time() - t0)
            if profiling:
                profiler.disable()  # type: ignore[union-attr]
            if not ok:
                raise RuntimeError(f"{name} answered wrongly")
    shares = meter.stop()

    rows = []
    for name, values in times.items():
        rows.append(
            {
                "endpoint": name,
                "mean_ms": common.ms(statistics.fmean(values)),
                "p50_ms": common.ms(common.percentile(values, 50)),
                "p95_ms": common.ms(common.percentile(values, 95)),
            }
        )
    home_mean = statistics.fmean(times["home"])
    for row in rows:
        row["x_home"] = round(statistics.fmean(times[row["endpoint"]]) / home_mean, 2)
    print(
        f"CPU per request in-process ({args.database}, {args.requests} interleaved rounds, "
        f"{args.lesions} lesion(s) in the partial), process_time:"
    )
    common.print_table(
        ["endpoint", "mean ms", "p50 ms", "p95 ms", "x home"],
        [[r["endpoint"], r["mean_ms"], r["p50_ms"], r["p95_ms"], r["x_home"]] for r in rows],
    )
    print(f"machine CPU % during the run: {shares}")
    if profiler is not None:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(args.top)
        out.write("\n--- by own time ---\n")
        stats.sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())
    payload: dict[str, Any] = {
        "database": args.database,
        "requests": args.requests,
        "lesions": args.lesions,
        "rows": rows,
        "cpu_pct": shares,
    }
    common.write_json(f"cpu-{args.database}" + (f"-{args.lesions}-lesions" if args.lesions != 1 else ""), payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
