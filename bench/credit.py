"""Bulk credit rating benchmark: N firms × M events each, then one rating round covering every firm.

    .venv/bin/python bench/credit.py [--firms 10000] [--events 20] [--runs 3]             (make bench-credit)
    scripts/with-postgres.sh .venv/bin/python bench/credit.py                    (make bench-credit-postgres)

Builds the data in a throwaway test database (SQLite in memory by default; a `test_…` database on PostgreSQL when
DATABASE_URL is set) with bulk_create for speed: the demo scheme's 20 indicators and level table (put in force
through the service), N firms of one sector, M approved events per firm spread over three years (about half of
them effective on the rating date; 1 % revoked, 1 % repaired, so every filter of the query does work). Then, the
round opened through credit.services:

  * round_compute    the service as the committee runs it (lock, delete the working ratings, firm list, compute,
                     bulk_create, audit), the target being ≤ 10 s for 10,000 firms × 20 events;
  * its parts        the firm list query; compute_ratings (the events query per 2,000 firms and the arithmetic),
                     with the events query alone timed too; Rating.objects.bulk_create of the result.

Each is run --runs times (round_compute recomputes, which deletes the previous ratings first) and the fastest is
printed with its CPU time, ratings/s and queries. Peak memory: the process's maximum resident set (ru_maxrss)
and, in one extra run of round_compute under tracemalloc (slower, not timed), the peak of Python allocations.
"""

import argparse
import os
import random
import resource
import sys
import time
import tracemalloc
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from associations.models import Firm  # noqa: E402
from credit import services  # noqa: E402
from credit.models import (  # noqa: E402
    CreditEvent,
    CreditScheme,
    EventState,
    Indicator,
    Rating,
    SchemeLevel,
    Source,
)
from credit.scoring import ROW_FIELDS, family_events  # noqa: E402
from credit.services.rounds import BATCH, compute_ratings, round_firms  # noqa: E402
from portal.demo.credit import INDICATORS, LEVELS  # noqa: E402

SH = ZoneInfo("Asia/Shanghai")
AS_OF = date(2026, 6, 30)
BUILT_AT = datetime(2026, 7, 1, 9, tzinfo=SH)  # every event approved before the round is computed


def build(n_firms: int, n_events: int, seed: int = 1):
    rnd = random.Random(seed)
    admin, _created = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"email": "bench@example.com", "is_superuser": True, "is_staff": True})
    scheme = CreditScheme.objects.create(
        name="成都市市政设施养护维修行业企业信用评价办法（试行）", family="bench", version="基准",
        legal_basis="基准测试", issuing_authority="成都市城市管理委员会", sectors=["municipal"],
        effective_from=date(2023, 1, 1), basic_cap=10, good_cap=30, bad_cap=60)
    SchemeLevel.objects.bulk_create(SchemeLevel(scheme=scheme, name=name, min_score=minimum)
                                    for name, minimum, _description in LEVELS)
    Indicator.objects.bulk_create(
        Indicator(scheme=scheme, code=code, name=name, category=cat, severity=sev, points=pts, points_min=lo,
                  points_max=hi, evidence_required=ev, publish_min_days=dmin, publish_max_days=dmax, sort_order=i)
        for i, (code, name, cat, sev, pts, lo, hi, ev, dmin, dmax, _basis) in enumerate(INDICATORS))
    scheme = services.scheme_put_in_force(actor=admin, scheme=scheme)
    indicators = list(scheme.indicators.all())
    weights = [3 if i.category == "basic" else 4 if i.category == "good" else 2 for i in indicators]

    firms = Firm.objects.bulk_create(
        (Firm(name=f"成都基准市政设施养护工程有限公司{i:05d}", uscc=f"915101000{i:08d}X", sector="municipal")
         for i in range(n_firms)), batch_size=2000)
    # Plain rows through executemany: model instances and bulk_create (45 rows a statement on SQLite) would take
    # a minute for 200,000 events; the columns are filled as bulk_create would (numbers, approval set here).
    # Numbered after any events already recorded in 2026 (the demo's, when bench/http builds on seed_demo).
    ops, sequence = connection.ops, CreditEvent.objects.filter(year=2026).aggregate(n=Max("sequence"))["n"] or 0
    approved_at = ops.adapt_datetimefield_value(BUILT_AT - timedelta(days=1))
    revoked_at = ops.adapt_datetimefield_value(BUILT_AT - timedelta(hours=1))
    repaired_at = ops.adapt_datetimefield_value(BUILT_AT - timedelta(hours=2))
    rows = []
    for firm in firms:
        for indicator in rnd.choices(indicators, weights, k=n_events):
            sequence += 1
            start = AS_OF - timedelta(days=rnd.randint(-30, 1000))
            roll = rnd.random()
            repaired = 0.01 <= roll < 0.02
            rows.append((
                2026, sequence, f"XY-2026-{sequence:07d}", firm.pk, indicator.pk,
                ops.adapt_decimalfield_value(indicator.points, 7, 2), indicator.name, ops.adapt_datefield_value(start),
                ops.adapt_datefield_value(start), ops.adapt_datefield_value(
                    start + timedelta(days=indicator.publish_max_days - 1)),
                Source.AUTHORITY, "", "", "", "",
                EventState.REVOKED if roll < 0.01 else EventState.APPROVED, admin.pk, approved_at, approved_at,
                admin.pk, "", revoked_at if roll < 0.01 else None,
                ops.adapt_datefield_value(start + timedelta(days=indicator.publish_min_days)) if repaired else None,
                repaired_at if repaired else None))
    columns = ("year", "sequence", "number", "firm_id", "indicator_id", "points", "summary", "occurred_on",
               "effective_from", "expires_on", "source", "evidence_doc_no", "evidence_issuer", "evidence_file",
               "evidence_name", "state", "recorded_by_id", "created_at", "approved_at", "approved_by_id",
               "decision_reason", "revoked_at", "repaired_on", "repaired_at")
    sql = (f"INSERT INTO {CreditEvent._meta.db_table} ({', '.join(columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), 20_000):
            cursor.executemany(sql, rows[start:start + 20_000])
    return admin, scheme


def timed(fn, runs: int, *, rollback: bool = False):
    """The fastest of `runs` calls fn(run): (result, seconds, CPU seconds, queries). With rollback, each call is
    undone."""
    best = None
    for run in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            if rollback:
                with transaction.atomic():
                    result = fn(run)
                    elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
                    transaction.set_rollback(True)
            else:
                result = fn(run)
                elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        if best is None or elapsed < best[1]:
            best = (result, elapsed, cpu, len(queries))
    return best


def events_query(rating_round, firm_ids, known_at):
    rows = defaultdict(list)
    for start in range(0, len(firm_ids), BATCH):
        events = family_events(rating_round.scheme).filter(firm_id__in=firm_ids[start:start + BATCH])
        for row in events.effective_on(rating_round.as_of, known_at).values(*ROW_FIELDS):
            rows[row["firm_id"]].append(row)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--firms", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=20, help="events per firm")
    parser.add_argument("--runs", type=int, default=3, help="repeat each measurement and keep the fastest")
    args = parser.parse_args()

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        admin, scheme = build(args.firms, args.events)
        # A fresh round for every timed run of the service (and one for the tracemalloc run).
        rounds = [services.round_open(actor=admin, scheme=scheme, sector="municipal", name=f"基准测试轮次{i}",
                                      as_of=AS_OF) for i in range(args.runs + 1)]
        rating_round = rounds[-1]
        n_events = CreditEvent.objects.count()
        print(f"built {args.firms:,} firms and {n_events:,} events on {connection.vendor} "
              f"in {time.perf_counter() - started:.1f} s")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        known_at = BUILT_AT
        firm_ids, *firms_t = timed(lambda _: list(round_firms(rating_round).values_list("pk", flat=True)),
                                   args.runs)
        rows, *query_t = timed(lambda _: events_query(rating_round, firm_ids, known_at), args.runs)
        effective = sum(len(r) for r in rows.values())
        rows = None
        ratings, *compute_t = timed(lambda _: compute_ratings(rating_round, firm_ids, known_at=known_at), args.runs)
        _none, *insert_t = timed(lambda _: Rating.objects.bulk_create(ratings, batch_size=BATCH), args.runs,
                                 rollback=True)
        ratings = None  # free the memory before the service runs
        count, *total_t = timed(lambda run: services.round_compute(actor=admin, rating_round=rounds[run]), args.runs)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        tracemalloc.start()
        services.round_compute(actor=admin, rating_round=rating_round)
        _current, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        print(f"{'step (fastest of ' + str(args.runs) + ')':<34} {'seconds':>8} {'CPU s':>7} {'firms/s':>10} "
              f"{'queries':>8}")
        for label, (seconds, cpu, queries) in (
            ("firm list (round_firms)", firms_t), ("  events query alone", query_t),
            ("compute_ratings (query + scoring)", compute_t), ("bulk_create ratings", insert_t),
            ("round_compute (service, total)", total_t),
        ):
            print(f"{label:<34} {seconds:8.2f} {cpu:7.2f} {count / seconds:10,.0f} {queries:8d}")
        print(f"firms {count:,} · events {n_events:,} ({effective:,} effective on {AS_OF}) · "
              f"round_compute {total_t[0]:.2f} s = {count / total_t[0]:,.0f} ratings/s (target ≤ 10 s: "
              f"{'met' if total_t[0] <= 10 else 'MISSED'})")
        print(f"peak memory: max RSS {rss_before / 1024:.0f} MB after building, {rss_after / 1024:.0f} MB after the "
              f"rounds; Python allocations during one round_compute (tracemalloc) {traced_peak / 2**20:.0f} MB")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
