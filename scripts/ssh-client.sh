#!/usr/bin/env bash
# Makes sure OpenSSH's client (ssh, scp, sftp, ssh-keygen) is on the machine (Debian's
# openssh-client): the SSH gateway tests and `berth ssh` use it. Idempotent: does nothing when
# it is already there. Ends with one clear error line when it cannot (no root, no apt, failed).

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if command -v ssh >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1; then
  vlog "openssh-client present: $(ssh -V 2>&1)"
  exit 0
fi

apt_install openssh-client
command -v ssh >/dev/null 2>&1 || die "cannot install openssh-client: the package is installed but ssh is missing (see .berth/logs/apt.log)"
vlog "openssh-client installed: $(ssh -V 2>&1)"
