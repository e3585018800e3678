"""Server CPU per request, in-process: /healthz, the home page, the live-update partial and the badge.

Run from the repository root (``make bench-cpu``, about a minute)::

    .venv/bin/python bench/bench_cpu.py [--requests 300] [--database sqlite|postgresql] [--cases 5]
                                        [--profile ENDPOINT] [--top 30] [--layers ENDPOINT ...]
                                        [--dbname escc_bench_cpu] [--lesions 1..8]

Production settings (``DEBUG=false``, the full middleware stack and hashed static files), a fresh
database (``escc_bench_cpu`` on the local PostgreSQL, or an SQLite file under ``bench/results/``),
one logged-in clinician (with ``--cases`` saved cases, which the home page lists and audits). Each
round sends the four requests in turn through Django's WSGI handler (``django.test.Client``, which
runs every middleware) and times each with ``time.process_time()``: the CPU of this process only,
so PostgreSQL's own work is not in the figure (with SQLite it is). Interleaving puts them under the
same background load, so the ratios hold on a shared machine. The partial is a complete valid form
(SINS findings rotating), checked for the total it must show; the badge is the navigation's unread
count as HTMX polls it. ``--profile`` runs cProfile over that endpoint's requests and prints the
functions with the most time. ``--layers`` then sends that endpoint again, from a client whose
middleware is wrapped, and splits its CPU into each middleware's own time, the view, the SQL (the
driver and Django's execute; the ORM's building of a query stays with its caller), each context
processor and the template rendering (docs/performance.md, "home page and middleware").

Prints the tables and writes ``bench/results/cpu-<database>.json``.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import cProfile
import functools
import io
import itertools
import os
import pstats
import resource
import statistics
import sys
import time
import types
from collections.abc import Callable, Iterator
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


class Layers:
    """Exclusive CPU time of each part of a request: each middleware, the view, the SQL, the context
    processors, the template rendering and whatever the test client itself costs.

    A stack of open sections: a section's own time is its elapsed time less that of the sections
    opened inside it, so the parts add up to the request's total. Switched on for one endpoint.
    """

    def __init__(self) -> None:
        self.own: dict[str, float] = collections.defaultdict(float)
        self.calls: dict[str, int] = collections.defaultdict(int)
        self.stack: list[list[Any]] = []
        self.active = False

    @contextlib.contextmanager
    def section(self, name: str) -> Iterator[None]:
        if not self.active:
            yield
            return
        frame = [name, time.process_time(), 0.0]
        self.stack.append(frame)
        try:
            yield
        finally:
            self.stack.pop()
            elapsed = time.process_time() - frame[1]
            self.own[name] += elapsed - frame[2]
            self.calls[name] += 1
            if self.stack:
                self.stack[-1][2] += elapsed

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.section(name):
                return function(*args, **kwargs)

        return timed

    def install(self) -> None:
        """Wrap the middleware (as Django loads it), the view, the SQL, context processors and rendering."""
        from django.core.handlers import base
        from django.db import connections
        from django.template import engines
        from django.template.response import SimpleTemplateResponse
        from django.test.signals import template_rendered  # noqa: F401  (the client's own hook, left alone)

        layers = self
        original_import = base.import_string

        def import_middleware(path: str) -> Any:
            factory = original_import(path)
            short = "mw " + path.rsplit(".", 1)[-1]

            def make(get_response: Callable[..., Any]) -> Any:
                instance = factory(get_response)
                return _TimedMiddleware(instance, short, layers)

            make.sync_capable = getattr(factory, "sync_capable", True)  # type: ignore[attr-defined]
            make.async_capable = False  # type: ignore[attr-defined]
            return make

        base.import_string = import_middleware
        base.BaseHandler._get_response = self.wrap("view (resolve + view code)", base.BaseHandler._get_response)
        SimpleTemplateResponse.rendered_content = property(  # type: ignore[method-assign]
            self.wrap("template rendering", SimpleTemplateResponse.rendered_content.fget)
        )
        engine = engines["django"].engine
        engine.__dict__["template_context_processors"] = tuple(
            self.wrap(f"context processor {p.__module__.rsplit('.', 1)[-1]}.{p.__name__}", p)
            for p in engine.template_context_processors
        )

        def sql(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            with layers.section("SQL (ORM execute + driver)"):
                return execute(sql, params, many, context)

        for alias in connections:
            connections[alias].execute_wrappers.append(sql)

    def rows(self, requests: int) -> list[dict[str, Any]]:
        ordered = sorted(self.own.items(), key=lambda item: -item[1])
        return [
            {
                "part": name,
                "ms_per_request": round(1000 * t / requests, 3),
                "calls_per_request": self.calls[name] / requests,
            }
            for name, t in ordered
        ]


class _TimedMiddleware:
    """A middleware instance whose ``__call__`` and hooks are sections of the same name."""

    def __init__(self, instance: Any, name: str, layers: Layers) -> None:
        self._instance, self._name, self._layers = instance, name, layers
        for hook in ("process_view", "process_template_response", "process_exception"):
            if hasattr(instance, hook):
                timed = layers.wrap(name, getattr(instance, hook))
                # A bound method: Django names a hook by ``method.__self__``'s class in its checks.
                setattr(self, hook, types.MethodType(lambda _self, *args, _timed=timed: _timed(*args), self))

    def __call__(self, request: Any) -> Any:
        with self._layers.section(self._name):
            return self._instance(request)


def _minor_faults() -> int:
    """This process's minor page faults so far. A request that faults hundreds of times costs milliseconds
    more CPU (docs/performance.md, "page faults"): Python 3.11 frees a frame-stack chunk each time a call
    returns across its edge, and maps it again on the next call."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def make_endpoints(
    client_class: Any, user_model: Any, variants: list[tuple[dict[str, str], int]]
) -> dict[str, Callable[[], bool]]:
    """The three requests, each checking its answer, for a fresh logged-in client of its own."""
    client = client_class(HTTP_HOST="127.0.0.1")
    client.force_login(user_model.objects.get(username=common.BENCH_USER))
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

    def badge() -> bool:
        # The navigation's unread count as HTMX asks for it (every 30 s; the page itself carries the count at load).
        response = client.get("/notifications/count/", headers={"HX-Request": "true"})
        return response.status_code == 200 and b"notification-link" in response.content

    return {"healthz": healthz, "home": home, "partial": partial, "badge": badge}


def measure_layers(
    layers: Layers, name: str, requests: int, client_class: Any, user_model: Any, variants: list[Any]
) -> list[dict[str, Any]]:
    """Where one endpoint's CPU goes, part by part (a pass of its own after the timed rounds)."""
    layers.own.clear()
    layers.calls.clear()
    request = make_endpoints(client_class, user_model, variants)[name]  # a new client: its middleware is wrapped
    for _ in range(10):
        request()
    layers.active = True
    for _ in range(requests):
        with layers.section("test client, WSGI handler, request/response objects"):
            if not request():
                raise RuntimeError(f"{name} answered wrongly")
    layers.active = False
    return layers.rows(requests)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="timed requests per endpoint")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--profile", choices=("partial", "home", "healthz", "badge"))
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument(
        "--layers",
        action="append",
        choices=("partial", "home", "healthz", "badge"),
        help="after the timed rounds, split this endpoint's CPU by middleware, view, SQL, context processors "
        "and rendering (repeatable)",
    )
    parser.add_argument(
        "--cases", type=int, default=0, help="saved cases the clinician has (the home page lists the 5 newest)"
    )
    parser.add_argument("--dbname", default="escc_bench_cpu", help="PostgreSQL database to create (escc_bench*)")
    parser.add_argument("--lesions", type=int, default=1, help="lesion cards in the partial's form")
    args = parser.parse_args()
    variants = [(common.with_lesions(data, args.lesions), total) for data, total in VARIANTS]

    url = common.pg_recreate(args.dbname) if args.database == "postgresql" else common.sqlite_recreate("cpu")
    env = common.app_env(url)
    common.prepare_app(env)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "escc_site.settings"
    common.add_repo_to_path()
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client

    from tests.factories import make_case

    owner = User.objects.get(username=common.BENCH_USER)
    for n in range(args.cases):
        make_case(owner, patient={"mrn": f"B{n:07d}", "patient_name": f"Bench Patient {n}"})
    endpoints = make_endpoints(Client, User, variants)
    for _ in range(args.warmup):
        for request in endpoints.values():
            if not request():
                raise RuntimeError(f"{request.__name__} answered wrongly during the warm-up")
    times: dict[str, list[float]] = {name: [] for name in endpoints}
    faults = dict.fromkeys(endpoints, 0)
    # CPU time, not wall time: on a shared machine the wall clock also counts the neighbours.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    meter = common.CpuMeter()
    meter.start()
    for _ in range(args.requests):
        for name, request in endpoints.items():
            profiling = profiler is not None and name == args.profile
            if profiling:
                profiler.enable()  # type: ignore[union-attr]
            f0, t0 = _minor_faults(), time.process_time()
            ok = request()
            times[name].append(time.process_time() - t0)
            faults[name] += _minor_faults() - f0
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
                "page_faults": round(faults[name] / len(values), 1),
            }
        )
    home_mean = statistics.fmean(times["home"])
    for row in rows:
        row["x_home"] = round(statistics.fmean(times[row["endpoint"]]) / home_mean, 2)
    print(
        f"CPU per request in-process ({args.database}, {args.requests} interleaved rounds, "
        f"{args.cases} saved cases, {args.lesions} lesion(s) in the partial), process_time:"
    )
    common.print_table(
        ["endpoint", "mean ms", "p50 ms", "p95 ms", "x home", "page faults"],
        [[r["endpoint"], r["mean_ms"], r["p50_ms"], r["p95_ms"], r["x_home"], r["page_faults"]] for r in rows],
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
        "cases": args.cases,
        "lesions": args.lesions,
        "rows": rows,
        "cpu_pct": shares,
    }
    layers = Layers()
    if args.layers:
        layers.install()
    for name in args.layers or ():
        parts = measure_layers(layers, name, args.requests, Client, User, variants)
        total = sum(part["ms_per_request"] for part in parts)
        print(f"\n{name}: CPU by part ({args.requests} requests, {total:.2f} ms each with the timing's own cost):")
        common.print_table(
            ["part", "ms / request", "calls / request"],
            [[p["part"], p["ms_per_request"], p["calls_per_request"]] for p in parts],
        )
        payload[f"layers_{name}"] = parts
    common.write_json(f"cpu-{args.database}" + (f"-{args.lesions}-lesions" if args.lesions != 1 else ""), payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
