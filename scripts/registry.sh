#!/usr/bin/env bash
# A local image registry on loopback, for tests of the worker's pull path (no outside registry is
# reachable here). Debian's `docker-registry` (CNCF distribution), data under .berth/registry.
#
# Usage: scripts/registry.sh        prints the registry address (e.g. 127.0.0.1:5000) on stdout
# Environment: BERTH_TEST_REGISTRY_PORT (default 5000)

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

port=${BERTH_TEST_REGISTRY_PORT:-5000}
addr="127.0.0.1:$port"
answers() { curl -fsS --max-time 2 "http://$addr/v2/" >/dev/null 2>&1; }

if ! answers; then
  apt_install docker-registry curl
  dir="$BERTH_STATE/registry"
  mkdir -p "$dir/data"
  cat >"$dir/config.yml" <<YAML
version: 0.1
log: { level: warn }
storage: { filesystem: { rootdirectory: $dir/data }, delete: { enabled: true } }
http: { addr: $addr }
YAML
  log "starting a local registry on $addr"
  ( close_locks; exec setsid docker-registry serve "$dir/config.yml" >"$BERTH_LOGS/registry.log" 2>&1 ) &
  wait_for 20 answers || { tail_log "$BERTH_LOGS/registry.log" 5; die "cannot start the local registry on $addr (see .berth/logs/registry.log)"; }
fi
printf '%s\n' "$addr"
