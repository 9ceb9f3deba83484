#!/usr/bin/env bash
# Browser journeys in headless Debian Chromium, driven by Playwright (never a downloaded browser).
# With CI=true a missing Chromium or npm fails the run; elsewhere the suite is skipped loudly.
set -euo pipefail
cd "$(dirname "$0")/.."

skip_or_fail() {
  if [ "${CI:-}" = "true" ]; then echo "FAIL: $1" >&2; exit 1; fi
  echo "##########################################################################"
  echo "## SKIPPED: browser suite — $1"
  echo "##########################################################################"
  exit 0
}

CHROMIUM=${PORTAL_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Chromium not found: installing Debian's chromium with apt…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) >/dev/null
fi
[ -x "$CHROMIUM" ] || skip_or_fail "Chromium not found at $CHROMIUM"

if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  command -v npm >/dev/null || skip_or_fail "npm not found (needed for axe-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi

export PORTAL_CHROMIUM="$CHROMIUM"
exec .venv/bin/pytest -m browser tests/browser -q
