#!/usr/bin/env bash
# Installs what the test suite needs from Debian when missing: PostgreSQL server binaries, jq, curl,
# the cairo library (CairoSVG rasterises SVG logos with it; tukku needs it at run time too),
# and Chromium for the browser tests (tests/browser; Playwright drives Debian's build, as its own
# browser downloads are not used).
# Idempotent; uses apt-get as root, or sudo when available.
set -euo pipefail

need=()
command -v jq >/dev/null 2>&1 || need+=(jq)
command -v curl >/dev/null 2>&1 || need+=(curl)
[ -x /usr/bin/chromium ] || need+=(chromium)
ldconfig -p 2>/dev/null | grep -q 'libcairo\.so\.2' || need+=(libcairo2)
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
if ! getent passwd postgres >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  need+=(postgresql)
fi
[ ${#need[@]} -eq 0 ] && exit 0

run() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
echo "installing: ${need[*]}"
run apt-get update -qq
DEBIAN_FRONTEND=noninteractive run apt-get install -y -qq --no-install-recommends "${need[@]}"
