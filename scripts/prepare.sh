#!/usr/bin/env bash
# Prepare this machine for Berth: services (PostgreSQL, Redis, Docker engine) and the
# offline base images. Idempotent; a second run only checks (well under 3 s).
#
# Usage: scripts/prepare.sh
# Environment: DATABASE_URL, REDIS_URL, DOCKER_HOST (see scripts/services.sh),
#              BERTH_VERBOSE=1 for more progress lines.

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${DATABASE_URL:=postgresql://postgres@127.0.0.1:5432/berth}"
: "${REDIS_URL:=redis://127.0.0.1:6379}"
export DATABASE_URL REDIS_URL

[[ $# -eq 0 ]] || {
  sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
  [[ "$1" == -h || "$1" == --help ]] && exit 0
  die "scripts/prepare.sh takes no arguments"
}

t0=$(now)
# The child scripts print their own error line; just pass their status on.
"$BERTH_ROOT/scripts/services.sh" all || exit 1
"$BERTH_ROOT/scripts/images.sh" all || exit 1
"$BERTH_ROOT/scripts/build-network.sh" || exit 1

# Where and what answers, for the summary line (without the password).
strip_url() {
  local u=$1
  u=${u#*://}
  u=${u##*@}
  printf '%s' "${u%%\?*}"
}

pg_version=$(printf 'SHOW server_version;\n' |
  PGCONNECT_TIMEOUT=5 psql -X -q -w -At -d "$DATABASE_URL" 2>/dev/null | awk '{ print $1; exit }' || true)
redis_version=$(timeout 5 redis-cli -u "$REDIS_URL" --no-auth-warning info server 2>/dev/null |
  tr -d '\r' | awk -F: '$1 == "redis_version" { print $2 }' || true)
docker_version=$(timeout 15 docker version --format '{{.Server.Version}}' 2>/dev/null || true)

log "services ready (postgres ${pg_version:-?} at $(strip_url "$DATABASE_URL")," \
  "redis ${redis_version:-?} at $(strip_url "$REDIS_URL"), docker ${docker_version:-?}) in $(elapsed "$t0")"
