#!/usr/bin/env bash
# Sets everything up, seeds the demo database if there is none, and starts the dashboard.
# MONITOR_DB_URL chooses another database (then nothing is seeded; on PostgreSQL a SELECT-only role, see
# README "PostgreSQL reader role"); MONITOR_IMPORT_URL switches the 数据导入 page on; PORT the port (default 8501).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
if [ -z "${MONITOR_DB_URL:-}" ]; then
  # seeds data/monitor.db when missing or an older schema's demo database; keeps a current one
  [ -f data/monitor.db ] || echo "[start] 生成演示数据库 data/monitor.db"
  .venv/bin/python -m seed --if-needed
fi
# personal data and secrets: only this user may read them (files from older versions were 0644)
for f in data/monitor.db data/audit.db data/cookie_secret; do if [ -f "$f" ]; then chmod 600 "$f"; fi; done
echo "[start] 防返贫监测看板: http://localhost:${PORT:-8501}"
exec .venv/bin/python -m streamlit run dashboard/server.py --server.port "${PORT:-8501}" "$@"
