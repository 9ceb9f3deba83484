"""Production settings: refuse to start without the environment, and pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "DJANGO_SECRET_KEY": "k3J9#vQ2!mZp8@Lr5^Xw7&Tn4*Bc6(Hd1)Fg0_Ys-Ua+Ie=Oj[Pk]Ql{Rm}Sn",
    "DJANGO_ALLOWED_HOSTS": "portal.example.gov.cn",
    "DATABASE_URL": "postgres://portal:secret@127.0.0.1:5432/portal",
    "EMAIL_HOST": "smtp.example.gov.cn",
}


def run_manage(*args, env_overrides=None, drop=()):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "EMAIL_", "REDIS_"))}
    env.update(PRODUCTION_ENV)
    env.update(env_overrides or {})
    for name in drop:
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_prints_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("variable", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "EMAIL_HOST"])
def test_missing_variable_refuses_to_start_and_names_it(variable):
    result = run_manage("check", drop=[variable])
    assert result.returncode != 0
    assert variable in result.stderr
    assert "缺少环境变量" in result.stderr


def test_production_requires_mfa_for_committee_by_default():
    result = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.PORTAL_REQUIRE_MFA_FOR_COMMITTEE)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("True")


def test_redis_url_switches_cache_and_sessions():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)",
        env_overrides={"REDIS_URL": "redis://127.0.0.1:6379/0"},
    )
    assert result.returncode == 0, result.stderr
    assert "RedisCache" in result.stdout and "backends.cache" in result.stdout


def test_dev_settings_are_the_manage_py_default():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.conf import settings; print(settings.DEBUG, settings.EMAIL_BACKEND, settings.LANGUAGE_CODE, "
         "settings.TIME_ZONE)"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == ["True", "django.core.mail.backends.filebased.EmailBackend", "zh-hans",
                                          "Asia/Shanghai"]
