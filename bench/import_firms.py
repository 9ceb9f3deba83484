"""Member firm import benchmark: import_firms_file on an XLSX of N firms (issue 10: 10,000 rows).

    .venv/bin/python bench/import_firms.py [--rows 10000] [--runs 3]                   (make bench-import-firms)
    scripts/with-postgres.sh .venv/bin/python bench/import_firms.py             (make bench-import-firms-postgres)

Works in a throwaway test database (SQLite in memory by default; a `test_…` database on PostgreSQL when
DATABASE_URL is set) holding the eight demo associations (portal.demo.organisations) and a committee superuser.
The workbooks are written with openpyxl in the layout of the back office's import page (企业名称, 统一社会信用代码,
所属协会, 会员类型, 地址, 法定代表人): N distinct firms made by the demo data generator (realistic names, addresses
and legal representatives; valid 统一社会信用代码 with GB 32100 and GB 11714 check characters), spread over the
associations by sector, with some 会长/副会长/理事单位 and full or short association names.

Then associations.imports.import_firms_file is called as the back office calls it (the committee user as the actor,
the workbook as an uploaded file, every association allowed), three ways:

  * first import   N new firms and memberships (rolled back; the tracemalloc run is kept, for the re-import);
  * re-import      the same file again: every firm is updated in place, every membership already exists
                   (rolled back);
  * 1 % invalid    another N rows of new firms of which 1 % are rejected (half a wrong check character, half an
                   empty firm name), to show the cost of the error path (rolled back).

Each is run --runs times and the fastest is printed with its CPU time (steadier on a busy machine), rows/s and the
number of SQL statements (savepoints included). Peak memory: the process's maximum resident set (ru_maxrss), and
the peak of Python allocations (tracemalloc) in one extra, untimed run of the first import (the one kept).
"""

import argparse
import io
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from associations.imports import KNOWN_COLUMNS, import_firms_file  # noqa: E402
from associations.models import Association  # noqa: E402
from bench.bench_events import QueryCounter  # noqa: E402
from portal.demo.organisations import ASSOCIATIONS, _Generator  # noqa: E402

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Membership type column: mostly empty (会员单位 by default), a few officers, some written without 单位.
LEVELS = ("", "", "", "", "会员单位", "会员单位", "理事单位", "理事", "副会长单位", "会长单位")
FIRST, AGAIN, INVALID = "first import (new firms)", "re-import (all updated)", "1 % invalid rows"


def make_rows(n: int, seed: int, invalid_share: float = 0.0) -> list[tuple]:
    """N data rows of distinct firms, spread over the demo associations; every 1/invalid_share-th row is broken."""
    gen = _Generator(seed)
    every = round(1 / invalid_share) if invalid_share else 0
    rows = []
    for i in range(n):
        spec = ASSOCIATIONS[i % len(ASSOCIATIONS)]
        firm = gen.firm(spec.sector)
        name, code = firm.name, firm.uscc
        if every and i % every == every // 2:
            if (i // every) % 2:
                name = ""
            else:
                code = code[:17] + ("0" if code[17] != "0" else "1")
        association = spec.short_name if gen.rng.random() < 0.3 else spec.name
        rows.append((name, code, association, gen.rng.choice(LEVELS), firm.address, firm.legal_representative))
    return rows


def workbook(rows: list[tuple], title: str) -> SimpleUploadedFile:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("会员单位")
    sheet.append(KNOWN_COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(f"{title}.xlsx", buffer.getvalue(), content_type=XLSX)


def timed(fn, runs: int):
    """The fastest of `runs` calls, each rolled back: (result, seconds, CPU seconds, queries)."""
    best = None
    for _run in range(runs):
        with QueryCounter() as queries, transaction.atomic():
            started, started_cpu = time.perf_counter(), time.process_time()
            result = fn()
            elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
            transaction.set_rollback(True)
        if best is None or elapsed < best[1]:
            best = (result, elapsed, cpu, queries.count)
    return best


def traced_peak(fn) -> int:
    """Peak of Python allocations during one call (kept)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="repeat each import and keep the fastest")
    args = parser.parse_args()

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        admin = get_user_model().objects.create_superuser("bench-admin", "bench@example.com", "bench")
        Association.objects.bulk_create(
            Association(name=s.name, short_name=s.short_name, uscc=s.uscc, sector=s.sector, address=s.address,
                        contact_person=s.contact_person, contact_phone=s.contact_phone) for s in ASSOCIATIONS)
        members = workbook(make_rows(args.rows, seed=1), "会员单位导入")
        broken = workbook(make_rows(args.rows, seed=2, invalid_share=0.01), "会员单位导入（含错误行）")
        print(f"{args.rows:,} rows a workbook ({members.size / 1024:,.0f} and {broken.size / 1024:,.0f} KiB), "
              f"{len(ASSOCIATIONS)} associations, on {connection.vendor}; built in "
              f"{time.perf_counter() - started:.1f} s")

        def run(upload):
            return lambda: import_firms_file(actor=admin, uploaded=upload)

        results = {FIRST: timed(run(members), args.runs), INVALID: timed(run(broken), args.runs)}
        rss_timed = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        # One more, untimed, first import under tracemalloc: kept, so that the re-import finds every firm.
        peak = traced_peak(run(members))
        results[AGAIN] = timed(run(members), args.runs)
        rss_end = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        print(f"{'import (fastest of ' + str(args.runs) + ')':<26} {'seconds':>8} {'CPU s':>7} {'rows/s':>7} "
              f"{'queries':>8} {'q/row':>6}  report")
        for label in (FIRST, AGAIN, INVALID):
            report, seconds, cpu, queries = results[label]
            print(f"{label:<26} {seconds:8.2f} {cpu:7.2f} {report.rows_total / seconds:7,.0f} {queries:8,d} "
                  f"{queries / report.rows_total:6.1f}  created {report.created:,}, "
                  f"updated {report.updated:,}, memberships {report.memberships_created:,}, "
                  f"rejected {report.rejected_count:,}")
        print(f"peak memory: Python allocations during one first import (tracemalloc, untimed) {peak / 2**20:.0f} MB; "
              f"max RSS {rss_timed / 1024:.0f} MB after the timed first and invalid imports, {rss_end / 1024:.0f} MB "
              f"at the end")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
