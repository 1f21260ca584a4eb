#!/usr/bin/env bash
# Runs a command with Berth's Node.js first on PATH (fetched when the machine's is not of the
# required line; see scripts/node-runtime.sh). The package.json scripts go through it, so tsc,
# eslint, prettier, prisma and vite never run on an unsupported node.
#
# Usage: scripts/with-node.sh COMMAND [ARGS...]

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -gt 0 ]] || die "usage: scripts/with-node.sh COMMAND [ARGS...]"
ensure_node
exec "$@"
