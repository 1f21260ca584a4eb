#!/usr/bin/env bash
# Makes sure the browser editor (code-server, VS Code in the browser) is built once per machine, in
# $BERTH_CACHE/code-server-<version> (default /var/cache/berth/code-server-4.139.1), outside the
# clone so every clone reuses it. Berth mounts that folder read-only into workspaces whose image
# has glibc and starts the editor there on demand ("Open in VS Code"); templates need not ship it.
#
# The folder holds its own Node.js (bin/node, the pinned Node 24 that code-server requires) so a
# workspace needs no node, and node_modules/code-server. The first build takes about 3 minutes
# (code-server's postinstall compiles about ten native modules) and about 620 MB; later runs only
# check (well under a second). Prints the folder on stdout.
#
# Environment: BERTH_CODE_SERVER=0  skip: print nothing and succeed (the portal then says the
#                                   editor is not installed on this server instead of the button).
# Ends with one clear error line when it cannot build (no compiler, no headers, npm failed).

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Keep in step with CODE_SERVER_VERSION in libs/domain/src/editor.ts.
CODE_SERVER_VERSION=4.139.1
DIR="$BERTH_CACHE/code-server-$CODE_SERVER_VERSION"
LOGF="$BERTH_LOGS/code-server.log"

[[ "${BERTH_CODE_SERVER:-1}" != 0 ]] || { vlog "code-server skipped (BERTH_CODE_SERVER=0)"; exit 0; }

# complete DIR : true when DIR holds a finished build (written last, so a half build never counts).
complete() { [[ -f "$1/.berth-complete" && -x "$1/bin/node" && -f "$1/node_modules/code-server/out/node/entry.js" ]]; }

if complete "$DIR"; then
  vlog "code-server $CODE_SERVER_VERSION present in $DIR"
  printf '%s\n' "$DIR"
  exit 0
fi

ensure_node
cache_lock "code-server-$CODE_SERVER_VERSION"
if complete "$DIR"; then printf '%s\n' "$DIR"; exit 0; fi

fail() {
  local why
  why=$(grep -m 1 -E 'npm (error|ERR!)|gyp ERR!|error:|fatal error' "$LOGF" | sed -E 's/^npm (error|ERR!) *//' || true)
  die "cannot build code-server $CODE_SERVER_VERSION: $1${why:+: $why} (see .berth/logs/code-server.log; BERTH_CODE_SERVER=0 skips the browser editor)"
}

node_exe=$(command -v node)
[[ -n "${npm_config_nodedir:-}" && -f "$npm_config_nodedir/include/node/node.h" ]] ||
  die "cannot build code-server $CODE_SERVER_VERSION: no Node.js headers next to $node_exe (code-server's native modules compile against them)"
# The native modules need a C++ toolchain, python for node-gyp, and kerberos' gssapi headers.
for pkg in g++ make python3 libkrb5-dev; do
  case $pkg in
    python3) have python3 || apt_install python3 ;;
    *) apt_install "$pkg" ;;
  esac
done

t0=$(now)
tmp=$(mktemp -d "$BERTH_CACHE/.code-server-$CODE_SERVER_VERSION.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log "building code-server $CODE_SERVER_VERSION into $DIR (once per machine, about 3 minutes; log in .berth/logs/code-server.log)"
printf '\n==== berth: npm install code-server@%s at %s (node %s)\n' "$CODE_SERVER_VERSION" "$(date -Is)" "$(node -v)" >>"$LOGF"
# `npm test` runs under the machine's npm, which exports its own user agent (node/v20) to this
# script; code-server's postinstall reads the Node version from that variable, so drop it.
(cd "$tmp" && unset npm_config_user_agent && run_unlocked npm install --prefix "$tmp" --no-audit --no-fund --no-save --omit=dev \
  --foreground-scripts "code-server@$CODE_SERVER_VERSION") >>"$LOGF" 2>&1 </dev/null ||
  fail "npm install failed"
[[ -f "$tmp/node_modules/code-server/out/node/entry.js" ]] || fail "npm finished but node_modules/code-server/out/node/entry.js is missing"
mkdir -p "$tmp/bin"
cp "$node_exe" "$tmp/bin/node"
# Its own HOME: code-server writes a default config file into $HOME/.config on every start.
mkdir -p "$tmp/.check-home"
version=$(HOME="$tmp/.check-home" XDG_CONFIG_HOME="$tmp/.check-home" XDG_DATA_HOME="$tmp/.check-home" \
  "$tmp/bin/node" "$tmp/node_modules/code-server/out/node/entry.js" --version 2>>"$LOGF" |
  grep -m 1 -E '^[0-9]+[.][0-9]+[.][0-9]+' || true)
rm -rf "$tmp/.check-home"
[[ "$version" == "$CODE_SERVER_VERSION"* ]] || fail "the built code-server reports '${version:-nothing}'"
rm -f "$tmp/package.json" "$tmp/package-lock.json"
chmod -R a+rX,go-w "$tmp"
: >"$tmp/.berth-complete"
rm -rf "$DIR"
mv -T "$tmp" "$DIR"
trap - EXIT
log "code-server $CODE_SERVER_VERSION ready in $DIR ($(du -sh "$DIR" | cut -f1), $(elapsed "$t0"))"
printf '%s\n' "$DIR"
