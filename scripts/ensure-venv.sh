#!/usr/bin/env bash
# Creates .venv with Python 3.11+ and installs tukku into it (with extras given as $1, e.g. "dev").
# Re-installs only when pyproject.toml changed since the last install.
set -euo pipefail

extras="${1:-}"
stamp=".venv/.installed${extras:+-$extras}"
python="${PYTHON:-$(command -v python3.11 || command -v python3)}"

if [ ! -x .venv/bin/python ]; then
  if ! "$python" -m venv .venv 2>/dev/null; then
    # Debian ships venv separately.
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq python3-venv; else sudo apt-get install -y -qq python3-venv; fi
    "$python" -m venv .venv
  fi
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".${extras:+[$extras]}"
  touch "$stamp"
fi
