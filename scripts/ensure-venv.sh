#!/usr/bin/env bash
# Creates .venv with Python 3.11+ and installs tukku into it from a hash-pinned lock:
# requirements/run.txt, or requirements/dev.txt when $1 is "dev" (the dev extra, which holds s3).
# Re-installs only when the lock, pyproject.toml or this script changed since the last install.
# With "bare" it only creates .venv (for `make lock`). The locks are made by `make lock`
# (docs/development.md).
set -euo pipefail

mode="${1:-run}"
case "$mode" in
  run) lock=requirements/run.txt ;;
  dev) lock=requirements/dev.txt ;;
  bare) lock= ;;
  *) echo "usage: $0 [run|dev|bare]" >&2; exit 2 ;;
esac
stamp=".venv/.installed-$mode"
python="${PYTHON:-$(command -v python3.11 || command -v python3)}"

if [ ! -x .venv/bin/python ]; then
  if ! "$python" -m venv .venv 2>/dev/null; then
    # Debian ships venv separately.
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq python3-venv; else sudo apt-get install -y -qq python3-venv; fi
    "$python" -m venv .venv
  fi
fi
[ -n "$lock" ] || exit 0
want="$(cat "$lock" pyproject.toml "$0" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  rm -f "$stamp"
  echo "installing $lock into .venv (pip --require-hashes)"
  # Every package at the pinned version with one of the pinned hashes; --no-deps: the lock is
  # already the whole tree, pip resolves nothing. pip, setuptools and wheel are in the lock too.
  .venv/bin/python -m pip install -q --require-hashes --no-deps -r "$lock"
  # The project itself, editable, built by the locked setuptools instead of a freshly fetched one.
  .venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
  echo "$want" > "$stamp"
fi
