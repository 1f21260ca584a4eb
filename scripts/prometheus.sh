#!/usr/bin/env bash
# Prometheus for the metrics test (Debian's `prometheus` package), installed when missing. Starts
# nothing: the test runs its own server on loopback with a configuration of its own.
#
# Usage: scripts/prometheus.sh      prints the path of the prometheus binary on stdout

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! have prometheus; then
  apt_install prometheus
  have prometheus || die "cannot use Prometheus: the prometheus package is installed but has no prometheus binary on PATH"
fi
command -v prometheus
