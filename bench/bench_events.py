"""Events benchmark: registrations through the service on one event with quotas, and the pages with many of them.

    .venv/bin/python bench/bench_events.py [--registrations 1000]                  (make bench-events)
    scripts/with-postgres.sh .venv/bin/python bench/bench_events.py            (make bench-events-postgres)

Builds a throwaway test database (SQLite in memory by default; a `test_…` database on PostgreSQL when DATABASE_URL
is set): one live event of the committee with ticket types 企业代表 and 媒体, quotas 企业代表 (95 % of N) and 媒体
(3 % of N) so the last registrations join the waiting list, a 晚宴 sub-event (a third of the attendees tick it),
and the questions 手机号 and 身份证号 (validated). N users (bulk-created) then each register themself through
``events.services.register`` (the row-locked quota path, the audit entry and the confirmation mail included).

Measured:
  (a) the N registrations: total, per registration (mean, p95) and queries per registration;
  (b) the event page and /me/events/ for one registered user, rendered with 10 and with N registrations
      (fastest of --runs: seconds and SQL queries — the counts should be equal);
  (c) the attendee XLSX export of the N registrations, when events/exports.py has it (skipped otherwise).
Timings are printed, never asserted.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from events import exports, services  # noqa: E402
from events.models import (  # noqa: E402
    EventPage,
    Question,
    Quota,
    Registration,
    RegistrationSetup,
    SubEvent,
    TicketType,
)
from events.services.questions import ID_CHECK, ID_WEIGHTS  # noqa: E402
from portal.setup import ensure_event_index  # noqa: E402


def id_number(i: int) -> str:
    body = f"510104{1970 + i % 26}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def bench_admin():
    """The superuser every bench builder acts as (created once, shared when builders are combined)."""
    admin, _created = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"email": "bench-admin@example.com", "is_superuser": True, "is_staff": True})
    return admin


def add_event(title: str, slug: str, start) -> EventPage:
    """A live event page of 8 hours from ``start`` under the events index (a revision, published)."""
    event = EventPage(title=title, slug=slug, event_type="forum", starts_at=start, ends_at=start + timedelta(hours=8),
                      venue="成都世纪城新国际会展中心", summary="基准测试。")
    ensure_event_index().add_child(instance=event)
    event.save_revision().publish()
    event.refresh_from_db()
    return event


def build(n: int):
    User = get_user_model()
    admin = bench_admin()
    users = User.objects.bulk_create(User(username=f"bench{i:05d}@example.com", email=f"bench{i:05d}@example.com",
                                          full_name=f"参会人{i:05d}", password="!") for i in range(n))
    start = (timezone.now() + timedelta(days=30)).replace(second=0, microsecond=0)
    event = add_event("基准测试：2026成都国际广告节", "bench-festival", start)
    RegistrationSetup.objects.create(event=event, opens_at=timezone.now() - timedelta(days=1),
                                     closes_at=start - timedelta(days=1))
    rep = TicketType.objects.create(event=event, name="企业代表", position=1)
    press = TicketType.objects.create(event=event, name="媒体", position=2)
    Quota.objects.create(event=event, name="企业代表", size=n * 95 // 100).ticket_types.add(rep)
    Quota.objects.create(event=event, name="媒体", size=max(1, n * 3 // 100)).ticket_types.add(press)
    dinner = SubEvent.objects.create(event=event, name="晚宴", starts_at=start + timedelta(hours=9),
                                     ends_at=start + timedelta(hours=11))
    Quota.objects.create(event=event, name="晚宴", size=n // 2, sub_event=dinner)
    phone = Question.objects.create(event=event, label="手机号", kind="phone", required=True, personal_data=True,
                                    retention_days=90, position=1)
    id_q = Question.objects.create(event=event, label="身份证号", kind="id_number", required=True,
                                   personal_data=True, retention_days=30, position=2)
    id_q.ticket_types.set([rep])
    return admin, users, event, (rep, press, dinner, phone, id_q)


def register_one(event, user, i, parts):
    rep, press, dinner, phone, id_q = parts
    ticket = press if i % 25 == 0 else rep
    answers = {phone.field_name: f"139{10000000 + i:08d}"}
    if ticket is rep:
        answers[id_q.field_name] = id_number(i)
    return services.register(event=event, actor=user, ticket_type=ticket, name=user.full_name, email=user.email,
                             answers=answers, sub_events=[dinner] if i % 3 == 0 else [])


class QueryCounter:
    """Counts the SQL statements run while installed (no query log, so no 9,000-query cap)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


def fastest(fn, runs: int):
    best = None
    for _run in range(runs):
        with QueryCounter() as queries:
            started = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - started
        if best is None or elapsed < best[1]:
            best = (result, elapsed, queries.count)
    return best


def pages(client, event, runs):
    rows = []
    for label, url in (("event page", event.url), ("/me/events/", reverse("events_workspace:index"))):
        response, seconds, queries = fastest(lambda url=url: client.get(url), runs)
        rows.append((label, response.status_code, seconds, queries))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registrations", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3, help="repeat each page measurement and keep the fastest")
    args = parser.parse_args()
    n = args.registrations

    setup_test_environment()  # locmem mail, ALLOWED_HOSTS for the test client
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        admin, users, event, parts = build(n)
        client = Client()
        client.force_login(users[0])
        durations, page_rows, page_queries = [], {}, 0
        with QueryCounter() as queries:
            started = time.perf_counter()
            for i, user in enumerate(users):
                t0 = time.perf_counter()
                register_one(event, user, i, parts)
                durations.append(time.perf_counter() - t0)
                if i + 1 == 10:  # the pages with 10 registrations, not counted in (a)
                    paused, before = time.perf_counter(), queries.count
                    page_rows[10] = pages(client, event, args.runs)
                    started += time.perf_counter() - paused
                    page_queries = queries.count - before
            total = time.perf_counter() - started
        register_queries = queries.count - page_queries
        page_rows[n] = pages(client, event, args.runs)
        states = {s: Registration.objects.filter(event=event, state=s).count() for s in Registration.State.values}

        print(f"{connection.vendor}: {n:,} registrations through services.register on one event")
        print(f"{'measure':<40} {'value':>14}")
        print(f"{'(a) total seconds':<40} {total:14.2f}")
        print(f"{'    per registration, mean ms':<40} {statistics.mean(durations) * 1000:14.1f}")
        print(f"{'    per registration, p95 ms':<40} {statistics.quantiles(durations, n=20)[18] * 1000:14.1f}")
        print(f"{'    registrations per second':<40} {n / total:14.0f}")
        print(f"{'    SQL queries per registration':<40} {register_queries / n:14.1f}")
        print(f"{'    mails sent':<40} {len(mail.outbox):14d}")
        print("    states: " + ", ".join(f"{k} {v}" for k, v in states.items() if v))
        print(f"{'(b) page':<22} {'registrations':>13} {'status':>7} {'ms':>8} {'queries':>8}")
        for size, rows in page_rows.items():
            for label, status, seconds, count in rows:
                print(f"    {label:<18} {size:13,d} {status:7d} {seconds * 1000:8.1f} {count:8d}")
        if getattr(exports, "_todo", None) is exports.attendees:
            print("(c) attendee XLSX export: skipped (events/exports.py has no attendee export yet)")
        else:
            client.force_login(admin)
            url = reverse("events_manage:export_attendees", args=[event.pk])
            response, seconds, count = fastest(lambda: client.get(url), args.runs)
            size = len(b"".join(response) if response.streaming else response.content)
            print(f"(c) attendee XLSX export of {n:,}: status {response.status_code}, {seconds:.2f} s, "
                  f"{count} queries, {size / 1024:.0f} KB")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
