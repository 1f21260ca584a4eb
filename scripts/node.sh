#!/usr/bin/env bash
# Node side of the preparation shared by `npm run up` and `npm test`: dependencies, the Prisma
# client and the compiled output, each redone only when its inputs changed.
#
# Usage: scripts/node.sh [deps]   deps: only the dependencies and the Prisma client (npm run check)

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BERTH_ROOT"

ensure_node

# Dependencies, exactly as package-lock.json lists them: `npm ci` never rewrites the lock and fails
# when package.json and the lock disagree (`npm install` only when there is no lock at all). Redone
# when the lock is newer than the install, or the install was made for another Node.js (native
# modules are compiled for one ABI).
stamp=node_modules/.berth-node-version
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ||
      "$(cat "$stamp" 2>/dev/null)" != "$(node -v)" ]]; then
  npm_cmd=ci
  [[ -f package-lock.json ]] || npm_cmd=install
  log "installing npm dependencies (npm $npm_cmd, node $(node -v))"
  if ! npm "$npm_cmd" --no-audit --no-fund --loglevel=error >"$BERTH_LOGS/npm-install.log" 2>&1; then
    tail_log "$BERTH_LOGS/npm-install.log" 10
    die "npm $npm_cmd failed:" \
      "$(grep -E '^npm error [^ ]' "$BERTH_LOGS/npm-install.log" | grep -v '^npm error code ' | head -n 1 | sed 's/^npm error //' || true)" \
      "(see .berth/logs/npm-install.log)"
  fi
  node -v >"$stamp"
fi

# Prisma needs DATABASE_URL to read the schema even though generate connects to nothing.
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/berth}"
generated=libs/persistence/src/generated/client.ts
if [[ ! -f $generated || prisma/schema.prisma -nt $generated ]]; then
  log "generating the Prisma client"
  npx --no-install prisma generate >"$BERTH_LOGS/prisma-generate.log" 2>&1 ||
    { tail_log "$BERTH_LOGS/prisma-generate.log" 10; die "prisma generate failed (see .berth/logs/prisma-generate.log)"; }
fi

[[ "${1:-}" != deps ]] || exit 0

# Incremental: a build with nothing changed takes a couple of seconds.
npx --no-install tsc -p tsconfig.build.json >"$BERTH_LOGS/tsc.log" 2>&1 ||
  { tail_log "$BERTH_LOGS/tsc.log" 20; die "the TypeScript build failed (see .berth/logs/tsc.log)"; }
# tsc never removes the output of a source that was deleted or renamed: without this, a deleted
# spec would keep running from its stale compiled file. dist/ then holds exactly what the sources make.
while IFS= read -r -d '' out; do
  src=${out#dist/}
  [[ -f ${src%.js}.ts ]] || rm -f "$out" "$out.map"
done < <(find dist -name '*.js' -print0)

# The portal: rebuilt only when a source file is newer than the last build.
if [[ -f apps/portal/index.html ]]; then
  built=apps/portal/dist/index.html
  if [[ ! -f $built ]] || [[ -n "$(find apps/portal -path apps/portal/dist -prune -o -newer "$built" -type f -print -quit)" ]]; then
    log "building the portal"
    npx --no-install vite build --config apps/portal/vite.config.ts >"$BERTH_LOGS/portal-build.log" 2>&1 ||
      { tail_log "$BERTH_LOGS/portal-build.log" 20; die "the portal build failed (see .berth/logs/portal-build.log)"; }
  fi
fi
