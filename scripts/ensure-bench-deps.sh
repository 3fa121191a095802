#!/usr/bin/env bash
# Installs what `make bench` needs beyond the test suite's dependencies: the compiled HTTP load
# generator `wrk` (Debian package wrk), when missing. Idempotent; uses apt-get as root, or sudo.
set -euo pipefail

command -v wrk >/dev/null 2>&1 && exit 0

run() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
echo "installing: wrk"
run apt-get update -qq
DEBIAN_FRONTEND=noninteractive run apt-get install -y -qq --no-install-recommends wrk
