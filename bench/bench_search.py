"""Patient search at scale on PostgreSQL: the plan and time of a ``LIKE '%word%'`` with and without the trigram index.

Run from the repository root::

    .venv/bin/python bench/bench_search.py [--patients 20000] [--repeats 30]

Creates ``escc_bench_search`` on the local PostgreSQL and migrates it (migration 0016 builds
``patient_search_trgm``, a GIN ``gin_trgm_ops`` index on ``Patient.search_text``), inserts
``--patients`` patients with names from a mixed pool (Søren, Łódź, N'Diaye, Ærø, …) and their
search text as ``Patient.save`` writes it, then ``VACUUM ANALYZE``. For each query word it prints the
plan of the ORM's query (``search_text__contains``, as the case lists filter) under ``EXPLAIN
ANALYZE``, and the p50/p95 time of the query with the index and with index scans switched off (what
SQLite, or PostgreSQL before the index, does). Writes ``bench/results/search.json``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import time
from typing import Any

import common

DATABASE = "escc_bench_search"
FIRST = ["Søren", "Aminata", "José", "Ærø", "Zofia", "Đorđe", "Ann", "Mohammed", "Siobhán", "Jürgen", "Chloé", "Li"]
LAST = ["N'Diaye", "Łódź", "Kowalski", "Smith", "Øster", "O'Brien", "Müller", "Nguyễn", "García", "Brown", "Dvořák"]
# A common word, a rare one (one patient), one that is in no name, and a fragment of an MRN.
WORDS = ["soren", "zebedee", "qqqq", "h00123"]


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "escc_site.settings"
    common.add_repo_to_path()
    import django

    django.setup()


def fill(count: int) -> None:
    """``count`` patients; one of them is Zebedee, so a rare word has exactly one match."""
    from django.db import connection

    from assessments import search
    from assessments.models import Patient

    rng = random.Random(23)
    batch = []
    for n in range(count):
        name = "Zebedee Ærø" if n == count // 2 else f"{rng.choice(FIRST)} {rng.choice(LAST)}-{rng.choice(LAST)}"
        mrn = f"H{n:07d}"
        batch.append(
            Patient(
                mrn=mrn,
                name=name,
                date_of_birth=datetime.date(1930 + n % 70, 1 + n % 12, 1 + n % 28),
                sex="unknown",
                search_text=search.search_text(patient_name=name, mrn=mrn),
            )
        )
        if len(batch) == 5000:
            Patient.objects.bulk_create(batch)
            batch = []
    Patient.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE assessments_patient")


def measure(word: str, repeats: int, *, index: bool) -> dict[str, Any]:
    """The plan and timings of the case lists' filter for ``word``; ``index=False`` prices index scans out."""
    from django.db import connection, transaction

    from assessments.models import Patient

    query = Patient.objects.filter(search_text__contains=word).order_by().values_list("pk", flat=True)
    with transaction.atomic():
        if not index:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_bitmapscan = off")
                cursor.execute("SET LOCAL enable_indexscan = off")
        plan = query.explain(analyze=True)
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            matches = len(list(query.all()))  # .all(): a fresh query each time, not the cached rows
            times.append(time.perf_counter() - t0)
    return {
        "matches": matches,
        "uses_index": "patient_search_trgm" in plan,
        "p50_ms": common.ms(common.percentile(times, 50)),
        "p95_ms": common.ms(common.percentile(times, 95)),
        "plan": plan,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()

    env = common.app_env(common.pg_recreate(DATABASE))
    t0 = time.perf_counter()
    common.manage(env, "migrate", "--noinput")
    setup_django(env)
    fill(args.patients)
    print(f"  migrated and inserted {args.patients:,} patients in {time.perf_counter() - t0:.1f} s")

    results: dict[str, Any] = {}
    for word in WORDS:
        results[word] = {"index": measure(word, args.repeats, index=True)}
        results[word]["scan"] = measure(word, args.repeats, index=False)
        print(f"\nEXPLAIN ANALYZE of search_text LIKE '%{word}%' (with the index):")
        print("  " + results[word]["index"]["plan"].replace("\n", "\n  "))

    print(f"\n{args.patients:,} patients, {args.repeats} runs per query (ms):")
    common.print_table(
        ["word", "matches", "index used", "p50 index", "p95 index", "p50 scan", "p95 scan"],
        [
            [
                word,
                r["index"]["matches"],
                "yes" if r["index"]["uses_index"] else "no",
                r["index"]["p50_ms"],
                r["index"]["p95_ms"],
                r["scan"]["p50_ms"],
                r["scan"]["p95_ms"],
            ]
            for word, r in results.items()
        ],
    )
    common.write_json("search", {"patients": args.patients, "repeats": args.repeats, "words": results})


if __name__ == "__main__":
    main()
