#!/usr/bin/env bash
# `npm test`: the same preparation as `npm run up`, a fresh test database, then every test
# (unit, e2e against real Postgres/Redis/Docker). Ends with the line `N passed, N failed`.

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BERTH_ROOT"

t0=$(now)
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/berth}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"

# Node.js first: everything below (npm, tsc, prisma, jest, the API and worker) runs on it.
ensure_node
"$BERTH_ROOT/scripts/prepare.sh" || exit 1
"$BERTH_ROOT/scripts/node.sh" || exit 1
# Chromium for the browser tests (Debian's package; playwright-core drives it).
"$BERTH_ROOT/scripts/browser.sh" || exit 1
# OpenSSH's client for the SSH gateway tests (Debian's openssh-client).
"$BERTH_ROOT/scripts/ssh-client.sh" || exit 1
# VS Code in the browser: code-server, built once per machine into the shared cache (about 3 minutes
# the first time; later runs and fresh clones reuse it). Without it Berth still runs, and the portal
# says the editor is not installed instead of showing its button.
if editor_dir=$("$BERTH_ROOT/scripts/code-server.sh"); then
  if [[ -n "$editor_dir" && -z "${BERTH_CODE_SERVER_DIR:-}" ]]; then export BERTH_CODE_SERVER_DIR=$editor_dir; fi
else
  log "continuing without VS Code in the browser"
fi
# A loopback registry, so the worker's pull path is tested for real without leaving the machine.
BERTH_TEST_REGISTRY=$("$BERTH_ROOT/scripts/registry.sh") || exit 1
export BERTH_TEST_REGISTRY
# A single-node swarm on the local engine for the Swarm driver's suite (idempotent; loopback only).
BERTH_TEST_SWARM_NODE=$("$BERTH_ROOT/scripts/swarm.sh") || exit 1
export BERTH_TEST_SWARM_NODE
# A real Prometheus scrapes the API and a worker in the metrics test.
BERTH_TEST_PROMETHEUS=$("$BERTH_ROOT/scripts/prometheus.sh") || exit 1
export BERTH_TEST_PROMETHEUS

# The suite owns its database: dropped and migrated anew so every run starts from the same state.
export BERTH_TEST_DATABASE_URL="${BERTH_TEST_DATABASE_URL:-${DATABASE_URL%/*}/berth_test}"
DATABASE_URL="$BERTH_TEST_DATABASE_URL" "$BERTH_ROOT/scripts/migrate.sh" --fresh || exit 1
log "prepared in $(elapsed "$t0"); running the tests"

# Two phases: every suite in parallel against the shared services, then the fault lab (suites that
# stop, restart or kill services of their own), one at a time. Arguments (e.g. a name pattern)
# go to both. A phase that a pattern leaves empty passes, but a run that tested nothing fails:
# a filter that matches no test must not report success.
results="$BERTH_STATE/test-results.json"
lab_results="$BERTH_STATE/test-results-lab.json"
rm -f "$results" "$lab_results"
jest() {
  node --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js --passWithNoTests "$@"
}
status=0
jest --json --outputFile="$results" "$@" || status=$?
lab_status=0
jest --config jest.lab.config.js --json --outputFile="$lab_results" "$@" || lab_status=$?
[[ $status -ne 0 ]] || status=$lab_status

# CI reads this line, not jest's summary. Suites that crashed count as failures too; a phase whose
# results file is missing (jest itself failed) counts as one failure.
# shellcheck disable=SC2016 # JavaScript, not shell
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  for (const file of process.argv.slice(1)) {
    if (!fs.existsSync(file)) { failed += 1; continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  }
  console.log(`${passed} passed, ${failed} failed`);
  if (passed + failed === 0) {
    console.error("no test matched: nothing was tested");
    process.exit(1);
  }
' "$results" "$lab_results" || status=1
exit "$status"
