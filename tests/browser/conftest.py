"""Harness for the browser journeys: a seeded throwaway portal, Debian's Chromium, axe-core.

Session scope: one temporary SQLite database (`migrate` + `seed_demo`), one server (`runserver --noreload`
with tests.browser.settings), one Chromium. Function scope: a fresh browser context (cookies, localStorage)
per test. Playwright never downloads a browser: Chromium is launched from PORTAL_CHROMIUM (/usr/bin/chromium).

Missing Chromium or node_modules/axe-core: with CI=true the run fails; elsewhere the tests are skipped with a
loud message.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 60


def _skip_or_fail(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser suite cannot run: {reason}", pytrace=False)
    banner = "#" * 78
    sys.stderr.write(f"\n{banner}\n## SKIPPED: browser suite — {reason}\n{banner}\n")
    pytest.skip(f"!!! BROWSER SUITE SKIPPED: {reason} !!!")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.fail(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}",
            pytrace=False,
        )


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the portal server exited with {process.returncode}:\n{log.read_text()}", pytrace=False)
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 — our own local server
                return
        except urllib.error.HTTPError:
            return  # it answers, even if not with 200
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the portal server did not answer within {SERVER_START_TIMEOUT}s:\n{log.read_text()}", pytrace=False)


@pytest.fixture(scope="session")
def portal_env(tmp_path_factory) -> dict:
    """The environment of the portal's manage.py commands: tests.browser.settings on the throwaway database.

    Tests may run `manage.py` with it (cwd ROOT) to act on the same data as the session server.
    """
    tmp = tmp_path_factory.mktemp("portal-browser")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.browser.settings",
        "PORTAL_BROWSER_DB": str(tmp / "db.sqlite3"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    return env


@pytest.fixture(scope="session")
def portal_url(portal_env):
    """Base URL (no trailing slash) of a freshly migrated and seeded portal."""
    env = portal_env
    tmp = Path(env["PORTAL_BROWSER_DB"]).parent
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "seed_demo", "-v", "0")

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp / "server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(base + "/", process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def chromium():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _skip_or_fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    args = list(CHROMIUM_ARGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(0, "--no-sandbox")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium, portal_url):
    """A page in a fresh context (no cookies, empty localStorage) that asks for Chinese, like our users."""
    context = chromium.new_context(
        base_url=portal_url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="session")
def axe_path():
    if not AXE_JS.is_file():
        _skip_or_fail(f"{AXE_JS.relative_to(ROOT)} is missing (run `npm ci`)")
    return str(AXE_JS)
