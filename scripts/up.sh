#!/usr/bin/env bash
# `npm run up`: prepare everything this machine lacks, then serve the API (with the portal) and
# the worker in the foreground until Ctrl-C. Safe to run again: finished work is not redone.

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BERTH_ROOT"

export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/berth}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export HOST="${HOST:-127.0.0.1}" PORT="${PORT:-8080}"
# Logs: short colourised lines for a person at a terminal, JSON lines for anything else (a pipe, a
# file, a log collector). BERTH_LOG_FORMAT=json|pretty and BERTH_LOG_LEVEL override.
if [[ -z "${BERTH_LOG_FORMAT:-}" && -t 1 ]]; then export BERTH_LOG_FORMAT=pretty; fi

# Node.js first: everything below (npm, tsc, prisma, jest, the API and worker) runs on it.
ensure_node
"$BERTH_ROOT/scripts/prepare.sh" || exit 1
"$BERTH_ROOT/scripts/node.sh" || exit 1
# OpenSSH's client, for `berth ssh` and `berth config-ssh` on this machine.
"$BERTH_ROOT/scripts/ssh-client.sh" || exit 1
# VS Code in the browser: code-server, built once per machine into the shared cache (about 3 minutes
# the first time; later runs and fresh clones reuse it). Without it Berth still runs, and the portal
# says the editor is not installed instead of showing its button.
if editor_dir=$("$BERTH_ROOT/scripts/code-server.sh"); then
  if [[ -n "$editor_dir" && -z "${BERTH_CODE_SERVER_DIR:-}" ]]; then export BERTH_CODE_SERVER_DIR=$editor_dir; fi
else
  log "continuing without VS Code in the browser"
fi
"$BERTH_ROOT/scripts/migrate.sh" || exit 1

# Stop both processes together, whichever way this script ends.
pids=()
stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

node dist/apps/worker/src/main.js &
pids+=($!)
node dist/apps/api/src/main.js &
pids+=($!)

for _ in $(seq 1 100); do
  curl -fsS "http://$HOST:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
log "Berth is up: http://$HOST:$PORT/  (API http://$HOST:$PORT/api/v1, docs http://$HOST:$PORT/api/docs)"
if [[ -n "${BERTH_ADMIN_PASSWORD:-}" ]]; then
  log "sign in as ${BERTH_ADMIN_EMAIL:-admin@berth.local} with the password in BERTH_ADMIN_PASSWORD"
elif [[ -f .berth/admin-password ]]; then
  log "sign in as ${BERTH_ADMIN_EMAIL:-admin@berth.local} / $(cat .berth/admin-password)  (from .berth/admin-password)"
fi
log "press Ctrl-C to stop"
# Whichever process ends first ends both.
wait -n "${pids[@]}" || true
