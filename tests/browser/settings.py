"""Settings for the browser suite: the dev settings on a throwaway SQLite file, served like production.

The harness in tests/browser/conftest.py sets PORTAL_BROWSER_DB to a file in a temporary directory, runs
`migrate` and `seed_demo` against it and starts a server with these settings.
"""

import os
from pathlib import Path

from portal.settings.dev import *  # noqa: F403

_DB = Path(os.environ["PORTAL_BROWSER_DB"])
_TMP = _DB.parent

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": _DB}}

# Nothing is written under var/: mail and uploads go to the same temporary directory.
EMAIL_FILE_PATH = _TMP / "mail"
MEDIA_ROOT = _TMP / "media"
PRIVATE_MEDIA_ROOT = _TMP / "private"

# Static files straight from the finders (no collectstatic), also with DEBUG off.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The anonymous page cache is on, as in production; its generations file lives beside the throwaway database (the
# seeding process and the server share it).
PAGE_CACHE_DIR = _TMP / "pagecache"

# The search index lives beside the throwaway database.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.whoosh", "PATH": _TMP / "search_index"}}

# One client (127.0.0.1) logs in and searches far more often than a person: no rate limits here
# (tests/security/test_ratelimit.py checks them).
PORTAL_RATE_LIMITS_ENABLED = False
ACCOUNT_RATE_LIMITS = False
