#!/usr/bin/env bash
# `npm run check`: type-check (API, worker, libs, tests, portal), lint with zero warnings, and
# prettier --check, all on Berth's Node.js, after the dependencies and the Prisma client are ready.

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BERTH_ROOT"

ensure_node
export PATH="$BERTH_ROOT/node_modules/.bin:$PATH"
"$BERTH_ROOT/scripts/node.sh" deps || exit 1
status=0
tsc -p tsconfig.json --noEmit || status=1
tsc -p apps/portal/tsconfig.json --noEmit || status=1
eslint --max-warnings 0 . || status=1
prettier --check --log-level warn . || status=1
exit "$status"
