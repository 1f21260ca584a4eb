#!/usr/bin/env bash
# A single-node Docker Swarm on the local engine, for BERTH_RUNTIME=swarm and its tests. Idempotent:
# an engine already in a swarm (active, or a worker of one) is left as it is. The advertise
# address is loopback, so nothing listens for other hosts; a real cluster is set up by its
# operator (README "Running on several hosts"). Never leaves a swarm, never restarts the engine.
#
# Usage: scripts/swarm.sh     prints this engine's node id on stdout

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

state() { docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null; }
is_active() { [[ "$(state)" == active ]]; }

case "$(state)" in
  active) ;;
  inactive)
    log "making this engine a single-node swarm (advertised on 127.0.0.1)"
    # Two runs at once: the second init answers "already part of a swarm", which is what we want.
    out=$(docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377 2>&1) ||
      is_active || die "docker swarm init failed: $out"
    ;;
  pending) wait_for 30 is_active || die "the engine's swarm state stays pending" ;;
  *) die "no Docker engine answers (or its swarm state is '$(state)'): run scripts/services.sh first" ;;
esac
docker info --format '{{.Swarm.NodeID}}'
