"""PostgreSQL search backend benchmark: the corpus, query mix and stream of bench/search.py, on IndexEntry.

    scripts/with-postgres.sh .venv/bin/python bench/search_postgres.py --docs 20000

Needs DATABASE_URL (scripts/with-postgres.sh starts a throwaway cluster and sets it); creates the database if it
does not exist and runs the migrations. Measures the index layer the site uses, without pages in the database:

  * indexing: search.backends.postgres.document_entry_fields() for each generated document (the backend's own
    analyzer → tsvector literal path) and the backend's upsert (bulk_create, update_conflicts, 500 a batch),
    1,000 documents a transaction; documents/s, then VACUUM ANALYZE (timed separately), table + GIN index size;
  * queries: the backend's query compiler (PostgresSearchQueryCompiler → tsquery literal) and its ranking
    expression (PostgresSearchResults._rank: ts_rank_cd + 文号 hint bonuses, ties to the newer date), as
      - "top10"        the ranked query, LIMIT 10 (what a results page needs), and
      - "top10+count"  the same plus the exact count (what the page's total needs).
    The backend also restricts entries to the queryset's pks (``object_id IN (SELECT pk FROM <queryset>)``); with no
    pages in this database that join is left out, as the database's share is left out of the Whoosh benchmark.
  * the same Zipf stream as bench/search.py (the backend has no result cache: every request goes to PostgreSQL;
    its shared buffers are the only cache).
"""

import argparse
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
if not os.environ.get("DATABASE_URL"):
    sys.exit("DATABASE_URL is not set: run under scripts/with-postgres.sh")


def ensure_database(url):
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = url[: -len(parsed.path)] + "/postgres" if parsed.path else url + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.utils import timezone  # noqa: E402
from modelsearch.query import PlainText  # noqa: E402
from wagtail.models import Page  # noqa: E402

from portal.policies.models import PolicyPage  # noqa: E402
from search.backends.postgres import (  # noqa: E402
    ALL,
    WRITE_BATCH,
    PostgresSearchQueryCompiler,
    PostgresSearchResults,
    _Matches,
    _tsquery,
    document_entry_fields,
)
from search.models import IndexEntry  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--stream", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="reuse the entries if there are --docs of them")
    args = parser.parse_args()

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        print(f"PostgreSQL {cursor.fetchone()[0]}, shared_buffers", end=" ")
        cursor.execute("SHOW shared_buffers")
        print(cursor.fetchone()[0])
    content_type = ContentType.objects.get_for_model(Page)  # PolicyPage's root indexed model
    entries = IndexEntry.objects.filter(content_type=content_type)
    if not (args.keep and entries.count() == args.docs):
        IndexEntry.objects.all().delete()
        now = timezone.now()
        started = time.perf_counter()
        chunk = []

        def flush(chunk):
            with transaction.atomic():
                IndexEntry.objects.bulk_create(
                    [IndexEntry(content_type=content_type, indexed_at=now, **document_entry_fields(d)) for d in chunk],
                    batch_size=WRITE_BATCH,
                    update_conflicts=True,
                    unique_fields=["content_type", "object_id"],
                    update_fields=["model_labels", "title", "content", "autocomplete", "date", "indexed_at"],
                )

        for doc in bench.generate(args.docs):
            chunk.append(doc)
            if len(chunk) == 1000:
                flush(chunk)
                chunk = []
                print(".", end="", flush=True)
        if chunk:
            flush(chunk)
        elapsed = time.perf_counter() - started
        print(f"\nindexed {args.docs} documents in {elapsed:.0f} s: {args.docs / elapsed:.0f} docs/s")
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {IndexEntry._meta.db_table}")
        print(f"VACUUM ANALYZE {time.perf_counter() - started:.1f} s")
    table = IndexEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_total_relation_size(%s), pg_relation_size(%s), pg_indexes_size(%s)", [table, table, table]
        )
        total, heap, indexes = cursor.fetchone()
        cursor.execute("SELECT pg_relation_size('portal_search_content_gin')")
        content_gin = cursor.fetchone()[0]
    print(f"table {table}: total {total / 1e6:.1f} MB (heap {heap / 1e6:.1f} MB + TOAST "
          f"{(total - heap - indexes) / 1e6:.1f} MB, indexes {indexes / 1e6:.1f} MB of which content GIN "
          f"{content_gin / 1e6:.1f} MB), {entries.count()} entries")

    def compiled(text):
        compiler = PostgresSearchQueryCompiler(PolicyPage.objects.all(), PlainText(text, operator="and"))
        return compiler.compiled()

    def matching(cq):
        qs = entries
        if cq.match != ALL:
            qs = qs.filter(_Matches(F(cq.column), _tsquery(cq.match)))
        return qs

    def top10(cq):
        return list(
            matching(cq)
            .annotate(_rank=PostgresSearchResults._rank(None, cq))
            .order_by(F("_rank").desc(), F("date").desc(nulls_last=True), "object_id")
            .values_list("object_id", "_rank")[:10]
        )

    modes = {"top10": top10, "top10+count": lambda cq: (top10(cq), matching(cq).count())}
    print(f"{'class':<10} {'mode':<12} {'p50 ms':>8} {'p95 ms':>8}   hits")
    all_samples = {mode: [] for mode in modes}
    for cls, texts in bench.QUERIES.items():
        for mode, fn in modes.items():
            samples, hits = [], []
            for text in texts:
                cq = compiled(text)
                fn(cq)  # warm-up
                for _ in range(args.runs):
                    started = time.perf_counter()
                    fn(cq)
                    samples.append((time.perf_counter() - started) * 1000)
                if mode == "top10+count":
                    hits.append(matching(cq).count())
            all_samples[mode].extend(samples)
            print(f"{cls:<10} {mode:<12} {statistics.median(samples):8.1f} "
                  f"{bench.percentile(samples, 95):8.1f}   {hits or ''}")
    for mode, samples in all_samples.items():
        print(f"{'mix':<10} {mode:<12} {statistics.median(samples):8.1f} {bench.percentile(samples, 95):8.1f}")

    if args.stream:
        texts, vocab = bench.query_stream(args.stream)
        samples = []
        for text in texts:
            started = time.perf_counter()
            cq = compiled(text)
            if cq.match is not None:
                top10(cq)
                matching(cq).count()
            samples.append((time.perf_counter() - started) * 1000)
        print(f"\nsteady state: {args.stream} requests, Zipf(1.0) over {vocab} distinct queries "
              f"({len(set(texts))} distinct in the stream), no result cache (compile + top10 + count)")
        print(f"stream            p50 {statistics.median(samples):7.1f} ms  p95 {bench.percentile(samples, 95):7.1f} ms"
              f"  p99 {bench.percentile(samples, 99):7.1f} ms  mean {statistics.mean(samples):6.1f} ms")


if __name__ == "__main__":
    main()
