#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: its own cluster in a temp dir, listening on
# 127.0.0.1 (a free port) and on a unix socket in that dir, trust auth, database qunguan_test.
#
#   eval "$(bash .ci/postgres.sh)"     start; stdout is only the exports, the URL line last:
#                                        export QUNGUAN_TEST_PG_DIR=/tmp/qunguan-pg.XXXXXX
#                                        export QUNGUAN_TEST_PG_URL=postgresql://qunguan@127.0.0.1:PORT/qunguan_test
#   bash .ci/postgres.sh stop DIR      stop that server and remove DIR
#
# CI runs this as root on Debian 12: missing binaries are installed with apt-get, and initdb and
# postgres, which refuse to run as root, run as the `postgres` user. QUNGUAN_PG_NO_INSTALL=1
# (set by tests/pg.py) fails instead of installing, so a test run never changes the system.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

find_bin() {  # the newest installed major version
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {  # ask the kernel for a free port; bash-only fallback when python3 is absent
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

if [ "${1:-}" = stop ]; then
  dir=${2:?usage: postgres.sh stop DIR}
  # refuse anything that is not a directory this script made: the next line is rm -rf
  case "$dir" in /tmp/qunguan-pg.*) ;; *) log "refusing to stop/remove $dir"; exit 2 ;; esac
  [ -d "$dir" ] || exit 0
  if bin=$(find_bin) && [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  exit 0
fi

bin=$(find_bin || true)
if [ -z "$bin" ]; then
  if [ "${QUNGUAN_PG_NO_INSTALL:-0}" = 1 ] || [ "$(id -u)" != 0 ]; then
    log "no PostgreSQL under /usr/lib/postgresql/*/bin (install the postgresql package, or set QUNGUAN_TEST_PG_URL)"
    exit 3
  fi
  log "installing postgresql with apt-get"
  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql) >&2
  bin=$(find_bin) || { log "postgresql installed but no initdb under /usr/lib/postgresql/*/bin"; exit 3; }
fi
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi

dir=$(mktemp -d /tmp/qunguan-pg.XXXXXX)
chmod 755 "$dir"
if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
trap 'log "failed; server log follows"; cat "$dir/server.log" >&2 2>/dev/null || true; bash "$0" stop "$dir"' ERR

# the superuser is `qunguan`, password-less under trust auth: a test database, nothing more
as_owner "$bin/initdb" -D "$dir/data" -U qunguan --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null

# the port is free when chosen but could be taken before postgres binds it: try a few
started=
for _ in 1 2 3 4 5; do
  port=$(free_port)
  # fsync/full_page_writes off: a crash loses a test database, which is what it is for
  if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "\
-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 \
-c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null; then
    started=1
    break
  fi
done
[ -n "$started" ] || false  # -> ERR trap: print the log, clean up

as_owner "$bin/createdb" -h "$dir" -p "$port" -U qunguan qunguan_test
trap - ERR
echo "export QUNGUAN_TEST_PG_DIR=$dir"
echo "export QUNGUAN_TEST_PG_URL=postgresql://qunguan@127.0.0.1:$port/qunguan_test"
