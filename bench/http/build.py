"""Build the bench database from nothing: migrate, seed_demo, the scaled dataset, the search index, static files.

Each step is its own process with bench.http.settings (BENCH_BUILD=1 while building), as a deployment would run
them; the dataset step is ``python -m bench.http.build --scale S`` (bench/http/dataset.py).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SETTINGS = "bench.http.settings"


def bench_env(db: str, **extra) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=SETTINGS, BENCH_DB=db, PYTHONPATH=str(ROOT))
    env.update(extra)
    return env


def db_dir(db: str) -> Path:
    return Path(os.environ.get("BENCH_HTTP_DIR", ROOT / "var" / "bench_http")) / db


def run(args: list[str], env: dict, label: str, log=print, echo=False) -> None:
    started = time.perf_counter()
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-8000:])
        raise SystemExit(f"bench: step failed: {label} (exit {result.returncode})")
    if echo:
        for line in result.stdout.splitlines():
            log("  " + line)
    log(f"  {label}: {time.perf_counter() - started:.1f} s")


def fresh_database(db: str) -> None:
    """Empty the bench directory of this database; on PostgreSQL drop and create the database of DATABASE_URL."""
    shutil.rmtree(db_dir(db), ignore_errors=True)
    db_dir(db).mkdir(parents=True)
    if db != "postgres":
        return
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    with psycopg.connect(dbname="postgres", user=config["USER"], host=config["HOST"] or None,
                         port=config["PORT"] or None, password=config["PASSWORD"] or None, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')
        conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def build(db: str, scale: float, log=print) -> float:
    """The whole build; returns its wall time in seconds."""
    started = time.perf_counter()
    fresh_database(db)
    env = bench_env(db, BENCH_BUILD="1")
    py = sys.executable
    log(f"building the {db} database at scale {scale:g}")
    run([py, "manage.py", "migrate", "--noinput"], env, "migrate", log)
    run([py, "manage.py", "createcachetable"], env, "createcachetable", log)
    run([py, "manage.py", "seed_demo", "--verbosity", "0"], env, "seed_demo", log)
    run([py, "-m", "bench.http.build", "--scale", str(scale)], env, "scaled dataset", log, echo=True)
    run([py, "manage.py", "update_index"], env, "update_index", log)
    run([py, "manage.py", "collectstatic", "--noinput", "--clear", "--verbosity", "0"], env, "collectstatic", log)
    return time.perf_counter() - started


def main():
    """The dataset step, in its own process (DJANGO_SETTINGS_MODULE and BENCH_DB come from build())."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    import django

    django.setup()
    from bench.http.dataset import build_all

    built = build_all(args.scale, log=lambda line: print(line, flush=True))
    (db_dir(os.environ["BENCH_DB"]) / "sizes.json").write_text(json.dumps(built))
    print("built " + ", ".join(f"{k} {v:,}" for k, v in built.items()), flush=True)


if __name__ == "__main__":
    main()
