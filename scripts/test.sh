#!/usr/bin/env bash
# Runs the whole test suite (SQLite + PostgreSQL + headless Chromium). Extra arguments go to pytest.
# Skipped tests fail the run (tests/conftest.py); "no tests collected" (pytest exit 5) fails too.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh --test || exit $?

export BROWSER_PATH=/usr/bin/chromium
.venv/bin/python -m pytest -q -ra "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "[test] FAILED: pytest collected no tests (exit code 5)" >&2
fi
exit "$rc"
