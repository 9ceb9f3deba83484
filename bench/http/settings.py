"""Settings for `make bench`: the production settings, served over plain HTTP on 127.0.0.1, with bench paths.

BENCH_DB=postgres (DATABASE_URL from scripts/with-postgres.sh): portal.settings.production as it is.
BENCH_DB=sqlite: the same production module, with DATABASES replaced by a SQLite file under var/bench_http/
(production.py refuses anything but PostgreSQL, so a placeholder URL is shown to it while it is imported and
never used). Every other production choice stays: DEBUG off, whitenoise CompressedManifestStaticFilesStorage,
DatabaseCache, CONN_MAX_AGE 60, the security headers. Differences, all for a local benchmark:

* the environment production requires gets bench defaults (secret key, hosts, a mail host never contacted);
* DJANGO_SECURE_SSL_REDIRECT=false and DJANGO_HSTS_SECONDS=0 (read by production.py already), so plain-HTTP
  requests are answered rather than redirected to https;
* rate limits off (PORTAL_RATE_LIMITS_ENABLED, allauth's ACCOUNT_RATE_LIMITS);
* static files collected into var/bench_http/static; media and the Whoosh index per database;
* BENCH_BUILD=1 (dataset build only): mail goes nowhere and the search index is not updated on every save
  (AUTO_UPDATE off; `manage.py update_index` rebuilds it at the end).

The page cache (core/pagecache.py) is left to its own setting, which reads PORTAL_PAGE_CACHE from the environment.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH_DIR = Path(os.environ.get("BENCH_HTTP_DIR", ROOT / "var" / "bench_http"))
BENCH_DB = os.environ.get("BENCH_DB", "postgres" if os.environ.get("DATABASE_URL") else "sqlite")
DB_DIR = BENCH_DIR / BENCH_DB

for _name, _value in {
    "DJANGO_SECRET_KEY": "bench-http-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "EMAIL_HOST": "localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_HSTS_SECONDS": "0",
    "PORTAL_SEARCH_INDEX_DIR": str(DB_DIR / "search_index"),
    "PORTAL_PAGE_CACHE_DIR": str(DB_DIR / "pagecache"),
}.items():
    os.environ.setdefault(_name, _value)

if BENCH_DB == "sqlite":
    _saved = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = "postgres://placeholder/unused"
    try:
        from portal.settings.production import *  # noqa: F403
    finally:
        if _saved is None:
            del os.environ["DATABASE_URL"]
        else:
            os.environ["DATABASE_URL"] = _saved
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DB_DIR / "db.sqlite3", "CONN_MAX_AGE": 60}
    }
else:
    from portal.settings.production import *  # noqa: F403

PORTAL_RATE_LIMITS_ENABLED = False
ACCOUNT_RATE_LIMITS = False
STATIC_ROOT = BENCH_DIR / "static"
MEDIA_ROOT = DB_DIR / "media"

if os.environ.get("BENCH_BUILD") == "1":
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = False  # noqa: F405
    LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405 — no line per task
