"""`make bench`: the portal under gunicorn against a bare-Django ceiling, measured with wrk in interleaved pairs.

    .venv/bin/python -m bench.http.main run --db sqlite [--scale 1] [--seconds 2] [--rounds 2]
    scripts/with-postgres.sh .venv/bin/python -m bench.http.main run --db postgres [...]
    .venv/bin/python -m bench.http.main report            (the docs/performance.md section from both results)

``run`` builds a fresh database (bench/http/build.py), counts each page's warm SQL queries in this bench's own
process, then serves the portal (bench.http.settings: production settings, 2 sync gunicorn workers) twice — page
cache off (PORTAL_PAGE_CACHE=0), then on — and the ceiling (bench/http/ceiling.py) alongside. Every URL must
answer 200 first. After a warm-up of every URL, each round runs every page paired with a ceiling run (page then
ceiling in even rounds, ceiling then page in odd ones); the ratio of a page is the median of its per-round
page/ceiling req/s ratios. Results go to var/bench_http/<db>/results.json.

bench/http/ has no __init__.py on purpose: the other benchmarks run as ``python bench/x.py``, which puts bench/ on
sys.path, and a regular package named ``http`` there would shadow the standard library's ``http``; a namespace
package never does (a regular package found later on the path wins). Run it as ``python -m bench.http.main``.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.http import build as builder
from bench.http import serve

ROOT = builder.ROOT
MODES = (("off", "0"), ("on", "1"))  # page cache: PORTAL_PAGE_CACHE
TARGETS = {"off": 0.10, "on": 0.5, "static": 0.8}


def log(line: str) -> None:
    print(line, flush=True)


def target_for(label: str, mode: str) -> float:
    return TARGETS["static"] if label.startswith("static") else TARGETS[mode]


def machine() -> dict:
    mem_kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")).split()[1])
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "ram_gib": round(mem_kb / 2**20, 1), "uptime": uptime}


def versions(db: str) -> dict:
    script = ("import sys, sqlite3, django, wagtail, gunicorn; import django.db as d; django.setup();"
              "c = d.connection; c.ensure_connection();"
              "print(sys.version.split()[0], django.get_version(), wagtail.__version__, gunicorn.__version__,"
              " sqlite3.sqlite_version, c.vendor, '.'.join(map(str, c.pg_version // 10000 and"
              " (c.pg_version // 10000, c.pg_version % 100) or ())) if c.vendor == 'postgresql' else '-')")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=builder.bench_env(db), capture_output=True,
                         text=True, check=True).stdout.split()
    return {"python": out[0], "django": out[1], "wagtail": out[2], "gunicorn": out[3], "sqlite": out[4],
            "postgresql": out[6], "wrk": serve.wrk_version()}


def query_counts(db: str, mode_env: str) -> dict:
    out = builder.db_dir(db) / f"urls-{mode_env}.json"
    env = builder.bench_env(db, PORTAL_PAGE_CACHE=mode_env)
    result = subprocess.run([sys.executable, "-m", "bench.http.queries", "urls", str(out)], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode:
        sys.stderr.write(result.stderr[-6000:])
        raise SystemExit("bench: counting queries failed")
    return json.loads(out.read_text(encoding="utf-8"))


def measure_mode(db: str, mode: str, mode_env: str, urls: dict, ceiling: serve.Server, args) -> dict:
    """Serve the portal with the page cache ``mode``; pair every page with the ceiling for args.rounds rounds."""
    env = builder.bench_env(db, PORTAL_PAGE_CACHE=mode_env)
    log_path = builder.db_dir(db) / f"gunicorn-{mode}.log"
    hello = ceiling.base + "/hello"
    with serve.Server("portal.wsgi:application", env, log_path, f"portal, page cache {mode}") as portal:
        sizes = {}
        for label, path in urls.items():
            status, size = serve.check(portal.base + path)
            sizes[label] = size
            log(f"  {status} {size:>8,} B  {label}: {path}")
        for path in urls.values():
            serve.wrk(portal.base + path, args.warmup)
        serve.wrk(hello, args.warmup)
        runs = {label: {"page": [], "ceiling": []} for label in urls}
        for round_no in range(args.rounds):
            for label, path in urls.items():
                pair = [("page", portal.base + path), ("ceiling", hello)]
                for kind, url in pair if round_no % 2 == 0 else reversed(pair):
                    runs[label][kind].append(serve.wrk(url, args.seconds))
            log(f"  round {round_no + 1}/{args.rounds} done ({mode})")
        rss = portal.worker_rss_mb()
    rows = []
    for label, path in urls.items():
        page, ceil = runs[label]["page"], runs[label]["ceiling"]
        ratios = [p.rps / c.rps for p, c in zip(page, ceil, strict=True) if c.rps]
        rows.append({
            "label": label, "path": path, "mode": mode, "bytes": sizes[label],
            "rps": statistics.median(r.rps for r in page), "rps_min": min(r.rps for r in page),
            "rps_max": max(r.rps for r in page), "p50_ms": statistics.median(r.p50_ms for r in page),
            "p99_ms": statistics.median(r.p99_ms for r in page), "ratio": statistics.median(ratios),
            "ratios": ratios, "ceiling_rps": statistics.median(r.rps for r in ceil),
            "errors": sum(r.non_2xx + r.socket_errors for r in page),
            "target": target_for(label, mode),
        })
        rows[-1]["met"] = rows[-1]["ratio"] >= rows[-1]["target"]
    return {"rows": rows, "rss_mb": rss}


def run(args) -> None:
    started = time.perf_counter()
    db = args.db
    if db == "postgres" and not os.environ.get("DATABASE_URL"):
        raise SystemExit("bench: --db postgres needs DATABASE_URL (run under scripts/with-postgres.sh)")
    if db == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    machine_before = machine()
    build_seconds = builder.build(db, args.scale, log) if not args.skip_build else 0.0
    result = {"db": db, "scale": args.scale, "seconds": args.seconds, "rounds": args.rounds, "warmup": args.warmup,
              "build_seconds": build_seconds, "machine_before": machine_before, "versions": versions(db),
              "sizes": json.loads((builder.db_dir(db) / "sizes.json").read_text()), "modes": {}}
    ceiling_env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.http.ceiling", PYTHONPATH=str(ROOT))
    ceiling_log = builder.db_dir(db) / "gunicorn-ceiling.log"
    with serve.Server("bench.http.ceiling:application", ceiling_env, ceiling_log, "ceiling") as ceiling:
        for mode, mode_env in MODES:
            counts = query_counts(db, mode_env)
            bad = {label: c for label, c in counts.items() if c["status"] != 200}
            if bad:
                raise SystemExit(f"bench: not 200 in the bench process: {bad}")
            urls = {label: c["path"] for label, c in counts.items()}
            if args.only:
                urls = {label: path for label, path in urls.items() if any(o in label for o in args.only)}
            log(f"{db}: page cache {mode}")
            measured = measure_mode(db, mode, mode_env, urls, ceiling, args)
            for row in measured["rows"]:
                row["queries"] = counts[row["label"]]["queries"]
            result["modes"][mode] = measured
            result["ceiling_rss_mb"] = ceiling.worker_rss_mb()
            result["machine_after"] = machine()
            result["date"] = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
            result["wall_seconds"] = time.perf_counter() - started
            # after each mode, so that a failure later leaves what was measured
            (builder.db_dir(db) / "results.json").write_text(json.dumps(result, ensure_ascii=False, indent=1),
                                                             encoding="utf-8")
    from bench.http.report import table

    log(table(result))
    log(f"{db}: done in {result['wall_seconds'] / 60:.1f} min (build {build_seconds:.0f} s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run")
    run_p.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    run_p.add_argument("--scale", type=float, default=1.0, help="dataset size, 1 = the issue's sizes")
    run_p.add_argument("--seconds", type=int, default=2, help="wrk -d for each measured run")
    run_p.add_argument("--rounds", type=int, default=2, help="even: as many page-first as ceiling-first pairs")
    run_p.add_argument("--warmup", type=int, default=1, help="wrk -d of the warm-up of each URL")
    run_p.add_argument("--skip-build", action="store_true", help="measure the database built last time")
    run_p.add_argument("--only", nargs="*", help="measure only pages whose label contains one of these")
    sub.add_parser("report")
    args = parser.parse_args()
    if args.command == "run":
        run(args)
    else:
        from bench.http.report import write_docs

        write_docs()


if __name__ == "__main__":
    main()
