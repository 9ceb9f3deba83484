"""In the bench process, against the same database: the URLs to measure, their warm SQL query counts, and a
cProfile of one warm request.

    python -m bench.http.queries urls OUT.json           label → path, plus the warm query count of each page
    python -m bench.http.queries profile PATH [N]        cProfile of N warm requests (top functions by own time)

Run with DJANGO_SETTINGS_MODULE=bench.http.settings and BENCH_DB (bench/http/main.py does). Counts use
django.test.Client and CaptureQueriesContext: each page is requested twice and the second (warm) request counts,
which is what a gunicorn worker runs at steady state. The page cache follows PORTAL_PAGE_CACHE like the server.
"""

import cProfile
import io
import json
import pstats
import sys


def _client():
    import django

    django.setup()
    from django.test import Client

    return Client(HTTP_HOST="127.0.0.1")


def warm_queries(client, path: str) -> tuple[int, int]:
    """(status, queries) of the second of two requests."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response.status_code, len(queries)


def urls_with_queries(out: str) -> None:
    client = _client()
    from bench.http.dataset import bench_urls

    result = {}
    for label, path in bench_urls().items():
        status, count = warm_queries(client, path)
        result[label] = {"path": path, "status": status, "queries": count}
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)


def profile(path: str, runs: int = 20, top: int = 25) -> str:
    client = _client()
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        client.get(path)
    profiler.disable()
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return buffer.getvalue()


if __name__ == "__main__":
    if sys.argv[1] == "urls":
        urls_with_queries(sys.argv[2])
    else:
        print(profile(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 20))
