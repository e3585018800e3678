"""Scale with saved cases: page latency and SQL queries per page at 1k, 100k and 1M cases in PostgreSQL.

Run from the repository root (``make bench-scale``)::

    .venv/bin/python bench/bench_scale.py [--sizes 1000,100000,1000000] [--requests 50]

Creates ``escc_bench_scale`` on the local PostgreSQL and migrates it, then grows it to each size
in turn with plain SQL (``INSERT ... SELECT generate_series``, never the ORM row by row): 200
clinicians share the cases, the measured clinician owns 1% of them (twice an average
clinician's share); dates spread over three years; statuses follow age (recent cases are drafts,
at the board or decided; older ones mostly closed); every case has its creation history record,
and decided or closed cases a signed board decision (one in seven departing from the
recommendation), mirrored on the case as the app does. The ``result`` snapshot of each row is one
of a dozen real ``rules.evaluate`` results, with inputs and denormalised columns to match.
After each load: ``VACUUM ANALYZE``, as autovacuum would have done. The snapshots are stored with
lz4 TOAST compression (a session setting) because pglz makes the 1M load several minutes longer.

At each size every page that exists is requested in-process through Django's test client
(whole middleware stack, production settings, ``DEBUG=false``): ``--warmup`` requests, then
``--requests`` timed ones (p50/p95), then one under ``CaptureQueriesContext`` for the number of
SQL queries and the slowest query, which at the largest size is also run under
``EXPLAIN (ANALYZE, BUFFERS)`` and stored in the JSON file. Board pages are measured when
``assessments:board_queue`` / ``assessments:board_dashboard`` resolve (built separately);
otherwise they are reported as pending. Prints a table and writes ``bench/results/scale.json``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Sequence
from typing import Any

import common

OTHER_CLINICIANS = 200
MEASURED_SHARE = 100  # the measured clinician owns every 100th case: 1%
SNAPSHOTS = 12
BOARD_USER = "bench_board"


# --- Data -----------------------------------------------------------------------------------------


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "escc_site.settings"
    common.add_repo_to_path()
    import logging

    import django

    django.setup()
    # A page that fails is recorded in the results; its traceback on the console would drown the table.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)


def snapshot_rows() -> list[dict[str, Any]]:
    """A dozen consistent cases with their real rules result, as column values."""
    sys.path.insert(0, str(common.ROOT / "bench"))
    import bench_rules

    from assessments import rules
    from assessments.models import ASSESSMENT_FIELDS, URGENCY_RANK

    rng = random.Random(7)
    rows = []
    while len(rows) < SNAPSHOTS:
        case = bench_rules.random_case(rng)
        if case.deficit_progressing and not case.neurologic_deficit:
            continue  # the form refuses this combination
        result = rules.evaluate(case)
        flat = case.flat_values()  # the Case model holds the one-lesion (flat) shape
        values = {name: getattr(flat[name], "value", flat[name]) for name in ASSESSMENT_FIELDS}
        values.update(
            rule_set=result.rule_set,
            result=result.to_dict(),
            pathway_code=result.pathway.code.value,
            pathway_rule=result.pathway.rule.value,
            urgency=result.urgency.value,
            urgency_rank=URGENCY_RANK[result.urgency],
            sins_total=result.sins.total,
        )
        rows.append(values)
    return rows


def create_people() -> dict[str, int]:
    """200 other clinicians (SQL), a tumor-board member; return the user ids the load needs."""
    from django.contrib.auth.models import Group, User
    from django.db import connection

    from accounts import roles

    board, _ = User.objects.get_or_create(username=BOARD_USER, defaults={"first_name": "Board"})
    board.groups.add(Group.objects.get(name=roles.TUMOR_BOARD))
    clinician_group = Group.objects.get(name=roles.CLINICIAN).pk
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
                                   is_staff, is_active, date_joined)
            SELECT '!', false, 'clinician_' || g, 'Clinician', g::text, '', false, true, now()
            FROM generate_series(1, %s) AS g
            ON CONFLICT (username) DO NOTHING
            """,
            [OTHER_CLINICIANS],
        )
        cur.execute(
            """
            INSERT INTO auth_user_groups (user_id, group_id)
            SELECT id, %s FROM auth_user WHERE username LIKE 'clinician\\_%%'
            ON CONFLICT DO NOTHING
            """,
            [clinician_group],
        )
    return {
        "measured": User.objects.get(username=common.BENCH_USER).pk,
        "board": board.pk,
    }


def create_snapshot_table(rows: list[dict[str, Any]]) -> list[str]:
    """``bench_snapshot(k, <case columns>)`` holding the precomputed snapshots; return the columns."""
    from django.db import connection
    from psycopg.types.json import Jsonb

    columns = list(rows[0])
    from assessments.models import Case

    types = {f.column: f.db_type(connection) for f in Case._meta.concrete_fields}
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_snapshot")
        cur.execute(
            "CREATE TABLE bench_snapshot (k integer PRIMARY KEY, "
            + ", ".join(f'"{c}" {types[c]}' for c in columns)
            + ")"
        )
        placeholders = ", ".join(["%s"] * (len(columns) + 1))
        for k, row in enumerate(rows):
            values = [Jsonb(row[c]) if c == "result" else row[c] for c in columns]
            cur.execute(
                f"INSERT INTO bench_snapshot (k, {', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608
                [k, *values],
            )
    return columns


def other_columns(model: Any, given: set[str]) -> dict[str, Any]:
    """Values for the NOT NULL columns the SQL below does not name (added to the models later)."""
    out: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.column in given or field.null or field.primary_key:
            continue
        if field.has_default():
            out[field.column] = field.get_default()
        elif field.empty_strings_allowed:
            out[field.column] = ""
        else:
            raise RuntimeError(f"bench_scale.py does not know how to fill {model.__name__}.{field.name}")
    return out


def _extra_sql(extra: dict[str, Any]) -> tuple[str, str]:
    """(", col, ...", ", %(x_col)s, ...") for ``other_columns``; empty when there are none."""
    if not extra:
        return "", ""
    return (
        ", " + ", ".join(f'"{c}"' for c in extra),
        ", " + ", ".join(f"%(x_{c})s" for c in extra),
    )


def load_cases(first: int, last: int, people: dict[str, int], snapshot_columns: list[str]) -> dict[str, float]:
    """Insert cases ``first``..``last`` (1-based serial numbers), their history and decisions.

    Returns the seconds each step took.
    """
    steps: dict[str, float] = {}
    clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        steps[name] = round(now - clock, 1)
        clock = now

    from django.db import connection

    from assessments.models import BoardDecision, Case

    snap = ", ".join(f's."{c}"' for c in snapshot_columns)
    named = {"owner_id", "created_at", "updated_at", "version", "status", "patient_id"}
    named |= {"clinical_notes", "board_question", "meeting_date", "submitted_at", "decided_at"}
    named |= {"mri_at", "treatment_start_at", "board_pathway_code", "board_follows"}
    case_extra = other_columns(Case, named | set(snapshot_columns))
    case_extra_cols, case_extra_values = _extra_sql(case_extra)
    decision_named = {"case_id", "meeting_date", "recommended_pathway_code", "recommended_rule", "rule_set"}
    decision_named |= {"pathway_code", "other_pathway_text", "follows_recommendation", "reason", "attendees"}
    decision_named |= {"signed_by_id", "signed_at"}
    decision_extra = other_columns(BoardDecision, decision_named)
    decision_extra_cols, decision_extra_values = _extra_sql(decision_extra)
    case_cols = ", ".join(f'"{c}"' for c in snapshot_columns)
    history_cols = [
        f.column for f in Case.history.model._meta.concrete_fields if f.column in {g.column for g in Case._meta.fields}
    ]
    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        # lz4 compresses the 6 kB result snapshots several times faster than the default pglz; reads
        # are unaffected (lists never load the snapshot; a case page loads one).
        cur.execute("SET default_toast_compression = lz4")
        cur.execute("SELECT setseed(%s)", [first / (last + 1)])
        cur.execute("SELECT max(id) FROM assessments_case")
        before = cur.fetchone()[0] or 0
        # One patient per case (identifiers live on the patient; search text as assessments.search).
        cur.execute(
            """
            INSERT INTO assessments_patient (mrn, name, date_of_birth, sex, created_at, updated_at, search_text)
            SELECT 'H' || lpad(g::text, 7, '0'), 'Patient ' || g,
                   date '1935-01-01' + ((g::bigint * 7919) %% 20000)::int,
                   (ARRAY['female', 'male', 'other', 'unknown'])[1 + (g %% 4)], now(), now(),
                   'patient ' || g || ' h' || lpad(g::text, 7, '0')
            FROM generate_series(%(first)s, %(last)s) AS g
            """,
            {"first": first, "last": last},
        )
        step("patients")
        cur.execute(
            f"""
            WITH others AS (
                SELECT array_agg(id ORDER BY id) AS ids FROM auth_user WHERE username LIKE 'clinician\\_%%'
            ), g AS (
                SELECT g, now() - random() * interval '3 years' AS created,
                       random() AS r1, random() AS r2
                FROM generate_series(%(first)s, %(last)s) AS g
            ), c AS (
                SELECT g.*, CASE
                    WHEN created > now() - interval '14 days' THEN
                        (ARRAY['draft', 'draft', 'submitted', 'submitted', 'decided'])[1 + floor(r1 * 5)::int]
                    ELSE (ARRAY['closed', 'closed', 'closed', 'closed', 'closed', 'closed', 'closed', 'decided',
                                'decided', 'draft'])[1 + floor(r1 * 10)::int]
                    END AS status
                FROM g
            )
            INSERT INTO assessments_case (
                owner_id, created_at, updated_at, version, status, patient_id,
                clinical_notes, board_question, meeting_date, submitted_at, decided_at,
                mri_at, treatment_start_at, board_pathway_code, board_follows, {case_cols}{case_extra_cols})
            SELECT
                CASE WHEN c.g %% {MEASURED_SHARE} = 0 THEN %(measured)s
                     ELSE others.ids[1 + (c.g::bigint * 7919) %% array_length(others.ids, 1)] END,
                c.created,
                least(now(), c.created + c.r2 * interval '20 days'),
                1,
                c.status,
                p.id,
                '',
                CASE WHEN c.status = 'draft' THEN '' ELSE 'Operate or irradiate?' END,
                CASE WHEN c.status IN ('decided', 'closed') THEN (c.created + interval '3 days')::date END,
                CASE WHEN c.status <> 'draft' THEN c.created + interval '4 hours' END,
                CASE WHEN c.status IN ('decided', 'closed') THEN c.created + interval '3 days' END,
                c.created - interval '6 hours',
                CASE WHEN c.status = 'closed' THEN c.created + interval '3 days 12 hours' END,
                -- the board chose palliative radiation for one decided case in seven, else the recommendation
                CASE WHEN c.status NOT IN ('decided', 'closed') THEN ''
                     WHEN c.g %% 7 = 0 THEN 'palliative_radiation' ELSE s.pathway_code END,
                CASE WHEN c.status NOT IN ('decided', 'closed') THEN NULL
                     ELSE c.g %% 7 <> 0 OR s.pathway_code = 'palliative_radiation' END,
                {snap}{case_extra_values}
            FROM c CROSS JOIN others JOIN bench_snapshot s ON s.k = c.g %% {SNAPSHOTS}
                 JOIN assessments_patient p ON p.mrn = 'H' || lpad(c.g::text, 7, '0')
            ORDER BY c.g
            """,  # noqa: S608 - column names from the model, values as parameters
            {"first": first, "last": last, "measured": people["measured"], **_params(case_extra)},
        )
        step("cases")
        cols = ", ".join(f'"{c}"' for c in history_cols)
        cur.execute(
            f"""
            INSERT INTO assessments_historicalcase ({cols}, history_date, history_change_reason, history_type,
                                                    history_user_id)
            SELECT {cols}, created_at, NULL, '+', owner_id FROM assessments_case WHERE id > %s
            """,  # noqa: S608 - column names from the model
            [before],
        )
        step("history")
        cur.execute(
            f"""
            INSERT INTO assessments_boarddecision (
                case_id, meeting_date, recommended_pathway_code, recommended_rule, rule_set, pathway_code,
                other_pathway_text, follows_recommendation, reason, attendees, signed_by_id, signed_at
                {decision_extra_cols})
            SELECT id, meeting_date, pathway_code, pathway_rule, rule_set, board_pathway_code, '', board_follows,
                   CASE WHEN board_follows THEN '' ELSE 'Patient preference after discussion.' END,
                   'Spine surgeon, clinical oncologist, radiologist', %(board)s, decided_at
                   {decision_extra_values}
            FROM assessments_case WHERE id > %(before)s AND status IN ('decided', 'closed')
            """,  # noqa: S608 - column names from the model, values as parameters
            {"board": people["board"], "before": before, **_params(decision_extra)},
        )
        step("decisions")
    with connection.cursor() as cur:
        for table in ("assessments_case", "assessments_historicalcase", "assessments_boarddecision", "auth_user",
                      "assessments_patient"):  # fmt: skip
            cur.execute(f"VACUUM ANALYZE {table}")
    step("vacuum")
    return steps


def _params(extra: dict[str, Any]) -> dict[str, Any]:
    return {f"x_{column}": value for column, value in extra.items()}


# --- Measurement ----------------------------------------------------------------------------------


def pages(people: dict[str, int]) -> list[tuple[str, str | None, str, str]]:
    """(page, URL or None when it does not exist yet, user, note) for every page to measure."""
    from django.urls import NoReverseMatch, reverse

    from assessments.models import Case

    mine = Case.objects.filter(owner_id=people["measured"])
    recent = mine.order_by("-updated_at", "-pk").first()
    last_page = max(1, -(-mine.count() // 25))
    out: list[tuple[str, str | None, str, str]] = [
        ("home", "/", common.BENCH_USER, "clinician's start page, 5 recent cases"),
        ("case list", "/cases/", common.BENCH_USER, "first page of 25"),
        ("case list, search", "/cases/?q=Patient+1", common.BENCH_USER, "name contains 'Patient 1'"),
        ("case list, last page", f"/cases/?page={last_page}", common.BENCH_USER, f"page {last_page}: OFFSET"),
        ("case detail", f"/cases/{recent.pk}/" if recent else None, common.BENCH_USER, "most recent case"),
    ]
    for name, label in (("board_queue", "board queue"), ("board_dashboard", "board dashboard")):
        try:
            url = reverse(f"assessments:{name}")
        except NoReverseMatch:
            url = None
        out.append((label, url, BOARD_USER, "" if url else "pending: page not built yet"))
    return out


def time_page(client: Any, url: str, *, warmup: int, requests: int, max_seconds: float) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get() -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return response

    warm_until = time.monotonic() + max_seconds / 3
    for _ in range(warmup):
        get()
        if time.monotonic() > warm_until:
            break
    latencies = []
    deadline = time.monotonic() + max_seconds  # a bound on top of the count
    meter = common.CpuMeter()
    meter.start()
    for _ in range(requests):
        start = time.perf_counter()
        get()
        latencies.append(time.perf_counter() - start)
        if time.monotonic() > deadline:
            break
    cpu = meter.stop()
    with CaptureQueriesContext(connection) as captured:
        get()
    queries = captured.captured_queries
    slowest = max(queries, key=lambda q: float(q["time"]), default=None)
    return {
        "requests": len(latencies),
        "p50_ms": common.ms(common.percentile(latencies, 50)),
        "p95_ms": common.ms(common.percentile(latencies, 95)),
        "queries": len(queries),
        "sql_ms": round(sum(float(q["time"]) for q in queries) * 1000, 2),
        "slowest_query_ms": round(float(slowest["time"]) * 1000, 2) if slowest else None,
        "slowest_query": slowest["sql"] if slowest else None,
        "machine_cpu_pct": cpu,
    }


def explain(sql: str) -> str:
    from django.db import connection

    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        # EXPLAIN ANALYZE runs the statement: a write (the page's case.view audit INSERT) would run twice.
        return "(not explained: not a read)"
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cur.fetchall())


def measure(people: dict[str, int], *, warmup: int, requests: int, max_seconds: float) -> list[dict[str, Any]]:
    from django.contrib.auth.models import User
    from django.test import Client

    clients: dict[str, Any] = {}
    rows = []
    for page, url, username, note in pages(people):
        if url is None:
            rows.append({"page": page, "url": None, "note": note or "pending"})
            continue
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        try:
            figures = time_page(clients[username], url, warmup=warmup, requests=requests, max_seconds=max_seconds)
        except Exception as exc:  # a page broken by work in progress must not stop the other measurements
            rows.append({"page": page, "url": url, "note": f"error: {type(exc).__name__}: {exc}"[:300], "error": True})
            print(f"    {page:<22} ERROR {type(exc).__name__}: {exc}")
            continue
        rows.append({"page": page, "url": url, "note": note, **figures})
        print(
            f"    {page:<22} p50 {figures['p50_ms']:>7} ms  p95 {figures['p95_ms']:>7} ms  {figures['queries']} queries"
        )
    return rows


def counts() -> dict[str, int]:
    from django.db import connection

    out = {}
    with connection.cursor() as cur:
        for table in ("assessments_case", "assessments_historicalcase", "assessments_boarddecision"):
            cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            out[table] = cur.fetchone()[0]
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        out["database_size"] = cur.fetchone()[0]
    return out


def check_targets(by_size: dict[int, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Per page: queries constant across sizes, and p95 at the largest size within 2x the smallest."""
    sizes = sorted(by_size)
    small, large = sizes[0], sizes[-1]
    out: dict[str, dict[str, Any]] = {}
    for row in by_size[small]:
        page = row["page"]
        if row.get("url") is None:
            out[page] = {"status": "pending"}
            continue
        series = [next(r for r in by_size[s] if r["page"] == page) for s in sizes]
        if any(r.get("error") for r in series):
            out[page] = {"status": "error"}
            continue
        queries = [r["queries"] for r in series]
        p95_small, p95_large = series[0]["p95_ms"], series[-1]["p95_ms"]
        out[page] = {
            "queries_constant": len(set(queries)) == 1,
            "queries": queries,
            "p95_ratio": round(p95_large / p95_small, 2) if p95_small else None,
            "p95_within_2x": bool(p95_small) and p95_large <= 2 * p95_small,
            "sizes": [small, large],
        }
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000,1000000", help="case counts, ascending, comma-separated")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page and size")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=30, help="time bound per page and size")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (for profiling)")
    parser.add_argument("--database", default="escc_bench_scale", help="escc_bench* database to (re)create")
    args = parser.parse_args(argv)
    common.prioritise()
    sizes = [int(x) for x in args.sizes.split(",")]
    if sizes != sorted(sizes) or sizes[0] < 100 or sizes[-1] > 5_000_000 or not 1 <= args.requests <= 1000:
        parser.error("sizes ascending within 100-5,000,000; requests 1-1000")

    print(f"== postgresql: {args.database}")
    env = common.app_env(common.pg_recreate(args.database))
    common.prepare_app(env)
    setup_django(env)
    people = create_people()
    columns = create_snapshot_table(snapshot_rows())

    by_size: dict[int, list[dict[str, Any]]] = {}
    loads: dict[int, dict[str, Any]] = {}
    loaded = 0
    for size in sizes:
        t0 = time.perf_counter()
        steps = load_cases(loaded + 1, size, people, columns)
        # The SQL load bypasses the services, so the dashboard's monthly rows are rebuilt
        # as an operator would after a bulk load (manage.py rebuild_monthly_summary).
        from board.summary import summary_rebuild

        t_summary = time.perf_counter()
        summary_rebuild()
        steps["monthly rows"] = round(time.perf_counter() - t_summary, 1)
        loaded = size
        loads[size] = {"load_seconds": round(time.perf_counter() - t0, 1), "steps": steps, **counts()}
        print(f"  {size:>9,} cases loaded in {loads[size]['load_seconds']} s {steps} ({loads[size]['database_size']})")
        common.wait_for_quiet()
        by_size[size] = measure(people, warmup=args.warmup, requests=args.requests, max_seconds=args.max_seconds)

    largest = by_size[sizes[-1]]
    for row in largest:
        if row.get("slowest_query"):
            row["explain_slowest"] = explain(row["slowest_query"])

    targets = check_targets(by_size)
    print()
    print(f"in-process (Django test client, DEBUG=false), {args.requests} timed requests per page after {args.warmup}")
    table: list[list[Any]] = []
    for size in sizes:
        for row in by_size[size]:
            if row.get("url") is None or row.get("error"):
                table.append([f"{size:,}", row["page"], None, None, None, None, row["note"]])
            else:
                table.append(
                    [
                        f"{size:,}",
                        row["page"],
                        row["p50_ms"],
                        row["p95_ms"],
                        row["queries"],
                        row["slowest_query_ms"],
                        row["note"],
                    ]
                )
    common.print_table(["cases", "page", "p50 ms", "p95 ms", "queries", "slowest SQL ms", "note"], table)
    for page, check in targets.items():
        if "status" in check:
            print(f"target ({page}): {check['status']}")
            continue
        print(
            f"target ({page}): queries constant {'met' if check['queries_constant'] else 'MISSED'} {check['queries']}; "
            f"p95 x{check['p95_ratio']} {'met' if check['p95_within_2x'] else 'MISSED'}"
        )
    common.write_json(
        "scale",
        {
            "benchmark": "scale",
            "sizes": sizes,
            "requests": args.requests,
            "loads": loads,
            "results": {str(size): rows for size, rows in by_size.items()},
            "targets": targets,
        },
    )
    if not args.keep:
        from django.db import connection

        connection.close()
        with common.pg_admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
