#!/usr/bin/env bash
# Makes sure a Chromium for the browser tests is at /usr/bin/chromium (Debian's package),
# installing it when missing. Idempotent: does nothing when it is already there.
# Ends with one clear error line when it cannot (no root, no apt, install failed).

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ -x /usr/bin/chromium ]]; then
  vlog "chromium present: $(/usr/bin/chromium --version 2>/dev/null || echo unknown version)"
  exit 0
fi

apt_install chromium
[[ -x /usr/bin/chromium ]] || die "cannot install chromium: the package is installed but /usr/bin/chromium is missing (see .berth/logs/apt.log)"
vlog "chromium installed: $(/usr/bin/chromium --version 2>/dev/null || echo unknown version)"
