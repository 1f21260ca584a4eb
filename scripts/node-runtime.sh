#!/usr/bin/env bash
# The Node.js that every script runs Berth with (sourced by scripts/lib.sh; call ensure_node).
#
# Berth needs the Node.js line written in .node-version (package.json "engines" says the same).
# When the node on PATH is not of that line (older, newer, or none), the official build of exactly
# that version is fetched from the npm registry (the `node-linux-<arch>` package, through npm and its
# own configuration) into $BERTH_CACHE/node-<version>, shared by every clone of the machine, and put
# first on PATH. .berth/node links to it. npm itself may still be started by the machine's older
# node; everything the scripts run afterwards (npm, node, tsc, jest, prisma, the API and the worker)
# runs on this one, and native modules are built against its headers (npm_config_nodedir).
#
# Environment: BERTH_NODE_PROVISION=0  never fetch; fail with one line instead.

BERTH_NODE_VERSION=$(tr -d ' \t\r\n' <"$BERTH_ROOT/.node-version")
BERTH_NODE_MAJOR=${BERTH_NODE_VERSION%%.*}

# node_fits NODE : true if NODE reports a version of the required line, at least the pinned one.
node_fits() {
  local v major minor patch want_minor want_patch rest
  v=$("$1" -v 2>/dev/null) || return 1
  v=${v#v}
  IFS=. read -r major minor patch <<<"$v"
  rest=${BERTH_NODE_VERSION#*.}
  want_minor=${rest%%.*}
  want_patch=${rest#*.}
  [[ "$major" == "$BERTH_NODE_MAJOR" ]] || return 1
  (( minor > want_minor || (minor == want_minor && ${patch%%[^0-9]*} >= want_patch) ))
}

node_arch() {
  case "$(uname -m)" in
    x86_64) printf 'x64' ;;
    aarch64) printf 'arm64' ;;
    *) return 1 ;;
  esac
}

# provision_node DIR : fetch the pinned Node.js build into DIR (atomically: a folder appears whole).
provision_node() {
  local dir=$1 arch pkg tmp logf="$BERTH_LOGS/node-provision.log" found
  arch=$(node_arch) || die "Node.js $BERTH_NODE_VERSION is needed and there is no official npm build for $(uname -m): install it yourself"
  have npm || die "Node.js $BERTH_NODE_VERSION is needed; this machine has $(node -v 2>/dev/null || echo no node)" \
    "and no npm to fetch it with: install Node.js $BERTH_NODE_MAJOR"
  pkg="node-linux-$arch@$BERTH_NODE_VERSION"
  cache_lock "node-$BERTH_NODE_VERSION"
  [[ -x "$dir/bin/node" ]] && return 0
  tmp=$(mktemp -d "$BERTH_CACHE/.node-$BERTH_NODE_VERSION.XXXXXX")
  log "fetching Node.js $BERTH_NODE_VERSION ($pkg from the npm registry) into $dir"
  printf '\n==== berth: npm pack %s at %s\n' "$pkg" "$(date -Is)" >>"$logf"
  if ! (cd "$tmp" && npm pack --silent --no-audit --no-fund "$pkg") >>"$logf" 2>&1; then
    rm -rf "$tmp"
    die "cannot fetch Node.js $BERTH_NODE_VERSION: npm pack $pkg failed:" \
      "$(grep -m 1 -E 'npm (error|ERR!)' "$logf" | tail -n 1 | sed -E 's/^npm (error|ERR!) *//')" \
      "(see .berth/logs/node-provision.log; or install Node.js $BERTH_NODE_MAJOR yourself)"
  fi
  tar -xzf "$tmp"/node-linux-*.tgz -C "$tmp" --strip-components=1 package >>"$logf" 2>&1 &&
    rm -f "$tmp"/node-linux-*.tgz ||
    { rm -rf "$tmp"; die "cannot unpack Node.js $BERTH_NODE_VERSION (see .berth/logs/node-provision.log)"; }
  found=$("$tmp/bin/node" -v 2>>"$logf" || true)
  if [[ "$found" != "v$BERTH_NODE_VERSION" ]]; then
    rm -rf "$tmp"
    die "cannot use the fetched Node.js: it reports '${found:-nothing}', expected v$BERTH_NODE_VERSION (see .berth/logs/node-provision.log)"
  fi
  chmod 755 "$tmp"
  mv -T "$tmp" "$dir"
  log "Node.js $BERTH_NODE_VERSION ready in $dir"
}

# ensure_node : make the required Node.js the `node` on PATH for this script and its children.
ensure_node() {
  local dir="$BERTH_CACHE/node-$BERTH_NODE_VERSION"
  if have node && node_fits node; then
    vlog "node $(node -v) fits ^$BERTH_NODE_VERSION"
  else
    if [[ ! -x "$dir/bin/node" ]]; then
      [[ "${BERTH_NODE_PROVISION:-1}" != 0 ]] ||
        die "Node.js ^$BERTH_NODE_VERSION is needed, this is $(node -v 2>/dev/null || echo none):" \
          "install Node.js $BERTH_NODE_MAJOR or unset BERTH_NODE_PROVISION to let the scripts fetch it"
      provision_node "$dir"
    fi
    export PATH="$dir/bin:$PATH"
    ln -sfn "$dir" "$BERTH_STATE/node"
    node_fits node || die "Node.js in $dir does not run or is not $BERTH_NODE_VERSION (remove that folder to fetch it again)"
  fi
  # Native modules (ssh2's crypto binding, cpu-features) compile against the headers of the node
  # that runs them, not the ones a machine-wide npmrc may name (nodedir=/usr is Node 20's).
  local exe prefix
  exe=$(command -v node)
  prefix=$(cd "$(dirname "$exe")/.." && pwd)
  if [[ -f "$prefix/include/node/common.gypi" ]]; then export npm_config_nodedir=$prefix; fi
  export npm_node_execpath=$exe NODE=$exe
}
