#!/usr/bin/env bash
# Node side of the preparation shared by `npm run up` and `npm test`: dependencies, the Prisma
# client and the compiled output, each redone only when its inputs changed.
#
# Usage: scripts/node.sh        (sourced helpers: scripts/lib.sh)

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BERTH_ROOT"

have node || die "Node.js 20.19 or newer is needed (https://nodejs.org); none is on PATH"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
  die "Node.js 20.19 or newer is needed (Nest 12 loads as ES modules); this is $(node -v)"

# Dependencies, when node_modules is missing or older than the lock file. `npm install` rather
# than `npm ci`: with npm 11 and `omit-lockfile-registry-resolved` (set on these machines), `npm ci`
# refuses lock files whose other-platform optional packages carry no version.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "installing npm dependencies"
  npm install --no-audit --no-fund --loglevel=error >"$BERTH_LOGS/npm-install.log" 2>&1 ||
    { tail_log "$BERTH_LOGS/npm-install.log" 10; die "npm install failed (see .berth/logs/npm-install.log)"; }
fi

# Prisma needs DATABASE_URL to read the schema even though generate connects to nothing.
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/berth}"
generated=libs/persistence/src/generated/client.ts
if [[ ! -f $generated || prisma/schema.prisma -nt $generated ]]; then
  log "generating the Prisma client"
  npx --no-install prisma generate >"$BERTH_LOGS/prisma-generate.log" 2>&1 ||
    { tail_log "$BERTH_LOGS/prisma-generate.log" 10; die "prisma generate failed (see .berth/logs/prisma-generate.log)"; }
fi

# Incremental: a build with nothing changed takes a couple of seconds.
npx --no-install tsc -p tsconfig.build.json >"$BERTH_LOGS/tsc.log" 2>&1 ||
  { tail_log "$BERTH_LOGS/tsc.log" 20; die "the TypeScript build failed (see .berth/logs/tsc.log)"; }

# The portal: rebuilt only when a source file is newer than the last build.
if [[ -f apps/portal/index.html ]]; then
  built=apps/portal/dist/index.html
  if [[ ! -f $built ]] || [[ -n "$(find apps/portal -path apps/portal/dist -prune -o -newer "$built" -type f -print -quit)" ]]; then
    log "building the portal"
    npx --no-install vite build --config apps/portal/vite.config.ts >"$BERTH_LOGS/portal-build.log" 2>&1 ||
      { tail_log "$BERTH_LOGS/portal-build.log" 20; die "the portal build failed (see .berth/logs/portal-build.log)"; }
  fi
fi
