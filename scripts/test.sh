#!/usr/bin/env bash
# `npm test`: the same preparation as `npm run up`, a fresh test database, then every test
# (unit, e2e against real Postgres/Redis/Docker). Ends with the line `N passed, N failed`.

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BERTH_ROOT"

t0=$(now)
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/berth}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"

"$BERTH_ROOT/scripts/prepare.sh" || exit 1
"$BERTH_ROOT/scripts/node.sh" || exit 1
# Chromium for the browser tests (Debian's package; playwright-core drives it).
"$BERTH_ROOT/scripts/browser.sh" || exit 1
# A loopback registry, so the worker's pull path is tested for real without leaving the machine.
BERTH_TEST_REGISTRY=$("$BERTH_ROOT/scripts/registry.sh") || exit 1
export BERTH_TEST_REGISTRY

# The suite owns its database: dropped and migrated anew so every run starts from the same state.
export BERTH_TEST_DATABASE_URL="${BERTH_TEST_DATABASE_URL:-${DATABASE_URL%/*}/berth_test}"
DATABASE_URL="$BERTH_TEST_DATABASE_URL" "$BERTH_ROOT/scripts/migrate.sh" --fresh || exit 1
log "prepared in $(elapsed "$t0"); running the tests"

results="$BERTH_STATE/test-results.json"
rm -f "$results"
status=0
node --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js \
  --json --outputFile="$results" "$@" || status=$?

# CI reads this line, not jest's summary. Suites that crashed count as failures too.
# shellcheck disable=SC2016 # JavaScript, not shell
node -e '
  const fs = require("fs");
  const file = process.argv[1];
  if (!fs.existsSync(file)) { console.log("0 passed, 1 failed"); process.exit(0); }
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed`);
' "$results"
exit "$status"
