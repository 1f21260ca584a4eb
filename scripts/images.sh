#!/usr/bin/env bash
# Build Berth's offline base images, only those that are missing (no registry needed).
#
# Usage:
#   scripts/images.sh [all|busybox|debian|tools|static]... [--force] [--no-cache]
#     all (default)  every image below
#     busybox        only berth/busybox:test (under 1 s; for tests)
#     tools          only berth/tools:2 (Berth's own toolset; needed to run workspaces)
#     static         only berth/static:test (one static binary, no shell; for tests)
#     debian         only berth/debian:bookworm (debootstrap, about a minute the first time)
#     --force        rebuild even if the image exists
#     --no-cache     with debian: redo debootstrap instead of re-importing the cached rootfs
#
# berth/busybox:test     static busybox with every applet in /bin, users root (0) and
#                        dev (1000:1000, /home/dev, /bin/sh), /tmp 1777. CMD sleep 3600.
# berth/debian:bookworm  debootstrap minbase + bash git ca-certificates curl sudo procps tini,
#                        user dev (1000:1000, /home/dev, bash, passwordless sudo).
#                        CMD sleep infinity. The rootfs tarball is cached outside the clone, in
#                        $BERTH_CACHE (default /var/cache/berth/debian-bookworm-<recipe>.tar).
# berth/tools:2          Berth's toolset under /.berth: busybox (static), relay (tools/berth-relay.c,
#                        gcc -static: TCP for `ssh -L`, the SSH agent socket), libexec/sftp-server
#                        (Debian's openssh-sftp-server) with its shared libraries and the glibc
#                        loader in lib/. Berth copies it into the read-only volume berth-tools-2
#                        mounted in every workspace, so its own plumbing (the idle command, SSH
#                        forwarding, SFTP) needs nothing from the template image.
# berth/static:test      only /tini (tini-static from Debian's tini): no shell, no coreutils, no
#                        /etc/passwd. Tests prove a workspace runs from such an image.
#   mirror         print the Debian mirror and security mirror debootstrap would use, and exit
# Environment: BERTH_DEBIAN_MIRROR, BERTH_DEBIAN_SECURITY_MIRROR (default: the machine's apt sources,
#              /etc/apt/sources.list and sources.list.d, one-line and deb822 formats).
# If no Docker engine answers, runs scripts/services.sh docker first.

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/apt-sources.sh
. "$BERTH_ROOT/scripts/apt-sources.sh"

IMAGE_BUSYBOX=berth/busybox:test
IMAGE_DEBIAN=berth/debian:bookworm
# Keep in step with TOOLS_IMAGE in libs/domain/src/docker-objects.ts.
IMAGE_TOOLS=berth/tools:2
IMAGE_STATIC=berth/static:test
# Bump when the Debian recipe changes, so the cached rootfs is rebuilt.
DEBIAN_RECIPE=v1
DEBIAN_TAR="$BERTH_CACHE/debian-bookworm-$DEBIAN_RECIPE.tar"
DEBIAN_ROOTFS="$BERTH_CACHE/debian-bookworm-rootfs"
DEBIAN_SUITE=bookworm
DEBIAN_PACKAGES=bash,git,ca-certificates,curl,sudo,procps,tini

FORCE=0
NO_CACHE=0
CLEANUP_DIRS=()

cleanup() {
  local d
  for d in "${CLEANUP_DIRS[@]}"; do
    unmount_under "$d"
    rm -rf --one-file-system "$d" 2>/dev/null || true
  done
}
trap cleanup EXIT

# unmount_under DIR : unmount anything left mounted below DIR (debootstrap's /proc, /sys).
unmount_under() {
  local m
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r)
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

ensure_docker() {
  if [[ -z "$(timeout 15 docker info --format '{{.ServerVersion}}' 2>/dev/null || true)" ]]; then
    "$BERTH_ROOT/scripts/services.sh" docker || exit 1
  fi
}

# docker_import IMAGE CHANGE... : import the tar stream on stdin as IMAGE with these --change lines.
docker_import() {
  local image=$1; shift
  local changes=("$@")
  local args=() c old new
  for c in "${changes[@]}"; do args+=(-c "$c"); done
  old=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  docker import "${args[@]}" - "$image" >>"$BERTH_LOGS/images.log" 2>&1 || return 1
  # After --force, drop the replaced image unless a container still uses it.
  new=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  if [[ -n "$old" && "$old" != "$new" ]]; then
    docker image rm "$old" >/dev/null 2>&1 || true
  fi
}

# ---------------------------------------------------------------------------- busybox

build_busybox() {
  if [[ $FORCE == 0 ]] && image_exists "$IMAGE_BUSYBOX"; then
    vlog "$IMAGE_BUSYBOX exists"; return 0
  fi
  lock image-busybox
  if [[ $FORCE == 0 ]] && image_exists "$IMAGE_BUSYBOX"; then return 0; fi
  busybox_static_ok || apt_install busybox-static
  busybox_static_ok || die "cannot build $IMAGE_BUSYBOX: /bin/busybox is not a static binary (is the busybox package installed instead of busybox-static?)"

  local t0 r path name
  t0=$(now)
  log "building $IMAGE_BUSYBOX"
  r=$(mktemp -d "$BERTH_RUN/busybox-rootfs.XXXXXX")
  CLEANUP_DIRS+=("$r")
  mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,home/dev,proc,sys,dev,var/tmp}
  cp /bin/busybox "$r/bin/busybox"
  # Every applet: a link in /bin, plus one at busybox's own location (e.g. /usr/bin/env).
  while read -r path; do
    [[ "$path" == */* ]] || continue
    name=${path##*/}
    [[ -e "$r/bin/$name" || -L "$r/bin/$name" ]] || ln -s busybox "$r/bin/$name"
    [[ -e "$r/$path" || -L "$r/$path" ]] || ln -s /bin/busybox "$r/$path"
  done < <(/bin/busybox --list-full)
  [[ -L "$r/bin/sh" ]] || die "cannot build $IMAGE_BUSYBOX: busybox --list-full did not list sh"

  cat >"$r/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
dev:x:1000:1000:dev:/home/dev:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
  cat >"$r/etc/group" <<'GROUP'
root:x:0:
dev:x:1000:
nogroup:x:65534:
GROUP
  chmod 1777 "$r/tmp" "$r/var/tmp"
  chmod 700 "$r/root"
  chown 1000:1000 "$r/home/dev"

  tar --numeric-owner -C "$r" -c . | docker_import "$IMAGE_BUSYBOX" \
    'CMD ["sleep","3600"]' 'ENV PATH=/bin:/usr/bin:/sbin:/usr/sbin' ||
    die "cannot build $IMAGE_BUSYBOX: docker import failed: $(tail -n 1 "$BERTH_LOGS/images.log") (see .berth/logs/images.log)"
  log "built $IMAGE_BUSYBOX in $(elapsed "$t0") ($(/bin/busybox --list | wc -l) applets)"
}

# ---------------------------------------------------------------------------- debian

debootstrap_fail() {
  local logf="$BERTH_LOGS/debootstrap.log" reason
  reason=$(grep -E '^(E|W): ' "$logf" | tail -n 1 || true)
  die "cannot build $IMAGE_DEBIAN: debootstrap failed: ${reason:-$(tail -n 1 "$logf")} (see .berth/logs/debootstrap.log)"
}

# Create the rootfs tarball $DEBIAN_TAR with debootstrap.
make_debian_rootfs() {
  local r=$DEBIAN_ROOTFS logf="$BERTH_LOGS/debootstrap.log" t0 mirror security
  mirror=$(debian_mirror "$DEBIAN_SUITE") ||
    die "cannot build $IMAGE_DEBIAN: no Debian mirror for $DEBIAN_SUITE in ${BERTH_APT_ETC:-/etc/apt}/sources.list(.d) (set BERTH_DEBIAN_MIRROR)"
  security=$(debian_security_mirror "$DEBIAN_SUITE")
  apt_install debootstrap
  # Leftovers of an interrupted run.
  if [[ -e "$r" ]]; then
    unmount_under "$r"
    rm -rf --one-file-system "$r"
  fi
  CLEANUP_DIRS+=("$r")
  mkdir -p "$BERTH_CACHE/debootstrap-debs"
  t0=$(now)
  log "debootstrap $DEBIAN_SUITE from $mirror (about a minute; log in .berth/logs/debootstrap.log)"
  printf '\n==== berth: debootstrap at %s\n' "$(date -Is)" >>"$logf"
  run_unlocked debootstrap --variant=minbase --include="$DEBIAN_PACKAGES" \
    --cache-dir="$BERTH_CACHE/debootstrap-debs" \
    "$DEBIAN_SUITE" "$r" "$mirror" >>"$logf" 2>&1 </dev/null || debootstrap_fail
  unmount_under "$r"
  log "debootstrap done in $(elapsed "$t0")"

  # The dev user with passwordless sudo.
  chroot "$r" groupadd -g 1000 dev >>"$logf" 2>&1 ||
    die "cannot build $IMAGE_DEBIAN: groupadd dev failed in the rootfs (see .berth/logs/debootstrap.log)"
  chroot "$r" useradd -m -u 1000 -g 1000 -s /bin/bash -d /home/dev dev >>"$logf" 2>&1 ||
    die "cannot build $IMAGE_DEBIAN: useradd dev failed in the rootfs (see .berth/logs/debootstrap.log)"
  printf 'dev ALL=(ALL) NOPASSWD:ALL\n' >"$r/etc/sudoers.d/dev"
  chmod 0440 "$r/etc/sudoers.d/dev"

  # Full apt sources for users of the image (the same mirrors as this machine's), then drop caches
  # and lists.
  {
    printf 'deb %s %s main\n' "$mirror" "$DEBIAN_SUITE" "$mirror" "$DEBIAN_SUITE-updates"
    [[ -z "$security" ]] || printf 'deb %s %s main\n' "$security" "$DEBIAN_SUITE-security"
  } >"$r/etc/apt/sources.list"
  rm -f "$r/etc/apt/sources.list.d/debian.sources"
  chroot "$r" apt-get clean >>"$logf" 2>&1 || true
  rm -rf "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/*.bin "$r"/var/cache/apt/archives/*.deb \
         "$r"/var/cache/debconf/*-old "$r"/var/lib/dpkg/*-old "$r"/var/log/apt/* \
         "$r"/var/log/dpkg.log "$r"/var/log/alternatives.log "$r"/var/log/bootstrap.log
  # Docker provides these at run time; don't ship the build machine's.
  rm -f "$r/etc/hostname" "$r/etc/resolv.conf"
  : >"$r/etc/hostname"

  tar --numeric-owner -C "$r" -cf "$DEBIAN_TAR.tmp" . ||
    die "cannot build $IMAGE_DEBIAN: tar of the rootfs failed"
  mv "$DEBIAN_TAR.tmp" "$DEBIAN_TAR"
  rm -rf --one-file-system "$r"
}

build_debian() {
  if [[ $FORCE == 0 ]] && image_exists "$IMAGE_DEBIAN"; then
    vlog "$IMAGE_DEBIAN exists"; return 0
  fi
  lock image-debian
  if [[ $FORCE == 0 ]] && image_exists "$IMAGE_DEBIAN"; then return 0; fi
  local t0 t1
  t0=$(now)
  if [[ $NO_CACHE == 1 ]]; then rm -f "$DEBIAN_TAR"; fi
  if [[ ! -s "$DEBIAN_TAR" ]]; then
    make_debian_rootfs
  else
    log "reusing the cached rootfs $DEBIAN_TAR"
  fi
  t1=$(now)
  docker_import "$IMAGE_DEBIAN" \
    'CMD ["sleep","infinity"]' \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'ENV LANG=C.UTF-8' <"$DEBIAN_TAR" ||
    die "cannot build $IMAGE_DEBIAN: docker import failed: $(tail -n 1 "$BERTH_LOGS/images.log") (see .berth/logs/images.log)"
  log "built $IMAGE_DEBIAN in $(elapsed "$t0") (import $(elapsed "$t1"))"
}

# ---------------------------------------------------------------------------- tools, static

# one_file_image IMAGE SOURCE TARGET CHANGE... : an image holding only SOURCE at TARGET.
one_file_image() {
  local image=$1 source=$2 target=$3; shift 3
  local r
  r=$(mktemp -d "$BERTH_RUN/one-file-rootfs.XXXXXX")
  CLEANUP_DIRS+=("$r")
  mkdir -p "$r$(dirname "$target")"
  cp "$source" "$r$target"
  chmod 755 "$r$target"
  tar --numeric-owner -C "$r" -c . | docker_import "$image" "$@" ||
    die "cannot build $image: docker import failed: $(tail -n 1 "$BERTH_LOGS/images.log") (see .berth/logs/images.log)"
}

build_tools() {
  if [[ $FORCE == 0 ]] && image_exists "$IMAGE_TOOLS"; then vlog "$IMAGE_TOOLS exists"; return 0; fi
  lock image-tools
  busybox_static_ok || apt_install busybox-static
  busybox_static_ok || die "cannot build $IMAGE_TOOLS: /bin/busybox is not a static binary"
  local sftp=/usr/lib/openssh/sftp-server
  [[ -x $sftp ]] || apt_install openssh-sftp-server
  [[ -x $sftp ]] || die "cannot build $IMAGE_TOOLS: $sftp is missing (Debian package openssh-sftp-server)"
  [[ -f /usr/lib/x86_64-linux-gnu/libc.a ]] || apt_install gcc libc6-dev
  have gcc || die "cannot build $IMAGE_TOOLS: gcc is missing (Debian packages gcc libc6-dev)"
  local r
  r=$(mktemp -d "$BERTH_RUN/tools-rootfs.XXXXXX")
  CLEANUP_DIRS+=("$r")
  mkdir -p "$r/.berth/lib" "$r/.berth/libexec"
  cp /bin/busybox "$r/.berth/busybox"
  gcc -static -O2 -s -Wall -o "$r/.berth/relay" "$BERTH_ROOT/tools/berth-relay.c" >>"$BERTH_LOGS/images.log" 2>&1 ||
    die "cannot build $IMAGE_TOOLS: gcc -static tools/berth-relay.c failed (see .berth/logs/images.log)"
  cp "$sftp" "$r/.berth/libexec/sftp-server"
  # The dynamic sftp-server runs through the loader it was linked against, with only these
  # libraries (workspaces run it as /.berth/lib/ld-linux-x86-64.so.2 --library-path /.berth/lib).
  local lib
  while read -r lib; do
    cp -L "$lib" "$r/.berth/lib/$(basename "$lib")"
  done < <(LC_ALL=C ldd "$sftp" | grep -oE '/[^ ]+\.so[^ ]*')
  [[ -f "$r/.berth/lib/ld-linux-x86-64.so.2" ]] ||
    die "cannot build $IMAGE_TOOLS: sftp-server is not linked against /lib64/ld-linux-x86-64.so.2"
  chmod -R a+rX,go-w "$r/.berth"
  tar --numeric-owner --owner=0 --group=0 -C "$r" -c . | docker_import "$IMAGE_TOOLS" 'CMD ["/.berth/busybox","true"]' ||
    die "cannot build $IMAGE_TOOLS: docker import failed: $(tail -n 1 "$BERTH_LOGS/images.log") (see .berth/logs/images.log)"
  log "built $IMAGE_TOOLS"
}

build_static() {
  if [[ $FORCE == 0 ]] && image_exists "$IMAGE_STATIC"; then vlog "$IMAGE_STATIC exists"; return 0; fi
  lock image-static
  [[ -x /usr/bin/tini-static ]] || apt_install tini
  [[ -x /usr/bin/tini-static ]] || die "cannot build $IMAGE_STATIC: /usr/bin/tini-static is missing (Debian package tini)"
  one_file_image "$IMAGE_STATIC" /usr/bin/tini-static /tini 'CMD ["/tini","--version"]'
  log "built $IMAGE_STATIC"
}

# ---------------------------------------------------------------------------- main

main() {
  local want_busybox=0 want_debian=0 want_tools=0 want_static=0 arg
  for arg in "$@"; do
    case "$arg" in
      all) want_busybox=1; want_debian=1; want_tools=1; want_static=1 ;;
      busybox) want_busybox=1 ;;
      tools) want_tools=1 ;;
      static) want_static=1 ;;
      debian) want_debian=1 ;;
      --force) FORCE=1 ;;
      --no-cache) NO_CACHE=1 ;;
      mirror)
        printf 'mirror %s\nsecurity %s\n' "$(debian_mirror "$DEBIAN_SUITE" || echo none)" \
          "$(debian_security_mirror "$DEBIAN_SUITE" || true)"
        return 0 ;;
      -h|--help|help) sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2; return 0 ;;
      *) die "unknown argument '$arg' (try: all, busybox, debian, tools, static, mirror, --force, --no-cache)" ;;
    esac
  done
  if [[ $want_busybox == 0 && $want_debian == 0 && $want_tools == 0 && $want_static == 0 ]]; then
    want_busybox=1; want_debian=1; want_tools=1; want_static=1
  fi
  ensure_docker
  if [[ $want_busybox == 1 ]]; then build_busybox; fi
  if [[ $want_debian == 1 ]]; then build_debian; fi
  if [[ $want_tools == 1 ]]; then build_tools; fi
  if [[ $want_static == 1 ]]; then build_static; fi
}

main "$@"
