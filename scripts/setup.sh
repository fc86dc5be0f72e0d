#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine (idempotent):
# Debian packages (Chromium, CJK fonts, PostgreSQL) and a virtualenv in .venv from the locked requirements
# (bash scripts/setup.sh --test: with the test tools, as scripts/test.sh does).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

DEBS=(chromium fonts-noto-cjk fonts-wqy-microhei poppler-utils postgresql nginx libreoffice-impress libreoffice-calc)
# wqy: TrueType CJK the PDFs embed; poppler: PDF tests; LibreOffice: the scheduled deck's PDF and the
# rendered-artefact tests (installed without recommends, like the rest)
missing=()
for p in "${DEBS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "[setup] apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "[setup] creating .venv"
  python3 -m venv .venv
fi
# The locks pin every package to an exact version with its hashes (compiled from requirements*.in by
# scripts/lock.sh): runtime only, or with --test the test tools too. Reinstalled only when a lock changed.
locks=(requirements.txt)
[ "${1:-}" = "--test" ] && locks+=(requirements-test.txt)
stamp=.venv/.requirements.sha
want="$(cat "${locks[@]}" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "[setup] pip install --require-hashes ${locks[*]/#/-r }"
  # (the machine's pip.conf names local package folders that may not exist: drop those warnings)
  quiet() { "$@" 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }; }
  quiet .venv/bin/pip install -q --require-hashes "${locks[@]/#/-r}"
  echo "$want" > "$stamp"
fi
echo "[setup] ready"
