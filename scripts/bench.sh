#!/usr/bin/env bash
# `npm run bench`: the same preparation as `npm test`, its own database, then the benchmarks.
# Results are written under bench/results/ (speed goals are checked here, not in tests).

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BERTH_ROOT"

export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/berth}"
# Node.js first: everything below (npm, tsc, prisma, jest, the API and worker) runs on it.
ensure_node
"$BERTH_ROOT/scripts/prepare.sh" || exit 1
"$BERTH_ROOT/scripts/node.sh" || exit 1
export BERTH_BENCH_DATABASE_URL="${BERTH_BENCH_DATABASE_URL:-${DATABASE_URL%/*}/berth_bench}"
DATABASE_URL="$BERTH_BENCH_DATABASE_URL" "$BERTH_ROOT/scripts/migrate.sh" --fresh || exit 1
# Berth against raw Docker, side by side: writes bench/results.md (BENCH_ONLY=side-by-side stops there).
node dist/bench/side-by-side/main.js || exit 1
[[ "${BENCH_ONLY:-}" == side-by-side ]] && exit 0
node dist/bench/workspace-start.bench.js || exit 1
node dist/bench/exec-flood.bench.js || exit 1
node dist/bench/home-usage.bench.js || exit 1
# Snapshot and restore throughput of a 500 MB home (bench/home-data.bench.ts).
node dist/bench/home-data.bench.js || exit 1
# Time from `ssh` to the shell prompt through the built-in gateway (running and stopped workspaces).
node dist/bench/ssh-connect.bench.js || exit 1
# Time from "Open in VS Code" to the editor's first HTTP 200 (cold and warm), with the machine's build.
if editor_dir=$("$BERTH_ROOT/scripts/code-server.sh") && [[ -n "$editor_dir" ]]; then
  BERTH_CODE_SERVER_DIR=${BERTH_CODE_SERVER_DIR:-$editor_dir} node dist/bench/editor-open.bench.js
else
  log "skipping the editor benchmark: no code-server build (see above)"
fi
