"""Perceived latency of the live update in a real browser: from choosing a SINS option to the new total.

Run from the repository root (``make bench-browser``)::

    .venv/bin/python bench/bench_browser.py [--changes 60] [--workers 4]

Creates ``escc_bench_browser`` on the local PostgreSQL, migrates it, collects the hashed static
files, creates a clinician and starts ``gunicorn escc_site.wsgi`` on 127.0.0.1 with production
settings. Debian's Chromium (``/usr/bin/chromium``, driven by Playwright with the launch options of
``tests/browser/conftest.py``) logs in through the form, opens ``/cases/new/``, fills in every field,
and then ``--changes`` times clicks a SINS option (alternating pain, bone lesion and collapse, each
time flipping between a high- and a no-point option, so the total always changes).

Each change is timed inside the page: from the ``timeStamp`` of the trusted click event to the
moment a ``MutationObserver`` sees the new total in ``#sins-total``. The Resource Timing entry of
the HTMX request splits that into click-to-request, request (network + server) and
response-to-DOM. Prints a table and writes ``bench/results/browser.json``.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import common

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
LAUNCH_ARGS = [  # as tests/browser/conftest.py
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Each flipped field: (name, (value, points), (value, points)).
FLIPS = [
    ("lesions-0-sins_pain", ("pain_free", 0), ("mechanical", 3)),
    ("lesions-0-sins_bone_lesion", ("blastic", 0), ("lytic", 2)),
    ("lesions-0-sins_collapse", ("none", 0), ("gt_50", 3)),
]
START_TOTAL = 1  # T6 (semi-rigid) with every flipped field at its no-point option

INSTALL_PROBE = """() => {
  const probe = window.__bench = {click: null, changes: []};
  // The first click of a gesture (a label click also clicks its radio, later).
  document.addEventListener("click", (e) => { if (probe.click === null) probe.click = e.timeStamp; }, true);
  let last = document.querySelector("#sins-total").textContent.trim();
  new MutationObserver(() => {
    const el = document.querySelector("#sins-total");
    const text = el ? el.textContent.trim() : null;
    if (text !== null && text !== last) {
      last = text;
      probe.changes.push({at: performance.now(), text: text});
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""

READ_CHANGE = """() => {
  const probe = window.__bench;
  const change = probe.changes[probe.changes.length - 1];
  const xhr = performance.getEntriesByType("resource").filter((e) => e.initiatorType === "xmlhttprequest").pop();
  return {
    click: probe.click, at: change.at, text: change.text,
    request_start: xhr ? xhr.startTime : null, response_end: xhr ? xhr.responseEnd : null,
  };
}"""


def choose(page: Any, name: str, value: str) -> None:
    """Click the toggle button (label) of a radio choice, as a user does."""
    radio_id = page.locator(f'input[name="{name}"][value="{value}"]').get_attribute("id")
    page.locator(f'label[for="{radio_id}"]').click()


def fill_case(page: Any) -> None:
    """Every field of the form (ex03 of the spec, SINS findings at their no-point options)."""
    page.get_by_label("Hospital number (MRN)").fill("H7654321")
    page.get_by_label("Patient name").fill("Bench Patient")
    page.get_by_label("Date of birth").fill("1955-03-02")
    page.get_by_label("Sex").select_option("male")
    page.locator("#id_lesions-0-spinal_level").select_option("T6")
    page.get_by_label("Primary tumor (histology)").select_option("melanoma")
    radios = {
        "lesions-0-escc_grade": "3",
        "neurologic_deficit": "true",
        "deficit_progressing": "false",
        "motor_status": "ambulatory_with_aid",
        "urinary_symptoms": "false",
        "urinary_retention": "false",
        "lesions-0-prior_radiation_in_field": "false",
        **{name: low[0] for name, low, _ in FLIPS},
        "lesions-0-sins_alignment": "normal",
        "lesions-0-sins_posterolateral": "none",
        "lesions-0-retropulsion": "false",
        "lesions-0-stability_assessment": "not_assessed",
        "expected_survival": "gt_6_months",
        "surgical_candidate": "yes",
        "sbrt_available": "true",
        "oligometastatic": "false",
        "vte_contraindication": "false",
    }
    for name, value in radios.items():
        choose(page, name, value)
    page.locator("#pathway-title").wait_for(state="visible", timeout=10_000)
    page.wait_for_function(f"() => document.querySelector('#sins-total').textContent.trim() === '{START_TOTAL}'")


def measure(base: str, changes: int, warmup: int, meter: common.CpuMeter) -> list[dict[str, float]]:
    """Time ``changes`` SINS changes after ``warmup`` untimed ones; ``meter`` runs over the timed ones."""
    from playwright.sync_api import sync_playwright

    samples: list[dict[str, float]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(10_000)
            page.goto(f"{base}/accounts/login/")
            page.get_by_label("Username").fill(common.BENCH_USER)
            page.get_by_label("Password").fill(common.BENCH_PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{base}/")
            page.goto(f"{base}/cases/new/")
            fill_case(page)
            page.evaluate(INSTALL_PROBE)
            state = {name: False for name, _, _ in FLIPS}  # False: at the no-point option
            total = START_TOTAL
            for i in range(warmup + changes):
                if i == warmup:
                    meter.start()
                name, low, high = FLIPS[i % len(FLIPS)]
                value, points = low if state[name] else high
                total += points - (high[1] if state[name] else low[1])
                state[name] = not state[name]
                seen = page.evaluate(
                    "() => { performance.clearResourceTimings(); window.__bench.click = null; "
                    "return window.__bench.changes.length; }"
                )
                choose(page, name, value)
                page.wait_for_function("(n) => window.__bench.changes.length > n", arg=seen, timeout=10_000)
                change = page.evaluate(READ_CHANGE)
                if change["text"] != str(total):
                    raise RuntimeError(f"change {i}: total shows {change['text']}, expected {total}")
                if i >= warmup:
                    samples.append(change)
                time.sleep(0.05)  # a clinician does not click faster than this
            meter.stop()  # before the browser's processes exit and take their CPU time with them
        finally:
            browser.close()
    return samples


def summarise(samples: Sequence[dict[str, Any]]) -> dict[str, Any]:
    def stats(values: list[float]) -> dict[str, float | None]:
        return {
            "p50_ms": round(common.percentile(values, 50), 1) if values else None,
            "p95_ms": round(common.percentile(values, 95), 1) if values else None,
            "max_ms": round(max(values), 1) if values else None,
        }

    timed = [s for s in samples if s["request_start"] is not None and s["response_end"] is not None]
    return {
        "changes": len(samples),
        "click_to_total": stats([s["at"] - s["click"] for s in samples]),
        "click_to_request": stats([s["request_start"] - s["click"] for s in timed]),
        "request": stats([s["response_end"] - s["request_start"] for s in timed]),
        "response_to_dom": stats([s["at"] - s["response_end"] for s in timed]),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=60, help="timed SINS changes (at least 50)")
    parser.add_argument("--warmup", type=int, default=6, help="untimed changes first")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument(
        "--cpus",
        choices=["split", "shared"],
        default="shared",
        help="split: server on core 0, browser on the others (as on separate machines); shared: no pinning",
    )
    args = parser.parse_args(argv)
    common.prioritise()
    if not 1 <= args.changes <= 1000:
        parser.error("--changes must be 1-1000")
    if not CHROMIUM.exists():
        parser.error(f"no Chromium at {CHROMIUM} (apt-get install chromium)")

    print(f"== postgresql: gunicorn, {args.workers} sync workers; Chromium {CHROMIUM}")
    env = common.app_env(common.pg_recreate("escc_bench_browser"))
    common.prepare_app(env)
    load_before = os.getloadavg()
    meter = common.CpuMeter()
    server_cpus = None
    if args.cpus == "split" and (os.cpu_count() or 1) >= 2:
        # The clinician's browser and the app server run on different machines; on one 2-core
        # machine, give each its own core so neither is measured as the other's latency.
        server_cpus = {0}
        os.sched_setaffinity(0, set(range(1, os.cpu_count() or 2)))  # this process, so the browser
    log = common.RESULTS / "gunicorn-browser.log"
    with common.gunicorn(env, workers=args.workers, log=log, cpus=server_cpus) as base:
        quiet = common.wait_for_quiet()
        samples = measure(base, args.changes, args.warmup, meter)
        cpu = meter.shares
    summary = summarise(samples)
    print()
    print(
        f"{summary['changes']} SINS changes in Chromium against gunicorn + PostgreSQL (idle server; cores {args.cpus})"
    )
    common.print_table(
        ["span", "p50 ms", "p95 ms", "max ms"],
        [
            [label, summary[key]["p50_ms"], summary[key]["p95_ms"], summary[key]["max_ms"]]
            for key, label in (
                ("click_to_total", "click -> new total in the DOM"),
                ("click_to_request", "  click -> request sent"),
                ("request", "  request (network + server)"),
                ("response_to_dom", "  response -> DOM swapped"),
            )
        ],
    )
    p95 = summary["click_to_total"]["p95_ms"]
    met = p95 is not None and p95 <= 50
    print(f"target browser p95 <= 50 ms: {'met' if met else 'MISSED'} ({p95} ms); machine CPU {cpu}")
    common.write_json(
        "browser",
        {
            "benchmark": "browser",
            "workers": args.workers,
            "cpus": args.cpus,
            "load_average_before": load_before,
            "quiet_before": quiet,
            "machine_cpu_pct": cpu,
            "summary": summary,
            "targets": {"p95_le_50ms": met},
            "samples_ms": [round(s["at"] - s["click"], 2) for s in samples],
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
