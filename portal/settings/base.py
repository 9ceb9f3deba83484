"""Settings shared by every environment. No secrets here."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

INSTALLED_APPS = [
    # Our apps first so their templates and translations win.
    "core",
    "associations",
    "consultations",
    "credit",
    "experts",
    "events",
    "awards",
    "portal",
    "search",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # allauth
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.NulCharacterMiddleware",
    "core.middleware.PortalCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "core.middleware.CommitteeMFAMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "db.sqlite3",
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- Language and time -----------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Private uploads (evidence, application documents, award entries, comment attachments): never served by the web
# server, only through permission-checked views (core.files.PrivateStorage).
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Accounts (django-allauth) ---------------------------------------------------
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[城管行业协会协作平台] "
ACCOUNT_RATE_LIMITS = {
    "login": "10/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "城管行业协会协作平台"
# Activity tracking would cost an UPDATE on every request; sessions are still listed.
USERSESSIONS_TRACK_ACTIVITY = False
# Committee staff must enrol in TOTP before anything else (on in production).
PORTAL_REQUIRE_MFA_FOR_COMMITTEE = False

# --- Wagtail ---------------------------------------------------------------------
WAGTAIL_SITE_NAME = "城管行业协会协作平台"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "ofd"]
# Chinese full-text search: the project's Whoosh backend (search/). One index directory per host, shared by
# the web workers; rebuild with `manage.py update_index`.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "search.backends.whoosh", "PATH": VAR_DIR / "search_index"},
}
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILADMIN_LOGIN_URL = "account_login"

# --- Security headers (docs/security.md) ------------------------------------------
# Every page but the Wagtail admin: no inline script or style at all, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# The Wagtail admin ships inline <script> blocks (inline panels, date widgets) and style attributes of its own,
# and frames its own preview: it gets this looser policy (core.middleware.PortalCSPMiddleware).
PORTAL_CSP_ADMIN_PREFIXES = ("/admin/",)
PORTAL_CSP_ADMIN_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Mail ------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = "城管行业协会协作平台 <noreply@portal.local>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Portal ----------------------------------------------------------------------
# Member import: largest accepted upload.
PORTAL_IMPORT_MAX_BYTES = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# 索引号 of a policy: <机构代码>/<年份>-<序号>.
PORTAL_POLICY_INDEX_PATTERN = "{org_code}/{year}-{seq:05d}"
# Largest document a committee editor may upload (policy attachments).
PORTAL_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
PORTAL_DOCUMENT_TYPES = ("pdf", "docx", "xlsx", "ofd")
WAGTAILDOCS_DOCUMENT_FORM_BASE = "portal.policies.documents.PolicyDocumentForm"

# Anonymous page cache (core/pagecache.py, docs/performance.md). PORTAL_PAGE_CACHE=0 turns it off.
PAGE_CACHE_ENABLED = os.environ.get("PORTAL_PAGE_CACHE", "1") != "0"
PAGE_CACHE_SECONDS = 60
PAGE_CACHE_ALIAS = "pages"
PAGE_CACHE_DIR = Path(os.environ.get("PORTAL_PAGE_CACHE_DIR", VAR_DIR / "pagecache"))
PAGE_CACHE_SHARED_GENERATIONS = False  # True when the "pages" cache is shared by every worker (Redis)
PAGE_CACHE_BACKEND = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "portal-pages",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": PAGE_CACHE_BACKEND,
}
