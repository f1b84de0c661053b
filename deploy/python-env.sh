#!/usr/bin/env bash
# Creates .venv and installs the whole workspace from the one lock.
# Idempotent: a stamp keyed on the lock's hash makes the second run a no-op.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
lock_hash=$(cat requirements.lock schemas/pyproject.toml libs/streaming/pyproject.toml services/*/pyproject.toml | sha256sum | cut -c1-16)
stamp=.venv/.tanggap-installed-$lock_hash
if [ -f "$stamp" ]; then
  exit 0
fi
if ! command -v uv >/dev/null 2>&1 && [ ! -x .venv/bin/uv ]; then
  "$PY" -m pip install --quiet --disable-pip-version-check 'uv>=0.4'
fi
UV=$(command -v uv || echo .venv/bin/uv)
[ -x .venv/bin/python ] || "$UV" venv --quiet --python "$PY" .venv
# uv caches wheels in ~/.cache/uv, so a warm machine installs from the cache.
VIRTUAL_ENV=$PWD/.venv "$UV" pip sync --quiet requirements.lock
rm -f .venv/.tanggap-installed-*
touch "$stamp"
echo "python env ready: .venv"
