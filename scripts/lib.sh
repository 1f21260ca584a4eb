#!/usr/bin/env bash
# Shared helpers for Berth's shell scripts. Source it, don't run it:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Provides: BERTH_ROOT, BERTH_STATE (.berth/), BERTH_LOGS, BERTH_RUN, BERTH_CACHE (outside the clone),
#           log, vlog, die, have, is_root, apt_install, pkg_installed, wait_for, now,
#           elapsed, tail_log, lock, cache_lock, unlock, close_locks, run_unlocked, busybox_static_ok,
#           ensure_node (scripts/node-runtime.sh).
# Environment knobs: BERTH_VERBOSE=1 (more progress lines),
#                    BERTH_APT_MAX_AGE (seconds an apt-get update stays fresh, default 1800),
#                    BERTH_CACHE_DIR (where heavy artifacts are kept, default /var/cache/berth).

if [[ -n "${BERTH_LIB_LOADED:-}" ]]; then
  return 0
fi
BERTH_LIB_LOADED=1

set -euo pipefail
set -E

BERTH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BERTH_STATE="$BERTH_ROOT/.berth"
BERTH_LOGS="$BERTH_STATE/logs"
BERTH_RUN="$BERTH_STATE/run"
export BERTH_ROOT BERTH_STATE
export DEBIAN_FRONTEND=noninteractive
mkdir -p "$BERTH_LOGS" "$BERTH_RUN"

# Heavy artifacts (a Node.js build, the Debian rootfs) are kept outside the clone, as
# <name>-<version> folders that every clone of this machine reuses. Without root, the user's own
# cache folder stands in for /var/cache/berth.
if [[ -n "${BERTH_CACHE_DIR:-}" ]]; then
  BERTH_CACHE=$BERTH_CACHE_DIR
elif mkdir -p /var/cache/berth 2>/dev/null && [[ -w /var/cache/berth ]]; then
  BERTH_CACHE=/var/cache/berth
else
  BERTH_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/berth"
fi
mkdir -p "$BERTH_CACHE" 2>/dev/null && [[ -w "$BERTH_CACHE" ]] ||
  { printf 'berth: cannot write the cache folder %s (set BERTH_CACHE_DIR to a writable folder)\n' "$BERTH_CACHE" >&2; exit 1; }
export BERTH_CACHE

# log MESSAGE... : one short progress line on stderr.
log() { printf 'berth: %s\n' "$*" >&2; }

# vlog MESSAGE... : progress line shown only with BERTH_VERBOSE=1.
vlog() {
  if [[ "${BERTH_VERBOSE:-0}" == 1 ]]; then log "$@"; fi
}

# die MESSAGE... : the one clear error line, then exit 1.
die() {
  trap - ERR
  printf 'berth: %s\n' "$*" >&2
  exit 1
}

# Anything that fails without going through die still ends with one line, not silence.
berth_on_err() {
  local rc=$1 cmd=$2 src=$3 line=$4
  # Only the main shell reports; a failing $(...) is reported by its caller's line.
  if [[ "$BASH_SUBSHELL" -eq 0 ]]; then
    trap - ERR
    printf 'berth: unexpected failure (exit %s) in %s:%s: %s\n' "$rc" "${src#"$BERTH_ROOT"/}" "$line" "$cmd" >&2
  fi
}
trap 'berth_on_err "$?" "$BASH_COMMAND" "${BASH_SOURCE[0]:-?}" "$LINENO"' ERR

# have CMD : true if CMD is an executable on PATH (or a function/builtin).
have() { command -v "$1" >/dev/null 2>&1; }

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# now : seconds since epoch with microseconds.
now() { printf '%s' "${EPOCHREALTIME/,/.}"; }

# elapsed START : seconds since START (from now), one decimal.
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# tail_log FILE [N] : print the last N (5) lines of FILE on stderr, indented.
tail_log() {
  local file=$1 n=${2:-5}
  if [[ -s "$file" ]]; then
    tail -n "$n" "$file" | sed 's/^/  | /' >&2
  fi
}

# lock NAME : hold an exclusive lock on .berth/run/NAME.lock until the script exits
# (serialises concurrent starts/builds, e.g. parallel test workers).
# Daemons must be started through run_unlocked so they don't inherit (and keep) the lock.
# Re-entrant per NAME within one script; unlock NAME releases it early.
BERTH_LOCK_FDS=()
declare -gA BERTH_LOCKS=()
lock() { lock_in "$BERTH_RUN" "$1"; }

# cache_lock NAME / cache_unlock NAME : the same for an entry of the shared cache, so two clones (or a clone and its
# test suite) never fill the same cache folder at once.
cache_lock() { lock_in "$BERTH_CACHE" ".$1"; }
cache_unlock() { unlock ".$1"; }

lock_in() {
  local dir=$1 name=$2 fd
  [[ -z "${BERTH_LOCKS[$name]:-}" ]] || return 0
  exec {fd}>"$dir/$name.lock"
  BERTH_LOCK_FDS+=("$fd")
  BERTH_LOCKS[$name]=$fd
  if ! flock -w "${BERTH_LOCK_TIMEOUT:-900}" "$fd"; then
    die "timed out waiting for lock $dir/$name.lock (another berth script is running)"
  fi
}

unlock() {
  local fd=${BERTH_LOCKS[$1]:-} i
  [[ -n "$fd" ]] || return 0
  exec {fd}>&-
  unset "BERTH_LOCKS[$1]"
  for i in "${!BERTH_LOCK_FDS[@]}"; do
    if [[ "${BERTH_LOCK_FDS[$i]}" == "$fd" ]]; then unset "BERTH_LOCK_FDS[$i]"; fi
  done
}

# close_locks : close the lock descriptors in this (sub)shell; for ( close_locks; exec daemon ) &
close_locks() {
  local f
  for f in "${BERTH_LOCK_FDS[@]}"; do exec {f}>&-; done
}

# run_unlocked CMD [ARGS...] : run CMD with the lock descriptors closed.
run_unlocked() {
  ( close_locks; exec "$@" )
}

# wait_for TIMEOUT_SECONDS CMD [ARGS...] : run CMD every 0.25 s until it succeeds.
# Returns 0 as soon as it succeeds, 1 after the timeout. CMD output is discarded.
wait_for() {
  local timeout=$1; shift
  local deadline
  deadline=$(awk -v t="$timeout" -v n="$(now)" 'BEGIN { printf "%.3f", n + t }')
  while true; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if awk -v d="$deadline" -v n="$(now)" 'BEGIN { exit !(n >= d) }'; then return 1; fi
    sleep 0.25
  done
}

# pkg_installed PKG : true if the Debian package PKG is installed.
pkg_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == installed ]]
}

# apt_install PKG... : install the missing ones among PKG (no-op when all are installed).
# Runs apt-get update at most once per run (a fresh stamp under .berth/run is shared by
# the scripts of one prepare run), quiet, output in .berth/logs/apt.log.
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    pkg_installed "$pkg" || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  is_root || die "cannot install ${missing[*]}: need root (run as root or install them yourself)"
  have apt-get || die "cannot install ${missing[*]}: apt-get not found (not a Debian machine?)"
  lock apt
  local aptlog="$BERTH_LOGS/apt.log" stamp="$BERTH_RUN/apt-updated" max_age=${BERTH_APT_MAX_AGE:-1800}
  local apt_opts=(-y -q -o DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  if [[ ! -f "$stamp" ]] || (( $(date +%s) - $(stat -c %Y "$stamp") > max_age )); then
    log "apt-get update"
    if ! run_unlocked apt-get "${apt_opts[@]}" update >>"$aptlog" 2>&1; then
      die "apt-get update failed: $(grep -E '^(E|Err):' "$aptlog" | tail -n 1 || true) (see .berth/logs/apt.log)"
    fi
    touch "$stamp"
  fi
  log "installing ${missing[*]}"
  if ! run_unlocked apt-get "${apt_opts[@]}" install --no-install-recommends "${missing[@]}" >>"$aptlog" 2>&1; then
    die "cannot install ${missing[*]}: $(grep -E '^E:' "$aptlog" | tail -n 1 || true) (see .berth/logs/apt.log)"
  fi
  for pkg in "${missing[@]}"; do
    pkg_installed "$pkg" || die "cannot install $pkg: apt-get finished but the package is not installed (see .berth/logs/apt.log)"
  done
  unlock apt
}

# busybox_static_ok : true if /bin/busybox exists and is statically linked.
busybox_static_ok() {
  [[ -x /bin/busybox ]] || return 1
  pkg_installed busybox-static && return 0
  LC_ALL=C ldd /bin/busybox 2>&1 | grep -qE 'not a dynamic executable|statically linked'
}

# shellcheck source=scripts/node-runtime.sh
. "$BERTH_ROOT/scripts/node-runtime.sh"
