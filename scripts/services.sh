#!/usr/bin/env bash
# Make sure PostgreSQL, Redis and a Docker engine answer; start local ones when they don't.
#
# Usage:
#   scripts/services.sh                     all of the below (default)
#   scripts/services.sh postgres|redis|docker|tools
#                                           only that one
#   scripts/services.sh ensure-db <url>     start Postgres for <url> if needed and create
#                                           the database named in <url> if missing
#   scripts/services.sh stop-private        stop the private Postgres/Redis under .berth/
#
# Environment (defaults):
#   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/berth
#   REDIS_URL=redis://127.0.0.1:6379
#   DOCKER_HOST  (unset: unix:///var/run/docker.sock)
#
# Order of attempts for a local server that does not answer:
#   Postgres: the machine's cluster on that port (pg_ctlcluster), then a private cluster
#             in .berth/postgres run as the postgres OS user.
#   Redis:    a private redis-server with its dir in .berth/redis.
#   Docker:   dockerd (Debian docker.io), detached, logging to .berth/logs/dockerd.log.
# Remote servers are never started, only checked.

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${DATABASE_URL:=postgresql://postgres@127.0.0.1:5432/berth}"
: "${REDIS_URL:=redis://127.0.0.1:6379}"

DOCKER_START_TIMEOUT=${BERTH_DOCKER_TIMEOUT:-60}

# ---------------------------------------------------------------------------- helpers

# parse_url URL : sets URL_SCHEME URL_AUTH URL_USERINFO URL_USER URL_PASS URL_HOST URL_PORT
#                 URL_PATH URL_QUERY (returns 1 if URL has no scheme://).
parse_url() {
  local url=$1 rest
  [[ "$url" == *://* ]] || return 1
  URL_SCHEME=${url%%://*}
  rest=${url#*://}
  URL_QUERY=""
  if [[ "$rest" == *\?* ]]; then URL_QUERY=${rest#*\?}; rest=${rest%%\?*}; fi
  URL_AUTH=${rest%%/*}
  URL_PATH=""
  if [[ "$rest" == */* ]]; then URL_PATH=${rest#*/}; fi
  local hostport=$URL_AUTH
  URL_USERINFO=""
  if [[ "$hostport" == *@* ]]; then URL_USERINFO=${hostport%@*}; hostport=${hostport##*@}; fi
  URL_USER=${URL_USERINFO%%:*}
  URL_PASS=""
  if [[ "$URL_USERINFO" == *:* ]]; then URL_PASS=${URL_USERINFO#*:}; fi
  URL_PORT=""
  if [[ "$hostport" == \[* ]]; then
    URL_HOST=${hostport%%]*}; URL_HOST=${URL_HOST#[}
    rest=${hostport#*]}
    URL_PORT=${rest#:}
  else
    URL_HOST=${hostport%%:*}
    if [[ "$hostport" == *:* ]]; then URL_PORT=${hostport##*:}; fi
  fi
  URL_USER=$(urldecode "$URL_USER")
  URL_PASS=$(urldecode "$URL_PASS")
}

urldecode() { local s=$1; printf '%b' "${s//%/\\x}"; }

is_local_host() {
  case "$1" in
    127.*|localhost|::1) return 0 ;;
    *) return 1 ;;
  esac
}

# ---------------------------------------------------------------------------- tools

# The command-line tools the Berth scripts use (clients; servers come later, on demand).
ensure_tools() {
  local pkgs=()
  have pg_isready && have psql || pkgs+=(postgresql-client)
  have redis-cli || pkgs+=(redis-tools)
  have docker || pkgs+=(docker.io)
  have flock && have setsid && have runuser || pkgs+=(util-linux)
  have tar || pkgs+=(tar)
  have timeout || pkgs+=(coreutils)
  if [[ ${#pkgs[@]} -gt 0 ]]; then apt_install "${pkgs[@]}"; fi
}

# ---------------------------------------------------------------------------- postgres

PG_PRIVATE_DIR="$BERTH_STATE/postgres"
PG_MAX_CONNECTIONS=300

# pg_setup URL : parse URL into PG_* variables.
pg_setup() {
  local url=$1
  parse_url "$url" || die "invalid database URL '$url' (expected postgresql://user@host:port/db)"
  case "$URL_SCHEME" in postgres|postgresql) ;; *) die "invalid database URL '$url': scheme must be postgresql://" ;; esac
  PG_HOST=$URL_HOST
  PG_PORT=${URL_PORT:-5432}
  PG_USER=${URL_USER:-postgres}
  PG_DB=$(urldecode "${URL_PATH:-}")
  [[ -n "$PG_DB" ]] || PG_DB=$PG_USER
  PG_ADMIN_URL="$URL_SCHEME://$URL_AUTH/postgres${URL_QUERY:+?$URL_QUERY}"
  PG_WHERE="${PG_HOST:-local socket}:$PG_PORT"
}

pg_answers() {
  if [[ -n "$PG_HOST" ]]; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -t 3
  else
    pg_isready -q -p "$PG_PORT" -U "$PG_USER" -d postgres -t 3
  fi
}

# as_pg CMD... : run CMD as the postgres OS user (root can't run the server).
as_pg() {
  if is_root; then
    (cd / && run_unlocked runuser -u postgres -- "$@")
  else
    run_unlocked "$@"
  fi
}

pg_bindir() {
  local d
  for d in $(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -rV); do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then printf '%s\n' "$d"; return 0; fi
  done
  return 1
}

# Try the machine's own cluster(s) configured on our port (Debian pg_ctlcluster).
pg_try_machine_cluster() {
  [[ -d /etc/postgresql ]] && have pg_ctlcluster && have pg_lsclusters || return 1
  is_root || return 1
  local ver name port _
  while read -r ver name port _; do
    [[ "$port" == "$PG_PORT" ]] || continue
    log "starting the machine's PostgreSQL cluster $ver/$name on port $port"
    # Parallel test runs (each with an API, a worker and jest workers) outgrow the default 100.
    if [[ -d "/etc/postgresql/$ver/$name/conf.d" ]]; then
      printf 'max_connections = %s\n' "$PG_MAX_CONNECTIONS" >"/etc/postgresql/$ver/$name/conf.d/berth.conf"
    fi
    run_unlocked pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start >>"$BERTH_LOGS/postgres-cluster.log" 2>&1 || true
    if wait_for 15 pg_answers; then return 0; fi
    log "cluster $ver/$name did not start (see .berth/logs/postgres-cluster.log)"
  done < <(pg_lsclusters -h 2>/dev/null || true)
  return 1
}

# Start (creating if needed) the private cluster in .berth/postgres on PG_PORT.
pg_start_private() {
  local bindir logf="$BERTH_LOGS/postgres.log"
  if ! bindir=$(pg_bindir); then
    apt_install postgresql
    bindir=$(pg_bindir) || die "cannot start PostgreSQL: no initdb found under /usr/lib/postgresql after installing postgresql"
  fi
  if is_root; then
    id postgres >/dev/null 2>&1 || die "cannot start PostgreSQL: no 'postgres' OS user to run the server as"
  fi
  mkdir -p "$PG_PRIVATE_DIR"
  if is_root; then chown postgres: "$PG_PRIVATE_DIR"; fi
  chmod 700 "$PG_PRIVATE_DIR"
  touch "$logf"
  if is_root; then chown postgres: "$logf"; fi
  as_pg test -w "$PG_PRIVATE_DIR" ||
    die "cannot start PostgreSQL: the postgres OS user cannot write $PG_PRIVATE_DIR (check the permissions of its parent folders)"

  if [[ ! -f "$PG_PRIVATE_DIR/PG_VERSION" ]]; then
    log "creating a private PostgreSQL cluster in .berth/postgres"
    if ! as_pg "$bindir/initdb" -D "$PG_PRIVATE_DIR" -U "$PG_USER" -A trust -E UTF8 --locale=C.UTF-8 >>"$logf" 2>&1; then
      die "cannot create a PostgreSQL cluster: initdb failed: $(tail -n 1 "$logf") (see .berth/logs/postgres.log)"
    fi
    {
      printf '\n# berth: private development cluster\n'
      printf "listen_addresses = '127.0.0.1'\n"
      printf "unix_socket_directories = ''\n"
    } >>"$PG_PRIVATE_DIR/postgresql.conf"
  fi

  if as_pg "$bindir/pg_ctl" -D "$PG_PRIVATE_DIR" status >/dev/null 2>&1; then
    local running_port
    running_port=$(sed -n 4p "$PG_PRIVATE_DIR/postmaster.pid" 2>/dev/null || true)
    if [[ "$running_port" != "$PG_PORT" ]]; then
      die "cannot start PostgreSQL on port $PG_PORT: the private cluster in .berth/postgres already runs on port $running_port"
    fi
  else
    log "starting a private PostgreSQL on 127.0.0.1:$PG_PORT (data in .berth/postgres)"
    if ! as_pg "$bindir/pg_ctl" -D "$PG_PRIVATE_DIR" -l "$logf" -w -t 30 -o "-p $PG_PORT -c max_connections=$PG_MAX_CONNECTIONS" start >/dev/null 2>&1; then
      tail_log "$logf"
      die "cannot start PostgreSQL on 127.0.0.1:$PG_PORT:" \
        "$(grep -E 'FATAL|ERROR|PANIC' "$logf" | tail -n 1 | sed 's/.*\(FATAL\|ERROR\|PANIC\): *//' || true)" \
        "(see .berth/logs/postgres.log)"
    fi
  fi
  wait_for 15 pg_answers || die "cannot start PostgreSQL: the private cluster does not answer on 127.0.0.1:$PG_PORT (see .berth/logs/postgres.log)"
}

# pg_psql_admin SQL [VAR=VALUE...] : run SQL (read from stdin, so :'var' works) on the postgres db.
pg_psql_admin() {
  local sql=$1; shift
  local vars=() kv
  for kv in "$@"; do vars+=(-v "$kv"); done
  printf '%s\n' "$sql" | PGCONNECT_TIMEOUT=5 psql -X -q -w -At -v ON_ERROR_STOP=1 "${vars[@]}" -d "$PG_ADMIN_URL" 2>&1
}

pg_ensure_database() {
  local out
  if ! out=$(pg_psql_admin "SELECT 1 FROM pg_database WHERE datname = :'db';" "db=$PG_DB"); then
    die "cannot query PostgreSQL at $PG_WHERE as '$PG_USER': $(printf '%s' "$out" | head -n 1)"
  fi
  [[ "$out" == 1 ]] && return 0
  log "creating database $PG_DB"
  if ! out=$(pg_psql_admin 'CREATE DATABASE :"db";' "db=$PG_DB"); then
    # A concurrent run may have created it meanwhile.
    if [[ "$(pg_psql_admin "SELECT 1 FROM pg_database WHERE datname = :'db';" "db=$PG_DB" || true)" != 1 ]]; then
      die "cannot create database $PG_DB at $PG_WHERE: $(printf '%s' "$out" | head -n 1)"
    fi
  fi
}

# ensure_postgres URL : the server in URL answers and the database in URL exists.
ensure_postgres() {
  pg_setup "$1"
  if ! pg_answers; then
    [[ -z "$PG_HOST" ]] || is_local_host "$PG_HOST" ||
      die "PostgreSQL at $PG_WHERE does not answer (remote host: berth only starts local servers)"
    lock postgres
    if ! pg_answers; then
      if ! pg_try_machine_cluster; then
        [[ -n "$PG_HOST" ]] ||
          die "PostgreSQL on the local socket does not answer; put host 127.0.0.1 in DATABASE_URL to let berth start a private one"
        pg_start_private
      fi
    fi
  fi
  pg_ensure_database
  vlog "postgres answers at $PG_WHERE, database $PG_DB"
}

pg_stop_private() {
  local bindir
  [[ -f "$PG_PRIVATE_DIR/postmaster.pid" ]] || return 0
  bindir=$(pg_bindir) || return 0
  log "stopping the private PostgreSQL in .berth/postgres"
  as_pg "$bindir/pg_ctl" -D "$PG_PRIVATE_DIR" -m fast -w stop >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------------------- redis

redis_answers() {
  [[ "$(timeout 5 redis-cli -u "$REDIS_URL" --no-auth-warning ping 2>/dev/null || true)" == PONG ]]
}

ensure_redis() {
  parse_url "$REDIS_URL" || die "invalid REDIS_URL '$REDIS_URL' (expected redis://host:port)"
  local host=${URL_HOST:-127.0.0.1} port=${URL_PORT:-6379}
  redis_answers && { vlog "redis answers at $host:$port"; return 0; }
  is_local_host "$host" || die "Redis at $host:$port does not answer (remote host: berth only starts local servers)"
  lock redis
  redis_answers && return 0
  have redis-server || apt_install redis-server
  local dir="$BERTH_STATE/redis" logf="$BERTH_LOGS/redis-$port.log"
  mkdir -p "$dir"
  : >"$logf"
  local args=(--daemonize yes --bind 127.0.0.1 -::1 --port "$port" --save "" --appendonly no
              --dir "$dir" --pidfile "$BERTH_RUN/redis-$port.pid" --logfile "$logf")
  if [[ -n "$URL_PASS" ]]; then args+=(--requirepass "$URL_PASS"); fi
  log "starting a private Redis on 127.0.0.1:$port (dir .berth/redis)"
  if ! run_unlocked redis-server "${args[@]}" >>"$logf" 2>&1 || ! wait_for 10 redis_answers; then
    tail_log "$logf"
    die "cannot start Redis on 127.0.0.1:$port:" \
      "$(grep -m 1 -E 'Could not|Failed|Error|error|Fatal' "$logf" | sed 's/^[0-9]*:[A-Z] [^#]*# *//' || true)" \
      "(see .berth/logs/redis-$port.log)"
  fi
}

redis_stop_private() {
  local pidf pid
  for pidf in "$BERTH_RUN"/redis-*.pid; do
    [[ -f "$pidf" ]] || continue
    pid=$(cat "$pidf" 2>/dev/null || true)
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      log "stopping the private Redis (pid $pid)"
      kill "$pid" 2>/dev/null || true
      wait_for 10 bash -c "! kill -0 $pid" || true
    fi
    rm -f "$pidf"
  done
}

# ---------------------------------------------------------------------------- docker

docker_answers() {
  [[ -n "$(timeout 15 docker info --format '{{.ServerVersion}}' 2>/dev/null || true)" ]]
}

DOCKERD_PIDFILE=${BERTH_DOCKERD_PIDFILE:-/var/run/docker.pid}

# pid_alive PID : true if PID runs and is not a zombie.
pid_alive() {
  local stat=""
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat=${stat##*) }
  [[ "${stat%% *}" != Z ]]
}

# dockerd_pid : print the pid of a live dockerd from its pidfile.
dockerd_pid() {
  local pid comm=""
  pid=$(cat "$DOCKERD_PIDFILE" 2>/dev/null || true)
  [[ "$pid" =~ ^[0-9]+$ ]] && pid_alive "$pid" || return 1
  read -r comm 2>/dev/null <"/proc/$pid/comm" || true
  [[ "$comm" == dockerd ]] || return 1
  printf '%s\n' "$pid"
}

docker_fail() {
  local logf="$BERTH_LOGS/dockerd.log" reason=$1 last fatal
  tail_log "$logf" 5
  # Only this attempt's part of the log.
  last=$(awk '/^==== berth: starting dockerd/ { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' "$logf" 2>/dev/null || true)
  fatal=$(printf '%s' "$last" | grep -E 'level=fatal|failed to start daemon' | tail -n 1 || true)
  [[ -n "$fatal" ]] || fatal=$(printf '%s' "$last" | grep -E 'level=error' | tail -n 1 || true)
  fatal=$(printf '%s' "$fatal" | sed -E 's/^time="[^"]*" level=[a-z]+ msg="?//; s/"? *$//')
  die "cannot start Docker engine: ${fatal:-$reason} (see .berth/logs/dockerd.log)"
}

ensure_docker() {
  if docker_answers; then vlog "docker answers"; return 0; fi
  case "${DOCKER_HOST:-}" in
    ""|unix:///var/run/docker.sock|unix:///run/docker.sock) ;;
    *) die "Docker engine at DOCKER_HOST=$DOCKER_HOST does not answer (berth only starts the local engine at unix:///var/run/docker.sock)" ;;
  esac
  is_root || die "cannot start Docker engine: need root to run dockerd"
  lock docker
  docker_answers && return 0
  local pid logf="$BERTH_LOGS/dockerd.log"
  if pid=$(dockerd_pid); then
    log "waiting for dockerd (pid $pid) that is already starting"
  else
    have dockerd || apt_install docker.io
    have dockerd || die "cannot start Docker engine: dockerd not found after installing docker.io"
    # The engine may have been started meanwhile (e.g. by the package's scripts).
    if docker_answers; then return 0; fi
    log "starting dockerd (log in .berth/logs/dockerd.log)"
    printf '==== berth: starting dockerd at %s\n' "$(date -Is)" >>"$logf"
    # setsid: its own session, so it outlives this script and its terminal.
    ( close_locks; exec setsid dockerd ) >>"$logf" 2>&1 </dev/null &
    pid=$!
    disown "$pid" 2>/dev/null || true
  fi
  local t0; t0=$(now)
  while ! docker_answers; do
    if ! pid_alive "$pid"; then
      sleep 0.5
      docker_answers && break
      docker_fail "dockerd exited"
    fi
    if awk -v a="$t0" -v b="$(now)" -v t="$DOCKER_START_TIMEOUT" 'BEGIN { exit !(b - a >= t) }'; then
      docker_fail "no answer after ${DOCKER_START_TIMEOUT} s"
    fi
    sleep 0.5
  done
  log "docker engine up after $(elapsed "$t0")"
}

# ---------------------------------------------------------------------------- main

main() {
  local mode=${1:-all}
  case "$mode" in
    all)
      ensure_tools
      ensure_postgres "$DATABASE_URL"
      ensure_redis
      ensure_docker
      ;;
    tools) ensure_tools ;;
    postgres) ensure_tools; ensure_postgres "$DATABASE_URL" ;;
    redis) ensure_tools; ensure_redis ;;
    docker) ensure_tools; ensure_docker ;;
    ensure-db)
      [[ $# -eq 2 ]] || die "usage: scripts/services.sh ensure-db <database-url>"
      ensure_tools
      ensure_postgres "$2"
      ;;
    stop-private)
      pg_stop_private
      redis_stop_private
      ;;
    -h|--help|help)
      sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
      ;;
    *) die "unknown mode '$mode' (try: all, postgres, redis, docker, tools, ensure-db <url>, stop-private)" ;;
  esac
}

main "$@"
