#!/usr/bin/env bash
# Installs from Debian what tukku needs and, unless called with `run`, what the test suite needs,
# when missing. tukku itself (`make run`): the cairo library (CairoSVG rasterises SVG logos with
# it) and xmlsec1 (pysaml2 signs and checks SAML messages with it). The tests (`make test`) also:
# PostgreSQL server binaries, jq, curl, Chromium for the browser tests (tests/browser; Playwright
# drives Debian's build, as its own browser downloads are not used), and Node.js with npm for the
# OpenID provider the single sign-on tests run (tests/oidc_provider, whose locked npm packages are
# then installed with `npm ci`).
# Idempotent; uses apt-get as root, or sudo when available.
set -euo pipefail

only_run=false
[ "${1:-}" = run ] && only_run=true

need=()
ldconfig -p 2>/dev/null | grep -q 'libcairo\.so\.2' || need+=(libcairo2)
command -v xmlsec1 >/dev/null 2>&1 || need+=(xmlsec1)
if ! $only_run; then
  command -v jq >/dev/null 2>&1 || need+=(jq)
  command -v curl >/dev/null 2>&1 || need+=(curl)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    need+=(postgresql)
  fi
  if ! getent passwd postgres >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    need+=(postgresql)
  fi
fi
run() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  run apt-get update -qq
  DEBIAN_FRONTEND=noninteractive run apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
$only_run && exit 0

provider="$(dirname "$0")/../tests/oidc_provider"
if [ ! -f "$provider/node_modules/oidc-provider/package.json" ]; then
  echo "installing the test OpenID provider's npm packages (tests/oidc_provider)"
  (cd "$provider" && npm ci --no-audit --no-fund --loglevel=error)
fi
