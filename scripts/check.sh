#!/usr/bin/env bash
# `npm run check`: type-check (API, worker, libs, tests, portal), lint with zero warnings (import
# boundaries included, see docs/architecture.md), prettier --check, and no code line over 160
# characters, all on Berth's Node.js, after the dependencies and the Prisma client are ready.

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
# Prettier wraps code at 120 but leaves long strings and comments alone; those stay readable too.
long=$(git ls-files -z --cached --others --exclude-standard -- '*.ts' '*.tsx' '*.js' '*.mjs' '*.sh' |
  xargs -0 awk 'length > 160 { print FILENAME ":" FNR ": " length " characters" }')
[[ -z $long ]] || { printf 'lines longer than 160 characters:\n%s\n' "$long" >&2; status=1; }
exit "$status"
