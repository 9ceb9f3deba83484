"""Test settings: SQLite in memory, or PostgreSQL when DATABASE_URL is set."""

import atexit
import os
import shutil
import tempfile

import dj_database_url

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": PAGE_CACHE_BACKEND,  # noqa: F405
}
# Uploaded files go to a throwaway directory (Wagtail serves documents from disk).
MEDIA_ROOT = tempfile.mkdtemp(prefix="portal-test-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, True)
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="portal-test-private-")
atexit.register(shutil.rmtree, PRIVATE_MEDIA_ROOT, True)
# The page cache is off (tests read pages after changing rows directly); tests/core/test_pagecache.py turns it on.
PAGE_CACHE_ENABLED = False
PAGE_CACHE_DIR = tempfile.mkdtemp(prefix="portal-test-pagecache-")
atexit.register(shutil.rmtree, PAGE_CACHE_DIR, True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
WAGTAILADMIN_BASE_URL = "http://testserver"

# Serve static files straight from the finders; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Rate limits are off in the suites (the shared test cache would carry counts across tests);
# tests/security/test_ratelimit.py turns them on where it checks them.
PORTAL_RATE_LIMITS_ENABLED = False
