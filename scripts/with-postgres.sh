#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 cluster (unix socket in a temp dir).
# As root the server runs as the `postgres` user via runuser (initdb refuses root).
# With CI=true a missing server fails the run; elsewhere the suite is skipped loudly.
set -euo pipefail

find_bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return; }; done
  command -v initdb >/dev/null 2>&1 && dirname "$(readlink -f "$(command -v initdb)")"
}

BINDIR=$(find_bindir || true)
if [ -z "$BINDIR" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "PostgreSQL server not found: installing postgresql-15 with apt…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 || \
   DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null
  BINDIR=$(find_bindir || true)
fi
if [ -z "$BINDIR" ]; then
  if [ "${CI:-}" = "true" ]; then echo "FAIL: PostgreSQL server binaries (initdb, pg_ctl) not found." >&2; exit 1; fi
  echo "##########################################################################"
  echo "## SKIPPED: PostgreSQL suite — no PostgreSQL server binaries on this machine"
  echo "##########################################################################"
  exit 0
fi

PGBASE=$(mktemp -d -t pgtest.XXXXXX)
RUN=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$PGBASE" postgres
  chown postgres "$PGBASE"
  RUN=(runuser -u postgres --)
fi
cleanup() {
  "${RUN[@]}" "$BINDIR/pg_ctl" -D "$PGBASE/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGBASE"
}
trap cleanup EXIT

"${RUN[@]}" "$BINDIR/initdb" -D "$PGBASE/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync >/dev/null
"${RUN[@]}" "$BINDIR/pg_ctl" -D "$PGBASE/data" -l "$PGBASE/server.log" -w \
  -o "-c listen_addresses='' -k $PGBASE -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
echo "PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') running on socket $PGBASE"

ENC=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$PGBASE")
export DATABASE_URL="postgres://postgres@${ENC}/portal"
export PGHOST="$PGBASE"
"$@"
