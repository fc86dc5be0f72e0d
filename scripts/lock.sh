#!/usr/bin/env bash
# Recompiles the locks (requirements.txt, requirements-test.txt: exact versions with hashes) from
# requirements.in / requirements-test.in with pip-tools. The versions already in a lock are kept; to move
# to newer ones on purpose: scripts/lock.sh --upgrade (or --upgrade-package NAME), then run the tests.
# pip-tools runs from its own virtualenv (/tmp/piptools), not the project's .venv.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TOOLS="${PIPTOOLS_VENV:-/tmp/piptools}"
[ -x "$TOOLS/bin/pip-compile" ] || { python3 -m venv "$TOOLS" && "$TOOLS/bin/pip" install -q "pip-tools==7.6.2"; }
compile() { "$TOOLS/bin/pip-compile" -q --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
  --no-emit-find-links "$@"; }
compile -o requirements.txt requirements.in "$@"
compile -o requirements-test.txt requirements-test.in "$@"
