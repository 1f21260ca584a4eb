#!/usr/bin/env bash
# Applies the migrations to DATABASE_URL (creating the database if needed), offline.
#
# Usage: scripts/migrate.sh [--fresh]   --fresh drops the database first (tests only)

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BERTH_ROOT"
: "${DATABASE_URL:?DATABASE_URL must be set}"

if [[ "${1:-}" == --fresh ]]; then
  db=${DATABASE_URL##*/}
  db=${db%%\?*}
  admin_url="${DATABASE_URL%/*}/postgres"
  psql -X -q -w -d "$admin_url" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 ||
    die "could not drop the test database $db"
fi
"$BERTH_ROOT/scripts/services.sh" ensure-db "$DATABASE_URL" || exit 1

# Skip the CLI when every migration is already applied: with the driver adapter it lingers ~10 s
# on an open connection after finishing, which would slow every `npm run up`.
expected=$(find prisma/migrations -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
applied=$(psql -X -q -w -At -d "$DATABASE_URL" -c \
  "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY 1" 2>/dev/null | sort || true)
if [[ -n "$expected" && "$expected" == "$applied" ]]; then
  vlog "database is up to date"
  exit 0
fi
log "applying database migrations"
ensure_node
npx --no-install prisma migrate deploy >"$BERTH_LOGS/migrate.log" 2>&1 ||
  { tail_log "$BERTH_LOGS/migrate.log" 10; die "database migration failed (see .berth/logs/migrate.log)"; }
