"""Print the latest benchmark results (bench/results/*.json) as the Markdown tables of docs/performance.md.

Run from the repository root after ``make bench``::

    .venv/bin/python bench/report.py
"""

from __future__ import annotations

import json
from typing import Any

import common


def load(name: str) -> dict[str, Any] | None:
    path = common.RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def table(headers: list[str], rows: list[list[Any]]) -> str:
    def cell(value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:,.1f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def cpu(share: dict[str, float] | None) -> str:
    if not share:
        return "-"
    return f"{share.get('app', 0):.0f} / {share.get('other', 0):.0f}"


def machine(data: dict[str, Any]) -> str:
    m = data.get("machine") or data.get("host") or {}
    return (
        f"{m.get('nproc')} cores ({m.get('cpu')}), {m.get('ram_gib')} GiB RAM, Python {m.get('python')}, "
        f"PostgreSQL {m.get('postgresql')}, niceness {m.get('niceness')}, {m.get('date')}"
    )


def rules_section() -> None:
    data = load("rules")
    if data is None:
        return
    print(f"### Rules ({data['cases']:,} cases, best of {data['runs']} runs)\n")
    rows = [[r["name"], r["per_second"], r["microseconds_per_call"]] for r in data["results"]]
    print(table(["benchmark", "calls/s", "µs/call"], rows) + "\n")


def http_section() -> None:
    data = load("http")
    if data is None:
        return
    print(f"### Live update under load (gunicorn, {data['workers']} sync workers, {data['duration_s']:g} s a row)\n")
    print(f"Machine: {machine(data)}\n")
    rows = []
    for database, run in data["runs"].items():
        for r in run["rows"]:
            ratio = run["ratio_partial_to_baseline"].get(str(r["clients"]))
            show = r["mode"] == "saturation" and r["endpoint"] == "partial"
            rows.append(
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
                    f"{ratio:.2f}" if show and ratio is not None else None,
                    cpu(r.get("machine_cpu_pct")),
                ]
            )
    headers = ["db", "mode", "clients", "endpoint", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "ratio"]
    print(table([*headers, "CPU % app / other"], rows) + "\n")


def browser_section() -> None:
    data = load("browser")
    if data is None:
        return
    s = data["summary"]
    print(f"### Perceived latency in Chromium ({s['changes']} SINS changes)\n")
    print(f"Machine: {machine(data)}; CPU % during the run: {data.get('machine_cpu_pct')}\n")
    spans = [
        ("click_to_total", "click → new total in the DOM"),
        ("click_to_request", "click → request sent"),
        ("request", "request (network + server)"),
        ("response_to_dom", "response → DOM swapped"),
    ]
    rows = [[label, s[key]["p50_ms"], s[key]["p95_ms"], s[key]["max_ms"]] for key, label in spans]
    print(table(["span", "p50 ms", "p95 ms", "max ms"], rows) + "\n")


def scale_section() -> None:
    data = load("scale")
    if data is None:
        return
    print(f"### Scale with saved cases ({data['requests']} requests a page, in-process)\n")
    print(f"Machine: {machine(data)}\n")
    loads = data["loads"]
    rows = [
        [f"{int(size):,}", load["load_seconds"], load["database_size"], load["assessments_historicalcase"]]
        for size, load in loads.items()
    ]
    print(table(["cases", "load s", "database", "history rows"], rows) + "\n")
    rows = []
    for size, pages in data["results"].items():
        for r in pages:
            if r.get("url") is None or r.get("error"):
                rows.append([f"{int(size):,}", r["page"], None, None, None, None, r["note"]])
            else:
                rows.append(
                    [f"{int(size):,}", r["page"], r["p50_ms"], r["p95_ms"], r["queries"], r["sql_ms"], r["note"]]
                )
    print(table(["cases", "page", "p50 ms", "p95 ms", "queries", "SQL ms", "note"], rows) + "\n")
    rows = []
    for page, check in data["targets"].items():
        if "status" in check:
            rows.append([page, check["status"], None, None])
        else:
            rows.append(
                [
                    page,
                    "/".join(str(q) for q in check["queries"]),
                    check["p95_ratio"],
                    "met" if check["queries_constant"] and check["p95_within_2x"] else "missed",
                ]
            )
    print(table(["page", "queries (each size)", "p95 largest / smallest", "target"], rows) + "\n")


def main() -> int:
    rules_section()
    http_section()
    browser_section()
    scale_section()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
