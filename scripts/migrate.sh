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
npx --no-install prisma migrate deploy >"$BERTH_LOGS/migrate.log" 2>&1 ||
  { tail_log "$BERTH_LOGS/migrate.log" 10; die "database migration failed (see .berth/logs/migrate.log)"; }
