"""The ceiling: a bare Django project as `django-admin startproject` makes it, with one view returning "hello".

Settings, URLconf and WSGI application in one module, served by the same gunicorn from the same venv:

    DJANGO_SETTINGS_MODULE=bench.http.ceiling gunicorn --workers 2 --bind 127.0.0.1:PORT bench.http.ceiling:application

DEBUG off; startproject's INSTALLED_APPS and its 7 middlewares; SQLite configured (in memory) but never touched.
"""

from django.http import HttpResponse
from django.urls import path

DEBUG = False
SECRET_KEY = "bench-ceiling-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = __name__
INSTALLED_APPS = [f"django.contrib.{app}" for app in ("admin", "auth", "contenttypes", "sessions", "messages",
                                                       "staticfiles")]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
USE_TZ = True
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def hello(request):
    return HttpResponse("hello")


urlpatterns = [path("hello", hello)]


def _application():
    import os

    from django.core.wsgi import get_wsgi_application

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", __name__)
    return get_wsgi_application()


application = _application()
