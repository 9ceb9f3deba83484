"""The tables of `make bench`, printed after each run and written to docs/performance.md (its marked section only).

The section "## HTTP benchmark (`make bench`)" sits between <!-- bench:start --> and <!-- bench:end -->; it is
replaced as a whole (appended at the end the first time). Nothing else in the file is touched.
"""

import json
from pathlib import Path

from bench.http.build import ROOT, db_dir

DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def _met(row: dict) -> str:
    return "✓" if row["met"] else "**✗**"


def table(result: dict) -> str:
    """One Markdown table: a row a page, page cache off then on."""
    modes = result["modes"]
    off = {r["label"]: r for r in modes.get("off", {}).get("rows", [])}
    on = {r["label"]: r for r in modes.get("on", {}).get("rows", [])}
    lines = [
        "| page | URL | queries (off / on) | size | cache off: req/s (min–max) | p50 / p99 ms | ratio | ≥ target | "
        "cache on: req/s | p50 / p99 ms | ratio | ≥ target |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, a in off.items():
        b = on.get(label)
        cells = [label, f"`{a['path']}`", f"{a['queries']} / {b['queries'] if b else '–'}",
                 f"{a['bytes'] / 1024:.1f} KiB",
                 f"{a['rps']:,.1f} ({a['rps_min']:,.0f}–{a['rps_max']:,.0f})", f"{a['p50_ms']:.1f} / {a['p99_ms']:.0f}",
                 f"{a['ratio']:.3f}", f"{_met(a)} {a['target']:g}"]
        if b:
            cells += [f"{b['rps']:,.1f}", f"{b['p50_ms']:.1f} / {b['p99_ms']:.0f}", f"{b['ratio']:.3f}",
                      f"{_met(b)} {b['target']:g}"]
        else:
            cells += ["–"] * 4
        if a["errors"] or (b and b["errors"]):
            cells[0] += f" (non-2xx or socket errors: {a['errors']} / {b['errors'] if b else 0})"
        lines.append("| " + " | ".join(cells) + " |")
    ceiling = [r["ceiling_rps"] for mode in modes.values() for r in mode["rows"]]
    rss = "; ".join(f"page cache {mode}: " + ", ".join(f"{mb:.0f}" for mb in data["rss_mb"]) + " MB"
                    for mode, data in modes.items())
    lines.append("")
    middle = sorted(ceiling)[len(ceiling) // 2]
    lines.append(f"Ceiling `/hello`: median of the paired runs' medians {middle:,.0f} req/s "
                 f"(range {min(ceiling):,.0f}–{max(ceiling):,.0f}). Memory per gunicorn worker after the run (RSS): "
                 f"{rss}; ceiling workers {', '.join(f'{mb:.0f}' for mb in result.get('ceiling_rss_mb', []))} MB.")
    return "\n".join(lines)


def _sizes(sizes: dict) -> str:
    return (f"{sizes['policies']:,} policy pages, {sizes['consultations']:,} consultations (the open one with "
            f"{sizes['comments']:,} comments), {sizes['firms']:,} firms × {sizes['credit_events']} credit events with "
            f"a finalised round, {sizes['experts']:,} experts, {sizes['events']:,} events with "
            f"{sizes['registrations']:,} registrations, the demo's finished award campaign")


def section(results: list[dict]) -> str:
    first = results[0]
    v = first["versions"]
    pg = next((r["versions"]["postgresql"] for r in results if r["db"] == "postgres"), "–")
    m = first["machine_before"]
    lines = [
        START,
        "## HTTP benchmark (`make bench`)",
        "",
        "Written by `make bench` (bench/http/); do not edit by hand. Method as in "
        "../shared/reference/perf-anchor.md: production settings (bench/http/settings.py: DEBUG off, whitenoise "
        "CompressedManifestStaticFilesStorage after collectstatic, CONN_MAX_AGE 60, plain HTTP, rate limits off), "
        "`gunicorn --workers 2` sync workers, and a bare Django `/hello` (bench/http/ceiling.py, startproject "
        "defaults) as the ceiling in the same venv. Every URL answers 200 before measuring. After a warm-up of "
        f"{first['warmup']:g} s per URL, {first['rounds']} rounds of `wrk -t2 -c8 -d{first['seconds']:g}s --latency`, "
        "each page run paired with a ceiling run (page first in even rounds, ceiling first in odd ones). Req/s is the "
        "median over the rounds, p50/p99 the medians of the runs' percentiles, the ratio the median of the per-round "
        "page/ceiling ratios. Each page is measured with the page cache off (gunicorn restarted with "
        "`PORTAL_PAGE_CACHE=0`) and on (warm). Targets: a page ≥ 0.10 of the ceiling without the page cache, ≥ 0.5 "
        "from it, a static file ≥ 0.8. Queries: the warm (second) request's SQL statements, counted with "
        "django.test.Client and CaptureQueriesContext in the bench process against the same database (with the "
        "page cache on, a cached page runs none). The credit lookup uses the code of a bench/credit.py firm, whose "
        "check character is not valid, so the lookup runs its search and lists the firm (a valid code of a known firm "
        "is a 302 to the firm page).",
        "",
        f"- **Machine**: {m['nproc']} cores, {m['ram_gib']} GiB RAM; load before: `{m['uptime']}`",
        f"- **Versions**: Python {v['python']}, Django {v['django']}, Wagtail {v['wagtail']}, SQLite {v['sqlite']}, "
        f"PostgreSQL {pg}, gunicorn {v['gunicorn']}, wrk {v['wrk']}",
        f"- **Dataset** (scale {first['scale']:g}, on top of `manage.py seed_demo`): {_sizes(first['sizes'])}; "
        "Whoosh index rebuilt with `manage.py update_index`.",
        "",
    ]
    for result in results:
        lines += [
            f"### {NAMES[result['db']]} ({result['date']} Asia/Shanghai; build {result['build_seconds']:.0f} s, "
            f"whole run {result['wall_seconds'] / 60:.1f} min; load after: `{result['machine_after']['uptime']}`)",
            "",
            table(result),
            "",
        ]
    lines.append(END)
    return "\n".join(lines)


def write_docs() -> None:
    results = []
    for db in ("sqlite", "postgres"):
        path = db_dir(db) / "results.json"
        if path.exists():
            results.append(json.loads(path.read_text(encoding="utf-8")))
    if not results:
        raise SystemExit("bench: no results.json under var/bench_http/ — run `make bench` first")
    text = DOC.read_text(encoding="utf-8")
    new = section(results)
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + new + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + new + "\n"
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote the HTTP benchmark section of {Path(DOC).relative_to(ROOT)}")
