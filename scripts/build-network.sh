#!/usr/bin/env bash
# Make the sealed builder's network: a bridge whose containers (image build steps) cannot reach
# the host itself, so a Dockerfile's RUN step cannot talk to Postgres, Redis, the API or the
# engine, whatever address it tries (the bridge gateway, the host's own addresses). Idempotent.
#
# Usage: scripts/build-network.sh
# Environment: BERTH_BUILD_NETWORK (default berth-build; also the bridge interface's name).
#
# What it does:
#   docker network create berth-build  (bridge named berth-build, inter-container traffic off)
#   iptables  -I INPUT -i berth-build -j DROP   (and ip6tables, when present)
# Traffic from the bridge to the outside (package mirrors) is forwarded as on any Docker bridge;
# traffic to other Docker bridges is dropped by Docker's own isolation rules.
# The firewall rule is not persistent: scripts/prepare.sh runs this at every `npm run up`/`npm test`.

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NET=${BERTH_BUILD_NETWORK:-berth-build}
[[ "$NET" =~ ^[a-z0-9-]{1,15}$ ]] || die "BERTH_BUILD_NETWORK must be 1-15 of a-z 0-9 - (it names a network interface)"
have iptables || die "cannot isolate the build network: iptables is missing (apt-get install iptables)"

if ! docker network inspect "$NET" >/dev/null 2>&1; then
  docker network create --driver bridge \
    --opt com.docker.network.bridge.name="$NET" \
    --opt com.docker.network.bridge.enable_icc=false \
    --label berth.managed=true --label berth.role=build-network "$NET" >/dev/null ||
    die "cannot create the build network $NET"
  log "created build network $NET"
fi

iptables -C INPUT -i "$NET" -j DROP 2>/dev/null || iptables -I INPUT -i "$NET" -j DROP ||
  die "cannot add the firewall rule dropping $NET → host (iptables -I INPUT -i $NET -j DROP)"
if have ip6tables; then
  ip6tables -C INPUT -i "$NET" -j DROP 2>/dev/null || ip6tables -I INPUT -i "$NET" -j DROP 2>/dev/null || true
fi
vlog "build network $NET isolated from the host"
